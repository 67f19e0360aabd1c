package io.cachelab.it;

import io.cachelab.engine.ClusterLauncher;
import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service on a cluster of engine processes: six nodes (three masters, one replica each) made
 * by {@code cachelab.jar cluster start}, the same checks as on real Redis. Needs no real server.
 */
class EngineClusterServiceTest extends ClusterServiceContract {
    static Path dir;
    static int base;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("engine-cluster-");
        base = TestEngine.freePortRange(6);
        ClusterLauncher.main(options("start"));
        try (Jedis j = new Jedis("127.0.0.1", base)) {
            assertThat(j.clusterInfo()).contains("cluster_state:ok", "cluster_known_nodes:6", "cluster_size:3");
        }
        startService(IntStream.range(0, 6).mapToObj(i -> "127.0.0.1:" + (base + i)).collect(Collectors.joining(",")));
    }

    @AfterAll
    static void stop() throws Exception {
        stopService();
        ClusterLauncher.main(options("stop"));
    }

    private static String[] options(String action) {
        return new String[] {action, "--nodes", "6", "--replicas", "1", "--port", Integer.toString(base),
            "--dir", dir.toString()};
    }
}
