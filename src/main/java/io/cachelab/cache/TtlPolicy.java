package io.cachelab.cache;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place a TTL is chosen. Every write of a cache goes through {@link #nextValueTtlMillis()}:
 * base ± jitter drawn uniformly, so keys written together (a warm-up, a restart) expire spread over
 * {@code 2 × jitter} instead of in one second (the avalanche). Cached "absent" markers get their own
 * short TTL, jittered the same way, so a row inserted later becomes visible soon.
 * Milliseconds, because a one-second grid would quantise the spread.
 */
public record TtlPolicy(Duration base, Duration jitter, Duration nullTtl) {

    public TtlPolicy {
        if (base.isNegative() || base.isZero()) throw new IllegalArgumentException("base TTL must be positive");
        if (jitter.isNegative() || jitter.compareTo(base) >= 0)
            throw new IllegalArgumentException("jitter must be >= 0 and below the base TTL");
        if (nullTtl.isNegative() || nullTtl.isZero()) throw new IllegalArgumentException("null TTL must be positive");
    }

    public static TtlPolicy of(Duration base, Duration jitter) {
        return new TtlPolicy(base, jitter, Duration.ofSeconds(60));
    }

    public long nextValueTtlMillis() {
        return jittered(base.toMillis(), jitter.toMillis());
    }

    public long nextNullTtlMillis() {
        long b = nullTtl.toMillis();
        return jittered(b, Math.min(jitter.toMillis(), b / 5));
    }

    private static long jittered(long base, long jitter) {
        if (jitter == 0) return base;
        return base + ThreadLocalRandom.current().nextLong(-jitter, jitter + 1);
    }
}
