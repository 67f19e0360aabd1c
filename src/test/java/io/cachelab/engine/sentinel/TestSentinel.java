package io.cachelab.engine.sentinel;

import io.cachelab.engine.TestEngine;
import io.cachelab.engine.config.EngineConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An engine Sentinel in this JVM for a test: its own dir and config file (kept, so a test can
 * restart it from what it saved), a free port, and every event it publishes recorded.
 */
final class TestSentinel implements AutoCloseable {
    private final SentinelMain.Running running;
    private final Path file;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final Jedis subscriber;
    private final Thread listener;

    private TestSentinel(SentinelMain.Running running, Path file) {
        this.running = running;
        this.file = file;
        this.subscriber = new Jedis("127.0.0.1", running.port(), 0);
        JedisPubSub sub = new JedisPubSub() {
            @Override
            public void onPMessage(String pattern, String channel, String message) {
                events.add(channel + " " + message);
            }
        };
        this.listener = new Thread(() -> {
            try {
                subscriber.psubscribe(sub, "*");
            } catch (RuntimeException closed) {
                // the sentinel stopped
            }
        });
        listener.setDaemon(true);
        listener.start();
        long deadline = System.currentTimeMillis() + 5000;
        while (sub.getSubscribedChannels() == 0 && System.currentTimeMillis() < deadline) Thread.onSpinWait();
    }

    /** A new config file in a new dir: "port N" plus {@code lines}. */
    static Path config(String... lines) {
        try {
            Path dir = Path.of(TestEngine.tempDir());
            Path f = dir.resolve("sentinel.conf");
            StringBuilder sb = new StringBuilder("port " + TestEngine.freePort() + "\ndir " + dir + "\n");
            for (String l : lines) sb.append(l).append('\n');
            Files.writeString(f, sb.toString());
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Monitors {@code master} as "mym" with {@code quorum}, fast timers (down-after 1 s). */
    static TestSentinel monitoring(int masterPort, int quorum) {
        return start(config("sentinel monitor mym 127.0.0.1 " + masterPort + " " + quorum,
                "sentinel down-after-milliseconds mym 1000", "sentinel failover-timeout mym 6000"));
    }

    static TestSentinel start(Path file) {
        try {
            EngineConfig config = EngineConfig.defaults();
            SentinelConfig sc = SentinelMain.read(config, file, new String[] {file.toString()});
            return new TestSentinel(SentinelMain.start(config, sc), file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return running.port();
    }

    Path file() {
        return file;
    }

    Jedis jedis() {
        return new Jedis("127.0.0.1", port(), 5000);
    }

    /** Events seen so far, "+sdown master mym 127.0.0.1 6379" style. */
    List<String> events() {
        return List.copyOf(events);
    }

    List<String> events(String type) {
        return events.stream().filter(e -> e.startsWith(type + " ")).toList();
    }

    String configText() {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        running.stop();
        subscriber.disconnect();
    }
}
