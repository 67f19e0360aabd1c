package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.LongDouble;
import io.cachelab.engine.type.RType;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.StringValue;
import io.cachelab.engine.util.Bytes;

import java.nio.charset.StandardCharsets;

/**
 * String commands (t_string.c): GET/SET and their variants (GETSET, GETDEL, GETEX, MSETNX),
 * counters, ranges (GETRANGE, SETRANGE, APPEND, STRLEN) and LCS. Counters parse with Redis's
 * strict rules, so "010" or " 1" are not integers here either; INCRBYFLOAT computes in x87 long
 * double like Redis on x86-64 (type.LongDouble, shared with HINCRBYFLOAT) because replies show it.
 * Each write fires the keyspace event t_string.c fires, and only when something changed.
 */
public final class StringCommands {
    private static final byte[] EMPTY = new byte[0];

    private StringCommands() {
    }

    static void register(Commands t) {
        t.bind("get", StringCommands::get);
        t.bind("set", StringCommands::set);
        t.bind("setnx", StringCommands::setnx);
        t.bind("setex", (c, a) -> setex(c, a, 1000));
        t.bind("psetex", (c, a) -> setex(c, a, 1));
        t.bind("mget", StringCommands::mget);
        t.bind("mset", StringCommands::mset);
        t.bind("incr", (c, a) -> incrBy(c, a[1], 1));
        t.bind("decr", (c, a) -> incrBy(c, a[1], -1));
        t.bind("incrby", (c, a) -> incrBy(c, a[1], Args.toLong(a[2])));
        t.bind("decrby", (c, a) -> {
            long by = Args.toLong(a[2]);
            if (by == Long.MIN_VALUE) throw new RedisError("ERR decrement would overflow");
            incrBy(c, a[1], -by);
        });
        t.bind("append", StringCommands::append);
        t.bind("strlen", (c, a) -> {
            StringValue s = c.db().lookupRead(new Bytes(a[1]), RType.STRING);
            c.addInteger(s == null ? 0 : s.length());
        });
        t.bind("getset", StringCommands::getset);
        t.bind("getdel", StringCommands::getdel);
        t.bind("getex", StringCommands::getex);
        t.bind("msetnx", StringCommands::msetnx);
        t.bind("getrange", StringCommands::getrange);
        t.bind("substr", StringCommands::getrange);
        t.bind("setrange", StringCommands::setrange);
        t.bind("incrbyfloat", StringCommands::incrbyfloat);
        t.bind("lcs", StringCommands::lcs);
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
        String unit = null;
        byte[] expireArg = null;
        for (int i = 3; i < a.length; i++) {
            byte[] o = a[i];
            boolean hasNext = i + 1 < a.length;
            // as parseExtendedStringArgumentsOrReply: the same unit may repeat (the last wins),
            // two different units may not; the value is checked only after the syntax
            String asUnit = Args.is(o, "ex") ? "ex" : Args.is(o, "px") ? "px"
                    : Args.is(o, "exat") ? "exat" : Args.is(o, "pxat") ? "pxat" : null;
            if (Args.is(o, "nx") && !xx) nx = true;
            else if (Args.is(o, "xx") && !nx) xx = true;
            else if (Args.is(o, "get")) get = true;
            else if (Args.is(o, "keepttl") && unit == null) keepTtl = true;
            else if (asUnit != null && (unit == null || unit.equals(asUnit)) && !keepTtl && hasNext) {
                unit = asUnit;
                expireArg = a[++i];
            } else {
                throw RedisError.SYNTAX;
            }
        }
        long expireAt = unit == null ? -1 : expireDeadline(c, unit, expireArg, "set");
        Database db = c.db();
        RValue old = db.lookupWrite(key);
        if (get && old != null && old.type() != RType.STRING) throw RedisError.WRONGTYPE;
        if (nx && old != null || xx && old == null) {
            if (get) replyOld(c, old);
            else c.addNull();
            return;
        }
        if (get) replyOld(c, old);
        db.setOver(key, old, new StringValue(a[2]), keepTtl);
        server(c).notifyKeyspaceEvent(Notify.STRING, "set", key, db.id());
        if (expireAt >= 0) {
            db.setExpire(key, expireAt);
            server(c).notifyKeyspaceEvent(Notify.GENERIC, "expire", key, db.id());
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
        long now = server(c).commandTimeMs();
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
        server(c).notifyKeyspaceEvent(Notify.STRING, "set", key, db.id());
        c.addInteger(1);
    }

    private static void setex(Client c, byte[][] a, long unit) {
        Bytes key = new Bytes(a[1]);
        String cmd = Args.lower(a[0]);
        long deadline = expireDeadline(c, unit == 1000 ? "ex" : "px", a[2], cmd);
        Database db = c.db();
        db.set(key, new StringValue(a[3]));
        db.setExpire(key, deadline);
        server(c).notifyKeyspaceEvent(Notify.STRING, "set", key, db.id());
        server(c).notifyKeyspaceEvent(Notify.GENERIC, "expire", key, db.id());
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
            server(c).notifyKeyspaceEvent(Notify.STRING, "set", key, db.id());
        }
        c.addOk();
    }

