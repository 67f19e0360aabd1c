package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.dispatch.Slowlog;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.Numbers;

/** SLOWLOG GET/LEN/RESET (slowlog.c): entries of commands slower than slowlog-log-slower-than. */
final class SlowlogCommand {
    private SlowlogCommand() {
    }

    static void register(Commands t) {
        CommandSpec s = t.container("slowlog");
        s.sub("get", SlowlogCommand::get);
        s.sub("len", (c, a) -> c.addInteger(server(c).dispatcher().slowlog().entries().size()));
        s.sub("reset", (c, a) -> {
            server(c).dispatcher().slowlog().reset();
            c.addOk();
        });
        s.sub("help", (c, a) -> {
            String[] lines = {"GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:",
                "    id, timestamp, time in microseconds, arguments array, client IP and port,", "    client name",
                "LEN", "    Return the length of the slowlog.", "RESET", "    Reset the slowlog."};
            c.addHelp("SLOWLOG", lines);
        });
    }

    private static void get(Client c, byte[][] a) {
        long count = 10;
        if (a.length == 3) {
            Long n = Numbers.parseLongStrict(a[2]);
            if (n == null || n < -1) throw new RedisError("ERR count should be greater than or equal to -1");
            count = n == -1 ? Long.MAX_VALUE : n;
        } else if (a.length > 3) {
            throw RedisError.wrongArgs("slowlog|get");
        }
        var entries = server(c).dispatcher().slowlog().entries();
        long n = Math.min(count, entries.size());
        c.addArrayLen(n);
        int i = 0;
        for (Slowlog.Entry e : entries) {
            if (i++ >= n) break;
            c.addArrayLen(6);
            c.addInteger(e.id());
            c.addInteger(e.timestampSec());
            c.addInteger(e.micros());
            c.addArrayLen(e.argv().length);
            for (byte[] arg : e.argv()) c.addBulk(arg);
            c.addBulk(e.addr());
            c.addBulk(e.name());
        }
    }
}
