package io.cachelab.engine.type;

import java.util.Arrays;

/**
 * Redis's HyperLogLog representation (hyperloglog.c), byte for byte, over a plain byte array: an
 * HLL is a string value, so GET, DUMP, RDB and replication must see exactly the bytes real Redis
 * would hold after the same commands. Hence the sparse editing below follows hllSparseSet step by
 * step (same opcode splits, same merge window of 5 opcodes, same promotion points) rather than
 * re-encoding the registers, which would be simpler but produce different bytes.
 *
 * <p>Layout: "HYLL", encoding (0 dense, 1 sparse), 3 unused bytes, 8-byte little-endian cached
 * cardinality whose top bit marks it stale; then either 16384 six-bit registers packed LSB first
 * (12288 bytes) or the sparse opcodes ZERO 00xxxxxx, XZERO 01xxxxxx yyyyyyyy, VAL 1vvvvvxx.
 */
public final class HyperLogLog {
    public static final int P = 14;
    public static final int Q = 64 - P;
    public static final int REGISTERS = 1 << P;
    public static final int HDR_SIZE = 16;
    public static final int DENSE_SIZE = HDR_SIZE + (REGISTERS * 6 + 7) / 8;
    public static final byte DENSE = 0, SPARSE = 1;
    static final int VAL_MAX_VALUE = 32, VAL_MAX_LEN = 4, ZERO_MAX_LEN = 64, XZERO_MAX_LEN = 16384;
    private static final double ALPHA_INF = 0.721347520444481703680;
    private static final long SEED = 0xadc83b19L;

    /** Thrown where Redis answers "INVALIDOBJ Corrupted HLL object detected". */
    public static final class Corrupted extends RuntimeException {
        public Corrupted() {
            super(null, null, false, false);
        }
    }

    /** The bytes of the HLL being edited; replaced on growth or promotion, with {@link #len} valid. */
    private byte[] buf;
    private int len;

    public HyperLogLog(byte[] buf, int len) {
        this.buf = buf;
        this.len = len;
    }

    /** createHLLObject: sparse, every register in XZERO runs, cached cardinality 0 and valid. */
    public static HyperLogLog create() {
        int n = HDR_SIZE + ((REGISTERS + XZERO_MAX_LEN - 1) / XZERO_MAX_LEN) * 2;
        byte[] b = new byte[n];
        b[0] = 'H';
        b[1] = 'Y';
        b[2] = 'L';
        b[3] = 'L';
        b[4] = SPARSE;
        for (int i = HDR_SIZE, left = REGISTERS; left > 0; i += 2) {
            int run = Math.min(left, XZERO_MAX_LEN);
            b[i] = (byte) (((run - 1) >> 8) | 0x40);
            b[i + 1] = (byte) ((run - 1) & 0xff);
            left -= run;
        }
        return new HyperLogLog(b, n);
    }

    /** isHLLObjectOrReply's checks, on a string's bytes. */
    public static boolean isValid(byte[] b, int len) {
        if (len < HDR_SIZE) return false;
        if (b[0] != 'H' || b[1] != 'Y' || b[2] != 'L' || b[3] != 'L') return false;
        int enc = b[4] & 0xff;
        if (enc > 1) return false;
        return enc != DENSE || len == DENSE_SIZE;
    }

    /** True when editing reallocated or resized the bytes this HLL was made over. */
    public boolean movedFrom(byte[] array, int length) {
        return buf != array || len != length;
    }

    public byte[] bytes() {
        return buf.length == len ? buf : Arrays.copyOf(buf, len);
    }

    public int encoding() {
        return buf[4];
    }

    public boolean validCache() {
        return (buf[15] & 0x80) == 0;
    }

    public void invalidateCache() {
        buf[15] |= (byte) 0x80;
    }

    public long cachedCard() {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (buf[8 + i] & 0xff);
        return v;
    }

    public void setCachedCard(long card) {
        for (int i = 0; i < 8; i++) buf[8 + i] = (byte) (card >>> (8 * i));
    }

    // ---- hashing ----------------------------------------------------------------------

