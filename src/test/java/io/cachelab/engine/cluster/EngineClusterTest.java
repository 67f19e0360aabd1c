package io.cachelab.engine.cluster;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Three engine masters form a cluster over the real bus (CLUSTER MEET, ADDSLOTSRANGE, gossip) and
 * answer clients as Redis Cluster does: MOVED to the owner, CROSSSLOT, ASK during a migration,
 * slot-proportional key counts, nodes.conf on disk. A malformed bus message closes that link only.
 */
class EngineClusterTest {
    private static final List<TestEngine> NODES = new ArrayList<>();
    private static final int[] BUS = new int[3];

    @BeforeAll
    static void formCluster() throws Exception {
        for (int i = 0; i < 3; i++) {
            BUS[i] = freePort();
            NODES.add(TestEngine.start("cluster-enabled", "yes", "cluster-port", Integer.toString(BUS[i]),
                    "cluster-node-timeout", "3000", "bind", "127.0.0.1"));
        }
        int[][] ranges = {{0, 5460}, {5461, 10922}, {10923, 16383}};
        for (int i = 0; i < 3; i++) {
            try (Jedis j = NODES.get(i).jedis()) {
                j.sendCommand(() -> "CLUSTER".getBytes(), "ADDSLOTSRANGE", Integer.toString(ranges[i][0]), Integer.toString(ranges[i][1]));
                if (i > 0) {
                    j.sendCommand(() -> "CLUSTER".getBytes(), "MEET", "127.0.0.1", Integer.toString(NODES.get(0).port()),
                            Integer.toString(BUS[0]));
                }
            }
        }
        for (TestEngine n : NODES) {
            awaitTrue(() -> {
                try (Jedis j = n.jedis()) {
                    return j.clusterInfo().contains("cluster_state:ok") && j.clusterNodes().lines().count() == 3;
                }
            });
        }
    }

    @AfterAll
    static void stop() {
        NODES.forEach(TestEngine::close);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Check c) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!c.ok()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("condition not met in 20 s");
            Thread.sleep(50);
        }
    }

    @Test
    void everyNodeSeesTheSameSlotMapAndTheOwnerServesTheKey() {
        // "foo" hashes to 12182, served by the third node
        try (Jedis first = NODES.get(0).jedis(); Jedis third = NODES.get(2).jedis()) {
            assertThat(first.clusterKeySlot("foo")).isEqualTo(12182);
            assertThatThrownBy(() -> first.set("foo", "bar"))
                    .isInstanceOf(JedisDataException.class)
                    .hasMessage("MOVED 12182 127.0.0.1:" + NODES.get(2).port());
            assertThat(third.set("foo", "bar")).isEqualTo("OK");
            assertThat(third.clusterCountKeysInSlot(12182)).isEqualTo(1);
            assertThat(third.clusterGetKeysInSlot(12182, 10)).containsExactly("foo");
            assertThatThrownBy(() -> third.mset("a", "1", "b", "2"))
                    .hasMessage("CROSSSLOT Keys in request don't hash to the same slot");
            assertThat(third.mset("{foo}a", "1", "{foo}b", "2")).isEqualTo("OK");
            for (TestEngine n : NODES) {
                try (Jedis j = n.jedis()) {
                    assertThat(j.clusterNodes().lines().filter(l -> l.endsWith(" 10923-16383")).count()).isEqualTo(1);
                    assertThat(j.clusterInfo()).contains("cluster_known_nodes:3", "cluster_size:3");
                }
            }
        }
    }

    @Test
    void aMigratingSlotSendsMissingKeysToTheImporterWithAsk() throws Exception {
        try (Jedis src = NODES.get(0).jedis(); Jedis dst = NODES.get(1).jedis()) {
            int slot = (int) src.clusterKeySlot("{b}mig");
            String srcId = src.clusterMyId();
            String dstId = dst.clusterMyId();
            assertThat(dst.clusterSetSlotImporting(slot, srcId)).isEqualTo("OK");
            assertThat(src.clusterSetSlotMigrating(slot, dstId)).isEqualTo("OK");
            assertThatThrownBy(() -> src.get("{b}mig")).hasMessage("ASK " + slot + " 127.0.0.1:" + NODES.get(1).port());
            assertThatThrownBy(() -> dst.set("{b}mig", "v")).hasMessageStartingWith("MOVED " + slot);
            dst.asking();
            assertThat(dst.set("{b}mig", "v")).isEqualTo("OK");
            assertThat(dst.clusterSetSlotNode(slot, dstId)).isEqualTo("OK");
            assertThat(src.clusterSetSlotNode(slot, dstId)).isEqualTo("OK");
            assertThat(dst.get("{b}mig")).isEqualTo("v");
            awaitTrue(() -> NODES.get(2).jedis().clusterNodes().contains(dstId));
        }
    }

    @Test
    void nodesConfRecordsTheViewAndTheEpochs() throws Exception {
        Path dir = Path.of(NODES.get(0).engine().server().config().getString("dir"));
        awaitTrue(() -> Files.readString(dir.resolve("nodes.conf")).lines().count() == 4);
        String conf = Files.readString(dir.resolve("nodes.conf"));
        assertThat(conf).contains("myself,master").containsPattern("(?m)^vars currentEpoch \\d+ lastVoteEpoch 0$");
    }

    @Test
    void aMalformedBusMessageClosesThatLinkOnly() throws Exception {
        try (Socket s = new Socket("127.0.0.1", BUS[0])) {
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        try (Jedis j = NODES.get(0).jedis()) {
            assertThat(j.clusterInfo()).contains("cluster_state:ok", "cluster_known_nodes:3");
        }
    }
}
