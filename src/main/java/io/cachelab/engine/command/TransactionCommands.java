package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Trait;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.Bytes;

/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH (multi.c). Commands are queued after MULTI; a queuing error
 * (unknown command, wrong arity) makes EXEC answer EXECABORT; a runtime error inside EXEC is just
 * that command's reply, nothing is rolled back. A touched WATCHed key makes EXEC answer null.
 */
final class TransactionCommands {
    private TransactionCommands() {
    }

    static void register(Commands t) {
        t.bind("multi", TransactionCommands::multi, Trait.TRANSACTION_CONTROL);
        t.bind("exec", TransactionCommands::exec, Trait.TRANSACTION_CONTROL, Trait.PROPAGATES_BY_EFFECTS);
        t.bind("discard", (c, a) -> {
            if (!c.multi().active()) throw new RedisError("ERR DISCARD without MULTI");
            c.multi().discard();
            server(c).watches().unwatchAll(c);
            c.addOk();
        }, Trait.TRANSACTION_CONTROL);
        t.bind("watch", TransactionCommands::watch, Trait.TRANSACTION_CONTROL);
        t.bind("unwatch", (c, a) -> {
            server(c).watches().unwatchAll(c);
            c.addOk();
        });
    }

    private static void multi(Client c, byte[][] a) {
        if (c.multi().active()) throw new RedisError("ERR MULTI calls can not be nested");
        c.multi().begin();
        c.addOk();
    }

    private static void watch(Client c, byte[][] a) {
        if (c.multi().active()) throw new RedisError("ERR WATCH inside MULTI is not allowed");
        for (int i = 1; i < a.length; i++) server(c).watches().watch(c, c.db(), new Bytes(a[i]));
        c.addOk();
    }

    private static void exec(Client c, byte[][] a) {
        if (!c.multi().active()) throw new RedisError("ERR EXEC without MULTI");
        var watches = server(c).watches();
        if (c.multi().execDirty()) {
            c.multi().discard();
            watches.unwatchAll(c);
            throw new RedisError("EXECABORT Transaction discarded because of previous errors.");
        }
        if (c.multi().casDirty() || watches.anyExpiredSinceWatch(c)) {
            c.multi().discard();
            watches.unwatchAll(c);
            c.addNullArray();
            return;
        }
        var queued = new java.util.ArrayList<>(c.multi().queued());
        c.multi().discard();
        watches.unwatchAll(c);
        c.addArrayLen(queued.size());
        c.multi().executing(true);
        try {
            for (byte[][] argv : queued) server(c).dispatcher().executeQueued(c, argv);
        } finally {
            c.multi().executing(false);
        }
    }
}
