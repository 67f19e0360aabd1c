package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.info.Stats;
import io.cachelab.engine.keyspace.LazyFree;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.util.Dict;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.StringValue;
import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.util.Glob;

import java.util.ArrayList;
import java.util.List;

/**
 * Generic key commands (db.c, expire.c, object.c): existence, deletion, types, TTLs, KEYS and SCAN,
 * RENAME/COPY/MOVE and OBJECT. TTLs are absolute millisecond deadlines in the database's expires
 * dictionary; EXPIRE with a time in the past deletes the key at once, as Redis does. RENAME and
 * MOVE move the value object itself (with its TTL and access clock); COPY duplicates it. Which
 * lookups update the access clock follows Redis: TOUCH and reads do, EXISTS/TYPE/TTL/OBJECT do not.
 */
public final class KeyCommands {
    private KeyCommands() {
    }

    static void register(Commands t) {
        t.bind("del", KeyCommands::del);
        t.bind("unlink", KeyCommands::del);
        t.bind("exists", KeyCommands::exists);
        t.bind("touch", KeyCommands::touch);
        t.bind("type", KeyCommands::type);
        t.bind("expire", (c, a) -> expire(c, a, System.currentTimeMillis(), 1000));
        t.bind("pexpire", (c, a) -> expire(c, a, System.currentTimeMillis(), 1));
        t.bind("expireat", (c, a) -> expire(c, a, 0, 1000));
        t.bind("pexpireat", (c, a) -> expire(c, a, 0, 1));
        t.bind("ttl", (c, a) -> ttl(c, a, false, false));
        t.bind("pttl", (c, a) -> ttl(c, a, true, false));
        t.bind("expiretime", (c, a) -> ttl(c, a, false, true));
        t.bind("pexpiretime", (c, a) -> ttl(c, a, true, true));
        t.bind("persist", KeyCommands::persist);
        t.bind("keys", KeyCommands::keys);
        t.bind("scan", KeyCommands::scan);
        t.bind("randomkey", (c, a) -> {
            Bytes k = c.db().randomKey();
            if (k == null) c.addNull();
            else c.addBulk(k);
        });
        t.bind("rename", (c, a) -> rename(c, a, false));
        t.bind("renamenx", (c, a) -> rename(c, a, true));
        t.bind("copy", KeyCommands::copy);
        t.bind("move", KeyCommands::move);
        CommandSpec object = t.container("object");
        object.sub("encoding", (c, a) -> {
            RValue v = objectLookup(c, a);
            if (v != null) c.addBulk(v.encoding());
        });
        object.sub("refcount", (c, a) -> {
            RValue v = objectLookup(c, a);
            if (v != null) c.addInteger(refcount(c, v));
        });
        object.sub("idletime", (c, a) -> {
            RValue v = objectLookup(c, a);
            if (v == null) return;
            if (server(c).eviction().lfu()) {
                throw new RedisError("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note "
                        + "that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
            }
            c.addInteger(server(c).eviction().idleSeconds(v));
        });
        object.sub("freq", (c, a) -> {
            RValue v = objectLookup(c, a);
            if (v == null) return;
            if (!server(c).eviction().lfu()) {
                throw new RedisError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
                        + "note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
            }
            c.addInteger(server(c).eviction().frequency(v));
        });
        object.sub("help", (c, a) -> {
            String[] lines = {"ENCODING <key>",
                "    Return the kind of internal representation used in order to store the value",
                "    associated with a <key>.",
                "FREQ <key>",
                "    Return the access frequency index of the <key>. The returned integer is",
                "    proportional to the logarithm of the recent access frequency of the key.",
                "IDLETIME <key>",
                "    Return the idle time of the <key>, that is the approximated number of",
                "    seconds elapsed since the last access to the key.",
                "REFCOUNT <key>",
                "    Return the number of references of the value associated with the specified",
                "    <key>."};
            c.addHelp("OBJECT", lines);
        });
    }

    private static void del(Client c, byte[][] a) {
        Database db = c.db();
        boolean lazy = Args.is(a[0], "unlink") || server(c).config().getBool("lazyfree-lazy-user-del");
        long n = 0;
        for (int i = 1; i < a.length; i++) {
            Bytes k = new Bytes(a[i]);
            RValue before = lazy ? db.dict().get(k) : null;
            if (db.delete(k)) {
                if (before != null && LazyFree.wouldFreeLazily(before)) server(c).stats().increment(Stats.Counter.LAZYFREED_OBJECTS);
                server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", k, db.id());
                n++;
            }
        }
        c.addInteger(n);
    }

    /** EXISTS counts hits and misses but, unlike TOUCH, leaves the access clock alone (LOOKUP_NOTOUCH). */
    private static void exists(Client c, byte[][] a) {
        long n = 0;
        for (int i = 1; i < a.length; i++) {
            if (c.db().lookupReadNoTouch(new Bytes(a[i])) != null) n++;
        }
        c.addInteger(n);
    }


    /** TOUCH: a read lookup per key, which updates the LRU/LFU clock OBJECT IDLETIME/FREQ report. */
    private static void touch(Client c, byte[][] a) {
        long n = 0;
        for (int i = 1; i < a.length; i++) {
            if (c.db().lookupRead(new Bytes(a[i])) != null) n++;
        }
        c.addInteger(n);
    }

    /** renameGenericCommand: the value object moves with its TTL; an overwritten target loses its own. */
    private static void rename(Client c, byte[][] a, boolean nx) {
        Database db = c.db();
        Bytes from = new Bytes(a[1]);
        Bytes to = new Bytes(a[2]);
        RValue v = db.lookupWrite(from);
        if (v == null) throw RedisError.NO_SUCH_KEY;
        if (from.equals(to)) {
            if (nx) c.addInteger(0);
            else c.addOk();
            return;
        }
        long expire = db.getExpire(from);
        if (db.lookupWrite(to) != null) {
            if (nx) {
                c.addInteger(0);
                return;
            }
            db.deleteRaw(to);
        }
        int clock = v.lru();
        db.add(to, v);
        v.setLru(clock);
        if (expire != -1) db.setExpire(to, expire);
        db.deleteRaw(from);
        db.signalModified(from);
        db.signalModified(to);
        server(c).addDirty(-1); // two keys signalled, one change (server.dirty++ once in Redis)
        server(c).notifyKeyspaceEvent(Notify.GENERIC, "rename_from", from, db.id());
        server(c).notifyKeyspaceEvent(Notify.GENERIC, "rename_to", to, db.id());
        if (nx) c.addInteger(1);
        else c.addOk();
    }

    /** selectDb's check for COPY ... DB and MOVE. */
    private static Database targetDb(Client c, byte[] arg) {
        int id = Args.toInt(arg);
        if (id < 0 || id >= server(c).databaseCount()) throw new RedisError("ERR DB index is out of range");
        return server(c).db(id);
    }

    private static final RedisError SAME_OBJECT = new RedisError("ERR source and destination objects are the same");

    private static void copy(Client c, byte[][] a) {
        Database src = c.db();
        Database dst = src;
        boolean replace = false;
        for (int j = 3; j < a.length; j++) {
            if (Args.is(a[j], "replace")) {
                replace = true;
            } else if (Args.is(a[j], "db") && j + 1 < a.length) {
                dst = targetDb(c, a[++j]);
            } else {
                throw RedisError.SYNTAX;
            }
        }
        Bytes key = new Bytes(a[1]);
        Bytes newKey = new Bytes(a[2]);
        if (src == dst && key.equals(newKey)) throw SAME_OBJECT;
        RValue v = src.lookupRead(key);
        if (v == null) {
            c.addInteger(0);
            return;
        }
        long expire = src.getExpire(key);
        boolean delete = false;
        if (dst.lookupWrite(newKey) != null) {
            if (!replace) {
                c.addInteger(0);
                return;
            }
            delete = true;
        }
        RValue copy = v.copy();
        if (delete) dst.deleteRaw(newKey);
        dst.add(newKey, copy);
        if (expire != -1) dst.setExpire(newKey, expire);
        dst.signalModified(newKey);
        server(c).notifyKeyspaceEvent(Notify.GENERIC, "copy_to", newKey, dst.id());
        c.addInteger(1);
    }

    private static void move(Client c, byte[][] a) {
        if (server(c).cluster() != null) throw new RedisError("ERR MOVE is not allowed in cluster mode");
        Database src = c.db();
        Database dst = targetDb(c, a[2]);
        if (src == dst) throw SAME_OBJECT;
        Bytes key = new Bytes(a[1]);
        RValue v = src.lookupWrite(key);
        if (v == null) {
            c.addInteger(0);
            return;
        }
        long expire = src.getExpire(key);
        if (dst.lookupWrite(key) != null) {
            c.addInteger(0);
            return;
        }
        int clock = v.lru();
        dst.add(key, v);
        v.setLru(clock);
        if (expire != -1) dst.setExpire(key, expire);
        src.deleteRaw(key);
        src.signalModified(key);
        dst.signalModified(key);
        server(c).addDirty(-1); // two keys signalled, one change (server.dirty++ once in Redis)
        server(c).notifyKeyspaceEvent(Notify.GENERIC, "move_from", key, src.id());
        server(c).notifyKeyspaceEvent(Notify.GENERIC, "move_to", key, dst.id());
        c.addInteger(1);
    }

    /** objectCommandLookupOrReply (LOOKUP_NOTOUCH|LOOKUP_NONOTIFY): counts hits and misses, nil for a missing key. */
    private static RValue objectLookup(Client c, byte[][] a) {
        RValue v = c.db().peek(new Bytes(a[2]));
        if (v == null) {
            server(c).stats().increment(Stats.Counter.KEYSPACE_MISSES);
            c.addNull();
        } else {
            server(c).stats().increment(Stats.Counter.KEYSPACE_HITS);
        }
        return v;
    }

    /**
     * Redis shares the objects for the integers 0..9999 (refcount INT_MAX) unless an LRU/LFU
     * maxmemory policy needs a clock per key; every other value has a single reference.
     */
    private static long refcount(Client c, RValue v) {
        if (v instanceof StringValue s && s.isIntEncoded() && StringCommands.isSharedInteger(c, s.parseLong())) {
            return Integer.MAX_VALUE;
        }
        return 1;
    }

    private static void type(Client c, byte[][] a) {
        RValue v = c.db().lookupReadNoTouch(new Bytes(a[1]));
        c.addSimple(v == null ? "none" : v.type().typeName());
    }

    private static void expire(Client c, byte[][] a, long base, long unit) {
        Bytes key = new Bytes(a[1]);
        String cmd = Args.lower(a[0]);
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        for (int i = 3; i < a.length; i++) {
            if (Args.is(a[i], "nx")) nx = true;
            else if (Args.is(a[i], "xx")) xx = true;
            else if (Args.is(a[i], "gt")) gt = true;
            else if (Args.is(a[i], "lt")) lt = true;
            else throw new RedisError("ERR Unsupported option " + Args.str(a[i]));
        }
        if (nx && (xx || gt || lt)) throw new RedisError("ERR NX and XX, GT or LT options at the same time are not compatible");
        if (gt && lt) throw new RedisError("ERR GT and LT options at the same time are not compatible");
        long when = Args.toLong(a[2]);
        long whenMs;
        try {
            whenMs = Math.addExact(Math.multiplyExact(when, unit), base);
        } catch (ArithmeticException e) {
            throw new RedisError("ERR invalid expire time in '" + cmd + "' command");
        }
        Database db = c.db();
        if (db.lookupWrite(key) == null) {
            c.addInteger(0);
            return;
        }
        long current = db.getExpire(key);
        if (nx && current != -1 || xx && current == -1) {
            c.addInteger(0);
            return;
        }
        if (gt && (current == -1 || whenMs <= current)) {
            c.addInteger(0);
            return;
        }
        if (lt && current != -1 && whenMs >= current) {
            c.addInteger(0);
            return;
        }
        // checkAlreadyExpired compares with the clock (mstime), not the script's frozen time: inside
        // a script EXPIRE k 0 deletes at once, as on Redis 7.0
        if (whenMs <= System.currentTimeMillis() && !server(c).isReplica()) {
            db.delete(key);
            server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", key, db.id());
        } else {
            db.setExpire(key, whenMs);
            db.signalModified(key);
            server(c).notifyKeyspaceEvent(Notify.GENERIC, "expire", key, db.id());
        }
        c.addInteger(1);
    }

    private static void ttl(Client c, byte[][] a, boolean ms, boolean absolute) {
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        if (db.lookupReadNoTouch(key) == null) {
            c.addInteger(-2);
            return;
        }
        long expire = db.getExpire(key);
        if (expire == -1) {
            c.addInteger(-1);
            return;
        }
        long ttl = absolute ? expire : expire - server(c).commandTimeMs();
        if (ttl < 0) ttl = 0;
        c.addInteger(ms ? ttl : (ttl + 500) / 1000);
    }

    private static void persist(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        if (db.lookupWrite(key) != null && db.removeExpire(key)) {
            db.signalModified(key);
            server(c).notifyKeyspaceEvent(Notify.GENERIC, "persist", key, db.id());
            c.addInteger(1);
        } else {
            c.addInteger(0);
        }
    }

    private static void keys(Client c, byte[][] a) {
        Database db = c.db();
        byte[] pattern = a[1];
        boolean all = pattern.length == 1 && pattern[0] == '*';
        int mark = c.addDeferredLen();
        long n = 0;
        for (Bytes k : db.dict().keys()) {
            if (!all && !Glob.matches(pattern, k.array(), false)) continue;
            if (db.isExpired(k)) continue;
            c.addBulk(k);
            n++;
        }
        c.setDeferredArrayLen(mark, n);
    }

    /** Parses a SCAN cursor: an unsigned 64-bit decimal. */
    public static long parseCursor(byte[] b) {
        if (b.length == 0 || b.length > 20) throw new RedisError("ERR invalid cursor");
        for (byte x : b) if (x < '0' || x > '9') throw new RedisError("ERR invalid cursor");
        try {
            return Long.parseUnsignedLong(new String(b, java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new RedisError("ERR invalid cursor");
        }
    }

    private static void scan(Client c, byte[][] a) {
        long cursor = parseCursor(a[1]);
        long count = 10;
        byte[] pattern = null;
        String type = null;
        for (int i = 2; i < a.length; i++) {
            int left = a.length - i - 1;
            if (Args.is(a[i], "count") && left >= 1) {
                count = Args.toLong(a[++i]);
                if (count < 1) throw RedisError.SYNTAX;
            } else if (Args.is(a[i], "match") && left >= 1) {
                pattern = a[++i];
                if (pattern.length == 1 && pattern[0] == '*') pattern = null;
            } else if (Args.is(a[i], "type") && left >= 1) {
                type = Args.lower(a[++i]);
            } else {
                throw RedisError.SYNTAX;
            }
        }
        Database db = c.db();
        Dict<Bytes, RValue> dict = db.dict();
        List<Bytes> found = new ArrayList<>();
        long maxIterations = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
        do {
            cursor = dict.scan(cursor, (k, v) -> found.add(k));
        } while (cursor != 0 && maxIterations-- > 0 && found.size() < count);
        List<Bytes> out = new ArrayList<>(found.size());
        for (Bytes k : found) {
            if (pattern != null && !Glob.matches(pattern, k.array(), false)) continue;
            if (type != null) {
                RValue v = dict.get(k);
                if (v == null || !v.type().typeName().equals(type)) continue;
            }
            if (db.expireIfNeeded(k)) continue;
            out.add(k);
        }
        c.addArrayLen(2);
        c.addBulk(Long.toUnsignedString(cursor));
        c.addArrayLen(out.size());
        for (Bytes k : out) c.addBulk(k);
    }
}
