package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;

import io.cachelab.engine.type.SetValue;
import io.cachelab.engine.type.ZSetValue;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.net.ReplyBufferSizing;
import io.cachelab.engine.persistence.Aof;
import io.cachelab.engine.type.HashValue;
import io.cachelab.engine.util.Dict;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.persistence.Persistence;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.util.Bytes;

/**
 * DEBUG subcommands that clients and Redis's own test harness rely on (SLEEP, LOG, OBJECT,
 * SET-ACTIVE-EXPIRE, RELOAD, ...). The dispatcher refuses it unless enable-debug-command allows it, as in Redis 7.
 */
final class DebugCommand {
    private DebugCommand() {
    }

    static void debug(Client c, byte[][] a) {
        String sub = Args.lower(a[1]);
        switch (sub) {
            case "sleep" -> sleep(c, a);
            case "log" -> {
                if (a.length < 3) throw RedisError.wrongArgs("debug");
                server(c).log().warning("DEBUG LOG: " + Args.str(a[2]));
                c.addOk();
            }
            case "populate" -> populate(c, a);
            case "replicate" -> {
                if (a.length < 3) throw RedisError.wrongArgs("debug");
                server(c).replication().feed(c.db().id(), java.util.Arrays.copyOfRange(a, 2, a.length));
                c.addOk();
            }
            case "change-repl-id" -> {
                server(c).log().warning("Changing replication IDs after receiving DEBUG change-repl-id");
                server(c).replication().changeReplicationId();
                c.addOk();
            }
            case "set-active-expire" -> {
                if (a.length < 3) throw RedisError.wrongArgs("debug");
                server(c).setActiveExpire(Args.toLong(a[2]) != 0);
                c.addOk();
            }
            case "object" -> object(c, a);
            case "reload" -> reload(c, a);
            case "digest" -> {
                if (a.length != 2) throw syntax(a);
                c.addSimple(DebugDigest.hex(new DebugDigest().dataset(server(c).databases())));
            }
            case "digest-value" -> {
                DebugDigest digest = new DebugDigest();
                c.addArrayLen(a.length - 2);
                for (int j = 2; j < a.length; j++) c.addSimple(DebugDigest.hex(digest.value(c.db(), new Bytes(a[j]))));
            }
            case "loadaof" -> loadAof(c, a);
            case "drop-cluster-packet-filter" -> {
                if (a.length != 3) throw syntax(a);
                if (server(c).cluster() != null) server(c).cluster().dropPackets((int) Args.toLong(a[2]));
                c.addOk();
            }
            case "clusterlink" -> clusterLink(c, a);
            case "jmap", "quicklist-packed-threshold", "set-skip-checksum-validation",
                 "stringmatch-len", "dict-resizing", "pause-cron" -> c.addOk();
            case "set-disable-deny-scripts" -> {
                if (a.length < 3) throw RedisError.wrongArgs("debug");
                server(c).scripting().setDenyScriptsDisabled(Args.toLong(a[2]) != 0);
                c.addOk();
            }
            case "protocol" -> DebugProtocol.reply(c, a);
            case "htstats-key" -> htstatsKey(c, a);
            case "replybuffer" -> replyBuffer(c, a);
            case "help" -> help(c, a);
            default -> throw syntax(a);
        }
    }

