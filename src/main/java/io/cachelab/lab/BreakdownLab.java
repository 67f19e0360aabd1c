package io.cachelab.lab;

import io.cachelab.article.Article;
import io.cachelab.article.ArticleCache;
import io.cachelab.cache.CacheOutcome;
import io.cachelab.cache.CachePolicy;
import io.cachelab.cache.CacheResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Cache breakdown, measured: a hot article is cached, its entry is made to expire, and N readers are
 * released at once by a latch. Database load is read from the SQL counter (where queries really run)
 * before and after, and only after any rebuild the run caused has finished, so an asynchronous rebuild
 * is counted too. Runs against the real cache, engine and database of this instance; other traffic on
 * the same article during a run would be counted with it.
 */
@Service
class BreakdownLab {
    static final int MAX_CONCURRENCY = 1_000;
    private static final Logger log = LoggerFactory.getLogger(BreakdownLab.class);

    private final ArticleCache articles;
    private final DbQueryCounter queries;

    BreakdownLab(ArticleCache articles, DbQueryCounter queries) {
        this.articles = articles;
        this.queries = queries;
    }

    record Result(String strategy, int requests, long dbQueries, double p50Ms, double p99Ms, double maxMs,
                  int staleServed, int errors, Map<CacheOutcome, Integer> outcomes) {
    }

    /**
     * One unmeasured round first, the same as the measured one: it warms the readers' code path (the
     * JIT) and the connections, so the numbers describe the pattern rather than the JVM's first run.
     */
    Result run(String strategy, int concurrency, long dbDelayMs, long articleId) throws InterruptedException {
        CachePolicy policy = articles.policy(strategy);
        if (articles.read(articleId, policy, articles.loader(articleId, 0)).value() == null)
            throw new IllegalArgumentException("article " + articleId + " does not exist");
        round(policy, concurrency, dbDelayMs, articleId);
        Result result = round(policy, concurrency, dbDelayMs, articleId);
        log.info("lab breakdown: {}", result);
        return result;
    }

    private Result round(CachePolicy policy, int concurrency, long dbDelayMs, long articleId) throws InterruptedException {
        Supplier<Article> loader = articles.loader(articleId, dbDelayMs);
        articles.read(articleId, policy, articles.loader(articleId, 0));
        articles.client().expireNow(Long.toString(articleId), policy);

        long[] latencies = new long[concurrency];
        CacheOutcome[] outcomes = new CacheOutcome[concurrency];
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(concurrency), start = new CountDownLatch(1), done = new CountDownLatch(concurrency);
        double before = queries.count("article", "select");
        for (int i = 0; i < concurrency; i++) {
            int reader = i;
            Thread t = new Thread(() -> {
                ready.countDown();
                try {
                    start.await();
                    long t0 = System.nanoTime();
                    CacheResult<Article> r = articles.read(articleId, policy, loader);
                    latencies[reader] = System.nanoTime() - t0;
                    outcomes[reader] = r.outcome();
                } catch (Exception e) {
                    errors.incrementAndGet();
                    log.debug("breakdown reader failed", e);
                } finally {
                    done.countDown();
                }
            }, "lab-breakdown-" + i);
            t.setDaemon(true);
            t.start();
        }
        ready.await();
        start.countDown();
        done.await();
        articles.client().awaitRebuilds(Duration.ofMillis(dbDelayMs + 10_000));
        long dbQueries = Math.round(queries.count("article", "select") - before);

        Map<CacheOutcome, Integer> counts = new EnumMap<>(CacheOutcome.class);
        int answered = 0;
        for (CacheOutcome o : outcomes) if (o != null) counts.merge(o, 1, Integer::sum);
        long[] ok = new long[concurrency - errors.get()];
        for (int i = 0; i < concurrency; i++) if (outcomes[i] != null) ok[answered++] = latencies[i];
        Latencies l = Latencies.of(ok);
        return new Result(LabController.name(policy), concurrency, dbQueries, l.p50Ms(), l.p99Ms(), l.maxMs(),
                counts.getOrDefault(CacheOutcome.STALE, 0), errors.get(), counts);
    }
}
