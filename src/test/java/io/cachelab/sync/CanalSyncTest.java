package io.cachelab.sync;

import io.cachelab.CacheLabApplication;
import io.cachelab.cache.CacheClient;
import io.cachelab.cache.CacheOutcome;
import io.cachelab.cache.CachePolicy;
import io.cachelab.cache.CacheResult;
import io.cachelab.cache.Strategy;
import io.cachelab.cache.TtlPolicy;
import io.cachelab.engine.it.RealRedis;
import io.cachelab.sync.it.CanalServerProcess;
import io.cachelab.sync.it.MariaDb;
import io.cachelab.support.ApiClient;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.redisson.api.RedissonClient;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The real chain, nothing mocked: MariaDB 10.11 with a ROW binlog → a real Canal server 1.1.7 (its
 * own JVM) → the app's canal.client feed → CacheInvalidator → a real redis-server. The app runs in
 * canal mode, so no write path touches the cache: every write here goes straight over JDBC,
 * bypassing the app, and only the binlog can explain an eviction. Servers start once for the class
 * and are stopped by PID in {@link #stop()}, also after a failure.
 */
@Tag("it")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CanalSyncTest {
    static final int POISONED_ID = 777;
    static final int MAX_RETRIES = 3;
    static final TtlPolicy TTL = TtlPolicy.of(Duration.ofMinutes(10), Duration.ofSeconds(30));
    static final CachePolicy TWO_LEVEL = CachePolicy.of("article", Strategy.TWO_LEVEL, TTL);
    static final CachePolicy ASIDE = CachePolicy.of("article", Strategy.CACHE_ASIDE, TTL);
    static final CachePolicy BLOOMED = SyncPolicies.ARTICLE;
    static final AtomicInteger POISON_CALLS = new AtomicInteger();

    record ArticleRow(long id, String title) {}

    /** A second listener that always fails for one row: the poisoned event of the dead-letter test. */
    @Configuration(proxyBeanMethods = false)
    static class PoisonedListener {
        @Bean
        ChangeListener poisoned() {
            return e -> {
                if (e.table().equals("article") && e.id() == POISONED_ID) {
                    POISON_CALLS.incrementAndGet();
                    throw new IllegalStateException("poisoned row " + e.id());
                }
            };
        }
    }

    static RealRedis redis;
    static MariaDb db;
    static CanalServerProcess canal;
    static ConfigurableApplicationContext app;
    static RedisClient lettuce;
    static RedisCommands<String, String> probe;
    static CacheClient cache, otherInstance;
    static Connection jdbc;

    @BeforeAll
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // the first run builds it/canal-server, downloading Canal
    static void start() throws Exception {
        long t0 = System.nanoTime();
        Path project = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        redis = RealRedis.start();
        db = MariaDb.start(project);
        canal = CanalServerProcess.start(project, db);
        app = new SpringApplicationBuilder(CacheLabApplication.class, PoisonedListener.class)
                // command-line arguments, not builder defaults: they must win over application.yml
                .run("--server.port=0", "--cachelab.engine.enabled=false",
                        "--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redis.port(),
                        "--spring.datasource.url=" + db.jdbcUrl(), "--spring.datasource.username=" + MariaDb.APP_USER,
                        "--spring.datasource.password=" + MariaDb.APP_PASSWORD,
                        "--spring.datasource.driver-class-name=com.mysql.cj.jdbc.Driver", "--spring.sql.init.mode=never",
                        "--cachelab.consistency.mode=canal",
                        "--cachelab.sync.canal.host=127.0.0.1", "--cachelab.sync.canal.port=" + canal.port(),
                        "--cachelab.sync.canal.destination=" + CanalServerProcess.DESTINATION,
                        "--cachelab.sync.canal.max-retries=" + MAX_RETRIES, "--cachelab.sync.canal.reconnect-backoff=200ms");
        cache = app.getBean(CacheClient.class);
        lettuce = RedisClient.create("redis://127.0.0.1:" + redis.port());
        StatefulRedisConnection<String, String> c = lettuce.connect();
        probe = c.sync();
        // a second app instance's view: its own connections and its own Caffeine tier
        otherInstance = new CacheClient(lettuce.connect(), lettuce.connectPubSub(), app.getBean(RedissonClient.class),
                app.getBean(MeterRegistry.class));
        jdbc = db.app();
        assertThat(app.getEnvironment().getProperty("spring.datasource.url")).isEqualTo(db.jdbcUrl());
        assertThat(app.getEnvironment().getProperty("spring.data.redis.port")).isEqualTo(Integer.toString(redis.port()));
        CanalChangeFeed feed = app.getBean(CanalChangeFeed.class);
        await("the feed connects", Duration.ofSeconds(20), () -> feed.state() == CanalChangeFeed.State.CONNECTED);
        System.out.printf("CANAL-IT up in %d ms: redis-server pid %d port %d, mariadbd pid %d port %d, canal server pid %d port %d%n",
                (System.nanoTime() - t0) / 1_000_000, redis.pid(), redis.port(), db.pid(), db.port(), canal.pid(), canal.port());
    }

    @AfterAll
    static void stop() {
        // the app first (its feed and clients talk to the servers), then the servers, each by PID
        closeQuietly(otherInstance);
        closeQuietly(jdbc);
        if (lettuce != null) lettuce.shutdown();
        closeQuietly(app);
        closeQuietly(canal);
        closeQuietly(db);
        closeQuietly(redis);
    }

    @Test
    @Order(1)
    void updateOverJdbcEvictsRedisAndEveryLocalTierWithinTwoSeconds() throws SQLException {
        long id = 11;
        assertThat(cache.get("11", ArticleRow.class, () -> load(id), TWO_LEVEL).outcome()).isEqualTo(CacheOutcome.MISS);
        assertThat(cache.get("11", ArticleRow.class, () -> load(id), TWO_LEVEL).outcome()).isEqualTo(CacheOutcome.HIT);
        otherInstance.get("11", ArticleRow.class, () -> load(id), TWO_LEVEL);
        assertThat(probe.exists("cachelab:article:11")).isEqualTo(1);
        assertThat(cache.locallyCached("11", TWO_LEVEL) && otherInstance.locallyCached("11", TWO_LEVEL)).isTrue();

        update(id, "changed behind the app's back");
        long ms = await("article 11 evicted from Redis and both local tiers", Duration.ofSeconds(2),
                () -> probe.exists("cachelab:article:11") == 0 && !cache.locallyCached("11", TWO_LEVEL)
                        && !otherInstance.locallyCached("11", TWO_LEVEL));
        System.out.println("CANAL-IT two-level eviction after UPDATE: " + ms + " ms");

        CacheResult<ArticleRow> fresh = cache.get("11", ArticleRow.class, () -> load(id), TWO_LEVEL);
        assertThat(fresh.outcome()).isEqualTo(CacheOutcome.MISS);
        assertThat(fresh.value().title()).isEqualTo("changed behind the app's back");
    }

    @Test
    @Order(2)
    void insertReachesTheBloomFilter() throws SQLException {
        long id = 5_000;
        assertThat(cache.get("5000", ArticleRow.class, () -> load(id), BLOOMED).outcome())
                .as("an id the filter has never seen is rejected").isEqualTo(CacheOutcome.REJECTED);
        try (PreparedStatement ps = jdbc.prepareStatement("INSERT INTO article (id, title, content, author) VALUES (?, ?, 'c', 'it')")) {
            ps.setLong(1, id);
            ps.setString(2, "inserted over JDBC");
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        var bloom = app.getBean(RedissonClient.class).<String>getBloomFilter("cachelab:bloom:article");
        long ms = await("id 5000 in the Bloom filter", Duration.ofSeconds(2), () -> bloom.contains("5000"));
        System.out.println("CANAL-IT INSERT reached the Bloom filter after " + ms + " ms");
        CacheResult<ArticleRow> r = cache.get("5000", ArticleRow.class, () -> load(id), BLOOMED);
        assertThat(r.outcome()).isEqualTo(CacheOutcome.MISS);
        assertThat(r.value()).isEqualTo(new ArticleRow(id, "inserted over JDBC"));
        assertThat(bloom.contains("5001")).isFalse();
    }

    @Test
    @Order(3)
    void deleteEvicts() throws SQLException {
        long id = 12;
        assertThat(cache.get("12", ArticleRow.class, () -> load(id), ASIDE).present()).isTrue();
        assertThat(probe.exists("cachelab:article:12")).isEqualTo(1);
        try (Statement s = jdbc.createStatement()) {
            assertThat(s.executeUpdate("DELETE FROM article WHERE id = 12")).isEqualTo(1);
        }
        await("article 12 evicted after DELETE", Duration.ofSeconds(2), () -> probe.exists("cachelab:article:12") == 0);
        assertThat(cache.get("12", ArticleRow.class, () -> load(id), ASIDE).value()).isNull();
    }

    @Test
    @Order(4)
    void commitToEvictionLatencyOverOneHundredUpdates() throws SQLException {
        List<Long> micros = new ArrayList<>();
        jdbc.setAutoCommit(false);
        try (PreparedStatement ps = jdbc.prepareStatement("UPDATE article SET title = ? WHERE id = ?")) {
            for (int id = 100; id < 200; id++) {
                String key = "cachelab:article:" + id;
                long row = id;
                cache.get(Integer.toString(id), ArticleRow.class, () -> load(row), ASIDE);
                assertThat(probe.exists(key)).isEqualTo(1);
                ps.setString(1, "latency run " + id);
                ps.setLong(2, id);
                assertThat(ps.executeUpdate()).isEqualTo(1);
                long t0 = System.nanoTime();
                jdbc.commit();
                long deadline = t0 + TimeUnit.SECONDS.toNanos(2);
                while (probe.exists(key) == 1) {
                    if (System.nanoTime() > deadline) fail("article " + id + " still cached 2 s after its commit");
                    Thread.onSpinWait();
                }
                micros.add((System.nanoTime() - t0) / 1_000);
            }
        } finally {
            jdbc.setAutoCommit(true);
        }
        Collections.sort(micros);
        assertThat(micros).hasSize(100);
        double p50 = micros.get(49) / 1000.0, p99 = micros.get(98) / 1000.0, max = micros.get(99) / 1000.0;
        System.out.printf("CANAL-IT commit-to-eviction latency over 100 UPDATEs (MariaDB -> Canal 1.1.7 -> canal.client -> "
                + "CacheInvalidator -> redis-server): p50 %.1f ms, p99 %.1f ms, max %.1f ms, min %.1f ms%n",
                p50, p99, max, micros.get(0) / 1000.0);
        assertThat(p99).isLessThan(2000.0);
    }

    @Test
    @Order(5)
    void aPoisonedEventBecomesADeadLetterAfterMaxRetriesAndLaterEventsFlow() throws SQLException {
        CanalChangeFeed feed = app.getBean(CanalChangeFeed.class);
        DeadLetters deadLetters = app.getBean(DeadLetters.class);
        assertThat(deadLetters.list()).isEmpty();
        cache.get("778", ArticleRow.class, () -> load(778), ASIDE);
        update(POISONED_ID, "poison");
        update(778, "after the poison");
        long ms = await("article 778 evicted past the poisoned 777", Duration.ofSeconds(10),
                () -> probe.exists("cachelab:article:778") == 0);
        System.out.println("CANAL-IT event after the poisoned one handled after " + ms + " ms");

        assertThat(POISON_CALLS.get()).as("first try + max-retries").isEqualTo(MAX_RETRIES + 1);
        List<String> letters = deadLetters.list();
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0)).contains("\"source\":\"canal\"", "\"table\":\"article\"", "\"kind\":\"UPDATE\"",
                "\"id\":777", "poisoned row 777", "\"title\":\"poison\"");
        System.out.println("CANAL-IT dead letter: " + letters.get(0));
        assertThat(feed.deadLettered()).isEqualTo(1);
        assertThat(app.getBean(MeterRegistry.class).get("cachelab.sync.dead.letters").tag("source", "canal").counter().count())
                .isEqualTo(1.0);

        // the feed keeps going: a later change is handled as usual, and the poison is not retried again
        cache.get("779", ArticleRow.class, () -> load(779), ASIDE);
        update(779, "later");
        await("article 779 evicted", Duration.ofSeconds(2), () -> probe.exists("cachelab:article:779") == 0);
        assertThat(POISON_CALLS.get()).isEqualTo(MAX_RETRIES + 1);
    }

    @Test
    @Order(6)
    void healthReportsTheFeed() throws Exception {
        // the feed's details are for ADMIN (management.endpoint.health.show-details: when-authorized)
        ApiClient api = new ApiClient(((WebServerApplicationContext) app).getWebServer().getPort());
        ApiClient.Response r = api.get("/actuator/health/canal", api.loginAdmin());
        System.out.println("CANAL-IT GET /actuator/health/canal -> " + r.status() + " " + r.body());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"status\":\"UP\"", "\"state\":\"connected\"", "\"deadLetters\":1",
                "\"destination\":\"example\"", "\"server\":\"127.0.0.1:" + canal.port() + "\"");
        CanalChangeFeed feed = app.getBean(CanalChangeFeed.class);
        assertThat(feed.lastBatchAt()).isNotNull();
        assertThat(feed.lagMillis()).isBetween(0L, 5_000L);
        assertThat(feed.eventsHandled()).isGreaterThanOrEqualTo(104);
        System.out.println("CANAL-IT cachelab.sync.lag " + feed.lagMillis() + " ms, cachelab.sync.events "
                + (long) feed.eventsHandled());
    }

    @Test
    @Order(7)
    void reconnectsWithBackoffWhenTheCanalServerComesBack() throws SQLException {
        CanalChangeFeed feed = app.getBean(CanalChangeFeed.class);
        var health = app.getBean("canalHealthIndicator", org.springframework.boot.health.contributor.HealthIndicator.class);
        int port = canal.port();
        canal.close();
        await("the feed notices the server is gone", Duration.ofSeconds(10), () -> feed.state() != CanalChangeFeed.State.CONNECTED);
        assertThat(health.health().getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.DOWN);

        long t0 = System.nanoTime();
        canal = CanalServerProcess.start(Path.of(System.getProperty("basedir", "")).toAbsolutePath(), db, port);
        long ms = await("the feed reconnects", Duration.ofSeconds(15), () -> feed.state() == CanalChangeFeed.State.CONNECTED);
        System.out.println("CANAL-IT Canal server restarted on " + port + "; feed connected again " + ms + " ms after it was ready ("
                + (System.nanoTime() - t0) / 1_000_000 + " ms after the restart began)");
        assertThat(health.health().getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.UP);

        cache.get("13", ArticleRow.class, () -> load(13), ASIDE);
        update(13, "after the restart");
        await("article 13 evicted through the new server", Duration.ofSeconds(2), () -> probe.exists("cachelab:article:13") == 0);
    }

    @Test
    @Order(8)
    void theArticlesApiFollowsTheBinlog() throws SQLException {
        ApiClient api = new ApiClient(((WebServerApplicationContext) app).getWebServer().getPort());
        api.get("/api/articles/20?strategy=two-level");
        assertThat(api.get("/api/articles/20?strategy=two-level").header("X-Cache")).isEqualTo("HIT");
        update(20, "edited over JDBC, read over HTTP");
        long ms = await("GET /api/articles/20 shows the new title", Duration.ofSeconds(2),
                () -> "edited over JDBC, read over HTTP".equals(api.get("/api/articles/20?strategy=two-level").json().get("title").asString()));
        System.out.println("CANAL-IT HTTP read saw the JDBC update after " + ms + " ms");

        // in canal mode the API's own write path has no cache code: the binlog evicts
        String admin = api.loginAdmin();
        api.get("/api/articles/21?strategy=cache-aside");
        assertThat(api.put("/api/articles/21", java.util.Map.of("title", "edited through the API", "content", "c", "author", "a"),
                admin).status()).isEqualTo(200);
        await("GET /api/articles/21 shows the PUT's title", Duration.ofSeconds(2),
                () -> "edited through the API".equals(api.get("/api/articles/21?strategy=cache-aside").json().get("title").asString()));
    }

    @Test
    @Order(9)
    void theConsistencyLabMeasuresCanalMode() {
        ApiClient api = new ApiClient(((WebServerApplicationContext) app).getWebServer().getPort());
        String admin = api.loginAdmin();
        for (String mode : new String[] {"canal", "delete-after-commit", "delete-then-update"}) {
            ApiClient.Response r = api.post("/api/lab/consistency",
                    java.util.Map.of("mode", mode, "writers", 2, "readers", 8, "durationMs", 3000), admin);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            System.out.println("CANAL-IT lab consistency " + mode + ": " + r.body());
            assertThat(r.json().get("writes").asLong()).isPositive();
            if (!mode.equals("delete-then-update"))
                assertThat(r.json().get("staleAtEnd").asBoolean()).as(mode + " leaves nothing stale behind").isFalse();
        }
    }

    // ---------------------------------------------------------------- helpers

    static ArticleRow load(long id) {
        try (PreparedStatement ps = jdbc.prepareStatement("SELECT id, title FROM article WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new ArticleRow(rs.getLong(1), rs.getString(2)) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void update(long id, String title) throws SQLException {
        try (PreparedStatement ps = jdbc.prepareStatement("UPDATE article SET title = ? WHERE id = ?")) {
            ps.setString(1, title);
            ps.setLong(2, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** Polls until the condition holds; returns the milliseconds it took, fails with the reason past the limit. */
    static long await(String what, Duration limit, BooleanSupplier condition) {
        long t0 = System.nanoTime(), deadline = t0 + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                CanalChangeFeed feed = app == null ? null : app.getBean(CanalChangeFeed.class);
                fail(what + ": not within " + limit.toMillis() + " ms" + (feed == null ? ""
                        : " (feed " + feed.state() + ", last error " + feed.lastError() + ")") + "\nCanal server log tail:\n"
                        + tail(canal == null ? "" : canal.log()));
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("CANAL-IT close failed: " + e);
        }
    }
}
