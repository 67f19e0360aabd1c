package io.cachelab.article;

import io.cachelab.cache.CacheClient;
import io.cachelab.cache.CachePolicies;
import io.cachelab.cache.CachePolicy;
import io.cachelab.cache.CacheResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.function.Supplier;

/**
 * Articles read through the pattern library: the strategy comes from the request or from
 * {@code cachelab.cache.caches.article.strategy}, the loader is the database, and the Bloom filter is
 * filled with every id at start (new ids arrive through the change feeds, see {@link ArticleSync}). Public because the lab
 * runs its experiments on the same cache, loader and data as the API.
 */
@Component
public class ArticleCache implements ApplicationRunner {
    public static final String CACHE = "article";
    private static final Logger log = LoggerFactory.getLogger(ArticleCache.class);
    private static final int BLOOM_PAGE = 10_000;

    private final CacheClient cache;
    private final CachePolicies policies;
    private final ArticleService articles;

    ArticleCache(CacheClient cache, CachePolicies policies, ArticleService articles) {
        this.cache = cache;
        this.policies = policies;
        this.articles = articles;
    }

    /** The article through the named strategy (null: the configured one); unknown names are a 400. */
    public CacheResult<Article> read(long id, String strategy) {
        return read(id, policy(strategy), loader(id, 0));
    }

    /** The same read answering the article's JSON text as cached (null when absent), for the HTTP API. */
    public CacheResult<String> readJson(long id, String strategy) {
        return cache.getJson(Long.toString(id), loader(id, 0), policy(strategy));
    }

    public CacheResult<Article> read(long id, CachePolicy policy, Supplier<Article> loader) {
        return cache.get(Long.toString(id), Article.class, loader, policy);
    }

    public CachePolicy policy(String strategy) {
        return policies.policy(CACHE, strategy);
    }

    /** The database read, optionally slowed by {@code delayMs} so a lab shows on a fast in-memory database. */
    public Supplier<Article> loader(long id, long delayMs) {
        return () -> {
            if (delayMs > 0) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while loading article " + id, e);
                }
            }
            return articles.find(id).orElse(null);
        };
    }

    /**
     * A reader that is slow to write back: it reads the row at once, then takes {@code delayMs} before
     * its value reaches the cache, which is the window of the classic race (the row changes and the
     * cache is evicted while the old value is still on its way to the cache).
     */
    public Supplier<Article> slowWriteBackLoader(long id, long delayMs) {
        return () -> {
            Article a = articles.find(id).orElse(null);
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while loading article " + id, e);
            }
            return a;
        };
    }

    public long maxId() {
        return articles.maxId();
    }

    public CacheClient client() {
        return cache;
    }

    /** Fills the Bloom filter with every id in the database, in pages; returns how many were added. */
    long fillBloom(long afterId) {
        CachePolicy bloom = policies.bloomPolicy(CACHE);
        long added = 0;
        long last = afterId;
        while (true) {
            List<Long> ids = articles.idsAfter(last, BLOOM_PAGE);
            if (ids.isEmpty()) return added;
            cache.bloomAddAll(bloom, ids.stream().map(String::valueOf).toList());
            added += ids.size();
            last = ids.get(ids.size() - 1);
        }
    }

    @Override
    public void run(ApplicationArguments args) {
        long started = System.nanoTime();
        long n = fillBloom(0);
        log.info("Bloom filter of cache '{}' filled with {} ids in {} ms", CACHE, n,
                (System.nanoTime() - started) / 1_000_000);
    }
}