    private static void incrBy(Client c, byte[] keyBytes, long by) {
        Bytes key = new Bytes(keyBytes);
        Database db = c.db();
        StringValue s = db.lookupWrite(key, RType.STRING);
        long cur = 0;
        if (s != null) {
            if (!s.holdsLong()) throw RedisError.NOT_INTEGER;
            cur = s.longValue();
        }
        long next;
        try {
            next = Math.addExact(cur, by);
        } catch (ArithmeticException e) {
            throw RedisError.OVERFLOW;
        }
        // s held a long (checked above), so its int encoding is a matter of how it was made
        if (s != null && (next < 0 || next >= 10000) && s.intEncodable() && !isSharedInteger(c, cur)) {
            s.setLong(next); // an unshared int object is updated in place, as Redis does
            db.signalModified(key);
            server(c).notifyKeyspaceEvent(Notify.STRING, "incrby", key, db.id());
            c.addIntegerDigits(s.array(), s.length()); // the digits just written, not formatted twice
            return;
        } else {
            StringValue nv = StringValue.ofLong(next);
            if (s == null) db.add(key, nv);
            else db.replaceValue(key, nv);
        }
        db.signalModified(key);
        server(c).notifyKeyspaceEvent(Notify.STRING, "incrby", key, db.id());
        c.addInteger(next);
    }

