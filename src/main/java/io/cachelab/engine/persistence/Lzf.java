package io.cachelab.engine.persistence;

import java.util.Arrays;

/**
 * LZF, the compression RDB strings use (lzf_c.c / lzf_d.c format): a stream of literal runs
 * (control byte 000LLLLL, then L+1 bytes) and back references (LLLooooo [len] off: copy len+2
 * bytes from up to 8 KB back). Our compressor is a plain greedy one with a hash of the next three
 * bytes; its output differs from liblzf's byte for byte but any LZF decoder, Redis's included,
 * reads it.
 */
public final class Lzf {
    private static final int MAX_HLOG = 14;
    /** One hash table per thread, of which a call clears only the part its input size needs. */
    private static final ThreadLocal<int[]> TABLE = ThreadLocal.withInitial(() -> new int[1 << MAX_HLOG]);
    private static final int MAX_LIT = 32;
    private static final int MAX_OFF = 1 << 13;
    private static final int MAX_REF = (1 << 8) + (1 << 3);

    private Lzf() {
    }

    /**
     * Compresses {@code in[0..len)}; returns the compressed bytes, or null when they would not fit in
     * {@code maxOut} bytes (Redis only keeps compression that saves at least 4 bytes).
     */
    public static byte[] compress(byte[] in, int len, int maxOut) {
        if (len < 4 || maxOut <= 0) return null;
        byte[] out = new byte[maxOut + 1 + MAX_LIT];
        // small inputs (most RDB strings) use a small table: clearing 64 KB per call would dominate
        int hlog = Math.max(8, Math.min(MAX_HLOG, 32 - Integer.numberOfLeadingZeros(len)));
        int[] table = TABLE.get();
        Arrays.fill(table, 0, 1 << hlog, -1);
        int shift = 32 - hlog;
        int ip = 0;
        int op = 1; // room for the first literal run's control byte
        int lit = 0;
        while (ip < len - 2) {
            int h = (((in[ip] & 0xff) << 16) | ((in[ip + 1] & 0xff) << 8) | (in[ip + 2] & 0xff));
            int slot = (h * 0x9E3779B1) >>> shift;
            int ref = table[slot];
            table[slot] = ip;
            int off = ip - ref - 1;
            if (ref >= 0 && off < MAX_OFF && in[ref] == in[ip] && in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
                int maxLen = Math.min(MAX_REF, len - ip);
                int l = 3;
                while (l < maxLen && in[ref + l] == in[ip + l]) l++;
                if (op + 3 + 1 > maxOut) return null;
                // close the pending literal run
                if (lit == 0) op--;
                else out[op - lit - 1] = (byte) (lit - 1);
                lit = 0;
                int enc = l - 2;
                if (enc < 7) {
                    out[op++] = (byte) ((off >> 8) + (enc << 5));
                } else {
                    out[op++] = (byte) ((off >> 8) + (7 << 5));
                    out[op++] = (byte) (enc - 7);
                }
                out[op++] = (byte) off;
                op++; // control byte of the next literal run
                int end = ip + l;
                ip++;
                // index the positions inside the match so later data can refer to them
                while (ip < end && ip < len - 2) {
                    int hh = (((in[ip] & 0xff) << 16) | ((in[ip + 1] & 0xff) << 8) | (in[ip + 2] & 0xff));
                    table[(hh * 0x9E3779B1) >>> shift] = ip;
                    ip++;
                }
                ip = end;
                continue;
            }
            if (op >= maxOut) return null;
            out[op++] = in[ip++];
            if (++lit == MAX_LIT) {
                out[op - lit - 1] = (byte) (MAX_LIT - 1);
                lit = 0;
                op++;
            }
        }
        while (ip < len) {
            if (op >= maxOut) return null;
            out[op++] = in[ip++];
            if (++lit == MAX_LIT) {
                out[op - lit - 1] = (byte) (MAX_LIT - 1);
                lit = 0;
                op++;
            }
        }
        if (lit == 0) op--;
        else out[op - lit - 1] = (byte) (lit - 1);
        if (op > maxOut) return null;
        return Arrays.copyOf(out, op);
    }

    /** Decompresses into exactly {@code outLen} bytes; throws on a malformed stream. */
    public static byte[] decompress(byte[] in, int outLen) {
        byte[] out = new byte[outLen];
        int ip = 0;
        int op = 0;
        while (ip < in.length) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                int n = ctrl + 1;
                if (op + n > outLen || ip + n > in.length) throw new IllegalArgumentException("lzf: literal overrun");
                System.arraycopy(in, ip, out, op, n);
                ip += n;
                op += n;
            } else {
                int l = ctrl >> 5;
                if (l == 7) {
                    if (ip >= in.length) throw new IllegalArgumentException("lzf: truncated");
                    l += in[ip++] & 0xff;
                }
                if (ip >= in.length) throw new IllegalArgumentException("lzf: truncated");
                int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                l += 2;
                if (ref < 0 || op + l > outLen) throw new IllegalArgumentException("lzf: bad back reference");
                for (int k = 0; k < l; k++) out[op++] = out[ref++];
            }
        }
        if (op != outLen) throw new IllegalArgumentException("lzf: length mismatch");
        return out;
    }
}
