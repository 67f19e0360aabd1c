package io.cachelab.engine.it;

import io.cachelab.engine.TestEngine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The engine as its own process (java -cp <test class path> ... engine --port ...), for tests that
 * kill -9 a node or mix engine and redis-server processes. Listens on 127.0.0.1 only.
 */
public final class EngineProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private EngineProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static EngineProcess start(int port, String... directives) {
        return start(List.of(), port, directives);
    }

    /** With extra JVM options (e.g. -Xmx256m) after the defaults. */
    public static EngineProcess start(List<String> jvmOptions, int port, String... directives) {
        return start(jvmOptions, System.getProperty("java.class.path"), List.of("io.cachelab.CacheLabApplication", "engine"),
                port, directives);
    }

    /**
     * EngineMain on a class path of class directories and luaj only, the engine's whole dependency:
     * the heap of {@code java -jar cachelab.jar engine}. (A JVM keeps the central directory of every
     * jar it opened on its heap: about 9 MB for the test class path, which a heap measurement
     * would count.)
     */
    public static EngineProcess startLean(List<String> jvmOptions, int port, String... directives) {
        String cp = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> Files.isDirectory(Path.of(e)) || Path.of(e).getFileName().toString().startsWith("luaj"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        return start(jvmOptions, cp, List.of("io.cachelab.engine.EngineMain"), port, directives);
    }

    private static EngineProcess start(List<String> jvmOptions, String classPath, List<String> main, int port, String... directives) {
        try {
            Path dir = Files.createTempDirectory("engine-proc-");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("-cp", classPath));
            cmd.addAll(main);
            cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--logfile", "engine.log"));
            cmd.addAll(List.of(directives));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
            EngineProcess e = new EngineProcess(p, port, dir);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && p.isAlive()) {
                try (RespClient c = new RespClient("127.0.0.1", port, 1000)) {
                    if ("PONG".equals(c.call("PING").text())) return e;
                } catch (RuntimeException notYet) {
                    // not listening yet
                }
                Thread.sleep(50);
            }
            String log = e.log();
            e.close();
            throw new IllegalStateException("engine did not answer PING on port " + port + ":\n" + log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A free port whose cluster bus port (+10000) is free too. */
    public static int freeClusterPort() {
        return TestEngine.freePortRange(1);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** kill -9: no shutdown hook, no final save. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public String log() {
        try {
            Path f = dir.resolve("engine.log");
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind
        }
    }
}