    /**
     * Whether Redis would hold this integer as one of its shared objects 0..9999 (refcount
     * INT_MAX, never edited in place): only without an LRU/LFU maxmemory policy in force.
     */
    public static boolean isSharedInteger(Client c, long v) {
        if (v < 0 || v >= 10000) return false;
        String policy = server(c).config().getString("maxmemory-policy");
        return server(c).config().getLong("maxmemory") == 0 || !(policy.contains("lru") || policy.contains("lfu"));
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
            if ((long) s.length() + a[2].length > server(c).config().getLong("proto-max-bulk-len")) {
                throw new RedisError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
            }
            s.append(a[2]);
            newLen = s.length();
        }
        db.signalModified(key);
        server(c).notifyKeyspaceEvent(Notify.STRING, "append", key, db.id());
        c.addInteger(newLen);
    }

    /** getGenericCommand: replies the value (or nil) and returns it; WRONGTYPE before any reply. */
    private static StringValue replyGet(Client c, Bytes key) {
        StringValue s = readString(c, key);
        if (s == null) c.addNull();
        else c.reply().bulk(s.array(), 0, s.length());
        return s;
    }

    private static void getset(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        replyGet(c, key);
        Database db = c.db();
        db.set(key, new StringValue(a[2]));
        server(c).notifyKeyspaceEvent(Notify.STRING, "set", key, db.id());
    }

    private static void getdel(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        if (replyGet(c, key) == null) return;
        Database db = c.db();
        if (db.delete(key)) server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", key, db.id());
    }

    /** GETEX: options parsed as parseExtendedStringArgumentsOrReply(COMMAND_GET) does. */
    private static void getex(Client c, byte[][] a) {
        String unit = null;
        byte[] expireArg = null;
        boolean persist = false;
        for (int i = 2; i < a.length; i++) {
            byte[] o = a[i];
            boolean hasNext = i + 1 < a.length;
            if (Args.is(o, "persist") && unit == null) {
                persist = true;
            } else if ((Args.is(o, "ex") || Args.is(o, "px") || Args.is(o, "exat") || Args.is(o, "pxat"))
                    && !persist && (unit == null || unit.equals(Args.lower(o))) && hasNext) {
                unit = Args.lower(o);
                expireArg = a[++i];
            } else {
                throw RedisError.SYNTAX;
            }
        }
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        StringValue s = readString(c, key);
        if (s == null) {
            c.addNull();
            return;
        }
        long deadline = expireArg == null ? -1 : expireDeadline(c, unit, expireArg, "getex");
        c.reply().bulk(s.array(), 0, s.length());
        if (deadline >= 0 && (unit.equals("exat") || unit.equals("pxat"))
                && deadline <= System.currentTimeMillis() && !server(c).isReplica()) {
            db.delete(key);
            server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", key, db.id());
        } else if (deadline >= 0) {
            db.setExpire(key, deadline);
            db.signalModified(key);
            server(c).notifyKeyspaceEvent(Notify.GENERIC, "expire", key, db.id());
        } else if (persist && db.removeExpire(key)) {
            db.signalModified(key);
            server(c).notifyKeyspaceEvent(Notify.GENERIC, "persist", key, db.id());
        }
    }

    private static void msetnx(Client c, byte[][] a) {
        if (a.length % 2 == 0) throw RedisError.wrongArgs("msetnx");
        Database db = c.db();
        for (int i = 1; i < a.length; i += 2) {
            if (db.lookupWrite(new Bytes(a[i])) != null) {
                c.addInteger(0);
                return;
            }
        }
        for (int i = 1; i < a.length; i += 2) {
            Bytes key = new Bytes(a[i]);
            db.set(key, new StringValue(a[i + 1]));
            server(c).notifyKeyspaceEvent(Notify.STRING, "set", key, db.id());
        }
        c.addInteger(1);
    }

    private static void getrange(Client c, byte[][] a) {
        long start = Args.toLong(a[2]);
        long end = Args.toLong(a[3]);
        StringValue s = readString(c, new Bytes(a[1]));
        if (s == null) {
            c.addBulk(EMPTY);
            return;
        }
        long len = s.length();
        if (start < 0 && end < 0 && start > end) {
            c.addBulk(EMPTY);
            return;
        }
        if (start < 0) start += len;
        if (end < 0) end += len;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= len) end = len - 1;
        if (start > end || len == 0) c.addBulk(EMPTY);
        else c.reply().bulk(s.array(), (int) start, (int) (end - start + 1));
    }

    /** checkStringLength: the result of growing a string must fit proto-max-bulk-len (and a Java array). */
    static void checkStringLength(Client c, long size, long append) {
        long total = size + append;
        long max = Math.min(server(c).config().getLong("proto-max-bulk-len"), Integer.MAX_VALUE - 8);
        if (total > max || total < 0) {
            throw new RedisError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        }
    }

    private static void setrange(Client c, byte[][] a) {
        long offset = Args.toLong(a[2]);
        if (offset < 0) throw new RedisError("ERR offset is out of range");
        byte[] value = a[3];
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        StringValue s = db.lookupWrite(key, RType.STRING);
        if (s == null) {
            if (value.length == 0) {
                c.addInteger(0);
                return;
            }
            checkStringLength(c, offset, value.length);
            s = StringValue.raw(new byte[0]);
            db.add(key, s);
        } else {
            if (value.length == 0) {
                c.addInteger(s.length());
                return;
            }
            checkStringLength(c, offset, value.length);
        }
        int end = (int) (offset + value.length);
        s.ensureLength(Math.max(end, s.length()));
        System.arraycopy(value, 0, s.buffer(), (int) offset, value.length);
        db.signalModified(key);
        server(c).notifyKeyspaceEvent(Notify.STRING, "setrange", key, db.id());
        c.addInteger(s.length());
    }

    /** INCRBYFLOAT: strtold, a long double sum and "%.17Lf" trimmed, as Redis on x86-64 (see {@link LongDouble}). */
    private static void incrbyfloat(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        StringValue s = db.lookupWrite(key, RType.STRING);
        LongDouble cur = LongDouble.ZERO;
        if (s != null) {
            Long asLong = s.parseLong();
            cur = asLong != null ? LongDouble.of(asLong) : LongDouble.parse(s.bytes());
            if (cur == null) throw RedisError.NOT_FLOAT;
        }
        LongDouble incr = LongDouble.parse(a[2]);
        if (incr == null) throw RedisError.NOT_FLOAT;
        LongDouble sum = cur.add(incr);
        if (sum == null || sum.isInfinite()) throw new RedisError("ERR increment would produce NaN or Infinity");
        byte[] out = sum.toHumanString().getBytes(StandardCharsets.US_ASCII);
        StringValue nv = StringValue.plain(out);
        if (s == null) db.add(key, nv);
        else db.replaceValue(key, nv);
        db.signalModified(key);
        server(c).notifyKeyspaceEvent(Notify.STRING, "incrbyfloat", key, db.id());
        c.addBulk(out);
    }

    /** LCS's options: LEN, IDX, MINMATCHLEN, WITHMATCHLEN. */
    private static final class LcsOptions {
        boolean getLen;
        boolean getIdx;
        boolean withMatchLen;
        long minMatchLen;

        LcsOptions(byte[][] a) {
            for (int j = 3; j < a.length; j++) {
                boolean more = j + 1 < a.length;
                if (Args.is(a[j], "idx")) {
                    getIdx = true;
                } else if (Args.is(a[j], "len")) {
                    getLen = true;
                } else if (Args.is(a[j], "withmatchlen")) {
                    withMatchLen = true;
                } else if (Args.is(a[j], "minmatchlen") && more) {
                    minMatchLen = Args.toLong(a[++j]);
                    if (minMatchLen < 0) minMatchLen = 0;
                } else {
                    throw RedisError.SYNTAX;
                }
            }
            if (getIdx && getLen) {
                throw new RedisError("ERR If you want both the length and indexes, please just use IDX.");
            }
        }
    }

    /** LCS: the classic dynamic-programming table, walked back to build the string and the match ranges. */
    private static void lcs(Client c, byte[][] a) {
        Database db = c.db();
        RValue oa = db.lookupRead(new Bytes(a[1]));
        RValue ob = db.lookupRead(new Bytes(a[2]));
        if (oa != null && oa.type() != RType.STRING || ob != null && ob.type() != RType.STRING) {
            throw new RedisError("ERR The specified keys must contain string values");
        }
        LcsOptions o = new LcsOptions(a);
        byte[] sa = oa == null ? EMPTY : ((StringValue) oa).array();
        byte[] sb = ob == null ? EMPTY : ((StringValue) ob).array();
        int alen = oa == null ? 0 : ((StringValue) oa).length();
        int blen = ob == null ? 0 : ((StringValue) ob).length();
        int[] t = lcsTable(c, sa, alen, sb, blen);
        int total = t[alen * (blen + 1) + blen];
        if (o.getIdx) {
            c.addMapLen(2);
            c.addBulk("matches");
            int mark = c.addDeferredLen();
            long ranges = lcsWalk(c, o, t, sa, alen, sb, blen, new byte[total]);
            c.setDeferredArrayLen(mark, ranges);
            c.addBulk("len");
            c.addInteger(total);
        } else if (o.getLen) {
            c.addInteger(total);
        } else {
            byte[] result = new byte[total];
            lcsWalk(null, o, t, sa, alen, sb, blen, result);
            c.addBulk(result);
        }
    }

    /** The LCS lengths of every pair of prefixes, (alen + 1) x (blen + 1), refused past proto-max-bulk-len. */
    private static int[] lcsTable(Client c, byte[] sa, int alen, byte[] sb, int blen) {
        long cells = (long) (alen + 1) * (blen + 1);
        if (cells * 4 > server(c).config().getLong("proto-max-bulk-len")) {
            throw new RedisError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        }
        if (cells > Integer.MAX_VALUE - 8) {
            throw new RedisError("ERR Insufficient memory, failed allocating transient memory for LCS");
        }
        int w = blen + 1;
        int[] t = new int[(int) cells];
        for (int i = 1; i <= alen; i++) {
            int row = i * w;
            int prev = row - w;
            byte ai = sa[i - 1];
            for (int j = 1; j <= blen; j++) {
                if (ai == sb[j - 1]) t[row + j] = t[prev + j - 1] + 1;
                else t[row + j] = Math.max(t[prev + j], t[row + j - 1]);
            }
        }
        return t;
    }

    /**
     * Walks the table back from its end, filling {@code result} with the common subsequence; with a client
     * (IDX) each match range is replied as it closes. Returns the number of ranges replied.
     */
    private static long lcsWalk(Client c, LcsOptions o, int[] t, byte[] sa, int alen, byte[] sb, int blen, byte[] result) {
        int w = blen + 1;
        int idx = result.length;
        long ranges = 0;
        int aStart = alen; // alen means "no range open"
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        int i = alen;
        int j = blen;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (sa[i - 1] == sb[j - 1]) {
                result[idx - 1] = sa[i - 1];
                if (aStart == alen) {
                    aStart = i - 1;
                    aEnd = i - 1;
                    bStart = j - 1;
                    bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) emit = true;
                idx--;
                i--;
                j--;
            } else {
                if (t[(i - 1) * w + j] > t[i * w + j - 1]) i--;
                else j--;
                if (aStart != alen) emit = true;
            }
            if (emit) {
                long matchLen = aEnd - aStart + 1;
                if (c != null && (o.minMatchLen == 0 || matchLen >= o.minMatchLen)) {
                    c.addArrayLen(o.withMatchLen ? 3 : 2);
                    c.addArrayLen(2);
                    c.addInteger(aStart);
                    c.addInteger(aEnd);
                    c.addArrayLen(2);
                    c.addInteger(bStart);
                    c.addInteger(bEnd);
                    if (o.withMatchLen) c.addInteger(matchLen);
                    ranges++;
                }
                aStart = alen;
            }
        }
        return ranges;
    }
}
