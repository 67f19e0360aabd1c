package io.cachelab.cache;

/**
 * What one read did, in the words a controller puts into {@code X-Cache} and the metric puts into its
 * {@code outcome} tag: the same five values everywhere so a number on a dashboard and a header in a
 * response can be compared directly.
 */
public enum CacheOutcome {
    /** served from a cache tier without calling the loader */
    HIT,
    /** the loader ran (or, for {@code none}, always runs) */
    MISS,
    /** a cached "absent" marker answered; the loader was not called */
    NULL,
    /** the Bloom filter said the id cannot exist; the loader was not called */
    REJECTED,
    /** a logically expired value was served while one rebuild runs elsewhere */
    STALE;

    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
