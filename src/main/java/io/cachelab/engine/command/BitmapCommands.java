package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;

import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.type.RType;
import io.cachelab.engine.type.StringValue;
import io.cachelab.engine.util.Bytes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bitmap commands (bitops.c) over string values: bit 0 is the most significant bit of byte 0.
 * Reads never copy the value (they work on the live buffer up to its length, treating bytes past
 * the end as zero); writes grow the string only as far as the highest bit written, so a Bloom
 * filter of ~10 Mbit costs ~1.2 MB and SETBIT at 2^32-1 at most 512 MB, as in Redis.
 */
public final class BitmapCommands {
    private static final String BIT_OFFSET_ERR = "ERR bit offset is not an integer or out of range";
    private static final String BITFIELD_TYPE_ERR =
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    private static final long MIN_PROTO_MAX_BULK_LEN = 1024 * 1024;

    private enum Overflow { WRAP, SAT, FAIL }

    private BitmapCommands() {
    }

    static void register(Commands t) {
        t.bind("setbit", BitmapCommands::setbit);
        t.bind("getbit", BitmapCommands::getbit);
        t.bind("bitcount", BitmapCommands::bitcount);
        t.bind("bitpos", BitmapCommands::bitpos);
        t.bind("bitop", BitmapCommands::bitop);
        t.bind("bitfield", (c, a) -> bitfield(c, a, false));
        t.bind("bitfield_ro", (c, a) -> bitfield(c, a, true));
    }

    /**
     * getBitOffsetFromArgument: a bit offset, or with {@code #N} (BITFIELD only) N times the field
     * width; the byte it falls in must be below proto-max-bulk-len.
     */
    static long bitOffset(Client c, byte[] arg, boolean hashAllowed, int bits) {
        boolean hash = hashAllowed && bits > 0 && arg.length > 1 && arg[0] == '#';
        int off = hash ? 1 : 0;
        Long v = Numbers.parseLongStrict(arg, off, arg.length - off);
        if (v == null) throw new RedisError(BIT_OFFSET_ERR);
        long offset = v;
        if (hash) {
            long hi = Math.multiplyHigh(offset, bits);
            long lo = offset * bits;
            if (hi != 0 && hi != -1 || (hi < 0) != (lo < 0)) throw new RedisError(BIT_OFFSET_ERR);
            offset = lo;
        }
        // proto-max-bulk-len is at least 1 MB: below that the config lookup can be skipped
        if (offset < 0 || (offset >>> 3) >= MIN_PROTO_MAX_BULK_LEN && (offset >>> 3) >= maxBytes(c)) {
            throw new RedisError(BIT_OFFSET_ERR);
        }
        return offset;
    }

    private static long maxBytes(Client c) {
        return Math.min(server(c).config().getLong("proto-max-bulk-len"), Integer.MAX_VALUE - 8);
    }

    /**
     * lookupStringForBitCommand: the string at key, created or grown (zero-filled, raw) so that
     * {@code maxBit} is inside it. Returns whether it was created or grown in {@code dirty[0]}.
     */
    private static StringValue stringForBitWrite(Client c, Bytes key, long maxBit, boolean[] dirty) {
        Database db = c.db();
        int needed = (int) ((maxBit >>> 3) + 1);
        StringValue s = db.lookupWrite(key, RType.STRING);
        if (s == null) {
            s = StringValue.raw(new byte[needed]);
            db.add(key, s);
            dirty[0] = true;
        } else {
            dirty[0] = needed > s.length();
            s.ensureLength(Math.max(needed, s.length()));
        }
        return s;
    }

    private static void setbit(Client c, byte[][] a) {
        long offset = bitOffset(c, a[2], false, 0);
        Long on = Numbers.parseLongStrict(a[3]);
        if (on == null || (on & ~1L) != 0) throw new RedisError("ERR bit is not an integer or out of range");
        Bytes key = new Bytes(a[1]);
        boolean[] dirty = new boolean[1];
        StringValue s = stringForBitWrite(c, key, offset, dirty);
        byte[] buf = s.buffer();
        int index = (int) (offset >>> 3);
        int mask = 1 << (7 - (int) (offset & 7));
        int old = buf[index] & mask;
        if (dirty[0] || (old != 0) != (on == 1)) {
            buf[index] = (byte) (on == 1 ? buf[index] | mask : buf[index] & ~mask);
            Database db = c.db();
            db.signalModified(key);
            server(c).notifyKeyspaceEvent(Notify.STRING, "setbit", key, db.id());
        }
        c.addInteger(old != 0 ? 1 : 0);
    }

