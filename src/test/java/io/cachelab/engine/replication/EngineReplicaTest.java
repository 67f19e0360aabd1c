package io.cachelab.engine.replication;

import io.cachelab.engine.TestEngine;
import io.cachelab.engine.it.RealRedis;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.util.Map;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine as a replica, against real masters: a real redis-server 7.0.15 (whose default,
 * diskless sync sends the {@code $EOF:} form, and with repl-diskless-sync no the {@code $<len>}
 * form), and engine chains. Every comparison is DEBUG DIGEST, which the engine computes as Redis
 * does, after WAIT has seen the replicas acknowledge the master's offset. Writes are a seeded random
 * mix over every type, so a failure reproduces.
 */
@Tag("it")
class EngineReplicaTest {
    private static final long SEED = 20261204L;

    static Map<String, String> info(Jedis j, String section) {
        return j.info(section).lines().filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1)));
    }

    static void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    static Object digest(Jedis j) {
        return new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(), "DIGEST"));
    }

    static void linkUp(Jedis replica) throws InterruptedException {
        waitFor(() -> "up".equals(info(replica, "replication").get("master_link_status")), "master_link_status:up");
    }

    /** {@code n} writes over every type on 300 keys (strings, lists, hashes, sets, zsets, streams, TTLs). */
    static void randomWrites(Jedis master, Random rnd, int n) {
        Pipeline p = master.pipelined();
        for (int i = 0; i < n; i++) {
            String k = "k" + rnd.nextInt(300);
            switch (Math.floorMod(k.hashCode(), 6)) {
                case 0 -> p.sendCommand(() -> "APPEND".getBytes(), k + ":s", Integer.toString(rnd.nextInt(1000)));
                case 1 -> {
                    if (rnd.nextInt(4) == 0) p.rpop(k + ":l");
                    else p.lpush(k + ":l", "v" + rnd.nextInt(50));
                }
                case 2 -> {
                    if (rnd.nextInt(5) == 0) p.hdel(k + ":h", "f" + rnd.nextInt(20));
                    else p.hincrBy(k + ":h", "f" + rnd.nextInt(20), rnd.nextInt(100));
                }
                case 3 -> {
                    if (rnd.nextInt(4) == 0) p.srem(k + ":t", "m" + rnd.nextInt(40));
                    else p.sadd(k + ":t", "m" + rnd.nextInt(40));
                }
                case 4 -> p.zincrby(k + ":z", rnd.nextInt(100) / 4.0, "m" + rnd.nextInt(30));
                default -> p.sendCommand(() -> "XADD".getBytes(), k + ":x", "MAXLEN", "20", "*", "f", Integer.toString(i));
            }
            if (rnd.nextInt(50) == 0) p.pexpire(k + ":s", 100_000 + rnd.nextInt(100_000));
            if (rnd.nextInt(200) == 0) p.select(rnd.nextInt(3));
        }
        p.select(0);
        p.sync();
    }

    @Test
    void anEngineReplicaFollowsARealRedisMasterInBothPayloadForms() throws Exception {
        for (String diskless : new String[] {"yes", "no"}) {
            try (RealRedis real = RealRedis.start("--repl-diskless-sync", diskless, "--repl-diskless-sync-delay", "0",
                    "--enable-debug-command", "yes");
                 Jedis master = new Jedis("127.0.0.1", real.port(), 10_000);
                 TestEngine engine = TestEngine.start();
                 Jedis replica = engine.jedis()) {
                Random rnd = new Random(SEED);
                randomWrites(master, rnd, 3_000);
                replica.replicaof("127.0.0.1", real.port());
                randomWrites(master, rnd, 10_000); // while the sync runs
                linkUp(replica);
                randomWrites(master, rnd, 2_000);
                assertThat(master.waitReplicas(1, 10_000)).isEqualTo(1);
                assertThat(digest(replica)).isEqualTo(digest(master)).isNotEqualTo("0".repeat(40));
                Map<String, String> r = info(replica, "replication");
                Map<String, String> m = info(master, "replication");
                assertThat(r.get("master_replid")).isEqualTo(m.get("master_replid"));
                assertThat(r.get("slave_repl_offset")).isEqualTo(m.get("master_repl_offset"));
                assertThatThrownBy(() -> replica.set("x", "y"))
                        .hasMessage("READONLY You can't write against a read only replica.");
            }
        }
    }

    @Test
    void aReplicaLoadingItsMastersRdbAnswersInfoAndLoadingErrorsMeanwhile() throws Exception {
        // rdbLoadProgressCallback: every loading-process-events-interval-bytes the replica serves
        // its clients (and the cluster bus) while it loads; 400 keys of 1 KB at 2.5 ms each is a second
        try (TestEngine m = TestEngine.start();
             TestEngine r = TestEngine.start("repl-diskless-load", "disabled", "key-load-delay", "2500",
                     "loading-process-events-interval-bytes", "1024");
             Jedis jm = m.jedis(); Jedis jr = r.jedis(); Jedis observer = r.jedis()) {
            Pipeline p = jm.pipelined();
            for (int i = 0; i < 400; i++) p.set("k" + i, "A".repeat(1024));
            p.sync();
            jr.replicaof("127.0.0.1", m.port());
            waitFor(() -> "1".equals(info(observer, "persistence").get("loading")), "loading:1 while the payload loads");
            assertThatThrownBy(() -> observer.get("k1")).hasMessage("LOADING Redis is loading the dataset in memory");
            linkUp(jr);
            assertThat(jr.dbSize()).isEqualTo(400);
            assertThat(info(observer, "persistence").get("loading")).isEqualTo("0");
        }
    }

    @Test
    void aFullSyncReplacesTheReplicasOwnFunctionLibraries() throws Exception {
        // emptyData drops the libraries too: the master's 'lib' must load even though the replica
        // had its own 'lib' (the cluster suite's nodes keep a library across CLUSTER REPLICATE)
        try (TestEngine m = TestEngine.start(); TestEngine r = TestEngine.start(); Jedis jm = m.jedis(); Jedis jr = r.jedis()) {
            jm.functionLoad("#!lua name=lib\nredis.register_function('who', function() return 'master' end)");
            jr.functionLoad("#!lua name=lib\nredis.register_function('who', function() return 'replica' end)");
            jr.functionLoad("#!lua name=mine\nredis.register_function('only_here', function() return 1 end)");
            jr.replicaof("127.0.0.1", m.port());
            linkUp(jr);
            assertThat(jr.fcall("who", List.of(), List.of())).isEqualTo("master");
            assertThat(jr.functionList().stream().map(l -> l.getLibraryName()).toList()).containsExactly("lib");
        }
    }

    @Test
    void aChainOfEnginesCarriesTheMastersStreamAndResumesAfterALinkIsKilled() throws Exception {
        try (TestEngine a = TestEngine.start(); TestEngine b = TestEngine.start(); TestEngine c = TestEngine.start();
             Jedis ja = a.jedis(); Jedis jb = b.jedis(); Jedis jc = c.jedis()) {
            Random rnd = new Random(SEED + 1);
            randomWrites(ja, rnd, 2_000);
            jb.replicaof("127.0.0.1", a.port());
            linkUp(jb);
            jc.replicaof("127.0.0.1", b.port());
            linkUp(jc);
            randomWrites(ja, rnd, 5_000);
            assertThat(ja.waitReplicas(1, 10_000)).isEqualTo(1);
            waitFor(() -> info(jc, "replication").get("slave_repl_offset").equals(info(ja, "replication").get("master_repl_offset")),
                    "the sub-replica at the master's offset");
            assertThat(digest(jc)).isEqualTo(digest(jb)).isEqualTo(digest(ja));
            assertThat(info(jc, "replication").get("master_replid")).isEqualTo(info(ja, "replication").get("master_replid"));

            long fullBefore = Long.parseLong(info(jb, "stats").get("sync_full"));
            jb.sendCommand(() -> "CLIENT".getBytes(), "KILL", "TYPE", "master");
            jc.sendCommand(() -> "CLIENT".getBytes(), "KILL", "TYPE", "master");
            randomWrites(ja, rnd, 1_000);
            linkUp(jb);
            linkUp(jc);
            assertThat(ja.waitReplicas(1, 10_000)).isEqualTo(1);
            waitFor(() -> info(jc, "replication").get("slave_repl_offset").equals(info(ja, "replication").get("master_repl_offset")),
                    "the sub-replica at the master's offset after the kill");
            assertThat(digest(jc)).isEqualTo(digest(ja));
            assertThat(info(ja, "stats").get("sync_partial_ok")).isEqualTo("1");
            assertThat(info(jb, "stats").get("sync_partial_ok")).isEqualTo("1");
            assertThat(Long.parseLong(info(jb, "stats").get("sync_full"))).isEqualTo(fullBefore);
        }
    }

    @Test
    void aPromotedReplicaKeepsTheOldHistorySoItsSiblingContinuesWithPsync2() throws Exception {
        try (TestEngine m = TestEngine.start(); TestEngine r1 = TestEngine.start(); TestEngine r2 = TestEngine.start();
             Jedis jm = m.jedis(); Jedis j1 = r1.jedis(); Jedis j2 = r2.jedis()) {
            Random rnd = new Random(SEED + 2);
            randomWrites(jm, rnd, 2_000);
            j1.replicaof("127.0.0.1", m.port());
            j2.replicaof("127.0.0.1", m.port());
            linkUp(j1);
            linkUp(j2);
            randomWrites(jm, rnd, 2_000);
            assertThat(jm.waitReplicas(2, 10_000)).isEqualTo(2);
            String oldId = info(jm, "replication").get("master_replid");
            String offset = info(jm, "replication").get("master_repl_offset");

            j1.replicaofNoOne();
            Map<String, String> promoted = info(j1, "replication");
            assertThat(promoted.get("role")).isEqualTo("master");
            assertThat(promoted.get("master_replid2")).isEqualTo(oldId);
            assertThat(promoted.get("second_repl_offset")).isEqualTo(Long.toString(Long.parseLong(offset) + 1));
            assertThat(promoted.get("master_replid")).isNotEqualTo(oldId);

            j2.replicaof("127.0.0.1", r1.port());
            linkUp(j2);
            randomWrites(j1, rnd, 1_000);
            assertThat(j1.waitReplicas(1, 10_000)).isEqualTo(1);
            assertThat(digest(j2)).isEqualTo(digest(j1));
            assertThat(info(j1, "stats").get("sync_partial_ok")).isEqualTo("1");
            assertThat(info(j1, "stats").get("sync_full")).isEqualTo("0");
            assertThat(info(j2, "replication").get("master_replid")).isEqualTo(info(j1, "replication").get("master_replid"));
        }
    }

    @Test
    void realReplicasLoadTheEnginesRdbInEveryFormAndLoadMode() throws Exception {
        String[][] modes = {{"yes", "disabled"}, {"yes", "swapdb"}, {"yes", "on-empty-db"}, {"no", "disabled"}};
        for (String[] mode : modes) {
            try (TestEngine engine = TestEngine.start("repl-diskless-sync", mode[0]); Jedis master = engine.jedis()) {
                Random rnd = new Random(SEED + 3);
                randomWrites(master, rnd, 5_000);
                try (RealRedis real = RealRedis.start("--repl-diskless-load", mode[1], "--enable-debug-command", "yes");
                     Jedis replica = new Jedis("127.0.0.1", real.port(), 10_000)) {
                    replica.set("only-on-the-replica", "x");
                    replica.replicaof("127.0.0.1", engine.port());
                    randomWrites(master, rnd, 5_000); // while the sync runs
                    linkUp(replica);
                    randomWrites(master, rnd, 1_000);
                    assertThat(master.waitReplicas(1, 10_000)).as("WAIT, %s", String.join("/", mode)).isEqualTo(1);
                    assertThat(digest(replica)).as("digest, %s", String.join("/", mode)).isEqualTo(digest(master));
                    assertThat(replica.exists("only-on-the-replica")).isFalse();
                    assertThat(info(master, "persistence").get("rdb_bgsave_in_progress")).isEqualTo("0");
                    assertThat(real.log()).contains(mode[0].equals("yes") ? "receiving streamed RDB from master with EOF"
                            : "bytes from master to");
                }
            }
        }
    }

    @Test
    void aReplicaRestartedFromItsRdbContinuesByPartialResync() throws Exception {
        String dir = TestEngine.tempDir();
        try (TestEngine m = TestEngine.start(); Jedis jm = m.jedis()) {
            Random rnd = new Random(SEED + 4);
            randomWrites(jm, rnd, 3_000);
            try (TestEngine r = TestEngine.start("dir", dir); Jedis jr = r.jedis()) {
                jr.replicaof("127.0.0.1", m.port());
                linkUp(jr);
                randomWrites(jm, rnd, 1_000);
                assertThat(jm.waitReplicas(1, 10_000)).isEqualTo(1);
                jr.save(); // the RDB carries repl-id and repl-offset
            }
            randomWrites(jm, rnd, 1_000); // missed while the replica is down
            try (TestEngine r = TestEngine.start("dir", dir, "replicaof", "127.0.0.1 " + m.port()); Jedis jr = r.jedis()) {
                linkUp(jr);
                assertThat(jm.waitReplicas(1, 10_000)).isEqualTo(1);
                assertThat(digest(jr)).isEqualTo(digest(jm));
                Map<String, String> stats = info(jm, "stats");
                assertThat(stats.get("sync_full")).isEqualTo("1");
                assertThat(stats.get("sync_partial_ok")).isEqualTo("1");
            }
        }
    }

    @Test
    void aFullSyncOfAMillionKeysWhileWritesContinueEndsWithTheMastersDigest() throws Exception {
        try (TestEngine m = TestEngine.start(); TestEngine r = TestEngine.start(); Jedis jm = m.jedis(); Jedis jr = r.jedis()) {
            jm.sendCommand(() -> "DEBUG".getBytes(), "POPULATE", "1000000", "key", "16");
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
            Thread writer = new Thread(() -> {
                try (Jedis w = m.jedis()) {
                    Random rnd = new Random(SEED + 5);
                    while (!stop.get()) {
                        randomWrites(w, rnd, 200);
                        w.set("key:" + rnd.nextInt(1_000_000), "rewritten");
                        writes.addAndGet(201);
                    }
                }
            });
            writer.start();
            long start = System.currentTimeMillis();
            jr.replicaof("127.0.0.1", m.port());
            linkUp(jr);
            long syncMs = System.currentTimeMillis() - start;
            Thread.sleep(500);
            stop.set(true);
            writer.join();
            assertThat(writes.get()).isGreaterThan(200);
            // WAIT counts acks of this client's own last write (Redis's c->woff); DEBUG POPULATE is not
            // propagated, so write once here or WAIT would not wait for the writer's trailing commands.
            jm.set("sync-done", "1");
            assertThat(jm.waitReplicas(1, 30_000)).isEqualTo(1);
            assertThat(jr.dbSize()).isEqualTo(jm.dbSize()).isGreaterThanOrEqualTo(1_000_000L);
            assertThat(digest(jr)).isEqualTo(digest(jm));
            System.out.printf("full sync of %d keys: %d ms, %d writes during it%n", jm.dbSize(), syncMs, writes.get());
        }
    }
}
