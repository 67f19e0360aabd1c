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
        t.add("getset", 3, "write denyoom fast", 1, 1, 1, StringCommands::getset).group("string");
        t.add("getdel", 2, "write fast", 1, 1, 1, StringCommands::getdel).group("string");
        t.add("getex", -2, "write fast", 1, 1, 1, StringCommands::getex).group("string");
        t.add("msetnx", -3, "write denyoom", 1, -1, 2, StringCommands::msetnx).group("string");
        t.add("getrange", 4, "readonly", 1, 1, 1, StringCommands::getrange).group("string");
        t.add("substr", 4, "readonly", 1, 1, 1, StringCommands::getrange).group("string");
        t.add("setrange", 4, "write denyoom", 1, 1, 1, StringCommands::setrange).group("string");
        t.add("incrbyfloat", 3, "write denyoom fast", 1, 1, 1, StringCommands::incrbyfloat).group("string");
        t.add("lcs", -3, "readonly", 1, 2, 1, StringCommands::lcs).group("string");
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
        c.server().notifyKeyspaceEvent(Notify.STRING, "set", key, db.id());
    }

    private static void getdel(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        if (replyGet(c, key) == null) return;
        Database db = c.db();
        if (db.delete(key)) c.server().notifyKeyspaceEvent(Notify.GENERIC, "del", key, db.id());
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
                && deadline <= c.server().commandTimeMs() && !c.server().isReplica()) {
            db.delete(key);
            c.server().notifyKeyspaceEvent(Notify.GENERIC, "del", key, db.id());
        } else if (deadline >= 0) {
            db.setExpire(key, deadline);
            db.signalModified(key);
            c.server().notifyKeyspaceEvent(Notify.GENERIC, "expire", key, db.id());
        } else if (persist && db.removeExpire(key)) {
            db.signalModified(key);
            c.server().notifyKeyspaceEvent(Notify.GENERIC, "persist", key, db.id());
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
            c.server().notifyKeyspaceEvent(Notify.STRING, "set", key, db.id());
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

    private static final byte[] EMPTY = new byte[0];

    /** checkStringLength: the result of growing a string must fit proto-max-bulk-len (and a Java array). */
    static void checkStringLength(Client c, long size, long append) {
        long total = size + append;
        long max = Math.min(c.server().config().getLong("proto-max-bulk-len"), Integer.MAX_VALUE - 8);
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
        c.server().notifyKeyspaceEvent(Notify.STRING, "setrange", key, db.id());
        c.addInteger(s.length());
    }

    private static void incrbyfloat(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        StringValue s = db.lookupWrite(key, RType.STRING);
        java.math.BigDecimal cur = java.math.BigDecimal.ZERO;
        if (s != null) {
            cur = LongDouble.parse(s.array(), s.length());
            if (cur == null) throw RedisError.NOT_FLOAT;
        }
        java.math.BigDecimal incr = LongDouble.parse(a[2], a[2].length);
        if (incr == null) throw RedisError.NOT_FLOAT;
        java.math.BigDecimal sum = LongDouble.add(cur, incr);
        if (sum == null) throw new RedisError("ERR increment would produce NaN or Infinity");
        byte[] out = LongDouble.format(sum).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        StringValue nv = StringValue.plain(out);
        if (s == null) db.add(key, nv);
        else db.replaceValue(key, nv);
        db.signalModified(key);
        c.server().notifyKeyspaceEvent(Notify.STRING, "incrbyfloat", key, db.id());
        c.addBulk(out);
    }

    /** LCS: the classic dynamic-programming table, walked back to build the string and the match ranges. */
    private static void lcs(Client c, byte[][] a) {
        Database db = c.db();
        RValue oa = db.lookupRead(new Bytes(a[1]));
        RValue ob = db.lookupRead(new Bytes(a[2]));
        if (oa != null && oa.type() != RType.STRING || ob != null && ob.type() != RType.STRING) {
            throw new RedisError("ERR The specified keys must contain string values");
        }
        boolean getLen = false;
        boolean getIdx = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
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
        byte[] sa = oa == null ? EMPTY : ((StringValue) oa).array();
        byte[] sb = ob == null ? EMPTY : ((StringValue) ob).array();
        int alen = oa == null ? 0 : ((StringValue) oa).length();
        int blen = ob == null ? 0 : ((StringValue) ob).length();
        long cells = (long) (alen + 1) * (blen + 1);
        if (cells * 4 > c.server().config().getLong("proto-max-bulk-len")) {
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
        int total = t[alen * w + blen];
        boolean computeLcs = getIdx || !getLen;
        byte[] result = computeLcs ? new byte[total] : null;
        int idx = total;
        int mark = -1;
        long ranges = 0;
        if (getIdx) {
            c.addMapLen(2);
            c.addBulk("matches");
            mark = c.addDeferredLen();
        }
        int aStart = alen; // alen means "no range open"
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        int i = alen;
        int j = blen;
        while (computeLcs && i > 0 && j > 0) {
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
                if (mark >= 0 && (minMatchLen == 0 || matchLen >= minMatchLen)) {
                    c.addArrayLen(withMatchLen ? 3 : 2);
                    c.addArrayLen(2);
                    c.addInteger(aStart);
                    c.addInteger(aEnd);
                    c.addArrayLen(2);
                    c.addInteger(bStart);
                    c.addInteger(bEnd);
                    if (withMatchLen) c.addInteger(matchLen);
                    ranges++;
                }
                aStart = alen;
            }
        }
        if (mark >= 0) {
            c.setDeferredArrayLen(mark, ranges);
            c.addBulk("len");
            c.addInteger(total);
        } else if (getLen) {
            c.addInteger(total);
        } else {
            c.addBulk(result);
        }
    }

    /**
     * INCRBYFLOAT's arithmetic as Redis does it on x86-64: C long double (x87 80-bit extended,
     * 64-bit mantissa), parsed by strtold and printed with "%.17Lf" minus trailing zeros. Doing it
     * in Java doubles would answer 0.30000000000000004 where Redis answers 0.3, so values are kept
     * as exact BigDecimals rounded to the nearest 64-bit-mantissa binary number after every step.
     * Public so HINCRBYFLOAT can share it.
     */
    public static final class LongDouble {
        private static final int MANTISSA_BITS = 64;
        /** Exponent of the least significant mantissa bit of the smallest subnormal (2^-16445). */
        private static final int MIN_EXP = -16445;
        /** Values at or above 2^16384 overflow to infinity. */
        private static final int MAX_BITS = 16384;
        private static final int MAX_CHARS = 5 * 1024;
        /** Marker for an explicit "inf": any sum with it is NaN or infinite. */
        private static final java.math.BigDecimal INFINITE = new java.math.BigDecimal("1e99999");

        private LongDouble() {
        }

        /** string2ld: the exact value of the nearest long double, or null when Redis refuses the text. */
        public static java.math.BigDecimal parse(byte[] b, int len) {
            if (len == 0 || len >= MAX_CHARS) return null;
            int first = b[0] & 0xff;
            if (first == ' ' || (first >= '\t' && first <= '\r')) return null;
            int i = 0;
            boolean neg = false;
            if (b[i] == '+' || b[i] == '-') {
                neg = b[i] == '-';
                i++;
            }
            String rest = new String(b, i, len - i, java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase();
            if (rest.equals("inf") || rest.equals("infinity")) return INFINITE;
            java.math.BigDecimal exact = rest.startsWith("0x") ? parseHex(rest.substring(2)) : parseDecimal(rest);
            if (exact == null) return null;
            if (exact.signum() == 0) return java.math.BigDecimal.ZERO;
            java.math.BigDecimal rounded = round(exact);
            if (rounded == null || rounded.signum() == 0) return null; // ERANGE: overflow or underflow to 0
            return neg ? rounded.negate() : rounded;
        }

        private static java.math.BigDecimal parseDecimal(String s) {
            int n = s.length();
            int i = 0;
            StringBuilder digits = new StringBuilder();
            int fraction = 0;
            boolean any = false;
            while (i < n && Character.isDigit(s.charAt(i))) {
                digits.append(s.charAt(i++));
                any = true;
            }
            if (i < n && s.charAt(i) == '.') {
                i++;
                while (i < n && Character.isDigit(s.charAt(i))) {
                    digits.append(s.charAt(i++));
                    fraction++;
                    any = true;
                }
            }
            if (!any) return null;
            long exp = 0;
            if (i < n && s.charAt(i) == 'e') {
                i++;
                boolean eneg = false;
                if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) eneg = s.charAt(i++) == '-';
                if (i >= n) return null;
                while (i < n && Character.isDigit(s.charAt(i))) {
                    if (exp < 1_000_000_000L) exp = exp * 10 + (s.charAt(i) - '0');
                    i++;
                }
                if (eneg) exp = -exp;
            }
            if (i != n) return null;
            java.math.BigInteger unscaled = new java.math.BigInteger(digits.toString());
            if (unscaled.signum() == 0) return java.math.BigDecimal.ZERO;
            long scale = fraction - exp;
            // far outside the long double range: let round() see a clear overflow or underflow
            if (scale < -6000) return java.math.BigDecimal.ONE.scaleByPowerOfTen(6000);
            if (scale > 6000 + digits.length()) return java.math.BigDecimal.ONE.scaleByPowerOfTen(-6000);
            return new java.math.BigDecimal(unscaled, (int) scale);
        }

        private static java.math.BigDecimal parseHex(String s) {
            int n = s.length();
            int i = 0;
            java.math.BigInteger m = java.math.BigInteger.ZERO;
            long exp2 = 0;
            boolean any = false;
            while (i < n && Character.digit(s.charAt(i), 16) >= 0) {
                m = m.shiftLeft(4).add(java.math.BigInteger.valueOf(Character.digit(s.charAt(i++), 16)));
                any = true;
            }
            if (i < n && s.charAt(i) == '.') {
                i++;
                while (i < n && Character.digit(s.charAt(i), 16) >= 0) {
                    m = m.shiftLeft(4).add(java.math.BigInteger.valueOf(Character.digit(s.charAt(i++), 16)));
                    exp2 -= 4;
                    any = true;
                }
            }
            if (!any) return null;
            if (i < n && s.charAt(i) == 'p') {
                i++;
                boolean eneg = false;
                if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) eneg = s.charAt(i++) == '-';
                if (i >= n) return null;
                long e = 0;
                while (i < n && Character.isDigit(s.charAt(i))) {
                    if (e < 1_000_000L) e = e * 10 + (s.charAt(i) - '0');
                    i++;
                }
                exp2 += eneg ? -e : e;
            }
            if (i != n) return null;
            if (m.signum() == 0) return java.math.BigDecimal.ZERO;
            exp2 = Math.max(-40000, Math.min(40000, exp2));
            return times2(m, (int) exp2);
        }

        /** The exact sum rounded to long double, or null if it is infinite (or NaN). */
        public static java.math.BigDecimal add(java.math.BigDecimal x, java.math.BigDecimal y) {
            if (x == INFINITE || y == INFINITE) return null;
            java.math.BigDecimal sum = x.add(y);
            if (sum.signum() == 0) return java.math.BigDecimal.ZERO;
            return round(sum);
        }

        /** Round to nearest (ties to even) with a 64-bit mantissa; null on overflow. */
        static java.math.BigDecimal round(java.math.BigDecimal v) {
            boolean neg = v.signum() < 0;
            java.math.BigDecimal abs = v.abs();
            java.math.BigInteger num;
            java.math.BigInteger den;
            if (abs.scale() <= 0) {
                num = abs.unscaledValue().multiply(java.math.BigInteger.TEN.pow(-abs.scale()));
                den = java.math.BigInteger.ONE;
            } else {
                num = abs.unscaledValue();
                den = java.math.BigInteger.TEN.pow(abs.scale());
            }
            int e = num.bitLength() - den.bitLength() - MANTISSA_BITS;
            java.math.BigInteger[] qr = null;
            for (int tries = 0; tries < 4; tries++) {
                if (e < MIN_EXP) e = MIN_EXP;
                qr = divide(num, den, e);
                int bits = qr[0].bitLength();
                if (bits > MANTISSA_BITS) {
                    e += bits - MANTISSA_BITS;
                } else if (bits < MANTISSA_BITS && e > MIN_EXP) {
                    e -= MANTISSA_BITS - bits;
                } else {
                    break;
                }
            }
            java.math.BigInteger q = qr[0];
            java.math.BigInteger scaledDen = e >= 0 ? den.shiftLeft(e) : den;
            int cmp = qr[1].shiftLeft(1).compareTo(scaledDen);
            if (cmp > 0 || cmp == 0 && q.testBit(0)) q = q.add(java.math.BigInteger.ONE);
            if (q.signum() == 0) return java.math.BigDecimal.ZERO;
            if (q.bitLength() + e > MAX_BITS) return null;
            java.math.BigDecimal r = times2(q, e);
            return neg ? r.negate() : r;
        }

        /** floor(num / den * 2^-e) and the remainder (relative to den shifted when e > 0). */
        private static java.math.BigInteger[] divide(java.math.BigInteger num, java.math.BigInteger den, int e) {
            if (e >= 0) return num.divideAndRemainder(den.shiftLeft(e));
            return num.shiftLeft(-e).divideAndRemainder(den);
        }

        private static java.math.BigDecimal times2(java.math.BigInteger m, int e) {
            if (e >= 0) return new java.math.BigDecimal(m.shiftLeft(e));
            return new java.math.BigDecimal(m.multiply(java.math.BigInteger.valueOf(5).pow(-e)), -e);
        }

        /** ld2string LD_STR_HUMAN: "%.17Lf" without trailing zeros, "-0" as "0". */
        public static String format(java.math.BigDecimal v) {
            String s = v.setScale(17, java.math.RoundingMode.HALF_EVEN).toPlainString();
            if (s.indexOf('.') >= 0) {
                int end = s.length();
                while (s.charAt(end - 1) == '0') end--;
                if (s.charAt(end - 1) == '.') end--;
                s = s.substring(0, end);
            }
            return s.equals("-0") ? "0" : s;
        }
    }
}
