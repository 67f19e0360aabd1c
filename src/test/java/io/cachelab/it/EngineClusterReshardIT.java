package io.cachelab.it;

import io.cachelab.engine.it.LocalCluster;
import io.cachelab.support.ApiClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resharding under load: redis-cli --cluster reshard moves 2,000 slots between engine masters
 * (SETSLOT IMPORTING/MIGRATING, MIGRATE ... KEYS, SETSLOT NODE) while eight threads read and write
 * articles through the service; Lettuce and Redisson follow ASK and MOVED, so no request fails.
 */
@Tag("it")
class EngineClusterReshardIT {

    @Test
    void theServiceKeepsAnsweringWhileSlotsMove() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, 0, 0);
             AutoCloseable service = ClusterServiceContract.serviceOn(cluster.seeds())) {
            int base = cluster.port(0);
            ApiClient api = ClusterServiceContract.api;
            String admin = api.loginAdmin();
            for (long id = 1; id <= 200; id++) api.get("/api/articles/" + id + "?strategy=cache-aside");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong ok = new AtomicLong();
            ConcurrentHashMap<String, Long> errors = new ConcurrentHashMap<>();
            List<Thread> load = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                Thread th = new Thread(() -> {
                    long n = seed;
                    while (!stop.get()) {
                        long id = 1 + (n++ * 7919) % 200;
                        ApiClient.Response r = n % 10 == 0
                                ? api.post("/api/articles/" + id + "/views", null, null)
                                : api.get("/api/articles/" + id + "?strategy=" + (n % 2 == 0 ? "cache-aside" : "two-level"));
                        if (r.status() / 100 == 2) ok.incrementAndGet();
                        else errors.merge(r.status() + " " + r.body(), 1L, Long::sum);
                    }
                });
                th.start();
                load.add(th);
            }
            String from;
            String to;
            try (Jedis a = new Jedis("127.0.0.1", base); Jedis b = new Jedis("127.0.0.1", base + 1)) {
                from = a.clusterMyId();
                to = b.clusterMyId();
            }
            long before = ok.get();
            Process reshard = new ProcessBuilder("redis-cli", "--cluster", "reshard", "127.0.0.1:" + base,
                    "--cluster-from", from, "--cluster-to", to, "--cluster-slots", "2000", "--cluster-yes")
                    .redirectErrorStream(true).start();
            String out = new String(reshard.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = reshard.waitFor();
            long during = ok.get() - before;
            stop.set(true);
            for (Thread th : load) th.join();
            System.out.println("reshard of 2000 slots: " + during + " successful requests during it, errors " + errors);
            assertThat(exit).as(out).isZero();
            assertThat(errors).as("failed requests while slots moved").isEmpty();
            assertThat(during).as("requests answered during the reshard").isGreaterThan(100);
            try (Jedis b = new Jedis("127.0.0.1", base + 1)) {
                assertThat(b.clusterNodes().lines().filter(l -> l.contains("myself")).findFirst().orElseThrow())
                        .contains("0-1999");
            }
            Process check = new ProcessBuilder("redis-cli", "--cluster", "check", "127.0.0.1:" + base).redirectErrorStream(true).start();
            String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor()).as(checked).isZero();
            assertThat(checked).contains("[OK] All 16384 slots covered.");
            assertThat(api.put("/api/articles/5", java.util.Map.of("title", "After reshard", "content", "c", "author", "a"), admin)
                    .status()).isEqualTo(200);
            assertThat(api.get("/api/articles/5?strategy=cache-aside").json().get("title").asString()).isEqualTo("After reshard");
        }
    }
}
