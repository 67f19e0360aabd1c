package io.cachelab.cache;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The configured settings of each named cache, and the one parser of strategy names, used for the
 * configured default and for requests that choose their own ({@code ?strategy=mutex}). A cache's Bloom
 * sizing is configured apart from its strategy: the filter guards a read only when the strategy asks
 * for it, either {@code bloom} alone (Bloom in front of cache-aside with cached nulls) or a composition
 * such as {@code bloom+mutex} (also written {@code bloom,mutex}: a '+' in a query string arrives as a
 * space, which is accepted too).
 */
public final class CachePolicies {

    /** One cache's configuration; {@code strategy} is a name as {@link #policy(String, String)} reads it. */
    public record Settings(String strategy, TtlPolicy ttl, BloomSpec bloom, Duration lockLease, Duration lockWait) {
        public Settings {
            Objects.requireNonNull(strategy, "strategy");
            Objects.requireNonNull(ttl, "ttl");
            Objects.requireNonNull(bloom, "bloom");
        }

        public static Settings defaults() {
            return new Settings("cache-aside",
                    new TtlPolicy(Duration.ofMinutes(30), Duration.ofMinutes(5), Duration.ofSeconds(60)),
                    new BloomSpec(1_000_000, 0.01), Duration.ofSeconds(10), Duration.ofSeconds(3));
        }
    }

    private final Map<String, Settings> byCache;
    private final Settings defaults;

    public CachePolicies(Map<String, Settings> byCache, Settings defaults) {
        this.byCache = Map.copyOf(byCache);
        this.defaults = Objects.requireNonNull(defaults);
        this.byCache.forEach((cache, s) -> policy(cache, s.strategy())); // fail at start on a bad name
    }

    public Settings settings(String cache) {
        return byCache.getOrDefault(cache, defaults);
    }

    /** The cache's policy with its configured strategy. */
    public CachePolicy policy(String cache) {
        return policy(cache, null);
    }

    /** The cache's policy with the strategy a request named; null or blank keeps the configured one. */
    public CachePolicy policy(String cache, String strategy) {
        Settings settings = settings(cache);
        String name = (strategy == null || strategy.isBlank() ? settings.strategy() : strategy).trim().toLowerCase(Locale.ROOT);
        boolean bloomInFront = false;
        for (char sep : new char[] {'+', ',', ' '}) {
            int i = name.indexOf(sep);
            if (i > 0 && name.substring(0, i).trim().equals("bloom")) {
                bloomInFront = true;
                name = name.substring(i + 1).trim();
                break;
            }
        }
        Strategy chosen = Strategy.parse(name);
        if (bloomInFront && (chosen == Strategy.BLOOM || chosen == Strategy.NONE))
            throw new IllegalArgumentException("unknown cache strategy: " + strategy);
        boolean guarded = bloomInFront || chosen == Strategy.BLOOM;
        return new CachePolicy(cache, chosen, settings.ttl(), guarded ? settings.bloom() : null,
                settings.lockLease(), settings.lockWait());
    }

    /** The policy with the cache's Bloom filter attached, whatever its strategy: for filling the filter. */
    public CachePolicy bloomPolicy(String cache) {
        return policy(cache).withBloom(settings(cache).bloom());
    }
}
