package io.cachelab.lab;

import io.cachelab.article.ArticleCache;
import io.cachelab.cache.CacheOutcome;
import io.cachelab.cache.CachePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cache penetration, measured: requests for ids that cannot exist (a fresh random range far above the
 * largest id, so every run starts cold and no earlier run's cached nulls help), spread over a chosen
 * number of distinct ids and sent by a few threads. Database load comes from the SQL counter. The
 * false-positive rate is the share of distinct absent ids the Bloom filter let through.
 */
@Service
class PenetrationLab {
    static final int MAX_REQUESTS = 100_000;
    private static final int THREADS = 8;
    private static final Logger log = LoggerFactory.getLogger(PenetrationLab.class);

    private final ArticleCache articles;
    private final DbQueryCounter queries;

    PenetrationLab(ArticleCache articles, DbQueryCounter queries) {
        this.articles = articles;
        this.queries = queries;
    }

    /** {@code configuredFalsePositiveRate}: what the filter was sized for, next to the rate measured here. */
    record Result(String strategy, int requests, int distinctIds, long dbQueries, int rejected, int nullHits,
                  Double falsePositiveRate, Double configuredFalsePositiveRate, int errors) {
    }

    Result run(String strategy, int requests, int distinctIds) throws InterruptedException {
        if (distinctIds > requests) throw new IllegalArgumentException("distinctIds must be <= requests");
        CachePolicy policy = articles.policy(strategy);
        long base = articles.maxId() + 1_000_000_000L + ThreadLocalRandom.current().nextLong(1L << 40);
        AtomicInteger rejected = new AtomicInteger(), nulls = new AtomicInteger(), errors = new AtomicInteger();
        BitSet passed = new BitSet(distinctIds);
        double before = queries.count("article", "select");
        Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            int worker = t;
            threads[t] = new Thread(() -> {
                for (int i = worker; i < requests; i += THREADS) {
                    int n = i % distinctIds;
                    try {
                        CacheOutcome o = articles.read(base + n, policy, articles.loader(base + n, 0)).outcome();
                        if (o == CacheOutcome.REJECTED) rejected.incrementAndGet();
                        else {
                            if (o == CacheOutcome.NULL) nulls.incrementAndGet();
                            synchronized (passed) {
                                passed.set(n);
                            }
                        }
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                }
            }, "lab-penetration-" + t);
            threads[t].start();
        }
        for (Thread t : threads) t.join();
        long dbQueries = Math.round(queries.count("article", "select") - before);
        Double fpr = policy.bloom() == null ? null : passed.cardinality() / (double) distinctIds;
        Double configured = policy.bloom() == null ? null : policy.bloom().falsePositiveRate();
        Result r = new Result(LabController.name(policy),
                requests, distinctIds, dbQueries, rejected.get(), nulls.get(), fpr, configured, errors.get());
        log.info("lab penetration: {}", r);
        return r;
    }
}
