package io.cachelab.engine.cluster;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A cluster replica serves reads of its master's slots to READONLY clients, and sends writes to the
 * master with MOVED; a script counts as a write when its shebang does not declare no-writes.
 */
class EngineClusterReplicaTest {

    @Test
    void aReadOnlyClientReadsOnTheReplicaAndWritingScriptsAreMoved() throws Exception {
        int base = TestEngine.freePortRange(2);
        try (TestEngine master = TestEngine.start("cluster-enabled", "yes", "port", Integer.toString(base), "bind", "127.0.0.1");
             TestEngine replica = TestEngine.start("cluster-enabled", "yes", "port", Integer.toString(base + 1), "bind", "127.0.0.1");
             Jedis m = master.jedis(); Jedis r = replica.jedis()) {
            m.sendCommand(() -> "CLUSTER".getBytes(), "ADDSLOTSRANGE", "0", "16383");
            r.clusterMeet("127.0.0.1", master.port());
            String masterId = m.clusterMyId();
            await(() -> r.clusterNodes().contains(masterId));
            r.clusterReplicate(masterId);
            await(() -> r.info("replication").contains("master_link_status:up") && r.clusterInfo().contains("cluster_state:ok")
                    && m.clusterInfo().contains("cluster_state:ok"));
            m.set("a", "1");
            assertThat(m.waitReplicas(1, 5000)).isEqualTo(1);
            String moved = "MOVED 15495 127.0.0.1:" + master.port();
            assertThatThrownBy(() -> r.get("a")).hasMessage(moved);
            assertThat(r.readonly()).isEqualTo("OK");
            assertThat(r.get("a")).isEqualTo("1");
            assertThat(r.eval("#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])", List.of("a"), List.of())).isEqualTo("1");
            assertThatThrownBy(() -> r.eval("#!lua\nreturn redis.call('del', KEYS[1])", List.of("a"), List.of())).hasMessage(moved);
            assertThatThrownBy(() -> r.del("a")).hasMessage(moved);
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check c) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!c.ok()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("condition not met in 20 s");
            Thread.sleep(50);
        }
    }
}
