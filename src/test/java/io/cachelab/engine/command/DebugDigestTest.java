package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** DEBUG DIGEST / DIGEST-VALUE give the hex strings a real redis-server 7.0.15 gave for the same data. */
class DebugDigestTest {
    static final TestEngine ENGINE = TestEngine.start();

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    private static Object debug(Jedis j, String... args) {
        Object r = j.sendCommand(() -> "DEBUG".getBytes(), args);
        if (r instanceof byte[] b) return new String(b);
        if (r instanceof List<?> l) return l.stream().map(o -> new String((byte[]) o)).toList();
        return r;
    }

    @Test
    void digestsMatchRedis() {
        try (Jedis j = ENGINE.jedis()) {
            j.flushAll();
            assertThat(debug(j, "digest")).isEqualTo("0000000000000000000000000000000000000000");
            j.set("s", "hello");
            j.rpush("l", "a", "b", "12");
            j.sadd("st", "1", "2", "x");
            j.sendCommand(() -> "ZADD".getBytes(), "z", "0.1", "a", "2", "b", "1e30", "c");
            j.hset("h", java.util.Map.of("f", "v", "g", "1"));
            j.sendCommand(() -> "XADD".getBytes(), "x", "1-1", "f", "v");
            j.expire("s", 100);
            j.select(3);
            j.set("k", "v");
            j.select(0);
            assertThat(debug(j, "digest")).isEqualTo("56f4faea4cd8543d00cc25b86ae4061d81f8cba8");
            assertThat(debug(j, "digest-value", "s", "l", "st", "z", "h", "x", "nokey")).isEqualTo(List.of(
                    "d037c4eb8a8b36b602fbced4000daeab0714c1e3", "4fddf5ecfb89aa53ce571890ffcd91dc9c8824bf",
                    "4c6eef6b7853d1b76391c849d71b0d35d3faf18f", "27cbcbabcc33158a4b968fbee6908df065905dcf",
                    "6679ee22f89ed8001eeb5309d0900265ea56c03a", "2ed9a7a81688084b1f7eae33456ef7727d357031",
                    "0000000000000000000000000000000000000000"));
        }
    }
}
