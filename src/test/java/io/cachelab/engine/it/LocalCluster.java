package io.cachelab.engine.it;

import io.cachelab.engine.ClusterLauncher;
import io.cachelab.engine.TestEngine;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A cluster of engine processes made by {@code cachelab.jar cluster start} (ClusterLauncher) for one
 * test, on free ports (and free bus ports), stopped by {@code cluster stop} on close.
 */
public final class LocalCluster implements AutoCloseable {
    private final Path dir;
    private final int base;
    private final int nodes;
    private final int replicas;

    private LocalCluster(Path dir, int base, int nodes, int replicas) {
        this.dir = dir;
        this.base = base;
        this.nodes = nodes;
        this.replicas = replicas;
    }

    /**
     * Starts and forms the cluster, and returns once every replica has finished its first sync;
     * {@code sparePorts} more ports after it are left free for the test.
     */
    public static LocalCluster start(int nodes, int replicas, int sparePorts) throws Exception {
        LocalCluster c = new LocalCluster(Files.createTempDirectory("engine-cluster-"),
                TestEngine.freePortRange(nodes + sparePorts), nodes, replicas);
        ClusterLauncher.main(c.options("start"));
        c.awaitReplicasInSync();
        return c;
    }

    /**
     * A master killed before its replica's first sync (the master waits repl-diskless-sync-delay,
     * 5 s, before it sends one) leaves a replica that, as in Redis, refuses to fail over: it has
     * been "disconnected from master for longer than allowed". EngineClusterFailoverIT once killed
     * its master 4.7 s after the start, and waited 30 s for a promotion that could not come.
     */
    private void awaitReplicasInSync() throws InterruptedException {
        int expected = nodes - nodes / (replicas + 1);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            int synced = 0;
            for (int i = 0; i < nodes; i++) {
                try (Jedis node = new Jedis("127.0.0.1", port(i))) {
                    String info = node.info("replication");
                    if (info.contains("role:slave") && info.contains("master_link_status:up")) synced++;
                } catch (JedisException e) {
                    // not answering yet: counted as not in sync
                }
            }
            if (synced == expected) return;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(synced + " of " + expected + " replicas in sync 60 s after the start");
            }
            Thread.sleep(100);
        }
    }

    private String[] options(String action) {
        return new String[] {action, "--nodes", Integer.toString(nodes), "--replicas", Integer.toString(replicas),
            "--port", Integer.toString(base), "--dir", dir.toString()};
    }

    /** The client port of node i (i may reach into the spare ports). */
    public int port(int i) {
        return base + i;
    }

    /** "127.0.0.1:port,..." of every node: spring.data.redis.cluster.nodes. */
    public String seeds() {
        return IntStream.range(0, nodes).mapToObj(i -> "127.0.0.1:" + port(i)).collect(Collectors.joining(","));
    }

    /** The PID of node i, as the launcher recorded it. */
    public long pid(int i) throws Exception {
        return Long.parseLong(Files.readAllLines(dir.resolve("pids")).get(i).trim());
    }

    @Override
    public void close() throws Exception {
        ClusterLauncher.main(options("stop"));
    }
}
