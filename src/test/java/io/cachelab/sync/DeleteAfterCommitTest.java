package io.cachelab.sync;

import io.cachelab.cache.CacheClient;
import io.cachelab.support.AppTestBase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.Map;

import static io.cachelab.sync.SyncPolicies.ARTICLE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default mode on the default stack (H2 + embedded engine, in the context the HTTP tests share):
 * the write path records a change inside its transaction and the entry disappears only once the
 * transaction has committed; a rollback leaves it; outside a transaction eviction is immediate; an
 * INSERT reaches the Bloom filter; tables nobody caches are ignored.
 */
class DeleteAfterCommitTest extends AppTestBase {
    static final String KEY = "cachelab:article:1";

    @Autowired
    ChangeRecorder recorder;
    @Autowired
    CacheClient cache;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    RedissonClient redisson;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager txManager;
    @Autowired
    MeterRegistry meters;
    @Autowired
    ApplicationContext context;

    TransactionTemplate tx;

    @BeforeEach
    void cacheArticleOne() {
        tx = new TransactionTemplate(txManager);
        cache.put("1", Map.of("id", 1, "title", "old"), ARTICLE);
        assertThat(redis.hasKey(KEY)).isTrue();
    }

    @Test
    void defaultsBindToDeleteAfterCommitWithNoCanalClient() {
        assertThat(recorder.mode()).isEqualTo(ConsistencyMode.DELETE_AFTER_COMMIT);
        assertThat(context.getBean(ConsistencyProperties.class).doubleDeleteDelay().toMillis()).isEqualTo(500);
        assertThat(context.getBeansOfType(CanalChangeFeed.class)).isEmpty();
    }

    @Test
    void evictsAfterCommitNeverInsideTheTransaction() {
        double before = invalidations("update");
        tx.executeWithoutResult(s -> {
            assertThat(jdbc.update("UPDATE article SET title = ? WHERE id = 1", "new")).isEqualTo(1);
            recorder.changed(ChangeEvent.of("article", ChangeEvent.Kind.UPDATE, 1));
            assertThat(redis.hasKey(KEY)).as("still cached inside the transaction").isTrue();
        });
        assertThat(redis.hasKey(KEY)).as("evicted once committed").isFalse();
        assertThat(invalidations("update") - before).isEqualTo(1.0);
    }

    @Test
    void rollbackLeavesTheEntry() {
        double before = invalidations("update");
        tx.executeWithoutResult(s -> {
            jdbc.update("UPDATE article SET title = ? WHERE id = 1", "rolled back");
            recorder.changed(ChangeEvent.of("article", ChangeEvent.Kind.UPDATE, 1));
            s.setRollbackOnly();
        });
        assertThat(redis.hasKey(KEY)).isTrue();
        assertThat(invalidations("update") - before).isZero();
    }

    @Test
    void withoutATransactionEvictsAtOnce() {
        recorder.changed(ChangeEvent.of("article", ChangeEvent.Kind.DELETE, 1));
        assertThat(redis.hasKey(KEY)).isFalse();
    }

    @Test
    void insertAddsTheIdToTheBloomFilter() {
        var bloom = redisson.<String>getBloomFilter("cachelab:bloom:article");
        long id = 500_001;
        assertThat(bloom.isExists() && bloom.contains(Long.toString(id))).isFalse();
        tx.executeWithoutResult(s -> {
            jdbc.update("INSERT INTO article (id, title, content, author) VALUES (?, 't', 'c', 'a')", id);
            recorder.changed(ChangeEvent.of("article", ChangeEvent.Kind.INSERT, id));
            assertThat(bloom.isExists() && bloom.contains(Long.toString(id))).as("not before commit").isFalse();
        });
        assertThat(bloom.contains(Long.toString(id))).isTrue();
        assertThat(bloom.contains(Long.toString(id + 1))).isFalse();
    }

    @Test
    void tablesWithoutATableCacheAreIgnored() {
        double before = invalidations("update");
        recorder.changed(ChangeEvent.of("coupon", ChangeEvent.Kind.UPDATE, 1));
        assertThat(redis.hasKey(KEY)).isTrue();
        assertThat(invalidations("update") - before).isZero();
    }

    private double invalidations(String kind) {
        var c = meters.find("cachelab.sync.invalidations").tags("table", "article", "kind", kind).counter();
        return c == null ? 0 : c.count();
    }
}
