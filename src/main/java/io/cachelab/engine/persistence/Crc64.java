package io.cachelab.engine.persistence;

/**
 * CRC-64/Jones as Redis's crc64.c computes it (reflected polynomial 0xad93d23594c935a9, init 0,
 * no final xor): the checksum at the end of RDB files and DUMP payloads. Eight tables
 * ("slicing-by-8") so a multi-megabyte snapshot is checksummed eight bytes per step.
 */
public final class Crc64 {
    private static final long[][] TABLES = new long[8][256];

    static {
        long poly = 0x95ac9329ac4bc9b5L; // 0xad93d23594c935a9, bit-reversed
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ poly : crc >>> 1;
            TABLES[0][i] = crc;
        }
        for (int i = 0; i < 256; i++) {
            long crc = TABLES[0][i];
            for (int t = 1; t < 8; t++) {
                crc = TABLES[0][(int) (crc & 0xff)] ^ (crc >>> 8);
                TABLES[t][i] = crc;
            }
        }
    }

    private Crc64() {
    }

    public static long update(long crc, byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        long[] t0 = TABLES[0], t1 = TABLES[1], t2 = TABLES[2], t3 = TABLES[3];
        long[] t4 = TABLES[4], t5 = TABLES[5], t6 = TABLES[6], t7 = TABLES[7];
        while (end - i >= 8) {
            long x = crc ^ ((b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24
                    | (b[i + 4] & 0xffL) << 32 | (b[i + 5] & 0xffL) << 40 | (b[i + 6] & 0xffL) << 48 | (b[i + 7] & 0xffL) << 56);
            crc = t7[(int) (x & 0xff)] ^ t6[(int) ((x >>> 8) & 0xff)] ^ t5[(int) ((x >>> 16) & 0xff)]
                    ^ t4[(int) ((x >>> 24) & 0xff)] ^ t3[(int) ((x >>> 32) & 0xff)] ^ t2[(int) ((x >>> 40) & 0xff)]
                    ^ t1[(int) ((x >>> 48) & 0xff)] ^ t0[(int) (x >>> 56)];
            i += 8;
        }
        while (i < end) {
            crc = t0[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
            i++;
        }
        return crc;
    }

    public static long of(byte[] b, int off, int len) {
        return update(0, b, off, len);
    }
}
