package io.cachelab.article;

import io.cachelab.CacheLabApplication;
import io.cachelab.cache.CacheClient;
import io.cachelab.cache.CachePolicies;
import io.cachelab.engine.TestEngine;
import io.cachelab.support.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the app in one JVM, as two Spring contexts: A runs the embedded engine, B uses A's
 * engine as an external Redis; both share one H2 database. An update through A must evict B's local
 * (Caffeine) entry through the pub/sub eviction channel within a second, and a read after a PUT has
 * returned must never show the old title through Redis.
 */
class TwoInstancesTest {
    static ConfigurableApplicationContext a, b;
    static ApiClient apiA, apiB;

    @BeforeAll
    static void start() {
        int engine = TestEngine.freePort();
        String db = "jdbc:h2:mem:two-instances-" + UUID.randomUUID() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        // command-line arguments: they outrank application.yml, as the properties of a test context do
        a = new SpringApplicationBuilder(CacheLabApplication.class).run("--server.port=0",
                "--cachelab.engine.port=" + engine, "--spring.data.redis.port=" + engine, "--spring.datasource.url=" + db);
        b = new SpringApplicationBuilder(CacheLabApplication.class).run("--server.port=0",
                "--cachelab.engine.enabled=false", "--spring.data.redis.port=" + engine,
                "--spring.datasource.url=" + db, "--spring.sql.init.mode=never");
        apiA = new ApiClient(((WebServerApplicationContext) a).getWebServer().getPort());
        apiB = new ApiClient(((WebServerApplicationContext) b).getWebServer().getPort());
    }

    @AfterAll
    static void stop() {
        if (b != null) b.close();
        if (a != null) a.close();
    }

    static Map<String, String> body(String title) {
        return Map.of("title", title, "summary", "s", "content", "c", "author", "tester");
    }

    @Test
    void anUpdateThroughAEvictsBsLocalEntryWithinOneSecond() throws InterruptedException {
        CacheClient cacheB = b.getBean(CacheClient.class);
        var policy = b.getBean(CachePolicies.class).policy(ArticleCache.CACHE, "two-level");
        String admin = apiA.loginAdmin();
        long worstMs = 0;
        for (int i = 1; i <= 10; i++) {
            assertThat(apiB.get("/api/articles/41?strategy=two-level").status()).isEqualTo(200);
            assertThat(apiB.get("/api/articles/41?strategy=two-level").header("X-Cache")).isEqualTo("HIT");
            assertThat(cacheB.locallyCached("41", policy)).isTrue();

            assertThat(apiA.put("/api/articles/41", body("Edited " + i), admin).status()).isEqualTo(200);
            long putReturned = System.nanoTime();
            while (cacheB.locallyCached("41", policy)) {
                assertThat((System.nanoTime() - putReturned) / 1_000_000).as("B still holds the old entry").isLessThan(1000);
                Thread.sleep(1);
            }
            worstMs = Math.max(worstMs, (System.nanoTime() - putReturned) / 1_000_000);
            assertThat(apiB.get("/api/articles/41?strategy=two-level").json().get("title").asString()).isEqualTo("Edited " + i);
        }
        System.out.println("two instances: B's local entry evicted at most " + worstMs + " ms after A's PUT returned");
    }

    /**
     * B keeps a session it looked up for 5 s (session-local-ttl), but a logout through A reaches B by
     * pub/sub: B refuses the token well within a second, not after its local copy would expire.
     */
    @Test
    void aLogoutThroughAEndsTheSessionOnBWithinOneSecond() throws InterruptedException {
        String token = apiA.login("13977776666");
        assertThat(apiB.get("/api/ping/user", token).status()).isEqualTo(200);
        assertThat(apiA.post("/api/auth/logout", null, token).status()).isEqualTo(204);
        long returned = System.nanoTime();
        while (apiB.get("/api/ping/user", token).status() == 200) {
            assertThat((System.nanoTime() - returned) / 1_000_000).as("B still accepts the ended session").isLessThan(1000);
            Thread.sleep(5);
        }
        assertThat(apiB.get("/api/ping/user", token).status()).isEqualTo(401);
    }

    @Test
    void aReadAfterAPutNeverShowsTheOldTitle() {
        String admin = apiA.loginAdmin();
        for (int i = 1; i <= 30; i++) {
            apiA.get("/api/articles/42?strategy=cache-aside");
            apiB.get("/api/articles/42?strategy=mutex");
            assertThat(apiA.put("/api/articles/42", body("Version " + i), admin).status()).isEqualTo(200);
            for (ApiClient api : new ApiClient[] {apiA, apiB}) {
                for (String s : new String[] {"cache-aside", "mutex", "logical-expiry", "null-caching"}) {
                    assertThat(api.get("/api/articles/42?strategy=" + s).json().get("title").asString()).as(s)
                            .isEqualTo("Version " + i);
                }
            }
            assertThat(apiA.get("/api/articles/42?strategy=two-level").json().get("title").asString()).isEqualTo("Version " + i);
        }
    }
}
