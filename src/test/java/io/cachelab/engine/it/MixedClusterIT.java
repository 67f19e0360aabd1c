package io.cachelab.engine.it;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Engine processes and redis-server 7.0 processes in one cluster, made by redis-cli --cluster
 * create: engine masters with real replicas, and real masters with engine replicas. A master is
 * killed with kill -9; its replica (the other implementation) wins the election within
 * node-timeout plus a few seconds, the data written before is still there, and redis-cli --cluster
 * check finds every slot covered and every node agreeing.
 */
@Tag("it")
class MixedClusterIT {
    private static final int NODE_TIMEOUT = 3000;

    /** One node of either kind. */
    private interface Node extends AutoCloseable {
        int port();

        void kill9() throws InterruptedException;

        @Override
        void close();
    }

    private static Node engine() {
        int port = EngineProcess.freeClusterPort();
        EngineProcess e = EngineProcess.start(port, "--cluster-enabled", "yes", "--cluster-node-timeout",
                Integer.toString(NODE_TIMEOUT), "--cluster-config-file", "nodes.conf");
        return new Node() {
            public int port() {
                return e.port();
            }

            public void kill9() throws InterruptedException {
                e.kill9();
            }

            public void close() {
                e.close();
            }
        };
    }

    private static Node real() {
        RealRedis r = RealRedis.start("--cluster-enabled", "yes", "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT),
                "--cluster-config-file", "nodes.conf", "--cluster-port", Integer.toString(EngineProcess.freeClusterPort()));
        return new Node() {
            public int port() {
                return r.port();
            }

            public void kill9() throws InterruptedException {
                ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroyForcibly);
                Thread.sleep(200);
            }

            public void close() {
                r.close();
            }
        };
    }

    @Test
    void engineMastersWithRealReplicasFailOverToTheRealReplica() throws Exception {
        failover(true);
    }

    @Test
    void realMastersWithEngineReplicasFailOverToTheEngineReplica() throws Exception {
        failover(false);
    }

    private void failover(boolean engineMasters) throws Exception {
        List<Node> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) nodes.add((i < 3) == engineMasters ? engine() : real());
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            Result created = run(create);
            assertThat(created.exit()).as(created.out()).isZero();
            assertThat(created.out()).contains("[OK] All 16384 slots covered.");
            awaitAll(nodes, 3, "every node: cluster_state ok, 3 replicas known");

            Map<String, Integer> portById = new TreeMap<>();
            for (Node n : nodes) {
                try (Jedis j = new Jedis("127.0.0.1", n.port())) {
                    portById.put(j.clusterMyId(), n.port());
                }
            }
            try (JedisCluster cluster = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", nodes.get(0).port())))) {
                for (int i = 0; i < 300; i++) cluster.set("key:" + i, "v" + i);
            }
            // kill the master of the first node's slots after its replica acknowledged every write
            Node victim = nodes.get(0);
            String victimId;
            int replicaPort;
            try (Jedis m = new Jedis("127.0.0.1", victim.port(), 10_000)) {
                victimId = m.clusterMyId();
                String replicaLine = m.clusterNodes().lines().filter(l -> l.contains(" " + victimId + " ")
                        && l.contains("slave")).findFirst().orElseThrow();
                replicaPort = portById.get(replicaLine.substring(0, 40));
                assertThat(m.waitReplicas(1, 5000)).isEqualTo(1);
            }
            long killedAt = System.nanoTime();
            victim.kill9();
            List<Node> survivors = new ArrayList<>(nodes);
            survivors.remove(victim);
            awaitPromoted(replicaPort, survivors);
            long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            System.out.println((engineMasters ? "engine master -> real replica" : "real master -> engine replica")
                    + ": promoted and cluster_state ok everywhere " + failoverMs + " ms after kill -9");
            assertThat(failoverMs).as("failover time").isLessThan(NODE_TIMEOUT + 10_000L);

            try (JedisCluster cluster = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", replicaPort)))) {
                for (int i = 0; i < 300; i++) assertThat(cluster.get("key:" + i)).isEqualTo("v" + i);
            }
            Result check = run(List.of("redis-cli", "--cluster", "check", "127.0.0.1:" + replicaPort));
            assertThat(check.out()).contains("[OK] All nodes agree about slots configuration.",
                    "[OK] All 16384 slots covered.");
            assertThat(check.exit()).as(check.out()).isZero();
        } finally {
            nodes.forEach(Node::close);
        }
    }

    private static void awaitAll(List<Node> nodes, int replicas, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!allOk(nodes, replicas)) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static boolean allOk(List<Node> nodes, int replicas) {
        for (Node n : nodes) {
            try (Jedis j = new Jedis("127.0.0.1", n.port())) {
                if (!j.clusterInfo().contains("cluster_state:ok")) return false;
                if (j.clusterNodes().lines().filter(l -> l.contains("slave")).count() != replicas) return false;
            }
        }
        return true;
    }

    /** The replica became a master and every survivor is back to cluster_state:ok. */
    private static void awaitPromoted(int replicaPort, List<Node> survivors) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            boolean done;
            try (Jedis r = new Jedis("127.0.0.1", replicaPort)) {
                done = r.clusterNodes().contains("myself,master");
            }
            for (Node n : survivors) {
                try (Jedis j = new Jedis("127.0.0.1", n.port())) {
                    done &= j.clusterInfo().contains("cluster_state:ok");
                }
            }
            if (done) return;
            assertThat(System.nanoTime()).as("replica on " + replicaPort + " promoted").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private record Result(int exit, String out) {
    }

    private static Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }
}
