package io.cachelab.stack;

import io.cachelab.engine.TestEngine;
import io.cachelab.engine.it.RealRedis;
import io.cachelab.support.ApiClient;
import io.cachelab.sync.it.MariaDb;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.Yaml;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.Reader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compose stack's app, short of Docker: the service runs in its own JVM with exactly the
 * environment docker-compose.yml gives it (host names pointed at 127.0.0.1), against a real MariaDB
 * initialised as the mysql image initialises MySQL (MYSQL_DATABASE and MYSQL_USER, then the mounted
 * init files in order) and a real redis-server 7. It must come up healthy on that database and that
 * Redis with the embedded engine off, without running sql/ itself (DB_INIT_MODE=never); and the
 * `engine` profile's app-engine, on the same kind of database with its own engine and no Redis.
 *
 * Left out of the environment: the Canal and Kafka settings (CACHELAB_CONSISTENCY_MODE, CACHELAB_SYNC_*,
 * CACHELAB_CLAIMS_QUEUE, SPRING_KAFKA_BOOTSTRAP_SERVERS), since no Canal server or Kafka broker runs
 * here; StackFilesTest checks that they bind, and the consistency and coupon suites run those paths
 * against a real Canal server and an embedded KRaft broker.
 */
@Tag("it")
class StackEnvironmentTest {
    static final Path ROOT = Path.of(System.getProperty("user.dir"));
    static final List<String> NOT_HERE = List.of("CACHELAB_CONSISTENCY_MODE", "CACHELAB_SYNC_CANAL_HOST",
            "CACHELAB_SYNC_CANAL_PORT", "CACHELAB_SYNC_CANAL_DESTINATION", "CACHELAB_CLAIMS_QUEUE",
            "SPRING_KAFKA_BOOTSTRAP_SERVERS");

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void theAppRunsOnTheStacksEnvironmentAgainstRealMariaDbAndRedis() throws Exception {
        try (MariaDb db = MariaDb.startEmpty(); RealRedis redis = RealRedis.start()) {
            String database = initialiseAsTheMysqlImageDoes(db);
            Map<String, String> env = environment("app", db);
            assertThat(env.get("REDIS_HOST")).isEqualTo("redis");
            env.put("REDIS_HOST", "127.0.0.1");
            env.put("REDIS_PORT", Integer.toString(redis.port()));
            int httpPort = TestEngine.freePort();
            env.put("SERVER_PORT", Integer.toString(httpPort));

            Path log = Files.createTempFile("stack-app", ".log");
            Process app = start(env, log);
            try {
                String anonymous = awaitHealthy(app, httpPort, log);
                // the compose healthcheck's view: statuses only, the details are for ADMIN
                assertThat(anonymous).contains("\"status\":\"UP\"").doesNotContain("\"details\"");
                ApiClient api = new ApiClient(httpPort);
                ApiClient.Response admin = api.get("/actuator/health", api.loginAdmin());
                assertThat(admin.status()).isEqualTo(200);
                String health = admin.body();
                assertThat(health).contains("\"status\":\"UP\"").contains("\"database\":\"MySQL\"")
                        .contains("\"version\":\"7.");
                // the embedded engine is off: no engine health component
                assertThat(health).doesNotContain("\"engine\"");
                // the service's clients are connected to this redis-server
                try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
                    assertThat(jedis.clientList().lines().count()).isGreaterThan(1);
                }
                // DB_INIT_MODE=never: the app did not run sql/ again (data.sql would add 1,000 more rows)
                assertThat(db.sql(database, "SELECT COUNT(*) FROM article")).isEqualTo("1000");
                assertThat(Files.readString(log)).contains("The following 1 profile is active: \"mysql\"");
            } finally {
                stop(app);
            }
        }
    }

    /**
     * The `engine` profile's app-engine: the same database, no redis-server at all; the app runs its
     * engine on every interface, so a client from another address (here this machine's non-loopback
     * address, as the host reaches a container's published port) is served, not refused by protected mode.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void theEngineProfilesAppRunsOnItsOwnEngine() throws Exception {
        try (MariaDb db = MariaDb.startEmpty()) {
            initialiseAsTheMysqlImageDoes(db);
            Map<String, String> env = environment("app-engine", db);
            assertThat(env).containsEntry("REDIS_HOST", "127.0.0.1").containsEntry("REDIS_PORT", "6379");
            int enginePort = TestEngine.freePort(), httpPort = TestEngine.freePort();
            env.put("CACHELAB_ENGINE_PORT", Integer.toString(enginePort));
            env.put("REDIS_PORT", Integer.toString(enginePort));
            env.put("SERVER_PORT", Integer.toString(httpPort));

            Path log = Files.createTempFile("stack-app-engine", ".log");
            Process app = start(env, log);
            try {
                awaitHealthy(app, httpPort, log);
                ApiClient api = new ApiClient(httpPort);
                var components = api.get("/actuator/health", api.loginAdmin()).json().get("components");
                assertThat(components.get("engine").get("status").asString()).isEqualTo("UP");
                assertThat(components.get("engine").get("details").get("port").asInt()).isEqualTo(enginePort);
                assertThat(components.get("db").get("details").get("database").asString()).isEqualTo("MySQL");
                assertThat(Files.readString(log)).contains("Embedded CacheLab engine listening on 0.0.0.0:" + enginePort);
                String outside = nonLoopbackAddress();
                try (Jedis jedis = new Jedis(outside, enginePort)) {
                    assertThat(jedis.ping()).isEqualTo("PONG");
                    assertThat(jedis.configGet("protected-mode")).containsEntry("protected-mode", "no");
                    // the service's own clients (Lettuce, Redisson) are connected to this engine
                    assertThat(jedis.clientList().lines().count()).isGreaterThan(1);
                }
            } finally {
                stop(app);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> services() throws IOException {
        try (Reader r = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            return (Map<String, Object>) ((Map<String, Object>) new Yaml().load(r)).get("services");
        }
    }

    /** What the mysql image's entrypoint does on an empty data directory; answers the database's name. */
    @SuppressWarnings("unchecked")
    static String initialiseAsTheMysqlImageDoes(MariaDb db) throws Exception {
        Map<String, Object> mysqlService = (Map<String, Object>) services().get("mysql");
        Map<String, String> mysqlEnv = strings((Map<String, Object>) mysqlService.get("environment"));
        String database = mysqlEnv.get("MYSQL_DATABASE");
        db.sql(null, "CREATE DATABASE `" + database + "`; CREATE USER '" + mysqlEnv.get("MYSQL_USER") + "'@'%' "
                + "IDENTIFIED BY '" + mysqlEnv.get("MYSQL_PASSWORD") + "'; GRANT ALL ON `" + database + "`.* TO '"
                + mysqlEnv.get("MYSQL_USER") + "'@'%';");
        for (String volume : (List<String>) mysqlService.get("volumes")) {
            if (volume.contains("/docker-entrypoint-initdb.d/")) {
                db.sqlFile(database, ROOT.resolve(volume.substring(0, volume.indexOf(':'))));
            }
        }
        assertThat(db.sql(database, "SELECT COUNT(*) FROM article")).isEqualTo("1000");
        return database;
    }

    /** A service's environment from the compose file, without what needs Canal or Kafka, on this database. */
    @SuppressWarnings("unchecked")
    static Map<String, String> environment(String service, MariaDb db) throws IOException {
        Map<String, String> env = strings((Map<String, Object>) ((Map<String, Object>) services().get(service)).get("environment"));
        NOT_HERE.forEach(env::remove);
        assertThat(env.get("DB_URL")).contains("//mysql:3306/");
        env.put("DB_URL", env.get("DB_URL").replace("//mysql:3306/", "//127.0.0.1:" + db.port() + "/"));
        return env;
    }

    static Process start(Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.cachelab.CacheLabApplication")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SPRING_") || k.startsWith("CACHELAB_")
                || k.startsWith("DB_") || k.startsWith("REDIS_") || k.startsWith("cachelab."));
        pb.environment().putAll(env);
        return pb.start();
    }

    static void stop(Process app) throws InterruptedException {
        app.destroy();
        if (!app.waitFor(30, TimeUnit.SECONDS)) {
            app.destroyForcibly();
        }
    }

    static String nonLoopbackAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) continue;
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) return a.getHostAddress();
            }
        }
        throw new AssertionError("this machine has no non-loopback IPv4 address to connect from");
    }

    static Map<String, String> strings(Map<String, Object> map) {
        Map<String, String> m = new LinkedHashMap<>();
        map.forEach((k, v) -> m.put(k, String.valueOf(v)));
        return m;
    }

    static String awaitHealthy(Process app, int port, Path log) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        String last = "(no answer)";
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                throw new AssertionError("the app exited with " + app.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200) {
                    return r.body();
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the app was not healthy within 180 s; last answer " + last + "\n" + Files.readString(log));
    }
}
