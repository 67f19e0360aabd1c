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

    @Test
    void publishOnOneNodeReachesSubscribersOnAnother() throws Exception {
        try (Socket sub = new Socket("127.0.0.1", NODES.get(2).port()); Jedis pub = NODES.get(0).jedis()) {
            sub.setSoTimeout(5000);
            OutputStream out = sub.getOutputStream();
            out.write("SUBSCRIBE news\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readUntil(sub, "news\r\n:1\r\n")).startsWith("*3\r\n$9\r\nsubscribe\r\n");
            // PUBLISH counts local receivers (none on node 0) and goes to every node over the bus
            assertThat(pub.publish("news", "hello")).isZero();
            assertThat(readUntil(sub, "hello\r\n")).isEqualTo("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n");
        }
        // a shard channel lives in its slot: SPUBLISH elsewhere is redirected ("news" hashes to 5161, node 1)
        try (Jedis other = NODES.get(2).jedis()) {
            assertThatThrownBy(() -> other.sendCommand(() -> "SPUBLISH".getBytes(), "news", "x"))
                    .hasMessage("MOVED 5161 127.0.0.1:" + NODES.get(0).port());
        }
    }

    private static String readUntil(Socket s, String end) throws IOException {
        StringBuilder got = new StringBuilder();
        while (!got.toString().endsWith(end)) {
            int b = s.getInputStream().read();
            if (b < 0) throw new IOException("closed after " + got);
            got.append((char) b);
        }
        return got.toString();
    }

    @Test
    void scriptsMayTouchOnlyLocalKeysInOneSlotUnlessTheyAllowCrossSlot() {
        try (Jedis third = NODES.get(2).jedis()) {
            int i = 0;
            while (third.clusterKeySlot("k" + i) < 10923 || third.clusterKeySlot("k" + i) == 12182) i++;
            String other = "k" + i;
            String both = "redis.call('set', 'foo', '1'); redis.call('set', '" + other + "', '2'); return 'OK'";
            assertThatThrownBy(() -> third.eval("#!lua\n" + both, 0))
                    .hasMessageStartingWith("ERR Script attempted to access keys that do not hash to the same slot");
            // no shebang: the old compatibility mode may cross slots; so may allow-cross-slot-keys
            assertThat(third.eval(both, 0)).isEqualTo("OK");
            assertThat(third.eval("#!lua flags=allow-cross-slot-keys\n" + both, 0)).isEqualTo("OK");
            // the declared key sets the slot the calls must stay in
            assertThatThrownBy(() -> third.eval("#!lua\nreturn redis.call('get', 'foo')", 1, other))
                    .hasMessageStartingWith("ERR Script attempted to access keys that do not hash to the same slot");
            // "a" hashes to 15495 (node 3), "b" to 3300 (node 1)
            assertThatThrownBy(() -> third.eval("#!lua\nreturn redis.call('get', 'b')", 0))
                    .hasMessageStartingWith("ERR Script attempted to access a non local key in a cluster node");
            assertThatThrownBy(() -> third.eval("#!lua flags=no-cluster\nreturn 1", 0))
                    .hasMessage("ERR Can not run script on cluster, 'no-cluster' flag is set.");
        }
    }

    @Test
    void aClusterNodeHasOnlyDatabaseZero() {
        try (Jedis j = NODES.get(0).jedis()) {
            assertThat(j.select(0)).isEqualTo("OK");
            assertThatThrownBy(() -> j.select(1)).hasMessage("ERR SELECT is not allowed in cluster mode");
            assertThatThrownBy(() -> j.move("b", 1)).hasMessage("ERR MOVE is not allowed in cluster mode");
            assertThatThrownBy(() -> j.swapDB(0, 1)).hasMessage("ERR SWAPDB is not allowed in cluster mode");
            assertThatThrownBy(() -> j.replicaof("127.0.0.1", 1)).hasMessage("ERR REPLICAOF not allowed in cluster mode.");
        }
    }

    @Test
    void aClientBlockedOnASlotThatMovesAwayIsRedirected() throws Exception {
        // "{blk}q" hashes to 9857, served by the second node until it is handed to the third
        try (Socket blocked = new Socket("127.0.0.1", NODES.get(1).port());
             Jedis owner = NODES.get(1).jedis(); Jedis next = NODES.get(2).jedis()) {
            blocked.setSoTimeout(10_000);
            blocked.getOutputStream().write("BLPOP {blk}q 0\r\n".getBytes(StandardCharsets.US_ASCII));
            blocked.getOutputStream().flush();
            awaitTrue(() -> owner.info("clients").contains("blocked_clients:1"));
            String nextId = next.clusterMyId();
            assertThat(next.clusterSetSlotNode(9857, nextId)).isEqualTo("OK");
            assertThat(owner.clusterSetSlotNode(9857, nextId)).isEqualTo("OK");
            assertThat(readUntil(blocked, "\r\n")).isEqualTo("-MOVED 9857 127.0.0.1:" + NODES.get(2).port() + "\r\n");
            assertThat(owner.info("clients")).contains("blocked_clients:0");
        }
    }

    @Test
    void aStrangerClaimingEverySlotWithAHugeEpochChangesNothing() throws Exception {
        String before;
        try (Jedis j = NODES.get(0).jedis()) {
            before = j.clusterInfo().lines().filter(l -> l.startsWith("cluster_current_epoch:")).findFirst().orElseThrow();
        }
        byte[] ping = new byte[Msg.HEADER];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(ping);
        b.put("RCmb".getBytes(StandardCharsets.US_ASCII)).putInt(Msg.HEADER).putShort((short) 1).putShort((short) 7777)
                .putShort((short) Msg.PING).putShort((short) 0).putLong(1_000_000L).putLong(1_000_000L).putLong(0);
        b.put("f".repeat(40).getBytes(StandardCharsets.US_ASCII));
        java.util.Arrays.fill(ping, Msg.OFF_MYSLOTS, Msg.OFF_MYSLOTS + 2048, (byte) 0xff);
        b.putShort(Msg.OFF_FLAGS, (short) 1); // CLUSTER_NODE_MASTER
        try (Socket s = new Socket("127.0.0.1", BUS[0])) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(ping);
            s.getOutputStream().flush();
            // a PING gets its PONG even from a stranger, but only a MEET could make it known
            byte[] sig = s.getInputStream().readNBytes(4);
            assertThat(new String(sig, StandardCharsets.US_ASCII)).isEqualTo("RCmb");
        }
        try (Jedis j = NODES.get(0).jedis()) {
            assertThat(j.clusterInfo()).contains(before, "cluster_known_nodes:3", "cluster_slots_assigned:16384");
            assertThat(j.clusterNodes()).doesNotContain("f".repeat(40));
            assertThat(j.clusterSlots()).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aFloodOfJunkAndOversizedFramesOnTheBusClosesEachLinkAndTheClusterStaysOk() throws Exception {
        List<Socket> links = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                Socket s = new Socket("127.0.0.1", BUS[1]);
                s.setSoTimeout(5000);
                byte[] frame = new byte[1024];
                java.nio.ByteBuffer.wrap(frame).put("RCmb".getBytes(StandardCharsets.US_ASCII))
                        .putInt(i % 2 == 0 ? Integer.MAX_VALUE : 12); // over the limit, or shorter than a header
                s.getOutputStream().write(frame);
                s.getOutputStream().flush();
                links.add(s);
            }
            for (Socket s : links) assertThat(s.getInputStream().read()).isEqualTo(-1);
        } finally {
            for (Socket s : links) s.close();
        }
        try (Jedis j = NODES.get(1).jedis()) {
            assertThat(j.clusterInfo()).contains("cluster_state:ok", "cluster_known_nodes:3");
        }
    }

    @Test
    void clusterShardsDescribesEachMasterAndItsNodes() {
        try (Jedis j = NODES.get(0).jedis()) {
            List<?> shards = (List<?>) j.sendCommand(() -> "CLUSTER".getBytes(), "SHARDS");
            assertThat(shards).hasSize(3);
            for (Object shard : shards) {
                List<?> fields = (List<?>) shard;
                assertThat(new String((byte[]) fields.get(0))).isEqualTo("slots");
                List<?> nodes = (List<?>) fields.get(3);
                List<?> node = (List<?>) nodes.get(0);
                // id, port, ip, endpoint, role, replication-offset, health: 7 pairs (no hostname announced)
                assertThat(node).hasSize(14);
                assertThat(new String((byte[]) node.get(12))).isEqualTo("health");
                assertThat(new String((byte[]) node.get(13))).isEqualTo("online");
            }
            assertThatThrownBy(() -> j.configSet("cluster-announce-hostname", "x".repeat(256)))
                    .hasMessageContaining("Hostnames must be less than 256 characters");
            assertThatThrownBy(() -> j.configSet("cluster-announce-hostname", "?.com"))
                    .hasMessageContaining("Hostnames may only contain alphanumeric characters, hyphens or dots");
        }
    }
}

