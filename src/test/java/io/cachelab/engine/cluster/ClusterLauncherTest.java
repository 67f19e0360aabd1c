package io.cachelab.engine.cluster;

import io.cachelab.engine.ClusterLauncher;
import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `cachelab.jar cluster start --nodes 4 --replicas 1`: four engine processes (real JVMs, started
 * from this class path), two masters with half the slots each and one replica each, cluster_state
 * ok everywhere; `cluster stop` ends all four.
 */
class ClusterLauncherTest {

    @Test
    void startFormsAClusterOfSeparateProcessesAndStopEndsThem(@TempDir Path dir) throws Exception {
        int base = TestEngine.freePortRange(4);
        String[] opts = {"--nodes", "4", "--replicas", "1", "--port", Integer.toString(base), "--dir", dir.toString()};
        List<Long> pids = List.of();
        try {
            ClusterLauncher.main(concat("start", opts));
            pids = Files.readAllLines(dir.resolve("pids")).stream().map(Long::parseLong).toList();
            assertThat(pids).hasSize(4).allMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
            try (Jedis j = new Jedis("127.0.0.1", base + 3)) {
                assertThat(j.clusterInfo()).contains("cluster_state:ok", "cluster_known_nodes:4", "cluster_size:2",
                        "cluster_slots_assigned:16384");
                List<String> nodes = j.clusterNodes().lines().toList();
                assertThat(nodes).filteredOn(l -> l.contains("master") && l.endsWith(" 0-8191")).hasSize(1);
                assertThat(nodes).filteredOn(l -> l.contains("master") && l.endsWith(" 8192-16383")).hasSize(1);
                assertThat(nodes).filteredOn(l -> l.contains("slave")).hasSize(2);
            }
            try (Jedis master = new Jedis("127.0.0.1", base); Jedis replica = new Jedis("127.0.0.1", base + 2)) {
                // replicas are assigned in order: node base+2 replicates the first master
                assertThat(replica.clusterNodes()).contains("myself,slave " + master.clusterMyId());
            }
        } finally {
            ClusterLauncher.main(concat("stop", opts));
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        }
        assertThat(pids).noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
        assertThat(dir.resolve("pids")).doesNotExist();
    }

    private static String[] concat(String action, String[] opts) {
        String[] all = new String[opts.length + 1];
        all[0] = action;
        System.arraycopy(opts, 0, all, 1, opts.length);
        return all;
    }
}
