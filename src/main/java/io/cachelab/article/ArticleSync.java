package io.cachelab.article;

import io.cachelab.cache.CachePolicies;
import io.cachelab.sync.TableCache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tells the change feeds that rows of {@code article} are cached under the article cache, with its
 * Bloom filter, so every consistency mode (after commit, delayed double delete, the Canal binlog)
 * evicts the same entries and adds inserted ids to the filter.
 */
@Configuration(proxyBeanMethods = false)
class ArticleSync {
    static final String TABLE = "article";

    @Bean
    TableCache articleTableCache(CachePolicies policies) {
        return new TableCache(TABLE, policies.bloomPolicy(ArticleCache.CACHE));
    }
}
