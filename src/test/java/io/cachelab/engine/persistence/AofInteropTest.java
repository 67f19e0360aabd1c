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
                Aof.of(e.server()).waitForRewrite();
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
