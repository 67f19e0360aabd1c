package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Trait;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.server.Server;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.pubsub.PubSub;

import java.util.ArrayList;
import java.util.List;

/**
 * Connection commands: PING, ECHO, HELLO, AUTH, SELECT, SWAPDB, QUIT, RESET. HELLO is the first
 * thing Lettuce sends (HELLO 3), so its reply map matches Redis 7's field for field.
 */
final class ConnectionCommands {
    static final String VERSION = Server.REDIS_VERSION;

    private ConnectionCommands() {
    }

    static void register(Commands t) {
        t.bind("ping", ConnectionCommands::ping, Trait.SUBSCRIBED_CONTEXT);
        t.bind("echo", (c, a) -> c.addBulk(a[1]));
        t.bind("hello", ConnectionCommands::hello);
        t.bind("auth", ConnectionCommands::auth);
        t.bind("select", ConnectionCommands::select);
        t.bind("swapdb", ConnectionCommands::swapdb);
        t.bind("quit", (c, a) -> {
            c.addOk();
            c.closeAfterReply();
        }, Trait.TRANSACTION_CONTROL, Trait.SUBSCRIBED_CONTEXT);
        t.bind("reset", ConnectionCommands::reset, Trait.TRANSACTION_CONTROL, Trait.SUBSCRIBED_CONTEXT);
        ClientCommand.register(t);
    }

    private static void ping(Client c, byte[][] a) {
        if (a.length > 2) throw RedisError.wrongArgs("ping");
        if (c.isSubscribed() && c.resp() == 2) {
            c.addArrayLen(2);
            c.addBulk("pong");
            c.addBulk(a.length == 2 ? a[1] : new byte[0]);
        } else if (a.length == 2) {
            c.addBulk(a[1]);
        } else {
            c.addSimple("PONG");
        }
    }

    private static void hello(Client c, byte[][] a) {
        int ver = c.resp();
        int i = 1;
        if (a.length >= 2) {
            Long v = Numbers.parseLongStrict(a[1]);
            if (v == null) throw new RedisError("ERR Protocol version is not an integer or out of range");
            if (v < 2 || v > 3) throw new RedisError("NOPROTO unsupported protocol version");
            ver = v.intValue();
            i = 2;
        }
        for (; i < a.length; i++) {
            int left = a.length - i - 1;
            if (Args.is(a[i], "auth") && left >= 2) {
                c.redactArgument(i + 1);
                c.redactArgument(i + 2);
                checkPassword(c, a[0], a[i + 1], a[i + 2]);
                i += 2;
            } else if (Args.is(a[i], "setname") && left >= 1) {
                String name = Args.str(a[i + 1]);
                ClientCommand.validateName(name);
                c.setName(name); // helloCommand names the client as it parses, before a later option can fail
                i += 1;
            } else {
                throw new RedisError("ERR Syntax error in HELLO option '" + Args.str(a[i]) + "'");
            }
        }
        if (server(c).acl().authRequired(c)) {
            throw new RedisError("NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                    + "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select "
                    + "the RESP protocol version at the same time");
        }
        c.setResp(ver);
        c.addMapLen(7);
        c.addBulk("server");
        c.addBulk("redis");
        c.addBulk("version");
        c.addBulk(VERSION);
        c.addBulk("proto");
        c.addInteger(ver);
        c.addBulk("id");
        c.addInteger(c.id);
        c.addBulk("mode");
        c.addBulk("standalone");
        c.addBulk("role");
        c.addBulk(server(c).isReplica() ? "replica" : "master");
        c.addBulk("modules");
        c.addArrayLen(0);
    }

    private static void checkPassword(Client c, byte[] command, byte[] user, byte[] pass) {
        if (!server(c).acl().authenticate(c, latin1(user), latin1(pass), latin1(command))) {
            throw new RedisError("WRONGPASS invalid username-password pair or user is disabled.");
        }
    }

    private static String latin1(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static void auth(Client c, byte[][] a) {
        if (a.length > 3) throw RedisError.SYNTAX;
        for (int j = 1; j < a.length; j++) c.redactArgument(j); // the password, and the user name with it
        if (a.length == 2 && server(c).acl().defaultUser().nopass()) {
            throw new RedisError("ERR AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?");
        }
        byte[] user = a.length == 3 ? a[1] : "default".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        checkPassword(c, a[0], user, a[a.length - 1]);
        c.addOk();
    }

    private static void select(Client c, byte[][] a) {
        Long idx = Numbers.parseLongStrict(a[1]);
        if (idx == null) throw RedisError.NOT_INTEGER;
        if (idx != 0 && server(c).cluster() != null) throw new RedisError("ERR SELECT is not allowed in cluster mode");
        if (idx < 0 || idx >= server(c).databaseCount()) throw new RedisError("ERR DB index is out of range");
        c.select(server(c).db(idx.intValue()));
        c.addOk();
    }

    private static void swapdb(Client c, byte[][] a) {
        // cluster mode has only DB 0 (swapdbCommand)
        if (server(c).cluster() != null) throw new RedisError("ERR SWAPDB is not allowed in cluster mode");
        Long x = Numbers.parseLongStrict(a[1]);
        if (x == null) throw new RedisError("ERR invalid first DB index");
        Long y = Numbers.parseLongStrict(a[2]);
        if (y == null) throw new RedisError("ERR invalid second DB index");
        Server s = server(c);
        if (x < 0 || x >= s.databaseCount() || y < 0 || y >= s.databaseCount()) {
            throw new RedisError("ERR DB index is out of range");
        }
        Database d1 = s.db(x.intValue());
        Database d2 = s.db(y.intValue());
        if (d1 != d2) {
            s.watches().touchAll(d1, d2);
            s.watches().touchAll(d2, d1);
            d1.swapWith(d2);
            // keys that now exist may wake clients blocked in either database
            for (Database d : List.of(d1, d2)) {
                for (var k : new ArrayList<>(d.dict().keys())) s.blocking().keyModified(d, k);
            }
        }
        // counted as a change even for a db with itself, as Redis does (so it is logged and replicated)
        s.addDirty(1);
        c.addOk();
    }

    static void reset(Client c, byte[][] a) {
        Server s = server(c);
        c.multi().discard();
        s.watches().unwatchAll(c);
        for (PubSub.Kind k : PubSub.Kind.values()) s.pubsub().unsubscribeAll(c, k, false);
        if (c.monitor()) {
            c.setMonitor(false);
            s.clientClosed(c); // drops it from the monitor list; other state is already reset
        }
        s.tracking().disable(c);
        c.select(s.db(0));
        c.setResp(2);
        c.setName("");
        c.setReplyMode(Client.ReplyMode.ON);
        c.setSkipNextReply(false);
        c.setNoEvict(false);
        c.setNoTouch(false);
        // clearClientConnectionState: back to the default user, authenticated only if it needs no password
        s.acl().initClient(c);
        c.addSimple("RESET");
    }
}
