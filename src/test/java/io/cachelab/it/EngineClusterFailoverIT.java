package io.cachelab.it;

import io.cachelab.engine.it.LocalCluster;
import io.cachelab.support.ApiClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service through a cluster failover: six engine processes (three masters, one replica each),
 * four threads counting views and reading articles through the service (Lettuce and Redisson as
 * cluster clients), then kill -9 of a master. Requests on its slots fail until its replica is
 * elected (node-timeout 2000 plus the election) - at once, not after a command timeout, since
 * commands to a disconnected node are rejected; the clients then follow the new topology within
 * the 2 s refresh period, and every request after that succeeds.
 */
@Tag("it")
class EngineClusterFailoverIT {

    @Test
    void theServiceFollowsAFailover() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(6, 1, 0);
             AutoCloseable service = ClusterServiceContract.serviceOn(cluster.seeds())) {
            int base = cluster.port(0);
            ApiClient api = ClusterServiceContract.api;
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicLong lastFailureNs = new AtomicLong();
            List<Thread> load = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                Thread th = new Thread(() -> {
                    long n = seed;
                    while (!stop.get()) {
                        long id = 1 + (n++ * 7919) % 200;
                        ApiClient.Response r = n % 2 == 0 ? api.post("/api/articles/" + id + "/views", null, null)
                                : api.get("/api/articles/" + id + "?strategy=cache-aside");
                        if (r.status() / 100 == 2) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            lastFailureNs.set(System.nanoTime());
                        }
                    }
                });
                th.start();
                load.add(th);
            }
            Thread.sleep(2000);
            long pid = cluster.pid(0);
            long killedAt = System.nanoTime();
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            long deadline = killedAt + 30_000_000_000L;
            try (Jedis replica = new Jedis("127.0.0.1", base + 3)) {
                while (!replica.clusterNodes().contains("myself,master")) {
                    assertThat(System.nanoTime()).as("replica of the killed master promoted").isLessThan(deadline);
                    Thread.sleep(50);
                }
            }
            long promotedMs = (System.nanoTime() - killedAt) / 1_000_000;
            // after the promotion the clients must find the new master; give them 15 s, then count
            Thread.sleep(15_000);
            long failedBefore = failed.get();
            long okBefore = ok.get();
            Thread.sleep(5_000);
            stop.set(true);
            for (Thread th : load) th.join();
            long lastFailureMs = lastFailureNs.get() == 0 ? -1 : (lastFailureNs.get() - killedAt) / 1_000_000;
            System.out.println("failover: promoted " + promotedMs + " ms after kill -9; " + failedBefore
                    + " requests failed, the last " + lastFailureMs + " ms after the kill; " + (ok.get() - okBefore)
                    + " succeeded in the last 5 s");
            assertThat(failed.get()).as("requests failing 15 s after the promotion").isEqualTo(failedBefore);
            // commands to the dead node fail at once (not after the 5 s timeout, twice) and the 2 s
            // refresh finds the new master: the service is whole again shortly after the promotion
            assertThat(lastFailureMs).as("last failure, ms after the kill (promoted at " + promotedMs + ")")
                    .isLessThan(promotedMs + 5_000);
            assertThat(ok.get() - okBefore).as("requests answered in the last 5 s").isGreaterThan(100);
        }
    }
}
