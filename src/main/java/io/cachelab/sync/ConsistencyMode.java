package io.cachelab.sync;

/**
 * How the cache follows the database ({@code cachelab.consistency.mode}). Spring binds the
 * kebab-case values {@code delete-after-commit}, {@code delayed-double-delete} and {@code canal}.
 */
public enum ConsistencyMode {
    /** Evict after the transaction commits (the default). */
    DELETE_AFTER_COMMIT,
    /** Evict in the write path, then once more a short delay after commit. */
    DELAYED_DOUBLE_DELETE,
    /** No cache code in the write path: the binlog, through Canal, drives eviction. */
    CANAL
}
