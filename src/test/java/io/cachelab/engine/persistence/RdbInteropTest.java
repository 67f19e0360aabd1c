package io.cachelab.engine.persistence;

import io.cachelab.engine.Engine;
import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The engine against a real redis-server 7.0.15 (Debian's redis-server/redis-tools): DUMP payloads
 * restore both ways; a file the engine saves with every type and encoding passes redis-check-rdb
 * and loads into redis-server with the same contents and encodings; a file redis-server saves
 * loads into the engine. Functions travel in both directions too.
 */
@Tag("it")
class RdbInteropTest {
    static final String LIBRARY = "#!lua name=rdblib\nredis.register_function('rdbfn', function(keys, args) return 42 end)";
    private final List<Process> servers = new ArrayList<>();
    private final List<Engine> engines = new ArrayList<>();

    @BeforeAll
    static void needsRedis() {
        assumeTrue(onPath("redis-server") && onPath("redis-check-rdb"), "redis-server / redis-check-rdb not installed");
    }

    static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, exe).canExecute()) return true;
        }
        return false;
    }

    @AfterEach
    void stop() throws Exception {
        for (Engine e : engines) e.close();
        for (Process p : servers) {
            p.destroy();
            p.waitFor();
        }
    }

    /** A redis-server on a free port in {@code dir}; its encoding thresholds are the defaults, as the engine's. */
    Jedis redis(String dir, String dbfilename) throws Exception {
        int port = io.cachelab.engine.TestEngine.freePort();
        Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir, "--dbfilename", dbfilename).redirectErrorStream(true)
                .redirectOutput(new File(dir, "redis-" + port + ".log")).start();
        servers.add(p);
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                Jedis j = new Jedis("127.0.0.1", port, 5000);
                j.ping();
                return j;
            } catch (RuntimeException e) {
                assertThat(p.isAlive()).as("redis-server exited: " + Files.readString(Path.of(dir, "redis-" + port + ".log"))).isTrue();
                assertThat(System.currentTimeMillis()).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    Jedis engine(String dir, String dbfilename) throws Exception {
        Engine e = PersistenceTest.start(dir, "dbfilename", dbfilename);
        engines.add(e);
        return PersistenceTest.jedis(e);
    }

    static String iso(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static void fill(Jedis j) {
        j.set("s:int", "-12345");
        j.set("s:int64", "9223372036854775807");
        j.set("s:text", "hello world");
        j.set("s:lzf", "abc".repeat(100));
        j.set("s:binary".getBytes(), new byte[]{0, (byte) 0xff, 13, 10, (byte) 0x80, 'x'});
        j.setrange("s:raw", 0, "xy");
        j.set("s:empty", "");
        for (int i = 0; i < 3000; i++) j.rpush("l:big", "item-" + i + "-" + "p".repeat(i % 40));
        j.rpush("l:small", "a", "1", "-1", "300", "-70000", "5000000000");
        j.rpush("l:huge", "h".repeat(20_000), "tail");
        j.sadd("set:ints", "1", "2", "3", "-7", "70000", "5000000000");
        j.sadd("set:strs", "a", "b", "1");
        for (int i = 0; i < 600; i++) j.sadd("set:many-ints", Integer.toString(i * 3));
        j.hset("h:small", Map.of("f", "v", "n", "12"));
        j.hset("h:longval", "f", "v".repeat(200));
        for (int i = 0; i < 200; i++) j.hset("h:many", "f" + i, "v" + i);
        j.zadd("z:small", Map.of("a", 1.5, "b", -3.0, "c", 1e20, "d", Double.POSITIVE_INFINITY, "e", 0.1));
        for (int i = 0; i < 300; i++) j.zadd("z:big", i + 0.25, "m" + i);
        j.zadd("z:longmember", 1, "m".repeat(100));
        j.set("ttl", "v");
        j.pexpire("ttl", 1_000_000);
        j.select(2);
        j.set("in-db2", "yes");
        j.hset("h:db2", "f", "v");
        j.select(0);
    }

    static List<String> allKeys(Jedis j) {
        List<String> keys = new ArrayList<>();
        for (byte[] k : j.keys("*".getBytes())) keys.add(iso(k));
        return keys;
    }

    /** Every key of db 0 and db 2 with type, encoding, content and whether it has a TTL. */
    static Map<String, String> describeAll(Jedis j) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int db : new int[]{0, 2}) {
            j.select(db);
            PersistenceTest.describe(j).forEach((k, v) -> out.put(db + ":" + k, v));
        }
        j.select(0);
        return out;
    }

    @Test
    void dumpPayloadsRestoreBothWays() throws Exception {
        try (Jedis redis = redis(TestEngine.tempDir(), "dump.rdb"); Jedis engine = engine(TestEngine.tempDir(), "dump.rdb")) {
            fill(redis);
            fill(engine);
            for (String key : allKeys(redis)) {
                byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
                byte[] fromRedis = redis.dump(k);
                byte[] fromEngine = engine.dump(k);
                assertThat(engine.restore((key + ":from-redis").getBytes(StandardCharsets.ISO_8859_1), 0, fromRedis)).isEqualTo("OK");
                assertThat(redis.restore((key + ":from-engine").getBytes(StandardCharsets.ISO_8859_1), 0, fromEngine)).isEqualTo("OK");
            }
            Map<String, String> r = PersistenceTest.describe(redis);
            Map<String, String> e = PersistenceTest.describe(engine);
            for (String key : allKeys(redis)) {
                if (key.contains(":from-")) continue;
                String base = r.get(key).replace(" ttl=true ", " ttl=false ");
                assertThat(e.get(key + ":from-redis")).as(key).isEqualTo(base.replace("string raw ttl=false 2#", "string embstr ttl=false 2#"));
                assertThat(r.get(key + ":from-engine")).as(key).isEqualTo(base.replace("string raw ttl=false 2#", "string embstr ttl=false 2#"));
            }
        }
    }

    @Test
    void aFileTheEngineSavesPassesRedisCheckRdbAndLoadsIntoRedis() throws Exception {
        String dir = TestEngine.tempDir();
        Map<String, String> saved;
        try (Jedis engine = engine(dir, "engine.rdb")) {
            fill(engine);
            engine.functionLoad(LIBRARY);
            saved = describeAll(engine);
            assertThat(engine.save()).isEqualTo("OK");
        }
        Process check = new ProcessBuilder("redis-check-rdb", Path.of(dir, "engine.rdb").toString()).redirectErrorStream(true).start();
        String report = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(report).isZero();
        assertThat(report).contains("Checksum OK", "\\o/ RDB looks OK! \\o/", "[info] 22 keys read", "[info] 1 expires");

        String redisDir = TestEngine.tempDir();
        Files.copy(Path.of(dir, "engine.rdb"), Path.of(redisDir, "dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
        try (Jedis redis = redis(redisDir, "dump.rdb")) {
            Map<String, String> loaded = describeAll(redis);
            saved.put("0:s:raw", saved.get("0:s:raw").replace("string raw", "string embstr"));
            assertThat(loaded).isEqualTo(saved);
            assertThat(redis.fcall("rdbfn", List.of(), List.of())).isEqualTo(42L);
        }
    }

    @Test
    void aFileRedisSavesLoadsIntoTheEngine() throws Exception {
        String dir = TestEngine.tempDir();
        Map<String, String> saved;
        try (Jedis redis = redis(dir, "redis.rdb")) {
            fill(redis);
            redis.functionLoad(LIBRARY);
            saved = describeAll(redis);
            assertThat(redis.save()).isEqualTo("OK");
        }
        try (Jedis engine = engine(dir, "redis.rdb")) {
            Map<String, String> loaded = describeAll(engine);
            saved.put("0:s:raw", saved.get("0:s:raw").replace("string raw", "string embstr"));
            assertThat(loaded).isEqualTo(saved);
            assertThat(engine.fcall("rdbfn", List.of(), List.of())).isEqualTo(42L);
            // and round-trips through the engine's own file unchanged
            assertThat(engine.save()).isEqualTo("OK");
        }
        Process check = new ProcessBuilder("redis-check-rdb", Path.of(dir, "redis.rdb").toString()).redirectErrorStream(true).start();
        String report = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(report).isZero();
    }
}
