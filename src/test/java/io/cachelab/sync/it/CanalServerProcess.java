package io.cachelab.sync.it;

import io.cachelab.engine.TestEngine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Canal server 1.1.7 in its own JVM. Canal's server jars need Spring 5 and an old Netty, so
 * they never join the app's classpath: {@code it/canal-server/} is a separate tiny Maven project,
 * built here with the project's own wrapper (first run downloads its dependencies from Maven
 * Central; later runs skip the build when the jar is newer than its sources), then started with
 * {@code java -cp <its jar>:<its classpath>} on a free 127.0.0.1 port. {@link #start} returns once
 * the server listens AND MariaDB shows its binlog dump thread, because Canal starts reading at the
 * master's current position: a write made before the dump runs would never be seen.
 */
public final class CanalServerProcess implements AutoCloseable {
    public static final String DESTINATION = "example";

    private final Process process;
    private final int port;
    private final Path log;

    private CanalServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static CanalServerProcess start(Path projectDir, MariaDb db) {
        return start(projectDir, db, TestEngine.freePort());
    }

    /** On a given port: a restart on the port the app's client was configured with. */
    public static CanalServerProcess start(Path projectDir, MariaDb db, int port) {
        Path project = projectDir.resolve("it/canal-server");
        Path jar = project.resolve("target/canal-server-1.jar"), cp = project.resolve("target/cp.txt");
        build(projectDir, project, jar, cp);
        Path log = project.resolve("target/canal-" + port + "-" + System.currentTimeMillis() + ".log");
        String classpath;
        try {
            classpath = jar + java.io.File.pathSeparator + Files.readString(cp).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classpath, "io.cachelab.it.canal.CanalServerMain",
                "--port", Integer.toString(port), "--destination", DESTINATION,
                "--db-host", "127.0.0.1", "--db-port", Integer.toString(db.port()),
                "--db-user", MariaDb.CANAL_USER, "--db-password", MariaDb.CANAL_PASSWORD, "--slave-id", "1234");
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Canal server JVM", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "canal-it-kill"));
        CanalServerProcess server = new CanalServerProcess(p, port, log);
        try {
            server.awaitReady(db);
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void awaitReady(MariaDb db) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        boolean listening = false;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive())
                throw new IllegalStateException("the Canal server exited with " + process.exitValue() + ":\n" + log());
            if (!listening) listening = log().contains("CANAL-READY " + port);
            // the log line says this server sent its dump command; the process list says MariaDB runs it
            if (listening && log().contains("COM_BINLOG_DUMP") && db.binlogDumpRunning()) return;
            MariaDb.sleep(100);
        }
        throw new IllegalStateException("the Canal server did not " + (listening ? "start its binlog dump" : "listen on " + port)
                + " within 90 s:\n" + log() + "\nMariaDB error log:\n" + db.errorLog());
    }

    private static void build(Path projectDir, Path project, Path jar, Path cp) {
        if (upToDate(project, jar, cp)) return;
        Path wrapper = projectDir.resolve("mvnw");
        Path log;
        try {
            Files.createDirectories(project.resolve("target"));
            log = Files.createTempFile("canal-server-build-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(wrapper.toString(), "-B", "-ntp", "-q", "-f", project.resolve("pom.xml").toString(),
                "package", "dependency:build-classpath", "-Dmdep.outputFile=" + cp, "-DskipTests"));
        int rc = MariaDb.exec(cmd, log, 600);
        if (rc != 0 || !Files.exists(jar) || !Files.exists(cp))
            throw new IllegalStateException("building it/canal-server with " + wrapper + " failed (rc " + rc + "):\n" + MariaDb.read(log));
    }

    private static boolean upToDate(Path project, Path jar, Path cp) {
        if (!Files.exists(jar) || !Files.exists(cp)) return false;
        try (Stream<Path> sources = Stream.concat(Stream.of(project.resolve("pom.xml")), Files.walk(project.resolve("src")))) {
            FileTime built = Files.getLastModifiedTime(jar);
            return sources.filter(Files::isRegularFile).allMatch(f -> {
                try {
                    return Files.getLastModifiedTime(f).compareTo(built) <= 0;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        return MariaDb.read(log);
    }

    @Override
    public void close() {
        if (!process.isAlive()) return;
        process.destroy(); // SIGTERM: the server's shutdown hook stops Netty and the instance
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
