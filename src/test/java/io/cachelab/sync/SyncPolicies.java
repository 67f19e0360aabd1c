package io.cachelab.sync;

import io.cachelab.cache.BloomSpec;
import io.cachelab.cache.CachePolicy;
import io.cachelab.cache.Strategy;
import io.cachelab.cache.TtlPolicy;

import java.time.Duration;

/**
 * The article policy as the sync tests write entries with it: cache-aside with the article cache's
 * Bloom filter in front, so eviction and bloomAdd are both observable. The CacheClient and the
 * {@code TableCache("article")} are the application's own beans (config/CacheConfiguration,
 * article/ArticleSync), so these tests check the wiring users run.
 */
final class SyncPolicies {
    static final CachePolicy ARTICLE = CachePolicy.of("article", Strategy.CACHE_ASIDE,
            TtlPolicy.of(Duration.ofMinutes(10), Duration.ofSeconds(30))).withBloom(new BloomSpec(1_000_000, 0.01));

    private SyncPolicies() {
    }
}
