package io.cachelab.engine.command;

import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.keyspace.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.RType;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.StringValue;
import io.cachelab.engine.util.Bytes;

/**
 * String commands (t_string.c): GET/SET and their variants, counters, APPEND and STRLEN. Counters
 * parse with Redis's strict rules, so "010" or " 1" are not integers here either.
 */
public final class StringCommands {
    private StringCommands() {
    }

    static void register(CommandTable t) {
        t.add("get", 2, "readonly fast", 1, 1, 1, StringCommands::get).group("string");
        t.add("set", -3, "write denyoom", 1, 1, 1, StringCommands::set).group("string");
        t.add("setnx", 3, "write denyoom fast", 1, 1, 1, StringCommands::setnx).group("string");
        t.add("setex", 4, "write denyoom", 1, 1, 1, (c, a) -> setex(c, a, 1000)).group("string");
        t.add("psetex", 4, "write denyoom", 1, 1, 1, (c, a) -> setex(c, a, 1)).group("string");
        t.add("mget", -2, "readonly fast", 1, -1, 1, StringCommands::mget).group("string");
        t.add("mset", -3, "write denyoom", 1, -1, 2, StringCommands::mset).group("string");
        t.add("incr", 2, "write denyoom fast", 1, 1, 1, (c, a) -> incrBy(c, a[1], 1)).group("string");
        t.add("decr", 2, "write denyoom fast", 1, 1, 1, (c, a) -> incrBy(c, a[1], -1)).group("string");
        t.add("incrby", 3, "write denyoom fast", 1, 1, 1, (c, a) -> incrBy(c, a[1], Args.toLong(a[2]))).group("string");
        t.add("decrby", 3, "write denyoom fast", 1, 1, 1, (c, a) -> {
            long by = Args.toLong(a[2]);
            if (by == Long.MIN_VALUE) throw new RedisError("ERR decrement would overflow");
            incrBy(c, a[1], -by);
        }).group("string");
        t.add("append", 3, "write denyoom fast", 1, 1, 1, StringCommands::append).group("string");
        t.add("strlen", 2, "readonly fast", 1, 1, 1, (c, a) -> {
            StringValue s = c.db().lookupRead(new Bytes(a[1]), RType.STRING);
            c.addInteger(s == null ? 0 : s.length());
        }).group("string");
    }

    /** The string at key for reading, or null; WRONGTYPE for other types. */
    public static StringValue readString(Client c, Bytes key) {
        return c.db().lookupRead(key, RType.STRING);
    }

    private static void get(Client c, byte[][] a) {
        StringValue s = readString(c, new Bytes(a[1]));
        if (s == null) c.addNull();
        else c.reply().bulk(s.bytes(), 0, s.length());
    }

    private static void set(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        boolean nx = false;
        boolean xx = false;
        boolean get = false;
        boolean keepTtl = false;
        long expireAt = -1;
        String unitSeen = null;
        for (int i = 3; i < a.length; i++) {
            byte[] o = a[i];
            boolean hasNext = i + 1 < a.length;
            if (Args.is(o, "nx") && !xx) nx = true;
            else if (Args.is(o, "xx") && !nx) xx = true;
            else if (Args.is(o, "get")) get = true;
            else if (Args.is(o, "keepttl") && unitSeen == null) keepTtl = true;
            else if ((Args.is(o, "ex") || Args.is(o, "px") || Args.is(o, "exat") || Args.is(o, "pxat"))
                    && unitSeen == null && !keepTtl && hasNext) {
                unitSeen = Args.lower(o);
                expireAt = expireDeadline(c, unitSeen, a[++i], "set");
            } else {
                throw RedisError.SYNTAX;
            }
        }
        Database db = c.db();
        RValue old = db.lookupWrite(key);
        if (get && old != null && old.type() != RType.STRING) throw RedisError.WRONGTYPE;
        if (nx && old != null || xx && old == null) {
            if (get) replyOld(c, old);
            else c.addNull();
            return;
        }
        if (get) replyOld(c, old);
        db.set(key, new StringValue(a[2]), keepTtl);
        c.server().notifyKeyspaceEvent(Notify.STRING, "set", key, db.id());
        if (expireAt >= 0) {
            db.setExpire(key, expireAt);
            c.server().notifyKeyspaceEvent(Notify.GENERIC, "expire", key, db.id());
        }
        if (!get) c.addOk();
    }

