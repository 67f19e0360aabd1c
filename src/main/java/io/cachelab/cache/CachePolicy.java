package io.cachelab.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything a read needs to know besides the key: which cache (for key prefix, metric tag, Bloom
 * filter and TTLs), which strategy, and the bounds of the waiting strategies. {@code bloom} non-null
 * puts the Bloom filter in front of any strategy (Bloom in front of mutex); it is required by
 * {@link Strategy#BLOOM}. Immutable: derive variants with the {@code with...} methods.
 */
public record CachePolicy(String cache, Strategy strategy, TtlPolicy ttl, BloomSpec bloom,
                          Duration lockLease, Duration lockWait) {

    public CachePolicy {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(ttl, "ttl");
        if (strategy == Strategy.BLOOM && bloom == null) throw new IllegalArgumentException("strategy bloom needs a BloomSpec");
        if (lockLease.isNegative() || lockLease.isZero()) throw new IllegalArgumentException("lock lease must be positive");
        if (lockWait.isNegative()) throw new IllegalArgumentException("lock wait must be >= 0");
    }

    /** Defaults: 10 s lease, 3 s wait, and for {@code bloom} a filter sized for 100,000 ids at 1%. */
    public static CachePolicy of(String cache, Strategy strategy, TtlPolicy ttl) {
        BloomSpec bloom = strategy == Strategy.BLOOM ? new BloomSpec(100_000, 0.01) : null;
        return new CachePolicy(cache, strategy, ttl, bloom, Duration.ofSeconds(10), Duration.ofSeconds(3));
    }

    public CachePolicy withStrategy(Strategy s) {
        return new CachePolicy(cache, s, ttl, bloom, lockLease, lockWait);
    }

    public CachePolicy withBloom(BloomSpec b) {
        return new CachePolicy(cache, strategy, ttl, b, lockLease, lockWait);
    }

    public CachePolicy withLock(Duration lease, Duration wait) {
        return new CachePolicy(cache, strategy, ttl, bloom, lease, wait);
    }

    public CachePolicy withTtl(TtlPolicy t) {
        return new CachePolicy(cache, strategy, t, bloom, lockLease, lockWait);
    }

    /**
     * The Redis key this policy reads and writes: {@code cachelab:<cache>:<id>}, or
     * {@code cachelab:<cache>:logical:<id>} for logical expiry. The envelope {expireAt, value} lives
     * apart from plain values because the strategy can change per request: a reader of one format must
     * never find the other.
     */
    public String key(String id) {
        return strategy == Strategy.LOGICAL_EXPIRY ? logicalKey(cache, id) : plainKey(cache, id);
    }

    static String plainKey(String cache, String id) {
        return "cachelab:" + cache + ":" + id;
    }

    static String logicalKey(String cache, String id) {
        return "cachelab:" + cache + ":logical:" + id;
    }
}
