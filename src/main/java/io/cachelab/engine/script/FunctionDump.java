package io.cachelab.engine.script;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * FUNCTION DUMP / RESTORE payloads in Redis's own format, so a dump taken from real Redis 7.0
 * restores here and the other way round: one RDB_OPCODE_FUNCTION2 (245) followed by the library
 * code as an RDB string per library, the RDB version as two little-endian bytes, and a CRC64
 * (Jones polynomial, as Redis's crc64.c) of everything before it. Strings may arrive
 * LZF-compressed (real Redis compresses long ones); we write them plain, which Redis accepts.
 */
public final class FunctionDump {
    static final int OPCODE_FUNCTION2 = 245;
    static final int OPCODE_FUNCTION_PRE_GA = 246;
    static final int RDB_VERSION = 10;
    private static final long[] CRC_TABLE = new long[256];

    static {
        long poly = 0x95ac9329ac4bc9b5L; // 0xad93d23594c935a9 reflected
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ poly : crc >>> 1;
            }
            CRC_TABLE[i] = crc;
        }
    }

    private FunctionDump() {
    }

    public static long crc64(long crc, byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            crc = CRC_TABLE[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }

    public static byte[] dump(List<byte[]> libraryCodes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] code : libraryCodes) {
            out.write(OPCODE_FUNCTION2);
            writeLength(out, code.length);
            out.write(code, 0, code.length);
        }
        out.write(RDB_VERSION & 0xff);
        out.write((RDB_VERSION >> 8) & 0xff);
        byte[] body = out.toByteArray();
        long crc = crc64(0, body, 0, body.length);
        for (int i = 0; i < 8; i++) {
            out.write((int) (crc >>> (8 * i)) & 0xff);
        }
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, long len) {
        if (len < 64) {
            out.write((int) len);
        } else if (len < 16384) {
            out.write(0x40 | (int) (len >> 8));
            out.write((int) len & 0xff);
        } else if (len <= 0xffffffffL) {
            out.write(0x80);
            for (int i = 3; i >= 0; i--) {
                out.write((int) (len >>> (8 * i)) & 0xff);
            }
        } else {
            out.write(0x81);
            for (int i = 7; i >= 0; i--) {
                out.write((int) (len >>> (8 * i)) & 0xff);
            }
        }
    }

    /** A payload Redis would refuse; the message is the reply text without "ERR ". */
    public static final class BadPayload extends Exception {
        public BadPayload(String message) {
            super(message, null, false, false);
        }
    }

    /** The library codes in a payload, after checking its version and checksum. */
    public static List<byte[]> parse(byte[] p) throws BadPayload {
        if (p.length < 10) {
            throw new BadPayload("DUMP payload version or checksum are wrong");
        }
        int version = (p[p.length - 10] & 0xff) | (p[p.length - 9] & 0xff) << 8;
        long stored = 0;
        for (int i = 0; i < 8; i++) {
            stored |= (long) (p[p.length - 8 + i] & 0xff) << (8 * i);
        }
        if (version > RDB_VERSION || crc64(0, p, 0, p.length - 8) != stored) {
            throw new BadPayload("DUMP payload version or checksum are wrong");
        }
        List<byte[]> codes = new ArrayList<>();
        int[] pos = {0};
        int end = p.length - 10;
        try {
            while (pos[0] < end) {
                int opcode = p[pos[0]++] & 0xff;
                if (opcode == OPCODE_FUNCTION_PRE_GA) {
                    throw new BadPayload("Pre-GA function format not supported");
                }
                if (opcode != OPCODE_FUNCTION2) {
                    throw new BadPayload("given type is not a function");
                }
                codes.add(readString(p, pos));
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new BadPayload("payload is corrupted");
        }
        if (pos[0] != end) {
            throw new BadPayload("payload is corrupted");
        }
        return codes;
    }

    private static long readLength(byte[] p, int[] pos, boolean[] encoded) {
        int first = p[pos[0]++] & 0xff;
        int type = first >> 6;
        switch (type) {
            case 0:
                return first & 0x3f;
            case 1:
                return ((long) (first & 0x3f) << 8) | (p[pos[0]++] & 0xff);
            case 2: {
                int n = first == 0x80 ? 4 : 8;
                long v = 0;
                for (int i = 0; i < n; i++) {
                    v = (v << 8) | (p[pos[0]++] & 0xff);
                }
                return v;
            }
            default:
                encoded[0] = true;
                return first & 0x3f;
        }
    }

    private static byte[] readString(byte[] p, int[] pos) throws BadPayload {
        boolean[] encoded = {false};
        long len = readLength(p, pos, encoded);
        if (!encoded[0]) {
            byte[] s = java.util.Arrays.copyOfRange(p, pos[0], pos[0] + (int) len);
            if (pos[0] + len > p.length) {
                throw new BadPayload("payload is corrupted");
            }
            pos[0] += (int) len;
            return s;
        }
        switch ((int) len) {
            case 0:
                return Long.toString(p[pos[0]++]).getBytes();
            case 1: {
                int v = (short) ((p[pos[0]] & 0xff) | (p[pos[0] + 1] & 0xff) << 8);
                pos[0] += 2;
                return Integer.toString(v).getBytes();
            }
            case 2: {
                int v = (p[pos[0]] & 0xff) | (p[pos[0] + 1] & 0xff) << 8 | (p[pos[0] + 2] & 0xff) << 16
                        | (p[pos[0] + 3] & 0xff) << 24;
                pos[0] += 4;
                return Integer.toString(v).getBytes();
            }
            case 3: {
                long clen = readLength(p, pos, new boolean[1]);
                long ulen = readLength(p, pos, new boolean[1]);
                byte[] out = lzfDecompress(p, pos[0], (int) clen, (int) ulen);
                pos[0] += (int) clen;
                return out;
            }
            default:
                throw new BadPayload("payload is corrupted");
        }
    }

    static byte[] lzfDecompress(byte[] in, int off, int len, int outLen) throws BadPayload {
        byte[] out = new byte[outLen];
        int ip = off;
        int end = off + len;
        int op = 0;
        while (ip < end) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                int n = ctrl + 1;
                if (op + n > outLen || ip + n > end) {
                    throw new BadPayload("payload is corrupted");
                }
                System.arraycopy(in, ip, out, op, n);
                ip += n;
                op += n;
            } else {
                int n = ctrl >> 5;
                int ref = op - ((ctrl & 0x1f) << 8) - 1;
                if (n == 7) {
                    n += in[ip++] & 0xff;
                }
                ref -= in[ip++] & 0xff;
                n += 2;
                if (ref < 0 || op + n > outLen) {
                    throw new BadPayload("payload is corrupted");
                }
                for (int i = 0; i < n; i++) {
                    out[op++] = out[ref++];
                }
            }
        }
        if (op != outLen) {
            throw new BadPayload("payload is corrupted");
        }
        return out;
    }
}
