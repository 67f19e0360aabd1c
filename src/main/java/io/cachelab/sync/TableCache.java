package io.cachelab.sync;

import io.cachelab.cache.CachePolicy;

import java.util.Objects;

/**
 * A feature's declaration "rows of this table are cached under this policy" (the articles feature
 * declares {@code new TableCache("article", articlePolicy)}). It is how sync stays feature-neutral:
 * the invalidator learns table-to-cache mappings from beans instead of importing features.
 */
public record TableCache(String table, CachePolicy policy) {
    public TableCache {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(policy, "policy");
    }
}
