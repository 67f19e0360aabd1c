package io.cachelab.config;

import io.cachelab.cache.BloomSpec;
import io.cachelab.cache.CachePolicies;
import io.cachelab.cache.TtlPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code cachelab.cache.*}: the local tier, the rebuild executor, and per-cache settings
 * ({@code cachelab.cache.caches.article.strategy=mutex}, {@code ...ttl=30m}, {@code ...jitter=5m}).
 * A cache not listed gets {@code defaults}; a listed cache inherits every setting it leaves out.
 */
@ConfigurationProperties("cachelab.cache")
public class CacheProperties {
    private long localMaxSize = 10_000;
    private Duration localTtl = Duration.ofSeconds(30);
    private int rebuildThreads = 2;
    private int rebuildQueue = 256;
    private Cache defaults = new Cache();
    private Map<String, Cache> caches = new LinkedHashMap<>();

    public static class Cache {
        private String strategy;
        private Duration ttl;
        private Duration jitter;
        private Duration nullTtl;
        private Long bloomExpectedInsertions;
        private Double bloomFalsePositiveRate;
        private Duration lockLease;
        private Duration lockWait;

        CachePolicies.Settings resolve(CachePolicies.Settings base) {
            Duration t = ttl != null ? ttl : base.ttl().base();
            Duration j = jitter != null ? jitter : base.ttl().jitter();
            Duration n = nullTtl != null ? nullTtl : base.ttl().nullTtl();
            long bn = bloomExpectedInsertions != null ? bloomExpectedInsertions : base.bloom().expectedInsertions();
            double bp = bloomFalsePositiveRate != null ? bloomFalsePositiveRate : base.bloom().falsePositiveRate();
            return new CachePolicies.Settings(strategy != null ? strategy : base.strategy(), new TtlPolicy(t, j, n),
                    new BloomSpec(bn, bp), lockLease != null ? lockLease : base.lockLease(),
                    lockWait != null ? lockWait : base.lockWait());
        }

        public String getStrategy() { return strategy; }
        public void setStrategy(String strategy) { this.strategy = strategy; }
        public Duration getTtl() { return ttl; }
        public void setTtl(Duration ttl) { this.ttl = ttl; }
        public Duration getJitter() { return jitter; }
        public void setJitter(Duration jitter) { this.jitter = jitter; }
        public Duration getNullTtl() { return nullTtl; }
        public void setNullTtl(Duration nullTtl) { this.nullTtl = nullTtl; }
        public Long getBloomExpectedInsertions() { return bloomExpectedInsertions; }
        public void setBloomExpectedInsertions(Long v) { this.bloomExpectedInsertions = v; }
        public Double getBloomFalsePositiveRate() { return bloomFalsePositiveRate; }
        public void setBloomFalsePositiveRate(Double v) { this.bloomFalsePositiveRate = v; }
        public Duration getLockLease() { return lockLease; }
        public void setLockLease(Duration lockLease) { this.lockLease = lockLease; }
        public Duration getLockWait() { return lockWait; }
        public void setLockWait(Duration lockWait) { this.lockWait = lockWait; }
    }

    CachePolicies policies() {
        CachePolicies.Settings base = defaults.resolve(CachePolicies.Settings.defaults());
        Map<String, CachePolicies.Settings> resolved = new LinkedHashMap<>();
        caches.forEach((name, c) -> resolved.put(name, c.resolve(base)));
        return new CachePolicies(resolved, base);
    }

    public long getLocalMaxSize() { return localMaxSize; }
    public void setLocalMaxSize(long localMaxSize) { this.localMaxSize = localMaxSize; }
    public Duration getLocalTtl() { return localTtl; }
    public void setLocalTtl(Duration localTtl) { this.localTtl = localTtl; }
    public int getRebuildThreads() { return rebuildThreads; }
    public void setRebuildThreads(int rebuildThreads) { this.rebuildThreads = rebuildThreads; }
    public int getRebuildQueue() { return rebuildQueue; }
    public void setRebuildQueue(int rebuildQueue) { this.rebuildQueue = rebuildQueue; }
    public Cache getDefaults() { return defaults; }
    public void setDefaults(Cache defaults) { this.defaults = defaults; }
    public Map<String, Cache> getCaches() { return caches; }
    public void setCaches(Map<String, Cache> caches) { this.caches = caches; }
}