    /** DEBUG SLEEP: blocks the server for the given seconds. */
    private static void sleep(Client c, byte[][] a) {
        if (a.length < 3) throw RedisError.wrongArgs("debug");
        double secs = Args.toDouble(a[2]);
        try {
            Thread.sleep((long) (secs * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        c.addOk();
    }

    /** DEBUG OBJECT: the value's encoding, serialized length and LRU, as debug.c prints them. */
    /** DEBUG CLUSTERLINK KILL to|from|all node-id (debug.c), for the cluster suite's link tests. */
    private static void clusterLink(Client c, byte[][] a) {
        if (a.length != 5 || !Args.lower(a[2]).equals("kill")) throw syntax(a);
        if (server(c).cluster() == null) throw new RedisError("ERR Debug option only available for cluster mode enabled setup!");
        server(c).cluster().killLinks(Args.str(a[3]), Args.str(a[4]));
        c.addOk();
    }

    private static void object(Client c, byte[][] a) {
        if (a.length < 3) throw RedisError.wrongArgs("debug");
        // dictFind, as debug.c: a logically expired key is still shown, and stays
        RValue v = c.db().dict().get(new Bytes(a[2]));
        if (v == null) throw RedisError.NO_SUCH_KEY;
        long idle = server(c).eviction().idleSeconds(v);
        c.addSimple("Value at:0x" + Integer.toHexString(System.identityHashCode(v)) + " refcount:1 encoding:"
                + v.encoding() + " serializedlength:" + server(c).persistence().serializedLength(v) + " lru:" + (v.lru() & 0xffffff) + " lru_seconds_idle:" + idle);
    }

    /** DEBUG LOADAOF: reloads the AOF; a failure is an error reply where Redis exits. */
    private static void loadAof(Client c, byte[][] a) {
        Aof aof = server(c).aof();
        try {
            aof.reload();
        } catch (java.io.IOException | RuntimeException e) {
            // Redis exits here; an error reply keeps the engine up
            server(c).log().warning("DEBUG LOADAOF failed: " + e.getMessage());
            throw new RedisError("ERR Error loading the AOF file");
        }
        server(c).log().warning("Append Only File loaded by DEBUG LOADAOF");
        c.addOk();
    }

    /** DEBUG HTSTATS-KEY: the hash table statistics of a set, hash or skiplist sorted set. */
    private static void htstatsKey(Client c, byte[][] a) {
        if (a.length != 3) throw syntax(a);
        RValue v = c.db().lookupReadNoTouch(new Bytes(a[2]));
        if (v == null) throw RedisError.NO_SUCH_KEY;
        Dict<?, ?> table = null;
        if (v instanceof SetValue s) table = s.hashTable();
        else if (v instanceof HashValue h) table = h.hashTable();
        else if (v instanceof ZSetValue z && !z.isListpack()) table = z.dict();
        if (table == null) {
            throw new RedisError("ERR The value stored at the specified key is not represented using an hash table");
        }
        c.addVerbatim(table.stats());
    }

    /** DEBUG REPLYBUFFER PEAK-RESET-TIME|RESIZING: the reply buffer sizing knobs. */
    private static void replyBuffer(Client c, byte[][] a) {
        if (a.length != 4) throw syntax(a);
        if (Args.is(a[2], "peak-reset-time")) {
            if (Args.is(a[3], "never")) server(c).setReplyBufferPeakResetMs(-1);
            else if (Args.is(a[3], "reset")) server(c).setReplyBufferPeakResetMs(ReplyBufferSizing.DEFAULT_PEAK_RESET_MS);
            else server(c).setReplyBufferPeakResetMs(Args.toLong(a[3]));
        } else if (Args.is(a[2], "resizing")) {
            server(c).setReplyBufferResizing(atoi(a[3]) != 0);
        } else {
            throw syntax(a);
        }
        c.addOk();
    }

    /** DEBUG HELP. */
    private static void help(Client c, byte[][] a) {
        c.addHelp("DEBUG", "SLEEP <seconds>, LOG <message>, OBJECT <key>, SET-ACTIVE-EXPIRE <0|1>, PROTOCOL <type>");
    }

    /** C atoi: leading digits, 0 when there are none. */
    private static long atoi(byte[] b) {
        long v = 0;
        int i = 0;
        boolean neg = i < b.length && b[i] == '-';
        if (neg) i++;
        for (; i < b.length && b[i] >= '0' && b[i] <= '9'; i++) v = v * 10 + (b[i] - '0');
        return neg ? -v : v;
    }

    /** addReplySubcommandSyntaxError. */
    private static RedisError syntax(byte[][] a) {
        return new RedisError("ERR unknown subcommand or wrong number of arguments for '" + Args.str(a[1]) + "'. Try DEBUG HELP.");
    }

    /** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the keyspace, load the file back. */
    private static void reload(Client c, byte[][] a) {
        boolean flush = true;
        boolean save = true;
        boolean merge = false;
        for (int j = 2; j < a.length; j++) {
            if (Args.is(a[j], "merge")) merge = true;
            else if (Args.is(a[j], "noflush")) flush = false;
            else if (Args.is(a[j], "nosave")) save = false;
            else throw new RedisError("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
        }
        Persistence p = server(c).persistence();
        p.waitForBgsave();
        if (save && !p.save()) throw new RedisError("ERR");
        if (flush) {
            // emptyData: like FLUSHALL for WATCH, but not counted as changes
            for (Database d : server(c).databases()) {
                server(c).watches().touchAll(d, null);
                d.flush();
            }
            var scripting = server(c).scriptingIfStarted();
            if (scripting != null) scripting.functions().flush();
        }
        try {
            p.load(merge);
        } catch (java.io.IOException | RuntimeException e) {
            server(c).log().warning("DEBUG RELOAD failed: " + e.getMessage());
            throw new RedisError("ERR Error trying to load the RDB dump");
        }
        server(c).log().warning("DB reloaded by DEBUG RELOAD");
        c.addOk();
    }

    /** DEBUG PROTOCOL <type>: replies of each RESP3 type, used by client test suites. */
    static final class DebugProtocol {
        static void reply(Client c, byte[][] a) {
            if (a.length < 3) throw RedisError.wrongArgs("debug");
            switch (Args.lower(a[2])) {
                case "string" -> c.addBulk("Hello World");
                case "integer" -> c.addInteger(12345);
                case "double" -> c.addDouble(3.141);
                case "bignum" -> c.addBigNumber("1234567999999999999999999999999999999");
                case "null" -> c.addNull();
                case "array" -> {
                    c.addArrayLen(3);
                    for (int i = 0; i < 3; i++) c.addInteger(i);
                }
                case "set" -> {
                    c.addSetLen(3);
                    for (int i = 0; i < 3; i++) c.addInteger(i);
                }
                case "map" -> {
                    c.addMapLen(3);
                    for (int i = 0; i < 3; i++) {
                        c.addInteger(i);
                        c.addBool(i == 1);
                    }
                }
                case "true" -> c.addBool(true);
                case "false" -> c.addBool(false);
                case "verbatim" -> c.addVerbatim("This is a verbatim\nstring");
                case "attrib" -> {
                    // an attribute is not a reply: a real reply follows it (and RESP2 gets only that)
                    if (c.resp() >= 3) {
                        c.addAttributeLen(1);
                        c.addBulk("key-popularity");
                        c.addArrayLen(2);
                        c.addBulk("key:123");
                        c.addInteger(90);
                    }
                    c.addBulk("Some real reply following the attribute");
                }
                case "push" -> {
                    if (c.resp() < 3) throw new RedisError("ERR RESP2 is not supported by this command");
                    c.addPushLen(2);
                    c.addBulk("server-cpu-usage");
                    c.addInteger(42);
                    // a push is not the command's reply either: blocking clients wait for this one
                    c.addBulk("Some real reply following the push reply");
                }
                default -> throw new RedisError("ERR Wrong protocol type name. Please use one of the following: "
                        + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
            }
        }
    }

    /** DEBUG POPULATE count [prefix] [size]: key:N = value:N, existing keys skipped, nothing propagated (debug.c). */
    private static void populate(Client c, byte[][] a) {
        if (a.length < 3 || a.length > 5) throw RedisError.wrongArgs("debug");
        long keys = Args.toLong(a[2]);
        if (keys < 0) throw new RedisError("ERR value is out of range, must be positive");
        long size = 0;
        if (a.length == 5) {
            size = Args.toLong(a[4]);
            if (size < 0) throw new RedisError("ERR value is out of range, must be positive");
        }
        String prefix = a.length >= 4 ? new String(a[3], java.nio.charset.StandardCharsets.ISO_8859_1) : "key";
        for (long j = 0; j < keys; j++) {
            Bytes key = new Bytes((prefix + ":" + j).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            if (c.db().lookupWrite(key) != null) continue;
            byte[] v = ("value:" + j).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (size != 0) v = java.util.Arrays.copyOf(v, (int) size);
            c.db().add(key, io.cachelab.engine.type.StringValue.plain(v));
            c.db().signalModified(key);
        }
        // debug.c adds the keys without touching the dirty counter: replicas and the AOF never see them
        server(c).propagation().prevent();
        c.addOk();
    }
}
