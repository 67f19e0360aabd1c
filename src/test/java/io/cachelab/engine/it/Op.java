package io.cachelab.engine.it;

/**
 * One generated command plus how its two replies may be compared. Most replies must be identical;
 * the exceptions are exactly the places where Redis itself is unordered, random or clock-driven.
 */
public record Op(byte[][] argv, Check check, int sleepAfterMs) {

    public enum Check {
        /** byte-for-byte identical reply trees */
        EXACT,
        /** an array whose order Redis does not define (SMEMBERS, HKEYS, KEYS...): sorted first */
        UNORDERED,
        /** a flat field/value array with undefined pair order (HGETALL): pairs sorted */
        UNORDERED_PAIRS,
        /** [cursor, items] from a one-shot *SCAN 0 COUNT 1000: cursor exact, items sorted */
        SCAN,
        /** as SCAN with field/value or member/score pairs */
        SCAN_PAIRS,
        /** TTL / EXPIRETIME in seconds: negative codes exact, positive values within 2 s */
        TTL_SECONDS,
        /** PTTL / PEXPIRETIME in milliseconds: negative codes exact, positive within 2000 ms */
        TTL_MILLIS,
        /** SRANDMEMBER: shape and count exact, every element a member on its own side */
        RANDOM_SET_MEMBERS,
        /** HRANDFIELD [count [WITHVALUES]]: as above, values match HGET */
        RANDOM_HASH_FIELDS,
        /** ZRANDMEMBER [count [WITHSCORES]]: as above, scores match ZSCORE */
        RANDOM_ZSET_MEMBERS,
        /** SPOP: shape and count exact, then side B is re-synchronised to what side A popped */
        SPOP,
        /** RANDOMKEY: both nil, or both an existing key */
        RANDOMKEY
    }

    public static Op of(Object... parts) {
        return new Op(RedisCli.argv(parts), Check.EXACT, 0);
    }

    public static Op of(Check check, Object... parts) {
        return new Op(RedisCli.argv(parts), check, 0);
    }

    public Op sleepAfter(int ms) {
        return new Op(argv, check, ms);
    }

    public String name() {
        return new String(argv[0], java.nio.charset.StandardCharsets.UTF_8).toUpperCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return RedisCli.line(argv) + (sleepAfterMs > 0 ? "   # then wait " + sleepAfterMs + " ms" : "");
    }
}
