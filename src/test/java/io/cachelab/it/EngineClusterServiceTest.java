package io.cachelab.it;

import io.cachelab.engine.it.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service on a cluster of engine processes: six nodes (three masters, one replica each) made
 * by {@code cachelab.jar cluster start}, the same checks as on real Redis. Needs no real server.
 */
class EngineClusterServiceTest extends ClusterServiceContract {
    static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.start(6, 1, 0);
        try (Jedis j = new Jedis("127.0.0.1", cluster.port(0))) {
            assertThat(j.clusterInfo()).contains("cluster_state:ok", "cluster_known_nodes:6", "cluster_size:3");
        }
        startService(cluster.seeds());
    }

    @AfterAll
    static void stop() throws Exception {
        stopService();
        cluster.close();
    }
}
