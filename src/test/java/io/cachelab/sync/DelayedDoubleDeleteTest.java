package io.cachelab.sync;

import io.cachelab.cache.CacheClient;
import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.Map;

import static io.cachelab.sync.SyncPolicies.ARTICLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * delayed-double-delete with a 400 ms delay: the first delete happens in the write path; a stale
 * value a reader caches between that delete and the commit survives the commit and is removed by
 * the second delete, no earlier than the delay after commit. A rollback schedules nothing.
 */
@SpringBootTest(properties = {"cachelab.consistency.mode=delayed-double-delete",
        "cachelab.consistency.double-delete-delay=400ms"})
class DelayedDoubleDeleteTest {
    static final int ENGINE_PORT = TestEngine.freePort();
    static final String KEY = "cachelab:article:2";

    @DynamicPropertySource
    static void enginePort(DynamicPropertyRegistry registry) {
        registry.add("cachelab.engine.port", () -> ENGINE_PORT);
    }

    @Autowired
    ChangeRecorder recorder;
    @Autowired
    CacheClient cache;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager txManager;

    TransactionTemplate tx;

    @BeforeEach
    void cacheArticleTwo() {
        tx = new TransactionTemplate(txManager);
        cache.put("2", Map.of("id", 2, "title", "old"), ARTICLE);
    }

    @Test
    void secondDeleteRemovesTheValueCachedDuringTheWrite() {
        assertThat(recorder.mode()).isEqualTo(ConsistencyMode.DELAYED_DOUBLE_DELETE);
        tx.executeWithoutResult(s -> {
            jdbc.update("UPDATE article SET title = ? WHERE id = 2", "new");
            recorder.changed(ChangeEvent.of("article", ChangeEvent.Kind.UPDATE, 2));
            assertThat(redis.hasKey(KEY)).as("first delete, in the write path").isFalse();
            // a concurrent reader that loaded the old row before the commit caches it again
            cache.put("2", Map.of("id", 2, "title", "old"), ARTICLE);
        });
        long committed = System.nanoTime();
        assertThat(redis.hasKey(KEY)).as("the stale value survives the commit").isTrue();
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10)).until(() -> !redis.hasKey(KEY));
        long afterMs = (System.nanoTime() - committed) / 1_000_000;
        assertThat(afterMs).as("second delete not before the delay").isGreaterThanOrEqualTo(400);
    }

    @Test
    void rollbackSchedulesNoSecondDelete() throws InterruptedException {
        tx.executeWithoutResult(s -> {
            recorder.changed(ChangeEvent.of("article", ChangeEvent.Kind.UPDATE, 2));
            s.setRollbackOnly();
        });
        assertThat(redis.hasKey(KEY)).as("first delete happened").isFalse();
        cache.put("2", Map.of("id", 2, "title", "old"), ARTICLE);
        Thread.sleep(700);
        assertThat(redis.hasKey(KEY)).isTrue();
    }
}
