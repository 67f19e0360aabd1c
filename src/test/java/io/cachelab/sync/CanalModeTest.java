package io.cachelab.sync;

import io.cachelab.cache.CacheClient;
import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
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
 * canal mode without a Canal server (the real one runs in the it suite, CanalSyncIT): the write path
 * touches no cache, and the feed, pointed at a port where nothing listens, keeps backing off while
 * health "canal" reports DOWN with the reason. The app itself starts and serves regardless.
 */
@SpringBootTest(properties = {"cachelab.consistency.mode=canal", "cachelab.sync.canal.reconnect-backoff=200ms"})
class CanalModeTest {
    static final int ENGINE_PORT = TestEngine.freePort();
    static final int NOTHING_LISTENS = TestEngine.freePort();

    @DynamicPropertySource
    static void ports(DynamicPropertyRegistry registry) {
        registry.add("cachelab.engine.port", () -> ENGINE_PORT);
        registry.add("cachelab.sync.canal.port", () -> NOTHING_LISTENS);
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
    @Autowired
    ApplicationContext context;

    @Test
    void writePathLeavesTheCacheToTheBinlog() {
        cache.put("3", Map.of("id", 3), ARTICLE);
        new TransactionTemplate(txManager).executeWithoutResult(s -> {
            jdbc.update("UPDATE article SET title = ? WHERE id = 3", "new");
            recorder.changed(ChangeEvent.of("article", ChangeEvent.Kind.UPDATE, 3));
        });
        assertThat(redis.hasKey("cachelab:article:3")).isTrue();
    }

    @Test
    void healthIsDownWhileTheServerIsUnreachable() {
        CanalChangeFeed feed = context.getBean(CanalChangeFeed.class);
        assertThat(feed.isRunning()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.lastError() != null);
        var health = context.getBean("canalHealthIndicator", HealthIndicator.class).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("server", "127.0.0.1:" + NOTHING_LISTENS)
                .containsEntry("destination", "example").containsEntry("lastBatchAt", "never")
                .containsKey("lastError");
        assertThat(health.getDetails().get("state")).isIn("connecting", "backoff");
    }
}
