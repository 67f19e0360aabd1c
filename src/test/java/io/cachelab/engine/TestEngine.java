package io.cachelab.engine;

import io.cachelab.engine.config.EngineConfig;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;

/** An engine on a free port for one test class: `static final TestEngine ENGINE = TestEngine.start();` */
public final class TestEngine implements AutoCloseable {
    private final Engine engine;

    private TestEngine(Engine engine) {
        this.engine = engine;
    }

    public static TestEngine start(String... directives) {
        // a private dir, and no save points (FLUSHALL/SHUTDOWN would otherwise write a snapshot):
        // nothing a test does touches the working directory; pass "save", "..." to test snapshots.
        // A diskless full sync starts at once (Redis waits 5 s for more replicas by default; tests
        // that need the wait pass repl-diskless-sync-delay themselves)
        EngineConfig cfg = EngineConfig.defaults().set("port", "0").set("dir", tempDir()).set("save", "")
                .set("repl-diskless-sync-delay", "0");
        for (int i = 0; i + 1 < directives.length; i += 2) cfg.set(directives[i], directives[i + 1]);
        try {
            return new TestEngine(Engine.start(cfg));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh temp folder for one engine's dump.rdb, removed when the JVM exits. */
    public static String tempDir() {
        try {
            java.nio.file.Path d = java.nio.file.Files.createTempDirectory("cachelab-engine-");
            d.toFile().deleteOnExit();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d.toFile())));
            return d.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(java.io.File f) {
        java.io.File[] children = f.listFiles();
        if (children != null) for (java.io.File c : children) deleteTree(c);
        f.delete();
    }

    public int port() {
        return engine.port();
    }

    public Engine engine() {
        return engine;
    }

    /** A new Jedis connection; close it (try-with-resources). */
    public Jedis jedis() {
        return new Jedis("127.0.0.1", engine.port(), 5000);
    }

    @Override
    public void close() {
        engine.close();
    }

    /** A port that was free a moment ago on the loopback interface (for servers and Spring tests). */
    public static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port p with p..p+n-1 and their cluster bus ports (+10000) all free: for cluster nodes. */
    public static int freePortRange(int n) {
        for (int tries = 0; tries < 100; tries++) {
            int p = freePort();
            if (p + n + 10000 > 65535) continue;
            boolean free = true;
            for (int i = 0; i < n && free; i++) free = isFree(p + i) && isFree(p + i + 10000);
            if (free) return p;
        }
        throw new IllegalStateException("no free range of " + n + " ports");
    }

    private static boolean isFree(int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
