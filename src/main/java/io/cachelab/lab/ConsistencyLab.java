package io.cachelab.lab;

import io.cachelab.article.Article;
import io.cachelab.article.ArticleCache;
import io.cachelab.cache.CachePolicy;
import io.cachelab.sync.CacheInvalidator;
import io.cachelab.sync.CanalChangeFeed;
import io.cachelab.sync.ChangeEvent;
import io.cachelab.sync.ChangeRecorder;
import io.cachelab.sync.ConsistencyMode;
import io.cachelab.sync.ConsistencyProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.PreparedStatement;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * DB/cache consistency, measured: writers keep changing one row while readers read it through
 * cache-aside, and every read is checked against what had been committed when the read began.
 *
 * <p>Each write takes the row lock first ({@code SELECT ... FOR UPDATE}), so versions commit in the
 * order they are numbered, holds its transaction open for {@code writeHoldMs} (a real transaction does
 * work), and tells the cache in the way the mode prescribes, through the production code
 * ({@link ChangeRecorder#changed(ChangeEvent, ConsistencyMode)}); {@code delete-then-update} is the
 * naive order, shown for contrast: evict first, then write. Readers are slow to write back
 * ({@code dbDelayMs} between reading the row and filling the cache), which opens the classic race. A
 * read is stale when it returns a version older than the newest version committed before the read
 * began; its staleness is how long ago the next version had committed. After the writers stop, the
 * lab waits past the double-delete delay and reads once more: {@code staleAtEnd} means the cache kept
 * an old value with nobody left to evict it (until its TTL).
 */
@Service
class ConsistencyLab {
    static final String NAIVE = "delete-then-update";
    private static final Logger log = LoggerFactory.getLogger(ConsistencyLab.class);

    private final ArticleCache articles;
    private final ChangeRecorder recorder;
    private final CacheInvalidator invalidator;
    private final ObjectProvider<CanalChangeFeed> canal;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ConsistencyProperties consistency;

    ConsistencyLab(ArticleCache articles, ChangeRecorder recorder, CacheInvalidator invalidator,
                   ObjectProvider<CanalChangeFeed> canal, JdbcTemplate jdbc, TransactionTemplate tx,
                   ConsistencyProperties consistency) {
        this.consistency = consistency;
        this.articles = articles;
        this.recorder = recorder;
        this.invalidator = invalidator;
        this.canal = canal;
        this.jdbc = jdbc;
        this.tx = tx;
    }

    record Result(String mode, int writers, int readers, long durationMs, long writes, long reads, long staleReads,
                  double staleRatio, double maxStalenessMs, boolean staleAtEnd, long dbDelayMs, long writeHoldMs) {
    }

    Result run(String modeName, int writers, int readers, long durationMs, long dbDelayMs, long writeHoldMs)
            throws InterruptedException {
        String name = modeName.trim().toLowerCase(Locale.ROOT);
        ConsistencyMode mode = name.equals(NAIVE) ? null : parse(name);
        if (mode == ConsistencyMode.CANAL) {
            CanalChangeFeed feed = canal.getIfAvailable();
            if (feed == null || feed.state() != CanalChangeFeed.State.CONNECTED)
                throw new IllegalArgumentException("mode canal needs a connected Canal feed (run with "
                        + "cachelab.consistency.mode=canal or cachelab.sync.canal.enabled=true)");
        }
        long id = insertRow();
        CachePolicy policy = articles.policy("cache-aside");
        AtomicLong version = new AtomicLong(), latestCommitted = new AtomicLong();
        ConcurrentHashMap<Long, Long> commitNanos = new ConcurrentHashMap<>();
        AtomicLong writes = new AtomicLong(), reads = new AtomicLong(), stale = new AtomicLong(), worstNanos = new AtomicLong();
        long end = System.nanoTime() + durationMs * 1_000_000;
        try {
            Thread[] threads = new Thread[writers + readers];
            for (int w = 0; w < writers; w++) {
                threads[w] = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        long v = tx.execute(status -> {
                            jdbc.queryForObject("SELECT id FROM article WHERE id = ? FOR UPDATE", Long.class, id);
                            long next = version.incrementAndGet();
                            ChangeEvent change = ChangeEvent.of("article", ChangeEvent.Kind.UPDATE, id);
                            if (mode == null) invalidator.on(change); // the naive order: evict, then write
                            jdbc.update("UPDATE article SET title = ? WHERE id = ?", "v" + next, id);
                            if (mode != null) recorder.changed(change, mode);
                            sleep(writeHoldMs);
                            return next;
                        });
                        commitNanos.put(v, System.nanoTime());
                        latestCommitted.accumulateAndGet(v, Math::max);
                        writes.incrementAndGet();
                        sleep(writeHoldMs);
                    }
                }, "lab-consistency-writer-" + w);
            }
            for (int r = 0; r < readers; r++) {
                threads[writers + r] = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        long started = System.nanoTime();
                        long committedAtStart = latestCommitted.get();
                        Article a = articles.read(id, policy, articles.slowWriteBackLoader(id, dbDelayMs)).value();
                        reads.incrementAndGet();
                        long seen = a == null ? -1 : versionOf(a);
                        if (seen < committedAtStart) {
                            stale.incrementAndGet();
                            Long supersededAt = commitNanos.get(seen + 1);
                            if (supersededAt != null) worstNanos.accumulateAndGet(started - supersededAt, Math::max);
                        }
                    }
                }, "lab-consistency-reader-" + r);
            }
            for (Thread t : threads) t.start();
            for (Thread t : threads) t.join();
            // past any pending second delete (and the binlog's trip), then one last look
            Thread.sleep(recorderDelayMs() + dbDelayMs + 300);
            Article last = articles.read(id, policy, articles.loader(id, 0)).value();
            boolean staleAtEnd = last == null || versionOf(last) < latestCommitted.get();
            long n = reads.get();
            Result result = new Result(mode == null ? NAIVE : mode.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    writers, readers, durationMs, writes.get(), n, stale.get(),
                    n == 0 ? 0 : Math.round(stale.get() * 10_000.0 / n) / 10_000.0,
                    Math.round(worstNanos.get() / 10_000.0) / 100.0, staleAtEnd, dbDelayMs, writeHoldMs);
            log.info("lab consistency: {}", result);
            return result;
        } finally {
            jdbc.update("DELETE FROM article WHERE id = ?", id);
            invalidator.on(ChangeEvent.of("article", ChangeEvent.Kind.DELETE, id));
        }
    }

    private long recorderDelayMs() {
        return consistency.doubleDeleteDelay().toMillis(); // the binlog's trip is shorter
    }

    private long insertRow() {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.update(c -> {
            PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO article (title, summary, content, author) VALUES ('v0', 'consistency lab row', 'lab', 'lab')",
                    new String[] {"id"});
            return ps;
        }, keys);
        return keys.getKeyAs(Number.class).longValue();
    }

    private static long versionOf(Article a) {
        String t = a.getTitle();
        return t != null && t.startsWith("v") ? Long.parseLong(t.substring(1)) : -1;
    }

    private static ConsistencyMode parse(String name) {
        for (ConsistencyMode m : ConsistencyMode.values())
            if (m.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(name)) return m;
        throw new IllegalArgumentException("unknown mode: " + name + " (delete-after-commit, delayed-double-delete, canal, "
                + NAIVE + ")");
    }

    private static void sleep(long ms) {
        if (ms <= 0) return;
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
