package io.cachelab.engine.persistence;

import io.cachelab.engine.Engine;
import io.cachelab.engine.TestEngine;
import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.it.RealRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's appendonlydir against a real Redis 7.0.15: redis-check-aof accepts our manifest,
 * preamble base and incr files; a redis-server started on a copy of our directory has the same
 * keyspace; and our engine loads the directory a real redis-server wrote. Fails if redis-server
 * is missing (these are the `it` suite's point).
 */
@Tag("it")
class AofInteropTest {
    private final List<Engine> engines = new ArrayList<>();
    private final List<RealRedis> redises = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Engine e : engines) e.close();
        for (RealRedis r : redises) r.close();
    }

    private Engine engine(String dir) throws IOException {
        Engine e = Engine.start(EngineConfig.defaults().set("port", "0").set("dir", dir).set("save", "")
                .set("appendonly", "yes"));
        engines.add(e);
        return e;
    }

    private RealRedis redis(String dir) {
        RealRedis r = RealRedis.start("--dir", dir, "--appendonly", "yes");
        redises.add(r);
        return r;
    }

    /** RdbInteropTest's keyspace plus a stream with a group, half before a rewrite (base), half after (incr). */
    private static void fill(Jedis j, Runnable rewrite) {
        j.set("base:str", "in the base");
        j.pexpire("base:str", 900_000);
        j.rpush("base:list", "x", "y");
        rewrite.run();
        RdbInteropTest.fill(j);
        j.xadd("stream", new StreamEntryID(5, 1), Map.of("f", "v"));
        j.xadd("stream", new StreamEntryID(6, 0), Map.of("g", "w"));
        j.xgroupCreate("stream", "grp", new StreamEntryID(0, 0), false);
        j.xreadGroup("grp", "alice", redis.clients.jedis.params.XReadGroupParams.xReadGroupParams().count(1),
                Map.of("stream", StreamEntryID.UNRECEIVED_ENTRY));
        j.incrByFloat("float", 2.5);
        j.setex("setex", 500, "v");
    }

    private static Map<String, String> state(Jedis j) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int db : new int[] {0, 2}) {
            j.select(db);
            PersistenceTest.describe(j).forEach((k, v) -> out.put(db + ":" + k, v.replaceFirst("^string \\S+ ", "string ")));
        }
        j.select(0);
        out.put("pexpiretime", j.pexpireTime("base:str") + " " + j.pexpireTime("ttl") + " " + j.pexpireTime("setex"));
        out.put("stream", j.xrange("stream", "-", "+").toString());
        out.put("pel", j.xpending("stream", "grp", redis.clients.jedis.params.XPendingParams.xPendingParams().count(10))
                .stream().map(p -> p.getID() + "/" + p.getConsumerName() + "/" + p.getDeliveredTimes()).toList().toString());
        return out;
    }

    private static void waitRewrite(Jedis j) throws InterruptedException {
        for (int i = 0; i < 200 && j.info("persistence").contains("aof_rewrite_in_progress:1"); i++) Thread.sleep(25);
        for (int i = 0; i < 200 && j.info("persistence").contains("aof_rewrite_scheduled:1"); i++) Thread.sleep(25);
        assertThat(j.info("persistence")).contains("aof_rewrite_in_progress:0").contains("aof_last_bgrewrite_status:ok");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void realRedisChecksAndLoadsOurAppendOnlyDir() throws Exception {
        String dir = TestEngine.tempDir();
        Engine e = engine(dir);
        Map<String, String> ours;
        try (Jedis j = new Jedis("127.0.0.1", e.port(), 5000)) {
            fill(j, () -> {
                j.bgrewriteaof();
                e.server().aof().waitForRewrite();
            });
            ours = state(j);
        }
        e.close();
        Path aofDir = Path.of(dir, "appendonlydir");
        String check = run("redis-check-aof", aofDir.resolve("appendonly.aof.manifest").toString());
        assertThat(check).contains("BASE AOF appendonly.aof.2.base.rdb is valid")
                .contains("INCR AOF appendonly.aof.2.incr.aof is valid")
                .contains("All AOF files and manifest are valid");

        String copy = TestEngine.tempDir();
        copyTree(aofDir, Path.of(copy, "appendonlydir"));
        RealRedis r = redis(copy);
        try (Jedis j = new Jedis("127.0.0.1", r.port(), 5000)) {
            assertThat(state(j)).isEqualTo(ours);
        }
    }

    /** Deterministic writes of every family, MULTI/EXEC, scripts, functions, no-op writes. */
    private static final String[][] SCRIPT = {
            {"set", "a", "1"}, {"set", "a", "2", "nx"}, {"append", "a", "xyz"}, {"setrange", "a", "1", "Q"},
            {"incr", "n"}, {"incrbyfloat", "f", "1.5"}, {"set", "t", "v", "EX", "100"}, {"setex", "t2", "100", "v"},
            {"expire", "t", "50"}, {"pexpire", "t", "5000"}, {"getex", "t2", "persist"}, {"getdel", "a"},
            {"getset", "g", "v"}, {"set", "g", "w", "get"}, {"del", "missing"}, {"mset", "m1", "1", "m2", "2"},
            {"rpush", "l", "a", "b", "c"}, {"lrem", "l", "1", "nothere"}, {"lmove", "l", "l2", "left", "right"},
            {"lmpop", "1", "l", "right", "count", "5"}, {"hset", "h", "f", "v"}, {"hset", "h", "f", "v"},
            {"hincrbyfloat", "h", "x", "2.5"}, {"sadd", "s", "a", "b"}, {"sadd", "s", "a"}, {"spop", "s", "5"},
            {"zadd", "z", "1", "a", "2", "b"}, {"zincrby", "z", "2", "a"}, {"zmpop", "1", "z", "min", "count", "1"},
            {"geoadd", "geo", "13.361389", "38.115556", "Palermo"}, {"pfadd", "hll", "a"}, {"setbit", "bits", "7", "1"},
            {"xadd", "st", "1-1", "f", "v"}, {"xgroup", "create", "st", "g", "0"}, {"xgroup", "createconsumer", "st", "g", "c"},
            {"xsetid", "st", "5-5"}, {"swapdb", "0", "1"}, {"swapdb", "0", "1"},
            {"multi"}, {"set", "x", "1"}, {"select", "2"}, {"set", "y", "2"}, {"exec"}, {"select", "0"},
            {"eval", "redis.call('incr','c'); redis.call('incr','c')", "0"},
            {"function", "load", "#!lua name=lib\nredis.register_function('f', function(k, a) return redis.call('set', k[1], a[1]) end)"},
            {"fcall", "f", "1", "fk", "fv"}, {"copy", "n", "n2"}, {"rename", "n2", "n3"}, {"flushdb"},
    };

    private static String runScript(int port, Path incr) throws Exception {
        try (Jedis j = new Jedis("127.0.0.1", port, 5000)) {
            for (String[] cmd : SCRIPT) {
                String[] args = java.util.Arrays.copyOfRange(cmd, 1, cmd.length);
                j.sendCommand(() -> cmd[0].getBytes(StandardCharsets.UTF_8), args);
            }
        }
        // the write(2) happens before the reply under every fsync policy; absolute times differ
        return Files.readString(incr, StandardCharsets.ISO_8859_1).replaceAll("\\$13\r\n\\d{13}", "\\$13\r\n<ms>");
    }

    @Test
    void ourIncrFileIsByteForByteRedisOwnForTheSameWrites() throws Exception {
        String ours = TestEngine.tempDir();
        Engine e = engine(ours);
        String theirs = TestEngine.tempDir();
        RealRedis r = redis(theirs);
        String expected = runScript(r.port(), Path.of(theirs, "appendonlydir", "appendonly.aof.1.incr.aof"));
        String actual = runScript(e.port(), Path.of(ours, "appendonlydir", "appendonly.aof.1.incr.aof"));
        assertThat(expected).contains("PXAT").contains("MULTI").contains("KEEPTTL");
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void engineLoadsARealRedisAppendOnlyDir() throws Exception {
        String dir = TestEngine.tempDir();
        RealRedis r = redis(dir);
        Map<String, String> theirs;
        try (Jedis j = new Jedis("127.0.0.1", r.port(), 5000)) {
            fill(j, () -> {
                j.bgrewriteaof();
                try {
                    waitRewrite(j);
                } catch (InterruptedException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            theirs = state(j);
        }
        r.close();
        redises.remove(r);
        // RealRedis removes its own temp dir on close; ours (--dir) keeps the files it fsynced on SIGTERM
        Engine e = engine(dir);
        try (Jedis j = new Jedis("127.0.0.1", e.port(), 5000)) {
            assertThat(state(j)).isEqualTo(theirs);
            assertThat(j.info("persistence")).contains("aof_enabled:1");
        }
    }
}
