package io.cachelab.engine.persistence;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * stop-writes-on-bgsave-error: after a failed BGSAVE (with save points) writes and PING answer
 * -MISCONF, reads still work, and a BGSAVE that succeeds lifts it. Sentinel relies on the PING
 * (tests/sentinel 07-down-conditions: a master that cannot persist is subjectively down).
 */
class DiskErrorTest {

    @Test
    void aFailedBgsaveDeniesWritesAndPingUntilASaveSucceeds() throws Exception {
        String dir = TestEngine.tempDir();
        // dbfilename names a directory: the temp file cannot be renamed over it
        Files.createDirectories(Path.of(dir, "taken"));
        Files.writeString(Path.of(dir, "taken", "x"), "x");
        try (TestEngine e = TestEngine.start("dir", dir, "save", "3600 1", "enable-protected-configs", "yes"); Jedis j = e.jedis()) {
            j.configSet("dbfilename", "taken");
            j.set("k", "v");
            j.bgsave();
            long deadline = System.currentTimeMillis() + 10_000;
            while (!"err".equals(field(j, "rdb_last_bgsave_status")) && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertThat(field(j, "rdb_last_bgsave_status")).isEqualTo("err");
            assertThatThrownBy(() -> j.set("k", "w")).hasMessageStartingWith("MISCONF Redis is configured to save RDB snapshots");
            assertThatThrownBy(j::ping).hasMessageStartingWith("MISCONF");
            assertThat(j.get("k")).isEqualTo("v");

            j.configSet("dbfilename", "dump.rdb");
            j.bgsave();
            deadline = System.currentTimeMillis() + 10_000;
            while (!"ok".equals(field(j, "rdb_last_bgsave_status")) && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertThat(j.ping()).isEqualTo("PONG");
            assertThat(j.set("k", "w")).isEqualTo("OK");
        }
    }

    @Test
    void withoutSavePointsAFailedBgsaveDeniesNothing() throws Exception {
        String dir = TestEngine.tempDir();
        Files.createDirectories(Path.of(dir, "taken"));
        Files.writeString(Path.of(dir, "taken", "x"), "x");
        try (TestEngine e = TestEngine.start("dir", dir, "enable-protected-configs", "yes"); Jedis j = e.jedis()) {
            j.configSet("dbfilename", "taken");
            j.bgsave();
            long deadline = System.currentTimeMillis() + 10_000;
            while (!"err".equals(field(j, "rdb_last_bgsave_status")) && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertThat(field(j, "rdb_last_bgsave_status")).isEqualTo("err");
            assertThat(j.set("k", "v")).isEqualTo("OK");
            assertThat(j.ping()).isEqualTo("PONG");
        }
    }

    private static String field(Jedis j, String name) {
        return j.info("persistence").lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).trim())
                .findFirst().orElse(null);
    }
}