    /** MurmurHash64A as hyperloglog.c has it (little-endian blocks, unsigned tail bytes). */
    public static long murmur64a(byte[] key, int off, int length, long seed) {
        final long m = 0xc6a4a7935bd1e995L;
        final int r = 47;
        long h = seed ^ (length * m);
        int end = off + (length & ~7);
        int i = off;
        for (; i < end; i += 8) {
            long k = (key[i] & 0xffL) | (key[i + 1] & 0xffL) << 8 | (key[i + 2] & 0xffL) << 16
                    | (key[i + 3] & 0xffL) << 24 | (key[i + 4] & 0xffL) << 32 | (key[i + 5] & 0xffL) << 40
                    | (key[i + 6] & 0xffL) << 48 | (key[i + 7] & 0xffL) << 56;
            k *= m;
            k ^= k >>> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        switch (length & 7) {
            case 7: h ^= (key[i + 6] & 0xffL) << 48; // fall through
            case 6: h ^= (key[i + 5] & 0xffL) << 40; // fall through
            case 5: h ^= (key[i + 4] & 0xffL) << 32; // fall through
            case 4: h ^= (key[i + 3] & 0xffL) << 24; // fall through
            case 3: h ^= (key[i + 2] & 0xffL) << 16; // fall through
            case 2: h ^= (key[i + 1] & 0xffL) << 8; // fall through
            case 1:
                h ^= key[i] & 0xffL;
                h *= m;
                break;
            default:
                break;
        }
        h ^= h >>> r;
        h *= m;
        h ^= h >>> r;
        return h;
    }

    /** hllPatLen: register index in the low 32 bits, run length of the pattern 000..1 above. */
    static long patLen(byte[] ele) {
        long hash = murmur64a(ele, 0, ele.length, SEED);
        int index = (int) (hash & (REGISTERS - 1));
        hash >>>= P;
        hash |= 1L << Q;
        int count = Long.numberOfTrailingZeros(hash) + 1;
        return (long) count << 32 | index;
    }

    // ---- dense registers ----------------------------------------------------------------

    static int denseGet(byte[] b, int regnum) {
        int bit = regnum * 6;
        int at = HDR_SIZE + (bit >> 3);
        int fb = bit & 7;
        int b0 = b[at] & 0xff;
        int b1 = at + 1 < b.length ? b[at + 1] & 0xff : 0;
        return ((b0 >> fb) | (b1 << (8 - fb))) & 63;
    }

    static void denseSetRaw(byte[] b, int regnum, int val) {
        int bit = regnum * 6;
        int at = HDR_SIZE + (bit >> 3);
        int fb = bit & 7;
        int fb8 = 8 - fb;
        b[at] = (byte) ((b[at] & ~(63 << fb)) | (val << fb));
        if (at + 1 < b.length) b[at + 1] = (byte) ((b[at + 1] & ~(63 >> fb8)) | (val >> fb8));
    }

    private static int denseSet(byte[] b, int index, int count) {
        if (count > denseGet(b, index)) {
            denseSetRaw(b, index, count);
            return 1;
        }
        return 0;
    }

    /** Sets a dense register unconditionally (PFSELFTEST). */
    public void setRegister(int i, int val) {
        denseSetRaw(buf, i, val);
    }

    public int register(int i) {
        return denseGet(buf, i);
    }

    // ---- add ------------------------------------------------------------------------------

    /** hllAdd: 1 if a register changed, 0 if not; throws {@link Corrupted}. */
    public int add(byte[] ele, int sparseMaxBytes) {
        long pl = patLen(ele);
        int index = (int) pl;
        int count = (int) (pl >>> 32);
        if (buf[4] == DENSE) return denseSet(buf, index, count);
        return sparseSet(index, count, sparseMaxBytes);
    }

    private static boolean isZero(int op) {
        return (op & 0xc0) == 0;
    }

    private static boolean isXZero(int op) {
        return (op & 0xc0) == 0x40;
    }

    private static boolean isVal(int op) {
        return (op & 0x80) != 0;
    }

    private static int zeroLen(int op) {
        return (op & 0x3f) + 1;
    }

    private static int xzeroLen(int op, int next) {
        return ((op & 0x3f) << 8 | next) + 1;
    }

    private static int valValue(int op) {
        return ((op >> 2) & 0x1f) + 1;
    }

    private static int valLen(int op) {
        return (op & 0x3) + 1;
    }

    private static byte valOp(int val, int len) {
        return (byte) (((val - 1) << 2 | (len - 1)) | 0x80);
    }

    /** hllSparseSet, including its promotion to dense. */
    int sparseSet(int index, int count, int sparseMaxBytes) {
        if (count > VAL_MAX_VALUE) return promoteAndSet(index, count);
        if (buf.length < len + 3) buf = Arrays.copyOf(buf, Math.max(len + 3, len * 2));
        byte[] b = buf;
        b[len] = 0; // the sds terminator a truncated XZERO would read
        int sparse = HDR_SIZE;
        int p = sparse, end = len;
        int first = 0, prev = -1, span = 0;
        while (p < end) {
            int op = b[p] & 0xff;
            int oplen = 1;
            if (isZero(op)) span = zeroLen(op);
            else if (isVal(op)) span = valLen(op);
            else {
                span = xzeroLen(op, p + 1 < end ? b[p + 1] & 0xff : 0);
                oplen = 2;
            }
            if (index <= first + span - 1) break;
            prev = p;
            p += oplen;
            first += span;
        }
        if (span == 0 || p >= end) throw new Corrupted();
        int op = b[p] & 0xff;
        int next = isXZero(op) ? p + 2 : p + 1;
        if (next >= end) next = -1;
        boolean zero = isZero(op), xzero = isXZero(op), val = isVal(op);
        int runlen = zero ? zeroLen(op) : xzero ? xzeroLen(op, b[p + 1] & 0xff) : valLen(op);

        boolean done = false;
        if (val) {
            int old = valValue(op);
            if (old >= count) return 0;
            if (runlen == 1) {
                b[p] = valOp(count, 1);
                done = true;
            }
        }
        if (!done && zero && runlen == 1) {
            b[p] = valOp(count, 1);
            done = true;
        }
        if (!done) {
            byte[] seq = new byte[5];
            int n = 0;
            int last = first + span - 1;
            if (zero || xzero) {
                if (index != first) n = putZeros(seq, n, index - first);
                seq[n++] = valOp(count, 1);
                if (index != last) n = putZeros(seq, n, last - index);
            } else {
                int curval = valValue(op);
                if (index != first) seq[n++] = valOp(curval, index - first);
                seq[n++] = valOp(count, 1);
                if (index != last) seq[n++] = valOp(curval, last - index);
            }
            int oldlen = xzero ? 2 : 1;
            int delta = n - oldlen;
            if (delta > 0 && len + delta > sparseMaxBytes) return promoteAndSet(index, count);
            if (delta != 0 && next >= 0) System.arraycopy(b, next, b, next + delta, end - next);
            len += delta;
            System.arraycopy(seq, 0, b, p, n);
            end += delta;
        }
        mergeValRuns(prev >= 0 ? prev : sparse, end);
        invalidateCache();
        return 1;
    }

    /** hllSparseSet's last step: adjacent VAL opcodes of the same value merged, for up to 5 opcodes from {@code p}. */
    private void mergeValRuns(int p, int end) {
        byte[] b = buf;
        int scanlen = 5;
        while (p < end && scanlen-- > 0) {
            int o = b[p] & 0xff;
            if (isXZero(o)) {
                p += 2;
                continue;
            } else if (isZero(o)) {
                p++;
                continue;
            }
            if (p + 1 < end && isVal(b[p + 1] & 0xff)) {
                int v1 = valValue(o), v2 = valValue(b[p + 1] & 0xff);
                if (v1 == v2) {
                    int l = valLen(o) + valLen(b[p + 1] & 0xff);
                    if (l <= VAL_MAX_LEN) {
                        b[p + 1] = valOp(v1, l);
                        System.arraycopy(b, p + 1, b, p, end - p - 1);
                        len--;
                        end--;
                        continue;
                    }
                }
            }
            p++;
        }
    }

    private static int putZeros(byte[] seq, int n, int len) {
        if (len > ZERO_MAX_LEN) {
            seq[n] = (byte) (((len - 1) >> 8) | 0x40);
            seq[n + 1] = (byte) ((len - 1) & 0xff);
            return n + 2;
        }
        seq[n] = (byte) (len - 1);
        return n + 1;
    }

    private int promoteAndSet(int index, int count) {
        toDense();
        denseSet(buf, index, count);
        return 1;
    }

    /** hllSparseToDense: no-op when already dense; keeps the header's cached cardinality. */
    public boolean toDense() {
        if (buf[4] == DENSE) return false;
        byte[] dense = new byte[DENSE_SIZE];
        System.arraycopy(buf, 0, dense, 0, HDR_SIZE);
        dense[4] = DENSE;
        int idx = 0;
        int p = HDR_SIZE;
        while (p < len) {
            int op = buf[p] & 0xff;
            if (isZero(op)) {
                idx += zeroLen(op);
                p++;
            } else if (isXZero(op)) {
                // a truncated XZERO reads the string's terminating zero, as Redis does
                idx += xzeroLen(op, p + 1 < len ? buf[p + 1] & 0xff : 0);
                p += 2;
            } else {
                int runlen = valLen(op), regval = valValue(op);
                if (runlen + idx > REGISTERS) break;
                while (runlen-- > 0) denseSetRaw(dense, idx++, regval);
                p++;
            }
        }
        if (idx != REGISTERS) throw new Corrupted();
        buf = dense;
        len = DENSE_SIZE;
        return true;
    }

    /** hllMerge: folds this HLL's registers into {@code max}. */
    public void mergeInto(byte[] max) {
        if (buf[4] == DENSE) {
            for (int i = 0; i < REGISTERS; i++) {
                int v = denseGet(buf, i);
                if (v > max[i]) max[i] = (byte) v;
            }
            return;
        }
        int i = 0, p = HDR_SIZE;
        while (p < len) {
            int op = buf[p] & 0xff;
            if (isZero(op)) {
                i += zeroLen(op);
                p++;
            } else if (isXZero(op)) {
                i += xzeroLen(op, p + 1 < len ? buf[p + 1] & 0xff : 0);
                p += 2;
            } else {
                int runlen = valLen(op), regval = valValue(op);
                if (runlen + i > REGISTERS) break;
                while (runlen-- > 0) {
                    if (regval > max[i]) max[i] = (byte) regval;
                    i++;
                }
                p++;
            }
        }
        if (i != REGISTERS) throw new Corrupted();
    }

    /** PFMERGE's write of the merged registers into this (destination) HLL. */
    public void setRegisters(byte[] max, int sparseMaxBytes) {
        for (int j = 0; j < REGISTERS; j++) {
            if (max[j] == 0) continue;
            if (buf[4] == DENSE) denseSet(buf, j, max[j]);
            else sparseSet(j, max[j], sparseMaxBytes);
        }
    }

    // ---- count ----------------------------------------------------------------------------

    /** hllCount for this HLL; throws {@link Corrupted} where Redis sets *invalid. */
    public long count() {
        int[] histo = new int[64];
        if (buf[4] == DENSE) {
            for (int i = 0; i < REGISTERS; i++) histo[denseGet(buf, i)]++;
        } else {
            int idx = 0, p = HDR_SIZE;
            while (p < len) {
                int op = buf[p] & 0xff;
                if (isZero(op)) {
                    int r = zeroLen(op);
                    idx += r;
                    histo[0] += r;
                    p++;
                } else if (isXZero(op)) {
                    int r = xzeroLen(op, p + 1 < len ? buf[p + 1] & 0xff : 0);
                    idx += r;
                    histo[0] += r;
                    p += 2;
                } else {
                    int r = valLen(op);
                    idx += r;
                    histo[valValue(op)] += r;
                    p++;
                }
            }
            if (idx != REGISTERS) throw new Corrupted();
        }
        return estimate(histo);
    }

    /** hllCount over raw 8-bit registers (PFCOUNT of several keys). */
    public static long countRaw(byte[] registers) {
        int[] histo = new int[64];
        for (int i = 0; i < REGISTERS; i++) histo[registers[i]]++;
        return estimate(histo);
    }

    /** Ertl's improved estimator, as Redis 7 computes it. */
    static long estimate(int[] histo) {
        double m = REGISTERS;
        double z = m * tau((m - histo[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += histo[j];
            z *= 0.5;
        }
        z += m * sigma(histo[0] / m);
        return Math.round(ALPHA_INF * m * m / z);
    }

    static double sigma(double x) {
        if (x == 1.) return Double.POSITIVE_INFINITY;
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    static double tau(double x) {
        if (x == 0. || x == 1.) return 0.;
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            z -= Math.pow(1 - x, 2) * y;
        } while (zPrime != z);
        return z / 3;
    }

    /** PFDEBUG DECODE's text for a sparse HLL. */
    public String decode() {
        StringBuilder sb = new StringBuilder();
        int p = HDR_SIZE;
        while (p < len) {
            int op = buf[p] & 0xff;
            if (isZero(op)) {
                sb.append("z:").append(zeroLen(op)).append(' ');
                p++;
            } else if (isXZero(op)) {
                sb.append("Z:").append(p + 1 < len ? xzeroLen(op, buf[p + 1] & 0xff) : xzeroLen(op, 0)).append(' ');
                p += 2;
            } else {
                sb.append("v:").append(valValue(op)).append(',').append(valLen(op)).append(' ');
                p++;
            }
        }
        int n = sb.length();
        while (n > 0 && sb.charAt(n - 1) == ' ') n--;
        sb.setLength(n);
        return sb.toString();
    }
}
