package io.cachelab.article;

/**
 * Published by {@link ArticleService} inside a write transaction and handled after it commits, so the
 * cache is never invalidated for a change the database could still roll back, and never before the
 * new row is visible to the reader who refills the cache.
 */
record ArticleChanged(long id, Kind kind) {
    enum Kind { INSERT, UPDATE, DELETE }
}
