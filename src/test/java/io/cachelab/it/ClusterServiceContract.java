package io.cachelab.it;

import io.cachelab.CacheLabApplication;
import io.cachelab.support.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the service must do on any Redis Cluster, configured only through
 * {@code spring.data.redis.cluster.nodes}: identity, every cache strategy, after-commit eviction
 * across slots, the lab, and flash-sale claims (stock, one-per-user and the claim stream on hash
 * tagged keys). Proves the patterns keep every multi-key operation inside one slot (hash tags) or
 * split into single-key commands. Subclasses bring the cluster: real redis-server nodes, or engine
 * processes.
 */
abstract class ClusterServiceContract {
    static ConfigurableApplicationContext app;
    static ApiClient api;

    /** Starts the service against the cluster's seed nodes ("host:port,host:port"). */
    static void startService(String seeds) {
        String db = "jdbc:h2:mem:cluster-" + UUID.randomUUID() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        app = new SpringApplicationBuilder(CacheLabApplication.class).run("--server.port=0",
                "--cachelab.engine.enabled=false", "--spring.data.redis.cluster.nodes=" + seeds,
                "--spring.datasource.url=" + db);
        api = new ApiClient(((WebServerApplicationContext) app).getWebServer().getPort());
    }

    /** The service on these seeds until closed (a resource declared after its cluster closes first). */
    static AutoCloseable serviceOn(String seeds) {
        startService(seeds);
        return ClusterServiceContract::stopService;
    }

    @AfterAll
    static void stopService() {
        if (app != null) app.close();
        app = null;
    }

    @Test
    void loginReadsWritesAndEvictionsWorkOnACluster() {
        String admin = api.loginAdmin();
        for (String s : new String[] {"none", "cache-aside", "null-caching", "bloom", "mutex", "logical-expiry",
                "two-level", "bloom+mutex"}) {
            for (long id = 1; id <= 20; id++) { // twenty ids spread over the three masters' slots
                ApiClient.Response r = api.get("/api/articles/" + id + "?strategy=" + s);
                assertThat(r.status()).as(s + " " + id).isEqualTo(200);
                assertThat(r.json().get("title").asString()).isEqualTo("Article " + id);
            }
        }
        assertThat(api.get("/api/articles/5?strategy=cache-aside").header("X-Cache")).isEqualTo("HIT");
        assertThat(api.get("/api/articles/9999999?strategy=bloom").header("X-Cache")).isEqualTo("REJECTED");
        assertThat(api.put("/api/articles/5", Map.of("title", "On a cluster", "content", "c", "author", "a"), admin).status())
                .isEqualTo(200);
        for (String s : new String[] {"cache-aside", "two-level", "logical-expiry", "mutex"})
            assertThat(api.get("/api/articles/5?strategy=" + s).json().get("title").asString()).as(s).isEqualTo("On a cluster");
        api.post("/api/articles/6/views", null, null);
        assertThat(api.get("/api/articles/hot?limit=1").json().get(0).get("id").asLong()).isEqualTo(6);
    }

    @Test
    void theLabRunsOnACluster() {
        String admin = api.loginAdmin();
        JsonNode mutex = api.post("/api/lab/breakdown", Map.of("strategy", "mutex", "concurrency", 100, "dbDelayMs", 50), admin).json();
        assertThat(mutex.get("dbQueries").asLong()).isEqualTo(1);
        JsonNode bloom = api.post("/api/lab/penetration", Map.of("strategy", "bloom", "requests", 2000, "distinctIds", 200), admin).json();
        assertThat(bloom.get("dbQueries").asLong()).isLessThanOrEqualTo(40);
        ApiClient.Response avalanche = api.post("/api/lab/avalanche", Map.of("keys", 2000, "ttlSeconds", 600, "jitterSeconds", 120), admin);
        assertThat(avalanche.status()).as(avalanche.body()).isEqualTo(200);
        assertThat(avalanche.json().get("peakToMean").asDouble()).isLessThanOrEqualTo(3.0);
    }

    @Test
    void flashSaleClaimsSellExactlyTheStockOnACluster() throws Exception {
        String admin = api.loginAdmin();
        ApiClient.Response created = api.post("/api/admin/coupons", Map.of("title", "Cluster sale", "stock", 10,
                "beginAt", Instant.now().minusSeconds(60).toString(), "endAt", Instant.now().plusSeconds(3600).toString()), admin);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long coupon = created.json().get("id").asLong();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 30; i++) tokens.add(api.login("1390000" + String.format("%04d", i)));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<ApiClient.Response>> claims = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (String t : tokens) claims.add(pool.submit(() -> api.post("/api/coupons/" + coupon + "/claims", null, t)));
        }
        int accepted = 0;
        int refused = 0;
        for (Future<ApiClient.Response> f : claims) {
            int status = f.get().status();
            if (status == 202) accepted++;
            else if (status == 409) refused++;
            else throw new AssertionError(f.get().status() + " " + f.get().body());
        }
        pool.shutdown();
        assertThat(accepted).isEqualTo(10);
        assertThat(refused).isEqualTo(50);
        long deadline = System.nanoTime() + 30_000_000_000L;
        JsonNode view = api.get("/api/admin/coupons/" + coupon, admin).json();
        // the admin view reads the stock before it counts the claims, so the last commit can land between: wait for both
        while ((view.get("claims").asLong() < 10 || view.get("stock").asLong() != 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            view = api.get("/api/admin/coupons/" + coupon, admin).json();
        }
        assertThat(view.get("claims").asLong()).as("claims persisted from the stream").isEqualTo(10);
        assertThat(view.get("stock").asLong()).as("database stock").isZero();
        assertThat(view.get("cachedStock").asLong()).as("Redis stock").isZero();
        assertThat(api.get("/api/coupons/" + coupon + "/stock").json().get("stock").asLong()).isZero();
    }
}
