package io.cachelab.engine.sentinel;

import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.table.CommandTable;
import io.cachelab.engine.util.Glob;
import io.cachelab.engine.util.RedisError;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The commands of a Sentinel (sentinel.c: sentinelCommand, sentinelInfoCommand, sentinelRoleCommand,
 * sentinelPublishCommand): the table of Redis's sentinel mode — AUTH, CLIENT, HELLO, PING,
 * (P)SUBSCRIBE, PUBLISH, SENTINEL, ACL, COMMAND, INFO, ROLE, SHUTDOWN — where the shared ones keep
 * the server's handlers and SENTINEL, INFO, ROLE and PUBLISH are Sentinel's own.
 */
public final class SentinelCommands {
    private Sentinel sentinel;

    /** The sentinel-mode table over the server's handlers {@code server}. */
    public Commands table(Commands server) {
        Commands t = new Commands(CommandTable.sentinel());
        for (String name : List.of("auth", "client", "hello", "ping", "psubscribe", "punsubscribe", "subscribe",
                "unsubscribe", "acl", "command", "shutdown")) {
            t.rebind(server, name);
        }
        t.bind("info", (c, a) -> c.addVerbatim(SentinelInfo.render(sentinel, c, a)));
        t.bind("role", this::role);
        t.bind("publish", this::publish);
        CommandSpec s = t.container("sentinel");
        SentinelReplies.bind(s, this);
        return t;
    }

    public void attach(Sentinel sentinel) {
        this.sentinel = sentinel;
    }

    Sentinel sentinel() {
        return sentinel;
    }

    private void role(Client c, byte[][] a) {
        c.addArrayLen(2);
        c.addBulk("sentinel");
        c.addArrayLen(sentinel.masters.size());
        for (String name : sentinel.masters.keySet()) c.addBulk(name);
    }

    /** sentinelPublishCommand: only hellos, processed as if they came from the channel. */
    private void publish(Client c, byte[][] a) {
        if (!str(a[1]).equals(Sentinel.HELLO_CHANNEL)) throw new RedisError("ERR Only HELLO messages are accepted by Sentinel instances.");
        sentinel.hello.process(str(a[2]));
        c.addInteger(1);
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** down-after-milliseconds of a master applies to its replicas and Sentinels too. */
    static void setDownAfter(Instance m, long ms) {
        m.downAfterPeriod = ms;
        for (Instance s : m.slaves.values()) s.downAfterPeriod = ms;
        for (Instance s : m.sentinels.values()) s.downAfterPeriod = ms;
    }

    Instance master(String name) {
        Instance m = sentinel.masters.get(name);
        if (m == null) throw new RedisError("ERR No such master with that name");
        return m;
    }

    /** SENTINEL RESET's count of masters whose name matches. */
    int reset(String pattern) {
        int n = 0;
        for (Instance m : new ArrayList<>(sentinel.masters.values())) {
            if (!Glob.matches(pattern, m.name, false)) continue;
            sentinel.resetMaster(m, false, true);
            n++;
        }
        return n;
    }

    static void flushAndReply(Sentinel s, Client c) {
        if (s.flushConfig()) c.addOk();
        else c.addError("ERR Failed to save config file. Check server logs.");
    }
}
