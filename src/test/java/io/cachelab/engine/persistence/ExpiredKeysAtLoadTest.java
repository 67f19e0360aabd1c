package io.cachelab.engine.persistence;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * rdbLoadRio: a master drops keys whose TTL passed while it was down; a replica keeps them and
 * waits for its master's DEL (it must not diverge from the stream that will delete them).
 */
class ExpiredKeysAtLoadTest {

    @Test
    void aMasterDropsExpiredKeysAtLoadAndAReplicaKeepsThem() throws Exception {
        Path rdb;
        try (TestEngine e = TestEngine.start(); Jedis j = e.jedis()) {
            j.set("soon", "v", SetParams.setParams().px(100));
            j.set("keep", "v");
            j.save();
            rdb = Path.of(e.engine().server().config().getString("dir"), "dump.rdb");
            rdb = Files.copy(rdb, Files.createTempFile("expired-at-load", ".rdb"), StandardCopyOption.REPLACE_EXISTING);
        }
        Thread.sleep(300);
        Path masterDir = Files.createTempDirectory("master");
        Files.copy(rdb, masterDir.resolve("dump.rdb"));
        try (TestEngine m = TestEngine.start("dir", masterDir.toString()); Jedis j = m.jedis()) {
            assertThat(j.dbSize()).isEqualTo(1);
            assertThat(j.info("persistence")).contains("rdb_last_load_keys_expired:1", "rdb_last_load_keys_loaded:1");
        }
        Path replicaDir = Files.createTempDirectory("replica");
        Files.copy(rdb, replicaDir.resolve("dump.rdb"));
        // a master that is not there: the replica keeps what it loaded
        try (TestEngine r = TestEngine.start("dir", replicaDir.toString(), "replicaof", "127.0.0.1 " + TestEngine.freePort());
             Jedis j = r.jedis()) {
            assertThat(j.dbSize()).isEqualTo(2);
            assertThat(j.info("persistence")).contains("rdb_last_load_keys_expired:0", "rdb_last_load_keys_loaded:2");
        }
    }

    @Test
    void aReadOnlyReplicaReplayingItsAofKeepsKeysWhoseTtlPassed() throws Exception {
        Path dir = Files.createTempDirectory("replica-aof");
        try (TestEngine e = TestEngine.start("dir", dir.toString(), "appendonly", "yes", "appendfsync", "always");
             Jedis j = e.jedis()) {
            // wait for the initial rewrite, so the keys land in the incr file as SET ... PXAT
            long deadline = System.currentTimeMillis() + 10_000;
            while (!j.info("persistence").contains("aof_rewrite_in_progress:0")
                    || !j.info("persistence").contains("aof_rewrite_scheduled:0")) {
                if (System.currentTimeMillis() > deadline) throw new AssertionError("initial AOF rewrite did not end");
                Thread.sleep(20);
            }
            j.set("soon", "v", SetParams.setParams().px(100));
            j.set("keep", "v");
        }
        Thread.sleep(300);
        try (TestEngine r = TestEngine.start("dir", dir.toString(), "appendonly", "yes",
                "replicaof", "127.0.0.1 " + TestEngine.freePort()); Jedis j = r.jedis()) {
            assertThat(j.dbSize()).isEqualTo(2);
            Thread.sleep(300); // a few crons: a read-only replica's keys wait for its master's DEL
            assertThat(j.dbSize()).isEqualTo(2);
        }
    }
}

