package io.cachelab.engine.persistence;

import java.util.List;

/**
 * The other packed blobs an RDB value may hold: intset (written by Redis 7.0 for small integer
 * sets, and by us), and ziplist / zipmap, which only older Redis versions wrote but 7.0 still
 * loads (a file or DUMP payload from Redis 2.6-6.2). Decoding only, except for intsets.
 */
final class LegacyBlobs {
    private LegacyBlobs() {
    }

    // ---- intset: encoding (u32 LE: 2, 4 or 8), length (u32 LE), sorted little-endian integers ----

    static byte[] encodeIntset(long[] values, int n) {
        long min = n == 0 ? 0 : values[0];
        long max = n == 0 ? 0 : values[n - 1];
        int width = min >= Short.MIN_VALUE && max <= Short.MAX_VALUE ? 2
                : min >= Integer.MIN_VALUE && max <= Integer.MAX_VALUE ? 4 : 8;
        byte[] out = new byte[8 + width * n];
        put(out, 0, width, 4);
        put(out, 4, n, 4);
        for (int i = 0; i < n; i++) put(out, 8 + i * width, values[i], width);
        return out;
    }

    private static void put(byte[] b, int off, long v, int n) {
        for (int i = 0; i < n; i++) b[off + i] = (byte) (v >>> (8 * i));
    }

    static long[] decodeIntset(byte[] b) {
        if (b.length < 8) throw new IllegalArgumentException("intset too short");
        int width = (int) Listpack.readLe(b, 0, 4);
        if (width != 2 && width != 4 && width != 8) throw new IllegalArgumentException("bad intset encoding");
        long n = Listpack.readLe(b, 4, 4) & 0xffffffffL;
        if (8 + n * width != b.length) throw new IllegalArgumentException("intset size mismatch");
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
            long raw = Listpack.readLe(b, 8 + i * width, width);
            out[i] = width == 2 ? (short) raw : width == 4 ? (int) raw : raw;
            if (i > 0 && out[i] <= out[i - 1]) throw new IllegalArgumentException("intset not sorted");
        }
        return out;
    }

    // ---- ziplist: zlbytes, zltail (u32 LE), zllen (u16 LE), entries (prevlen, encoding, data), 0xFF ----

    static void decodeZiplist(byte[] z, List<byte[]> out) {
        if (z.length < 11) throw new IllegalArgumentException("ziplist too short");
        if ((Listpack.readLe(z, 0, 4) & 0xffffffffL) != z.length) throw new IllegalArgumentException("ziplist size mismatch");
        int p = 10;
        while (true) {
            if (p >= z.length) throw new IllegalArgumentException("ziplist without terminator");
            if ((z[p] & 0xff) == 0xFF) break;
            p += (z[p] & 0xff) < 254 ? 1 : 5;
            if (p >= z.length) throw new IllegalArgumentException("ziplist overrun");
            int enc = z[p] & 0xff;
            switch (enc >> 6) {
                case 0 -> {
                    int l = enc & 0x3f;
                    out.add(Listpack.slice(z, p + 1, l));
                    p += 1 + l;
                }
                case 1 -> {
                    int l = ((enc & 0x3f) << 8) | (z[p + 1] & 0xff);
                    out.add(Listpack.slice(z, p + 2, l));
                    p += 2 + l;
                }
                case 2 -> {
                    long l = (z[p + 1] & 0xffL) << 24 | (z[p + 2] & 0xffL) << 16 | (z[p + 3] & 0xffL) << 8 | (z[p + 4] & 0xffL);
                    if (l > z.length) throw new IllegalArgumentException("ziplist string too long");
                    out.add(Listpack.slice(z, p + 5, (int) l));
                    p += 5 + (int) l;
                }
                default -> {
                    long v;
                    int size;
                    if (enc == 0xC0) {
                        v = (short) Listpack.readLe(z, p + 1, 2);
                        size = 2;
                    } else if (enc == 0xD0) {
                        v = (int) Listpack.readLe(z, p + 1, 4);
                        size = 4;
                    } else if (enc == 0xE0) {
                        v = Listpack.readLe(z, p + 1, 8);
                        size = 8;
                    } else if (enc == 0xF0) {
                        v = (Listpack.readLe(z, p + 1, 3) << 40) >> 40;
                        size = 3;
                    } else if (enc == 0xFE) {
                        v = z[p + 1];
                        size = 1;
                    } else if (enc >= 0xF1 && enc <= 0xFD) {
                        v = (enc & 0x0f) - 1;
                        size = 0;
                    } else {
                        throw new IllegalArgumentException("bad ziplist encoding " + enc);
                    }
                    if (p + 1 + size > z.length) throw new IllegalArgumentException("ziplist overrun");
                    out.add(Listpack.ascii(v));
                    p += 1 + size;
                }
            }
        }
        if (p != z.length - 1) throw new IllegalArgumentException("ziplist trailing bytes");
    }

    // ---- zipmap (Redis < 2.6 hashes): zmlen, then (len key len free value [free bytes]) pairs, 0xFF ----

    static void decodeZipmap(byte[] z, List<byte[]> out) {
        int p = 1;
        while (true) {
            if (p >= z.length) throw new IllegalArgumentException("zipmap without terminator");
            if ((z[p] & 0xff) == 0xFF) break;
            int[] lenAndSize = zipmapLen(z, p);
            p += lenAndSize[1];
            out.add(Listpack.slice(z, p, lenAndSize[0]));
            p += lenAndSize[0];
            lenAndSize = zipmapLen(z, p);
            p += lenAndSize[1];
            if (p >= z.length) throw new IllegalArgumentException("zipmap overrun");
            int free = z[p++] & 0xff;
            out.add(Listpack.slice(z, p, lenAndSize[0]));
            p += lenAndSize[0] + free;
        }
    }

    private static int[] zipmapLen(byte[] z, int p) {
        if (p >= z.length) throw new IllegalArgumentException("zipmap overrun");
        int b = z[p] & 0xff;
        if (b < 254) return new int[]{b, 1};
        if (b == 254) {
            if (p + 5 > z.length) throw new IllegalArgumentException("zipmap overrun");
            return new int[]{(int) Listpack.readLe(z, p + 1, 4), 5};
        }
        throw new IllegalArgumentException("bad zipmap length");
    }
}
