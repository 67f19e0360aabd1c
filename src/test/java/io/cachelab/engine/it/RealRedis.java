package io.cachelab.engine.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away real redis-server for tests: free 127.0.0.1 port, its own temp dir, no persistence,
 * stopped by PID on close. A missing binary is a failure, not a skip: CI installs redis-server, and a
 * silently skipped differential suite would report green while comparing nothing.
 */
public final class RealRedis implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private RealRedis(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static RealRedis start(String... extraArgs) {
        return start("redis-server", extraArgs);
    }

    static RealRedis start(String binaryName, String[] extraArgs) {
        String binary = findOnPath(binaryName);
        if (binary == null) {
            throw new IllegalStateException(binaryName + " not found on PATH (" + System.getenv("PATH")
                    + "); the differential and `it` suites need a real Redis 7.0 (apt-get install redis-server)");
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return startOnce(binary, freePort(), extraArgs);
            } catch (IllegalStateException e) {
                last = e; // most likely lost the race for the port; pick another
            }
        }
        throw last;
    }

    private static RealRedis startOnce(String binary, int port, String... extraArgs) {
        Path dir;
        try {
            dir = Files.createTempDirectory("realredis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new java.util.ArrayList<>(List.of(binary,
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "redis.log"));
        cmd.addAll(List.of(extraArgs));
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new UncheckedIOException("cannot run " + binary, e);
        }
        RealRedis redis = new RealRedis(p, port, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String log = redis.log();
                redis.close();
                throw new IllegalStateException("redis-server exited with " + p.exitValue() + " on port " + port + ":\n" + log);
            }
            try (RespClient c = new RespClient("127.0.0.1", port, 1000)) {
                if ("PONG".equals(c.call("PING").text())) return redis;
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            sleep(20);
        }
        String log = redis.log();
        redis.close();
        throw new IllegalStateException("redis-server did not answer PING on port " + port + " within 10 s:\n" + log);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        try {
            Path f = dir.resolve("redis.log");
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        // Process.destroy sends SIGTERM to this PID only; redis-server exits promptly with --save ''
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        deleteQuietly(dir);
    }

    static String findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String d : path.split(File.pathSeparator)) {
            File f = new File(d, name);
            if (f.isFile() && f.canExecute()) return f.getAbsolutePath();
        }
        return null;
    }

    public static int freePort() {
        return io.cachelab.engine.TestEngine.freePort();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir cleanup is best effort
        }
    }
}
