package io.cachelab.stack;

import io.cachelab.engine.TestEngine;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away MariaDB for `it` tests, started the way DESIGN section 6 describes (no systemd): its own
 * data directory and socket, 127.0.0.1 on a free port, ROW binlog with FULL row images like the
 * compose stack's MySQL, stopped by PID. SQL goes through the real `mariadb` client over the socket,
 * as the mysql image's entrypoint feeds its init files. A missing server is a failure with the
 * package to install, never a skip.
 */
final class LocalMariaDb implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;
    private final String client;

    private LocalMariaDb(Process process, Path dir, int port, String client) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.client = client;
    }

    static LocalMariaDb start() throws IOException, InterruptedException {
        String server = find("mariadbd");
        String install = find("mariadb-install-db");
        String client = find("mariadb");
        Path dir = Files.createTempDirectory("mariadb-");
        run(List.of(install, "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--auth-root-authentication-method=normal", "--skip-test-db"), dir.resolve("install.log"), 120);
        int port = TestEngine.freePort();
        Process p = new ProcessBuilder(server, "--no-defaults", "--user=" + System.getProperty("user.name"),
                "--datadir=" + dir.resolve("data"), "--socket=" + dir.resolve("mysqld.sock"),
                "--bind-address=127.0.0.1", "--port=" + port, "--log-bin=" + dir.resolve("data/bin"),
                "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("mariadbd.log").toFile()).start();
        LocalMariaDb db = new LocalMariaDb(p, dir, port, client);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String log = db.log();
                db.close();
                throw new IllegalStateException("mariadbd exited with " + p.exitValue() + ":\n" + log);
            }
            if (Files.exists(dir.resolve("mysqld.sock")) && db.trySql("SELECT 1")) {
                return db;
            }
            Thread.sleep(100);
        }
        String log = db.log();
        db.close();
        throw new IllegalStateException("mariadbd did not accept connections within 60 s:\n" + log);
    }

    int port() {
        return port;
    }

    /** Runs SQL as root over the socket, optionally against a database; fails with the client's output. */
    String sql(String database, String sql) throws IOException, InterruptedException {
        Path in = Files.createTempFile(dir, "sql", ".sql");
        Files.writeString(in, sql);
        return sqlFile(database, in);
    }

    String sqlFile(String database, Path file) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(client, "--no-defaults", "--socket=" + dir.resolve("mysqld.sock"),
                "--user=root", "--batch", "--skip-column-names"));
        if (database != null) {
            cmd.add("--database=" + database);
        }
        Path out = Files.createTempFile(dir, "out", ".txt");
        Process p = new ProcessBuilder(cmd).redirectInput(file.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("mariadb < " + file + " failed:\n" + Files.readString(out));
        }
        return Files.readString(out).trim();
    }

    private boolean trySql(String sql) {
        try {
            sql(null, sql);
            return true;
        } catch (IllegalStateException | IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String log() {
        try {
            Path f = dir.resolve("mariadbd.log");
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();   // SIGTERM to this PID: mariadbd shuts down cleanly
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException ignored) {
            // a temp directory left behind is not worth failing a test for
        }
    }

    private static void run(List<String> cmd, Path log, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + Files.readString(log));
        }
    }

    private static String find(String name) {
        String path = System.getenv("PATH") + File.pathSeparator + "/usr/sbin" + File.pathSeparator + "/usr/local/sbin";
        for (String d : path.split(File.pathSeparator)) {
            File f = new File(d, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new IllegalStateException(name + " not found on PATH or in /usr/sbin; this `it` test needs a real "
                + "MariaDB (apt-get install mariadb-server; .ci/run installs it)");
    }
}
