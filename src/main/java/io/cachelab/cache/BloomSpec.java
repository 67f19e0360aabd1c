package io.cachelab.cache;

/**
 * Sizing of a cache's Bloom filter. Redisson derives the bit count and hash count from these two,
 * as the textbook formulas do (m = -n ln p / (ln 2)^2, k = m/n ln 2); the filter is created once per
 * cache name and keeps its first sizing (RBloomFilter.tryInit does not resize).
 */
public record BloomSpec(long expectedInsertions, double falsePositiveRate) {
    public BloomSpec {
        if (expectedInsertions <= 0) throw new IllegalArgumentException("expectedInsertions must be positive");
        if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) throw new IllegalArgumentException("falsePositiveRate must be in (0, 1)");
    }
}
