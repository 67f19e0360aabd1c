package io.cachelab.article;

import java.util.List;

/** One page of articles, free of MyBatis-Plus types so callers above the service never see them. */
public record ArticlePage(List<Article> items, long page, long size, long total) {
    public long pages() {
        return (total + size - 1) / size;
    }
}
