package io.cachelab.engine.sentinel;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.cachelab.engine.sentinel.SentinelFailoverTest.replicate;
import static io.cachelab.engine.sentinel.SentinelFailoverTest.master;
import static io.cachelab.engine.sentinel.SentinelFailoverTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One quorum of three engine Sentinels and two real redis-sentinel 7.0.15 processes (CI installs
 * Debian's redis-sentinel): they find each other through hellos, agree the master is down, elect
 * one leader, and every one of them ends up pointing at the same promoted replica.
 */
@Tag("it")
class SentinelInteropTest {

    /** A real redis-sentinel on a free port, with its own dir and config, stopped by PID. */
    static final class RealSentinel implements AutoCloseable {
        final Process process;
        final int port;
        final Path dir;

        RealSentinel(int masterPort, int quorum) {
            try {
                dir = Path.of(TestEngine.tempDir());
                port = TestEngine.freePort();
                Files.writeString(dir.resolve("sentinel.conf"), "port " + port + "\nbind 127.0.0.1\ndir " + dir
                        + "\nlogfile log.txt\nsentinel monitor mym 127.0.0.1 " + masterPort + " " + quorum
                        + "\nsentinel down-after-milliseconds mym 1000\nsentinel failover-timeout mym 6000\n");
                process = new ProcessBuilder("redis-sentinel", dir.resolve("sentinel.conf").toString()).directory(dir.toFile())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.txt").toFile()).start();
                waitFor(() -> {
                    try (Jedis j = new Jedis("127.0.0.1", port, 500)) {
                        return "PONG".equals(j.ping());
                    } catch (RuntimeException notYet) {
                        return false;
                    }
                }, 10_000, "redis-sentinel on " + port);
            } catch (IOException e) {
                throw new UncheckedIOException("redis-sentinel must be installed (apt-get install redis-sentinel)", e);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        String log() {
            try {
                return Files.readString(dir.resolve("log.txt"));
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }

    @Test
    void threeEngineSentinelsAndTwoRealOnesFailOverTogether() throws Exception {
        try (TestEngine m = TestEngine.start(); TestEngine r1 = TestEngine.start(); TestEngine r2 = TestEngine.start()) {
            replicate(m, r1, r2);
            List<TestSentinel> ours = new ArrayList<>();
            List<RealSentinel> real = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) ours.add(TestSentinel.monitoring(m.port(), 3));
                for (int i = 0; i < 2; i++) real.add(new RealSentinel(m.port(), 3));
                List<Integer> ports = new ArrayList<>();
                ours.forEach(s -> ports.add(s.port()));
                real.forEach(s -> ports.add(s.port));
                for (int p : ports) {
                    waitFor(() -> {
                        try (Jedis j = new Jedis("127.0.0.1", p, 2000)) {
                            var state = master(j);
                            return state.get("num-other-sentinels").equals("4") && state.get("num-slaves").equals("2");
                        }
                    }, 20_000, "discovery by the sentinel on " + p);
                }
                int oldPort = m.port();
                m.close();
                waitFor(() -> ports.stream().allMatch(p -> {
                    try (Jedis j = new Jedis("127.0.0.1", p, 2000)) {
                        int now = Integer.parseInt(j.sentinelGetMasterAddrByName("mym").get(1));
                        return now != oldPort;
                    }
                }), 30_000, "every sentinel switched");
                List<String> addresses = new ArrayList<>();
                for (int p : ports) {
                    try (Jedis j = new Jedis("127.0.0.1", p, 2000)) {
                        addresses.add(String.join(":", j.sentinelGetMasterAddrByName("mym")));
                    }
                }
                assertThat(addresses).hasSize(5).allMatch(a -> a.equals(addresses.get(0)));
                int promoted = Integer.parseInt(addresses.get(0).split(":")[1]);
                assertThat(promoted).isIn(r1.port(), r2.port());
                int masters = 0;
                for (TestEngine r : List.of(r1, r2)) {
                    try (Jedis j = r.jedis()) {
                        if (j.info("replication").contains("role:master")) masters++;
                    }
                }
                assertThat(masters).as("one promotion").isEqualTo(1);
                long leaders = ours.stream().mapToLong(s -> s.events("+elected-leader").size()).sum()
                        + real.stream().filter(s -> s.log().contains("+elected-leader")).count();
                assertThat(leaders).as("one leader").isEqualTo(1);
            } finally {
                ours.forEach(TestSentinel::close);
                for (RealSentinel s : real) s.close();
            }
        }
    }
}