    private static void replyOld(Client c, RValue old) {
        if (old == null) c.addNull();
        else c.addBulk(((StringValue) old).bytes());
    }

    /** EX/PX/EXAT/PXAT argument to an absolute deadline in ms, with Redis's validation. */
    public static long expireDeadline(Client c, String unit, byte[] arg, String cmd) {
        long v = Args.toLong(arg);
        if (v <= 0) throw new RedisError("ERR invalid expire time in '" + cmd + "' command");
        long now = c.server().commandTimeMs();
        try {
            return switch (unit) {
                case "ex" -> Math.addExact(Math.multiplyExact(v, 1000L), now);
                case "px" -> Math.addExact(v, now);
                case "exat" -> Math.multiplyExact(v, 1000L);
                default -> v;
            };
        } catch (ArithmeticException e) {
            throw new RedisError("ERR invalid expire time in '" + cmd + "' command");
        }
    }

    private static void setnx(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        if (db.lookupWrite(key) != null) {
            c.addInteger(0);
            return;
        }
        db.set(key, new StringValue(a[2]));
        c.server().notifyKeyspaceEvent(Notify.STRING, "set", key, db.id());
        c.addInteger(1);
    }

    private static void setex(Client c, byte[][] a, long unit) {
        Bytes key = new Bytes(a[1]);
        String cmd = Args.lower(a[0]);
        long deadline = expireDeadline(c, unit == 1000 ? "ex" : "px", a[2], cmd);
        Database db = c.db();
        db.set(key, new StringValue(a[3]));
        db.setExpire(key, deadline);
        c.server().notifyKeyspaceEvent(Notify.STRING, "set", key, db.id());
        c.server().notifyKeyspaceEvent(Notify.GENERIC, "expire", key, db.id());
        c.addOk();
    }

    private static void mget(Client c, byte[][] a) {
        c.addArrayLen(a.length - 1);
        for (int i = 1; i < a.length; i++) {
            RValue v = c.db().lookupRead(new Bytes(a[i]));
            if (v instanceof StringValue s) c.reply().bulk(s.bytes(), 0, s.length());
            else c.addNull();
        }
    }

    private static void mset(Client c, byte[][] a) {
        if (a.length % 2 == 0) throw RedisError.wrongArgs("mset");
        Database db = c.db();
        for (int i = 1; i < a.length; i += 2) {
            Bytes key = new Bytes(a[i]);
            db.set(key, new StringValue(a[i + 1]));
            c.server().notifyKeyspaceEvent(Notify.STRING, "set", key, db.id());
        }
        c.addOk();
    }

    private static void incrBy(Client c, byte[] keyBytes, long by) {
        Bytes key = new Bytes(keyBytes);
        Database db = c.db();
        StringValue s = db.lookupWrite(key, RType.STRING);
        long cur = 0;
        if (s != null) {
            Long v = s.parseLong();
            if (v == null) throw RedisError.NOT_INTEGER;
            cur = v;
        }
        long next;
        try {
            next = Math.addExact(cur, by);
        } catch (ArithmeticException e) {
            throw RedisError.OVERFLOW;
        }
        StringValue nv = StringValue.ofLong(next);
        if (s == null) db.add(key, nv);
        else db.replaceValue(key, nv);
        db.signalModified(key);
        c.server().notifyKeyspaceEvent(Notify.STRING, "incrby", key, db.id());
        c.addInteger(next);
    }

    private static void append(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        StringValue s = db.lookupWrite(key, RType.STRING);
        long newLen;
        if (s == null) {
            db.add(key, new StringValue(a[2]));
            newLen = a[2].length;
        } else {
            if ((long) s.length() + a[2].length > c.server().config().getLong("proto-max-bulk-len")) {
                throw new RedisError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
            }
            s.append(a[2]);
            newLen = s.length();
        }
        db.signalModified(key);
        c.server().notifyKeyspaceEvent(Notify.STRING, "append", key, db.id());
        c.addInteger(newLen);
    }
}
