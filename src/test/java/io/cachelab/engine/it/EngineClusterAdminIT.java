package io.cachelab.engine.it;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * redis-cli --cluster's administration against engine nodes: add-node an empty master, rebalance
 * slots onto it (--cluster-use-empty-masters), drain it again (weight 0), del-node it (FORGET on
 * the others, CLUSTER RESET SOFT on it); the keys
 * written before follow their slots, and check is clean after each step.
 */
@Tag("it")
class EngineClusterAdminIT {

    @Test
    void addNodeRebalanceDrainAndDelNode() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, 0, 1);
             EngineProcess extra = EngineProcess.start(cluster.port(3), "--cluster-enabled", "yes",
                     "--cluster-config-file", "nodes.conf")) {
            int base = cluster.port(0);
            String seed = "127.0.0.1:" + base;
            try (Jedis j = new Jedis("127.0.0.1", base)) {
                for (int i = 0; i < 500; i++) {
                    try (Jedis owner = ownerOf(j, "key:" + i)) {
                        owner.set("key:" + i, "v" + i);
                    }
                }
            }
            ok(run("redis-cli", "--cluster", "add-node", "127.0.0.1:" + extra.port(), seed), "[OK] New node added correctly.");
            String extraId;
            try (Jedis e = new Jedis("127.0.0.1", extra.port())) {
                extraId = e.clusterMyId();
            }
            // add-node returns once the new node has met one node; rebalance needs every node to know it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!allKnow(base, extraId)) {
                assertThat(System.nanoTime()).as("every node knows the new one").isLessThan(deadline);
                Thread.sleep(100);
            }
            ok(run("redis-cli", "--cluster", "rebalance", seed, "--cluster-use-empty-masters"), "Moving");
            assertThat(slotsOf(base, extraId)).isEqualTo(4096);
            ok(run("redis-cli", "--cluster", "check", seed), "[OK] All 16384 slots covered.");
            ok(run("redis-cli", "--cluster", "rebalance", seed, "--cluster-weight", extraId + "=0"), "Moving");
            assertThat(slotsOf(base, extraId)).isZero();
            ok(run("redis-cli", "--cluster", "del-node", seed, extraId), "Sending CLUSTER RESET SOFT to the deleted node.");
            try (Jedis e = new Jedis("127.0.0.1", extra.port())) {
                assertThat(e.clusterInfo()).contains("cluster_known_nodes:1");
            }
            try (Jedis j = new Jedis("127.0.0.1", base)) {
                assertThat(j.clusterNodes()).doesNotContain(extraId);
                for (int i = 0; i < 500; i++) {
                    try (Jedis owner = ownerOf(j, "key:" + i)) {
                        assertThat(owner.get("key:" + i)).isEqualTo("v" + i);
                    }
                }
            }
            ok(run("redis-cli", "--cluster", "check", seed), "[OK] All 16384 slots covered.");
        }
    }

    private static boolean allKnow(int base, String id) {
        for (int i = 0; i < 4; i++) {
            try (Jedis j = new Jedis("127.0.0.1", base + i)) {
                String nodes = j.clusterNodes();
                if (nodes.lines().count() != 4 || nodes.contains("handshake") || !nodes.contains(id)
                        || !j.clusterInfo().contains("cluster_state:ok")) return false;
            }
        }
        return true;
    }

    /** The master serving a key's slot, from CLUSTER NODES of any node. */
    private static Jedis ownerOf(Jedis any, String key) {
        long slot = any.clusterKeySlot(key);
        for (String line : any.clusterNodes().lines().toList()) {
            String[] f = line.split(" ");
            if (!f[2].contains("master")) continue;
            for (int i = 8; i < f.length; i++) {
                String[] range = f[i].split("-");
                if (range[0].startsWith("[")) continue;
                long lo = Long.parseLong(range[0]);
                long hi = range.length > 1 ? Long.parseLong(range[1]) : lo;
                if (slot >= lo && slot <= hi) {
                    String addr = f[1].substring(0, f[1].indexOf('@'));
                    return new Jedis("127.0.0.1", Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1)));
                }
            }
        }
        throw new AssertionError("no owner for slot " + slot);
    }

    private static long slotsOf(int port, String id) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            String line = j.clusterNodes().lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow();
            String[] f = line.split(" ");
            long n = 0;
            for (int i = 8; i < f.length; i++) {
                String[] range = f[i].split("-");
                n += range.length > 1 ? Long.parseLong(range[1]) - Long.parseLong(range[0]) + 1 : 1;
            }
            return n;
        }
    }

    private record Result(int exit, String out) {
    }

    private static void ok(Result r, String expected) {
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains(expected);
    }

    private static Result run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;]*m", "");
        return new Result(p.waitFor(), out);
    }
}
