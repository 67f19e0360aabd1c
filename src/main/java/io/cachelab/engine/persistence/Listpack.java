package io.cachelab.engine.persistence;

import io.cachelab.engine.type.Numbers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Redis 7.0's listpack (listpack.c) as a byte format only: the engine keeps small hashes, sorted
 * sets and list nodes in Java structures, and builds a listpack when it writes them to RDB, or
 * reads one when it loads them. Layout: total bytes (u32 LE), element count (u16 LE, 65535 when
 * larger), entries, 0xFF. An entry is an encoding byte (7-bit uint, 13/16/24/32/64-bit int, or a
 * string with a 6/12/32-bit length), its data, then its own length written backwards ("backlen").
 * Strings that read as integers are stored as integers, as lpAppend does.
 */
public final class Listpack {
    static final int HEADER = 6;
    static final int EOF = 0xFF;

    private byte[] buf = new byte[64];
    private int len = HEADER;
    private int count;

    public int count() {
        return count;
    }

    /** Bytes the finished listpack will take (with its terminator). */
    public int bytes() {
        return len + 1;
    }

    private void ensure(int more) {
        if (len + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more + 16));
    }

    public void add(byte[] s) {
        Long v = s.length <= 20 ? Numbers.parseLongStrict(s) : null;
        if (v != null) add(v);
        else addString(s);
    }

    public void add(String s) {
        add(s.getBytes(StandardCharsets.US_ASCII));
    }

    public void add(long v) {
        ensure(10);
        int start = len;
        if (v >= 0 && v <= 127) {
            buf[len++] = (byte) v;
        } else if (v >= -4096 && v <= 4095) {
            long u = v < 0 ? (1L << 13) + v : v;
            buf[len++] = (byte) (0xC0 | (u >> 8));
            buf[len++] = (byte) u;
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            buf[len++] = (byte) 0xF1;
            le(v, 2);
        } else if (v >= -(1 << 23) && v <= (1 << 23) - 1) {
            buf[len++] = (byte) 0xF2;
            le(v, 3);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            buf[len++] = (byte) 0xF3;
            le(v, 4);
        } else {
            buf[len++] = (byte) 0xF4;
            le(v, 8);
        }
        backlen(len - start);
        count++;
    }

    private void addString(byte[] s) {
        int n = s.length;
        ensure(n + 10);
        int start = len;
        if (n < 64) {
            buf[len++] = (byte) (0x80 | n);
        } else if (n < 4096) {
            buf[len++] = (byte) (0xE0 | (n >> 8));
            buf[len++] = (byte) n;
        } else {
            buf[len++] = (byte) 0xF0;
            le(n, 4);
        }
        System.arraycopy(s, 0, buf, len, n);
        len += n;
        backlen(len - start);
        count++;
    }

    private void le(long v, int n) {
        for (int i = 0; i < n; i++) buf[len++] = (byte) (v >>> (8 * i));
    }

    private void backlen(int l) {
        ensure(5);
        if (l <= 127) {
            buf[len++] = (byte) l;
        } else if (l < 16383) {
            buf[len++] = (byte) (l >> 7);
            buf[len++] = (byte) ((l & 127) | 128);
        } else if (l < 2097151) {
            buf[len++] = (byte) (l >> 14);
            buf[len++] = (byte) (((l >> 7) & 127) | 128);
            buf[len++] = (byte) ((l & 127) | 128);
        } else if (l < 268435455) {
            buf[len++] = (byte) (l >> 21);
            buf[len++] = (byte) (((l >> 14) & 127) | 128);
            buf[len++] = (byte) (((l >> 7) & 127) | 128);
            buf[len++] = (byte) ((l & 127) | 128);
        } else {
            buf[len++] = (byte) (l >> 28);
            buf[len++] = (byte) (((l >> 21) & 127) | 128);
            buf[len++] = (byte) (((l >> 14) & 127) | 128);
            buf[len++] = (byte) (((l >> 7) & 127) | 128);
            buf[len++] = (byte) ((l & 127) | 128);
        }
    }

    /** The finished listpack bytes. */
    public byte[] finish() {
        byte[] out = Arrays.copyOf(buf, len + 1);
        out[len] = (byte) EOF;
        int total = len + 1;
        for (int i = 0; i < 4; i++) out[i] = (byte) (total >>> (8 * i));
        int c = Math.min(count, 65535);
        out[4] = (byte) c;
        out[5] = (byte) (c >>> 8);
        return out;
    }

    /** Decodes every entry (integers as their decimal text), validating the structure as it goes. */
    public static void decode(byte[] lp, List<byte[]> out) {
        if (lp.length < HEADER + 1) throw new IllegalArgumentException("listpack too short");
        long total = (lp[0] & 0xffL) | (lp[1] & 0xffL) << 8 | (lp[2] & 0xffL) << 16 | (lp[3] & 0xffL) << 24;
        if (total != lp.length) throw new IllegalArgumentException("listpack size mismatch");
        int declared = (lp[4] & 0xff) | (lp[5] & 0xff) << 8;
        int p = HEADER;
        int n = 0;
        while (true) {
            if (p >= lp.length) throw new IllegalArgumentException("listpack without terminator");
            int b = lp[p] & 0xff;
            if (b == EOF) break;
            int start = p;
            byte[] value;
            if ((b & 0x80) == 0) {
                value = ascii(b);
                p += 1;
            } else if ((b & 0xC0) == 0x80) {
                int l = b & 0x3f;
                value = slice(lp, p + 1, l);
                p += 1 + l;
            } else if ((b & 0xE0) == 0xC0) {
                need(lp, p, 2);
                long u = ((b & 0x1f) << 8) | (lp[p + 1] & 0xff);
                value = ascii(u >= 1 << 12 ? u - (1 << 13) : u);
                p += 2;
            } else if ((b & 0xF0) == 0xE0) {
                need(lp, p, 2);
                int l = ((b & 0x0f) << 8) | (lp[p + 1] & 0xff);
                value = slice(lp, p + 2, l);
                p += 2 + l;
            } else {
                switch (b) {
                    case 0xF0 -> {
                        need(lp, p, 5);
                        long l = readLe(lp, p + 1, 4) & 0xffffffffL;
                        if (l > lp.length) throw new IllegalArgumentException("listpack string too long");
                        value = slice(lp, p + 5, (int) l);
                        p += 5 + (int) l;
                    }
                    case 0xF1 -> {
                        need(lp, p, 3);
                        value = ascii((short) readLe(lp, p + 1, 2));
                        p += 3;
                    }
                    case 0xF2 -> {
                        need(lp, p, 4);
                        value = ascii((readLe(lp, p + 1, 3) << 40) >> 40);
                        p += 4;
                    }
                    case 0xF3 -> {
                        need(lp, p, 5);
                        value = ascii((int) readLe(lp, p + 1, 4));
                        p += 5;
                    }
                    case 0xF4 -> {
                        need(lp, p, 9);
                        value = ascii(readLe(lp, p + 1, 8));
                        p += 9;
                    }
                    default -> throw new IllegalArgumentException("bad listpack encoding " + b);
                }
            }
            int entryLen = p - start;
            int bl = entryLen <= 127 ? 1 : entryLen < 16383 ? 2 : entryLen < 2097151 ? 3 : entryLen < 268435455 ? 4 : 5;
            p += bl;
            if (p > lp.length) throw new IllegalArgumentException("listpack entry overrun");
            out.add(value);
            n++;
        }
        if (p != lp.length - 1) throw new IllegalArgumentException("listpack trailing bytes");
        if (declared != 65535 && declared != n) throw new IllegalArgumentException("listpack count mismatch");
    }

    private static void need(byte[] b, int p, int n) {
        if (p + n > b.length) throw new IllegalArgumentException("listpack entry overrun");
    }

    static long readLe(byte[] b, int off, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v |= (b[off + i] & 0xffL) << (8 * i);
        return v;
    }

    static byte[] slice(byte[] b, int off, int n) {
        if (off + n > b.length || n < 0) throw new IllegalArgumentException("entry overrun");
        return Arrays.copyOfRange(b, off, off + n);
    }

    static byte[] ascii(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }
}