    private static void getbit(Client c, byte[][] a) {
        long offset = bitOffset(c, a[2], false, 0);
        StringValue s = c.db().lookupRead(new Bytes(a[1]), RType.STRING);
        if (s == null) {
            c.addInteger(0);
            return;
        }
        long index = offset >>> 3;
        int bit = index < s.length() ? (s.byteAt((int) index) >> (7 - (int) (offset & 7))) & 1 : 0;
        c.addInteger(bit);
    }

    /**
     * A BITCOUNT/BITPOS range made absolute and clamped, as Redis does: negative indexes count from
     * the end; in BIT units the bounds become byte offsets plus masks for the bits outside the range
     * in the first and last byte.
     */
    private static final class Span {
        long start;
        long end;
        int firstMask;
        int lastMask;

        static Span of(long start, long end, long totalBytes, boolean isBit) {
            long total = isBit ? totalBytes << 3 : totalBytes;
            Span sp = new Span();
            if (start < 0) start += total;
            if (end < 0) end += total;
            if (start < 0) start = 0;
            if (end < 0) end = 0;
            if (end >= total) end = total - 1;
            if (isBit && start <= end) {
                sp.firstMask = ~((1 << (8 - (int) (start & 7))) - 1) & 0xff;
                sp.lastMask = (1 << (7 - (int) (end & 7))) - 1;
                start >>= 3;
                end >>= 3;
            }
            sp.start = start;
            sp.end = end;
            return sp;
        }
    }

    private static boolean isBitUnit(byte[] arg) {
        if (Args.is(arg, "bit")) return true;
        if (Args.is(arg, "byte")) return false;
        throw RedisError.SYNTAX;
    }

    private static void bitcount(Client c, byte[][] a) {
        StringValue s = c.db().lookupRead(new Bytes(a[1]), RType.STRING);
        if (s == null) {
            c.addInteger(0);
            return;
        }
        byte[] p = s.array();
        long strlen = s.length();
        long start;
        long end;
        int firstMask = 0;
        int lastMask = 0;
        if (a.length == 4 || a.length == 5) {
            long total = strlen;
            start = Args.toLong(a[2]);
            end = Args.toLong(a[3]);
            if (start < 0 && end < 0 && start > end) {
                c.addInteger(0);
                return;
            }
            boolean isBit = a.length == 5 && isBitUnit(a[4]);
            Span span = Span.of(start, end, total, isBit);
            start = span.start;
            end = span.end;
            firstMask = span.firstMask;
            lastMask = span.lastMask;
        } else if (a.length == 2) {
            start = 0;
            end = strlen - 1;
        } else {
            throw RedisError.SYNTAX;
        }
        if (start > end) {
            c.addInteger(0);
            return;
        }
        long count = popcount(p, (int) start, (int) end + 1);
        if (firstMask != 0) count -= Integer.bitCount(p[(int) start] & firstMask);
        if (lastMask != 0) count -= Integer.bitCount(p[(int) end] & lastMask);
        c.addInteger(count);
    }

