package io.cachelab.engine.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Seeded randomness plus the small shared domains the families draw from. Expiry values are chosen
 * so that no comparison depends on the few milliseconds between sending a command to side A and to
 * side B: relative TTLs are distinct and at least 10 s apart within a sequence (so EXPIRE GT/LT never
 * compares two nearly equal deadlines), absolute ones sit a day away from any relative one, and a
 * TTL short enough to elapse is always followed by a wait on both sides.
 */
public final class Gen {
    public static final byte[] BIN_NUL_FF = {0, (byte) 0xff, (byte) 0xfe, 0};
    public static final byte[] BIN_CRLF = "a\r\nb".getBytes(StandardCharsets.ISO_8859_1);
    public static final byte[] BIN_HIGH = {(byte) 0x80, (byte) 0xc3, (byte) 0x28, 0x7f};

    private final Random random;
    private final String[] keys;
    private final long baseSeconds;
    private final List<Long> ttlPool;

    public Gen(long seed, String... keys) {
        this.random = new Random(seed);
        this.keys = keys;
        this.baseSeconds = System.currentTimeMillis() / 1000;
        this.ttlPool = new ArrayList<>();
        for (int i = 0; i < 2000; i++) ttlPool.add(10_000L + 10L * i);
        Collections.shuffle(ttlPool, random);
    }

    public Random random() {
        return random;
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** uniformly in [lo, hi] */
    public int between(int lo, int hi) {
        return lo + random.nextInt(hi - lo + 1);
    }

    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    @SafeVarargs
    public final <T> T oneOf(T... items) {
        return items[random.nextInt(items.length)];
    }

    public String key() {
        return keys[random.nextInt(keys.length)];
    }

    /** A few distinct keys from the domain (fewer if the domain is small). */
    public List<String> keys(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(key());
        return out;
    }

    /** Members / fields that collide often. */
    public Object member() {
        return chance(0.05) ? oneOf(BIN_NUL_FF, (Object) "", "1", "-5", "100") : oneOf("a", "b", "c", "d", "e", "1", "2", "3");
    }

    /** String values including numeric edge cases and binary bytes. */
    public Object value() {
        return oneOf("", "a", "b", "abc", "hello world", "0", "1", "-1", "10", "3.5", "-2.25", "1e3", " 1", "01", "+1",
                "9223372036854775807", "-9223372036854775808", "9223372036854775808", "inf", "nan", "0x10",
                "x".repeat(70), BIN_NUL_FF, BIN_CRLF, BIN_HIGH);
    }

    /** Integer arguments: mostly small, sometimes boundaries or garbage. */
    public String integer() {
        if (chance(0.85)) return Integer.toString(between(-5, 12));
        return oneOf("9223372036854775807", "-9223372036854775808", "9223372036854775808", "abc", "1.5", "",
                "99999999999999999999", " 3", "3 ", "+3", "007", "-0");
    }

    /** List/range indexes, including negatives beyond the start and large ones. */
    public String index() {
        if (chance(0.85)) return Integer.toString(between(-6, 6));
        return oneOf("100", "-100", "9223372036854775807", "-9223372036854775808", "x", "1.0");
    }

    /** Floats as Redis parses them. */
    public String floating() {
        return oneOf("0", "1", "-1", "2.5", "-0.5", "0.1", "1e3", "1.5e300", "-1.5e300", "inf", "-inf", "+inf",
                "nan", "abc", "", "3", "10", "1e-5", " 1", "0x10", "5.0e-324");
    }

    /**
     * A relative TTL: mostly a distinct value from the per-sequence pool (seconds, or ms when
     * {@code millis}), sometimes one that deletes the key at once or is invalid.
     */
    public String relativeTtl(boolean millis) {
        if (chance(0.15)) return oneOf("0", "-1", "-100", "abc", "9223372036854775807", "-9223372036854775808", "1.5", "");
        long s = ttlPool.isEmpty() ? 10_000 : ttlPool.remove(ttlPool.size() - 1);
        return Long.toString(millis ? s * 1000 : s);
    }

    /** An absolute unix time (seconds or ms) far from any relative TTL, or one in the past. */
    public String absoluteTime(boolean millis) {
        if (chance(0.15)) return millis ? oneOf("1", "1000", "0", "-1") : oneOf("1", "0", "-1", "100");
        long s = baseSeconds + 100_000 + 100L * nextInt(500);
        return Long.toString(millis ? s * 1000 : s);
    }

    /** An op that writes some other type under {@code key}, to provoke WRONGTYPE in the family. */
    public Op crossType(String key) {
        return switch (nextInt(5)) {
            case 0 -> Op.of("SET", key, value());
            case 1 -> Op.of("RPUSH", key, member());
            case 2 -> Op.of("SADD", key, member());
            case 3 -> Op.of("HSET", key, member(), value());
            default -> Op.of("ZADD", key, between(-2, 5), member());
        };
    }

    /** Builds argv from a list of parts (Strings or byte[]). */
    public static Op op(Op.Check check, List<Object> parts) {
        return Op.of(check, parts.toArray());
    }

    public static Op op(List<Object> parts) {
        return Op.of(parts.toArray());
    }
}
