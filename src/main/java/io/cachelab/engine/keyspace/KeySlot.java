package io.cachelab.engine.keyspace;

/**
 * Keys to hash slots (cluster.c keyHashSlot, crc16.c): CRC16-XMODEM of the key, or of the part
 * between the first '{' and the first '}' after it when that part is not empty, modulo 16384.
 * Lives with the keyspace because the per-slot key index needs it below the cluster layer.
 */
public final class KeySlot {
    public static final int SLOTS = 16384;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int b = 0; b < 8; b++) crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            TABLE[i] = crc & 0xFFFF;
        }
    }

    private KeySlot() {
    }

    /** crc16 (poly 0x1021, init 0, no reflection): "123456789" gives 0x31C3. */
    public static int crc16(byte[] b, int off, int len) {
        int crc = 0;
        for (int i = off; i < off + len; i++) crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ b[i]) & 0xFF]) & 0xFFFF;
        return crc;
    }

    public static int slot(byte[] key) {
        return slot(key, 0, key.length);
    }

    public static int slot(byte[] key, int off, int len) {
        int open = -1;
        for (int i = off; i < off + len; i++) {
            if (key[i] == '{') {
                open = i;
                break;
            }
        }
        if (open >= 0) {
            for (int j = open + 1; j < off + len; j++) {
                if (key[j] == '}') {
                    if (j == open + 1) break; // "{}": hash the whole key
                    return crc16(key, open + 1, j - open - 1) & 0x3FFF;
                }
            }
        }
        return crc16(key, off, len) & 0x3FFF;
    }
}
