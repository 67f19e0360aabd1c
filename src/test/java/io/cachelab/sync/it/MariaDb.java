package io.cachelab.sync.it;

import io.cachelab.engine.TestEngine;
import org.springframework.core.io.FileSystemResource;
import org.springframework.jdbc.datasource.init.ScriptUtils;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away MariaDB started by hand (no systemd, no root service): mariadb-install-db into a temp
 * dir, then mariadbd on a free 127.0.0.1 port with the settings Canal needs to read it as a replica
 * (ROW binlog, FULL row image, a server id). It loads sql/schema.sql and sql/data.sql into
 * {@code cachelab}, creates the app user and the Canal user (SELECT, REPLICATION SLAVE, REPLICATION
 * CLIENT), and is stopped by PID on close ({@link #startEmpty} leaves the server bare, for tests that
 * initialise it the way the compose stack's mysql image does). Missing binaries fail with the apt-get
 * line, never skip.
 */
public final class MariaDb implements AutoCloseable {
    public static final String APP_USER = "cachelab", APP_PASSWORD = "cachelab";
    public static final String CANAL_USER = "canal", CANAL_PASSWORD = "canal";

    private final Path dir;
    private final int port;
    private Process process;

    private MariaDb(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static MariaDb start(Path projectDir) {
        MariaDb db = startEmpty();
        try {
            db.initialise(projectDir);
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Only root and no database, as the mysql image's entrypoint finds it before its init files run. */
    public static MariaDb startEmpty() {
        String mariadbd = find("mariadbd"), installDb = find("mariadb-install-db");
        if (mariadbd == null || installDb == null)
            throw new IllegalStateException("mariadbd / mariadb-install-db not found (PATH, /usr/sbin, /usr/bin); the `it` suites "
                    + "need MariaDB 10.11: apt-get install mariadb-server (.ci/run installs it)");
        Path dir;
        try {
            dir = Files.createTempDirectory("mariadb-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MariaDb db = new MariaDb(dir, TestEngine.freePort());
        try {
            db.install(installDb);
            db.run(mariadbd);
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private void install(String installDb) {
        Path log = dir.resolve("install.log");
        int rc = exec(List.of(installDb, "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--auth-root-authentication-method=normal", "--skip-test-db"), log, 120);
        if (rc != 0) throw new IllegalStateException("mariadb-install-db exited with " + rc + ":\n" + read(log));
    }

    private void run(String mariadbd) {
        Path data = dir.resolve("data");
        List<String> cmd = List.of(mariadbd, "--no-defaults", "--user=" + System.getProperty("user.name"),
                "--datadir=" + data, "--socket=" + dir.resolve("s.sock"), "--pid-file=" + dir.resolve("mariadbd.pid"),
                "--bind-address=127.0.0.1", "--port=" + port, "--skip-name-resolve",
                "--log-bin=" + data.resolve("bin"), "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=1",
                "--innodb-buffer-pool-size=64M", "--performance-schema=OFF", "--log-error=" + dir.resolve("error.log"));
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + mariadbd, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "mariadb-it-kill"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive())
                throw new IllegalStateException("mariadbd exited with " + process.exitValue() + ":\n" + read(dir.resolve("error.log")));
            try (Connection c = root()) {
                return;
            } catch (SQLException notYet) {
                sleep(100);
            }
        }
        throw new IllegalStateException("mariadbd did not accept connections on port " + port + " within 60 s:\n" + read(dir.resolve("error.log")));
    }

    private void initialise(Path projectDir) {
        try (Connection c = root(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE cachelab CHARACTER SET utf8mb4");
            s.execute("CREATE USER '" + APP_USER + "'@'%' IDENTIFIED BY '" + APP_PASSWORD + "'");
            s.execute("GRANT ALL ON cachelab.* TO '" + APP_USER + "'@'%'");
            s.execute("CREATE USER '" + CANAL_USER + "'@'%' IDENTIFIED BY '" + CANAL_PASSWORD + "'");
            s.execute("GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + CANAL_USER + "'@'%'");
            c.setCatalog("cachelab");
            ScriptUtils.executeSqlScript(c, new FileSystemResource(projectDir.resolve("sql/schema.sql")));
            ScriptUtils.executeSqlScript(c, new FileSystemResource(projectDir.resolve("sql/data.sql")));
        } catch (SQLException e) {
            throw new IllegalStateException("could not initialise MariaDB: " + e, e);
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public String jdbcUrl() {
        return "jdbc:mysql://127.0.0.1:" + port + "/cachelab?useUnicode=true&characterEncoding=utf8&serverTimezone=UTC";
    }

    public Connection app() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), APP_USER, APP_PASSWORD);
    }

    Connection root() throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/?serverTimezone=UTC", "root", "");
    }

    /** True once a Canal (or any replica) binlog dump thread is attached: writes after this reach it. */
    public boolean binlogDumpRunning() {
        try (Connection c = root(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Binlog Dump'")) {
            return rs.next() && rs.getInt(1) > 0;
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Runs SQL as root with the {@code mariadb} command-line client over the socket, as the mysql
     * image's entrypoint feeds its init files (client-side parsing included); returns its batch output.
     */
    public String sql(String database, String sql) {
        try {
            Path in = Files.createTempFile(dir, "sql", ".sql");
            Files.writeString(in, sql);
            return sqlFile(database, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String sqlFile(String database, Path file) {
        String client = find("mariadb");
        if (client == null) throw new IllegalStateException("the mariadb client is missing: apt-get install mariadb-client");
        List<String> cmd = new java.util.ArrayList<>(List.of(client, "--no-defaults", "--socket=" + dir.resolve("s.sock"),
                "--user=root", "--batch", "--skip-column-names"));
        if (database != null) cmd.add("--database=" + database);
        try {
            Path out = Files.createTempFile(dir, "out", ".txt");
            Process p = new ProcessBuilder(cmd).redirectInput(file.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("mariadb < " + file + " failed:\n" + read(out));
            }
            return read(out).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String errorLog() {
        return read(dir.resolve("error.log"));
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM to this PID: mariadbd shuts down cleanly
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir cleanup is best effort
        }
    }

    static String find(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin" + File.pathSeparator + "/usr/bin";
        for (String d : path.split(File.pathSeparator)) {
            File f = new File(d, name);
            if (f.isFile() && f.canExecute()) return f.getAbsolutePath();
        }
        return null;
    }

    static int exec(List<String> cmd, Path log, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s:\n" + read(log));
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "(no " + f.getFileName() + ")";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