    /** Population count of p[from, to), eight bytes at a time. */
    static long popcount(byte[] p, int from, int to) {
        long count = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (p[i] & 0xffL) | (p[i + 1] & 0xffL) << 8 | (p[i + 2] & 0xffL) << 16 | (p[i + 3] & 0xffL) << 24
                    | (p[i + 4] & 0xffL) << 32 | (p[i + 5] & 0xffL) << 40 | (p[i + 6] & 0xffL) << 48
                    | (p[i + 7] & 0xffL) << 56;
            count += Long.bitCount(w);
        }
        for (; i < to; i++) count += Integer.bitCount(p[i] & 0xff);
        return count;
    }

    /**
     * redisBitpos: position of the first bit equal to {@code bit} in p[from, from+count), relative
     * to {@code from}; when looking for 0 and none is found, the first bit after the range (as if
     * the string were zero-padded); when looking for 1 and none is found, -1.
     */
    static long firstBit(byte[] p, int from, int count, int bit) {
        int skip = bit == 1 ? 0 : 0xff;
        for (int i = 0; i < count; i++) {
            int b = p[from + i] & 0xff;
            if (b != skip) {
                int x = bit == 1 ? b : ~b & 0xff;
                return (long) i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return bit == 1 ? -1 : (long) count * 8;
    }

    private static void bitpos(Client c, byte[][] a) {
        Long bitArg = Numbers.parseLongStrict(a[2]);
        if (bitArg == null) throw RedisError.NOT_INTEGER;
        if (bitArg != 0 && bitArg != 1) throw new RedisError("ERR The bit argument must be 1 or 0.");
        int bit = bitArg.intValue();
        StringValue s = c.db().lookupRead(new Bytes(a[1]), RType.STRING);
        if (s == null) {
            c.addInteger(bit == 1 ? -1 : 0);
            return;
        }
        byte[] p = s.array();
        long strlen = s.length();
        long start;
        long end;
        boolean endGiven = false;
        int firstMask = 0;
        int lastMask = 0;
        if (a.length >= 4 && a.length <= 6) {
            long total = strlen;
            start = Args.toLong(a[3]);
            boolean isBit = a.length == 6 && isBitUnit(a[5]);
            if (a.length >= 5) {
                end = Args.toLong(a[4]);
                endGiven = true;
            } else {
                end = isBit ? (total << 3) + 7 : total - 1;
            }
            Span span = Span.of(start, end, total, isBit);
            start = span.start;
            end = span.end;
            firstMask = span.firstMask;
            lastMask = span.lastMask;
        } else if (a.length == 3) {
            start = 0;
            end = strlen - 1;
        } else {
            throw RedisError.SYNTAX;
        }
        if (start > end) {
            c.addInteger(-1);
            return;
        }
        long bytes = end - start + 1;
        long pos = -1;
        byte[] one = new byte[1];
        found:
        {
            if (firstMask != 0) {
                int tmp = bit == 1 ? p[(int) start] & ~firstMask : p[(int) start] | firstMask;
                if (lastMask != 0 && bytes == 1) tmp = bit == 1 ? tmp & ~lastMask : tmp | lastMask;
                one[0] = (byte) tmp;
                pos = firstBit(one, 0, 1, bit);
                if (bytes == 1 || pos != -1 && pos != 8) break found;
                start++;
                bytes--;
            }
            long cur = bytes - (lastMask != 0 ? 1 : 0);
            if (cur > 0) {
                pos = firstBit(p, (int) start, (int) cur, bit);
                if (bytes == cur || pos != -1 && pos != cur << 3) break found;
                start += cur;
                bytes -= cur;
            }
            int tmp = bit == 1 ? p[(int) end] & ~lastMask : p[(int) end] | lastMask;
            one[0] = (byte) tmp;
            pos = firstBit(one, 0, 1, bit);
        }
        if (endGiven && bit == 0 && pos == bytes << 3) {
            c.addInteger(-1);
            return;
        }
        if (pos != -1) pos += start << 3;
        c.addInteger(pos);
    }

    private static void bitop(Client c, byte[][] a) {
        String op = Args.lower(a[1]);
        if (!op.equals("and") && !op.equals("or") && !op.equals("xor") && !op.equals("not")) throw RedisError.SYNTAX;
        if (op.equals("not") && a.length != 4) {
            throw new RedisError("ERR BITOP NOT must be called with a single source key.");
        }
        Database db = c.db();
        int n = a.length - 3;
        byte[][] src = new byte[n][];
        int[] len = new int[n];
        int maxLen = 0;
        for (int j = 0; j < n; j++) {
            StringValue s = db.lookupRead(new Bytes(a[j + 3]), RType.STRING);
            if (s == null) {
                src[j] = new byte[0];
                continue;
            }
            src[j] = s.array();
            len[j] = s.length();
            maxLen = Math.max(maxLen, len[j]);
        }
        Bytes target = new Bytes(a[2]);
        if (maxLen == 0) {
            if (db.delete(target)) server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", target, db.id());
            c.addInteger(0);
            return;
        }
        byte[] res = new byte[maxLen];
        switch (op) {
            case "not" -> {
                for (int i = 0; i < maxLen; i++) res[i] = (byte) ~src[0][i];
            }
            case "and" -> {
                System.arraycopy(src[0], 0, res, 0, len[0]);
                for (int j = 1; j < n; j++) {
                    for (int i = 0; i < maxLen; i++) res[i] &= i < len[j] ? src[j][i] : 0;
                }
            }
            default -> {
                boolean or = op.equals("or");
                System.arraycopy(src[0], 0, res, 0, len[0]);
                for (int j = 1; j < n; j++) {
                    byte[] b = src[j];
                    for (int i = 0; i < len[j]; i++) res[i] = (byte) (or ? res[i] | b[i] : res[i] ^ b[i]);
                }
            }
        }
        db.set(target, StringValue.raw(res));
        server(c).notifyKeyspaceEvent(Notify.STRING, "set", target, db.id());
        c.addInteger(maxLen);
    }

    private record FieldOp(int opcode, long offset, long value, Overflow overflow, int bits, boolean signed) {
        static final int GET = 0;
        static final int SET = 1;
        static final int INCRBY = 2;
    }

    private static void bitfield(Client c, byte[][] a, boolean readOnlyCommand) {
        List<FieldOp> ops = parseFieldOps(c, a);
        boolean readonly = true;
        long highestWrite = 0;
        for (FieldOp op : ops) {
            if (op.opcode != FieldOp.GET) {
                readonly = false;
                highestWrite = Math.max(highestWrite, op.offset + op.bits - 1);
            }
        }
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        StringValue s;
        boolean dirty = false;
        if (readonly) {
            s = db.lookupRead(key, RType.STRING);
        } else {
            if (readOnlyCommand) throw new RedisError("ERR BITFIELD_RO only supports the GET subcommand");
            boolean[] d = new boolean[1];
            s = stringForBitWrite(c, key, highestWrite, d);
            dirty = d[0];
        }
        c.addArrayLen(ops.size());
        long changes = 0;
        byte[] window = new byte[9];
        for (FieldOp op : ops) {
            if (op.opcode == FieldOp.GET) {
                getField(c, s, op, window);
            } else if (setField(c, s.buffer(), op, dirty)) {
                changes++;
            }
        }
        if (changes > 0) {
            db.signalModified(key);
            server(c).addDirty(changes - 1); // Redis counts every changed field
            server(c).notifyKeyspaceEvent(Notify.STRING, "setbit", key, db.id());
        }
    }

    /** The GET, SET, INCRBY and OVERFLOW operations, each with the overflow mode in force where it stands. */
    private static List<FieldOp> parseFieldOps(Client c, byte[][] a) {
        List<FieldOp> ops = new ArrayList<>();
        Overflow overflow = Overflow.WRAP;
        for (int j = 2; j < a.length; j++) {
            int rem = a.length - j - 1;
            byte[] sub = a[j];
            int opcode;
            if (Args.is(sub, "get") && rem >= 2) {
                opcode = FieldOp.GET;
            } else if (Args.is(sub, "set") && rem >= 3) {
                opcode = FieldOp.SET;
            } else if (Args.is(sub, "incrby") && rem >= 3) {
                opcode = FieldOp.INCRBY;
            } else if (Args.is(sub, "overflow") && rem >= 1) {
                byte[] kind = a[++j];
                if (Args.is(kind, "wrap")) overflow = Overflow.WRAP;
                else if (Args.is(kind, "sat")) overflow = Overflow.SAT;
                else if (Args.is(kind, "fail")) overflow = Overflow.FAIL;
                else throw new RedisError("ERR Invalid OVERFLOW type specified");
                continue;
            } else {
                throw RedisError.SYNTAX;
            }
            byte[] type = a[j + 1];
            boolean signed;
            if (type.length > 0 && type[0] == 'i') signed = true;
            else if (type.length > 0 && type[0] == 'u') signed = false;
            else throw new RedisError(BITFIELD_TYPE_ERR);
            Long bitsArg = Numbers.parseLongStrict(type, 1, type.length - 1);
            if (bitsArg == null || bitsArg < 1 || signed && bitsArg > 64 || !signed && bitsArg > 63) {
                throw new RedisError(BITFIELD_TYPE_ERR);
            }
            int bits = bitsArg.intValue();
            long offset = bitOffset(c, a[j + 2], true, bits);
            long value = opcode != FieldOp.GET ? Args.toLong(a[j + 3]) : 0;
            ops.add(new FieldOp(opcode, offset, value, overflow, bits, signed));
            j += opcode == FieldOp.GET ? 2 : 3;
        }
        return ops;
    }

    /** GET: the field's value; bits past the string's end read as zeros. */
    private static void getField(Client c, StringValue s, FieldOp op, byte[] window) {
        // copy up to 9 bytes so reads past the end see zeros
        Arrays.fill(window, (byte) 0);
        long first = op.offset >>> 3;
        if (s != null) {
            byte[] src = s.array();
            for (int i = 0; i < 9 && first + i < s.length(); i++) window[i] = src[(int) (first + i)];
        }
        long rel = op.offset - first * 8;
        long raw = getUnsigned(window, rel, op.bits);
        c.addInteger(op.signed ? signExtend(raw, op.bits) : raw);
    }

    /**
     * SET (replies the old value) or INCRBY (replies the new one) under the op's overflow mode; FAIL on
     * overflow replies null and writes nothing. True when it counts as a change.
     */
    private static boolean setField(Client c, byte[] buf, FieldOp op, boolean dirty) {
        long oldRaw = getUnsigned(buf, op.offset, op.bits);
        long oldVal = op.signed ? signExtend(oldRaw, op.bits) : oldRaw;
        long newVal;
        long reply;
        boolean overflowed;
        long[] limit = new long[1];
        if (op.opcode == FieldOp.INCRBY) {
            overflowed = op.signed
                    ? signedOverflow(oldVal, op.value, op.bits, op.overflow, limit) != 0
                    : unsignedOverflow(oldVal, op.value, op.bits, op.overflow, limit) != 0;
            newVal = overflowed ? limit[0] : oldVal + op.value;
            reply = newVal;
        } else {
            overflowed = op.signed
                    ? signedOverflow(op.value, 0, op.bits, op.overflow, limit) != 0
                    : unsignedOverflow(op.value, 0, op.bits, op.overflow, limit) != 0;
            newVal = overflowed ? limit[0] : op.value;
            reply = oldVal;
        }
        if (overflowed && op.overflow == Overflow.FAIL) {
            c.addNull();
            return false;
        }
        c.addInteger(reply);
        setUnsigned(buf, op.offset, op.bits, newVal);
        return dirty || oldVal != newVal;
    }

    private static long getUnsigned(byte[] p, long offset, int bits) {
        long value = 0;
        for (int j = 0; j < bits; j++) {
            long o = offset + j;
            int bit = (p[(int) (o >>> 3)] >> (7 - (int) (o & 7))) & 1;
            value = (value << 1) | bit;
        }
        return value;
    }

    private static void setUnsigned(byte[] p, long offset, int bits, long value) {
        for (int j = 0; j < bits; j++) {
            long bit = (value >>> (bits - 1 - j)) & 1;
            long o = offset + j;
            int index = (int) (o >>> 3);
            int mask = 1 << (7 - (int) (o & 7));
            p[index] = (byte) (bit != 0 ? p[index] | mask : p[index] & ~mask);
        }
    }

    private static long signExtend(long raw, int bits) {
        if (bits == 64) return raw;
        return (raw & (1L << (bits - 1))) != 0 ? raw | (-1L << bits) : raw;
    }

    /** checkSignedBitfieldOverflow: 1 on overflow, -1 on underflow, 0 otherwise; limit gets the WRAP/SAT value. */
    private static int signedOverflow(long value, long incr, int bits, Overflow ow, long[] limit) {
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxIncr = max - value;
        long minIncr = min - value;
        int result = 0;
        if (value > max || bits != 64 && incr > maxIncr || value >= 0 && incr > 0 && incr > maxIncr) {
            result = 1;
            if (ow == Overflow.SAT) limit[0] = max;
        } else if (value < min || bits != 64 && incr < minIncr || value < 0 && incr < 0 && incr < minIncr) {
            result = -1;
            if (ow == Overflow.SAT) limit[0] = min;
        }
        if (result != 0 && ow == Overflow.WRAP) {
            long sum = value + incr;
            if (bits < 64) {
                long mask = -1L << bits;
                sum = (sum & (1L << (bits - 1))) != 0 ? sum | mask : sum & ~mask;
            }
            limit[0] = sum;
        }
        return result;
    }

    /** checkUnsignedBitfieldOverflow, with value compared as an unsigned 64-bit number as in C. */
    private static int unsignedOverflow(long value, long incr, int bits, Overflow ow, long[] limit) {
        long max = bits == 64 ? -1L : (1L << bits) - 1;
        long maxIncr = max - value;
        long minIncr = -value;
        int result = 0;
        if (Long.compareUnsigned(value, max) > 0 || incr > 0 && incr > maxIncr) {
            result = 1;
            if (ow == Overflow.SAT) limit[0] = max;
        } else if (incr < 0 && incr < minIncr) {
            result = -1;
            if (ow == Overflow.SAT) limit[0] = 0;
        }
        if (result != 0 && ow == Overflow.WRAP) {
            limit[0] = (value + incr) & ~(-1L << bits);
        }
        return result;
    }
}
