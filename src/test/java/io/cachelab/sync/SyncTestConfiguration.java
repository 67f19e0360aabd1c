package io.cachelab.sync;

import io.cachelab.cache.BloomSpec;
import io.cachelab.cache.CacheClient;
import io.cachelab.cache.CachePolicy;
import io.cachelab.cache.Strategy;
import io.cachelab.cache.TtlPolicy;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import java.time.Duration;

/**
 * What the articles feature and the cache wiring will provide in the main tree, declared here so the
 * sync tests run on their own: a CacheClient on the app's Redis (the embedded engine, or the real
 * Redis the it suite points spring.data.redis at) and a TableCache for {@code article}. The client
 * is {@code @Primary} so these tests keep working once the main tree declares its own CacheClient.
 */
@TestConfiguration(proxyBeanMethods = false)
class SyncTestConfiguration {
    /** cache-aside with a Bloom filter in front: eviction and bloomAdd are both observable. */
    static final CachePolicy ARTICLE = CachePolicy.of("article", Strategy.CACHE_ASIDE,
            TtlPolicy.of(Duration.ofMinutes(10), Duration.ofSeconds(30))).withBloom(new BloomSpec(10_000, 0.01));

    @Bean(destroyMethod = "shutdown")
    RedisClient syncTestLettuce(@Value("${spring.data.redis.host}") String host, @Value("${spring.data.redis.port}") int port) {
        return RedisClient.create("redis://" + host + ":" + port);
    }

    @Bean(destroyMethod = "close")
    @Primary
    CacheClient syncTestCacheClient(RedisClient syncTestLettuce, RedissonClient redisson, MeterRegistry meters) {
        return new CacheClient(syncTestLettuce.connect(), syncTestLettuce.connectPubSub(), redisson, meters);
    }

    @Bean
    TableCache articleTableCache() {
        return new TableCache("article", ARTICLE);
    }
}
