package io.cachelab.it;

import io.cachelab.CacheLabApplication;
import io.cachelab.engine.it.RealRedis;
import io.cachelab.engine.it.RespClient;
import io.cachelab.support.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service on a real Redis Cluster (three redis-server masters, slots split in three), configured
 * only through {@code spring.data.redis.cluster.nodes}: identity, every cache strategy, after-commit
 * eviction across slots, and the lab. Proves the patterns keep every multi-key operation inside one
 * slot (hash tags) or split into single-key commands.
 */
@Tag("it")
class RedisClusterServiceIT {
    static final List<RealRedis> nodes = new ArrayList<>();
    static ConfigurableApplicationContext app;
    static ApiClient api;

    @BeforeAll
    static void start() throws InterruptedException {
        for (int i = 0; i < 3; i++)
            nodes.add(RealRedis.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "5000"));
        int[][] ranges = {{0, 5460}, {5461, 10922}, {10923, 16383}};
        for (int i = 0; i < 3; i++) {
            try (RespClient c = new RespClient("127.0.0.1", nodes.get(i).port())) {
                assertThat(c.call("CLUSTER", "ADDSLOTSRANGE", ranges[i][0], ranges[i][1]).text()).isEqualTo("OK");
                for (RealRedis other : nodes) c.call("CLUSTER", "MEET", "127.0.0.1", other.port());
            }
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!allOk()) {
            assertThat(System.nanoTime()).as("cluster_state:ok on every node within 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        String seeds = nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
        String db = "jdbc:h2:mem:cluster-" + UUID.randomUUID() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        app = new SpringApplicationBuilder(CacheLabApplication.class).run("--server.port=0",
                "--cachelab.engine.enabled=false", "--spring.data.redis.cluster.nodes=" + seeds,
                "--spring.datasource.url=" + db);
        api = new ApiClient(((WebServerApplicationContext) app).getWebServer().getPort());
    }

    static boolean allOk() {
        for (RealRedis n : nodes) {
            try (RespClient c = new RespClient("127.0.0.1", n.port())) {
                String info = c.call("CLUSTER", "INFO").text();
                if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:3")) return false;
            }
        }
        return true;
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        nodes.forEach(RealRedis::close);
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
}
