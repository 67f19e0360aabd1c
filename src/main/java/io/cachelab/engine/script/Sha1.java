package io.cachelab.engine.script;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA1 as lowercase hex: script ids (EVALSHA) and redis.sha1hex. */
public final class Sha1 {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Sha1() {
    }

    public static String hex(byte[] data, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(data, off, len);
            byte[] d = md.digest();
            char[] out = new char[40];
            for (int i = 0; i < 20; i++) {
                out[i * 2] = HEX[(d[i] >> 4) & 0xf];
                out[i * 2 + 1] = HEX[d[i] & 0xf];
            }
            return new String(out);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(byte[] data) {
        return hex(data, 0, data.length);
    }
}
