package io.cachelab.it;

import io.cachelab.engine.it.RealRedis;
import io.cachelab.engine.it.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The service on a real Redis Cluster: three redis-server 7.0 masters, slots split in three. */
@Tag("it")
class RedisClusterServiceIT extends ClusterServiceContract {
    static final List<RealRedis> nodes = new ArrayList<>();

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
        startService(nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(",")));
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
        stopService();
        nodes.forEach(RealRedis::close);
    }
}
