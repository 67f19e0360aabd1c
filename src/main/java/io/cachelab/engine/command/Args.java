package io.cachelab.engine.command;

import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Dispatcher;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.util.Bytes;

import java.nio.charset.StandardCharsets;

/** Argument parsing shared by every family, with Redis's error texts (getLongFromObjectOrReply & co). */
public final class Args {
    private Args() {
    }

    public static long toLong(byte[] b) {
        Long v = Numbers.parseLongStrict(b);
        if (v == null) throw RedisError.NOT_INTEGER;
        return v;
    }

    public static int toInt(byte[] b) {
        long v = toLong(b);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw RedisError.NOT_INTEGER;
        return (int) v;
    }

    /** A long that must be >= 0, with Redis's "must be positive" wording. */
    public static long toPositiveLong(byte[] b, String what) {
        long v = toLong(b);
        if (v < 0) throw new RedisError("ERR " + what + " is out of range, must be positive");
        return v;
    }

    public static double toDouble(byte[] b) {
        Double d = Numbers.parseDouble(b);
        if (d == null) throw RedisError.NOT_FLOAT;
        return d;
    }

    /**
     * A blocking command's timeout in seconds (fractions allowed) as an absolute deadline in ms, 0
     * for "forever"; errors as getTimeoutFromObjectOrReply.
     */
    public static long timeoutDeadline(byte[] b, long nowMs) {
        Double d = Numbers.parseDouble(b);
        if (d == null || d.isInfinite()) throw new RedisError("ERR timeout is not a float or out of range");
        if (d < 0) throw new RedisError("ERR timeout is negative");
        long ms = (long) Math.ceil(d * 1000);
        if (ms == 0) return 0;
        return nowMs + ms;
    }

    public static boolean is(byte[] b, String lowerWord) {
        if (b.length != lowerWord.length()) return false;
        for (int i = 0; i < b.length; i++) {
            int c = b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i];
            if (c != lowerWord.charAt(i)) return false;
        }
        return true;
    }

    public static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    public static Bytes key(byte[] b) {
        return new Bytes(b);
    }

    public static String lower(byte[] b) {
        return Dispatcher.lower(b);
    }
}
