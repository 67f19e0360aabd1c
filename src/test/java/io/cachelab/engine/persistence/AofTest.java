package io.cachelab.engine.persistence;

import io.cachelab.engine.Engine;
import io.cachelab.engine.TestEngine;
import io.cachelab.engine.config.EngineConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The AOF as files: the incr file holds each write in the form Redis 7.0 writes it (absolute
 * expiries, SREM for SPOP, MULTI/EXEC around scripts), the manifest and file names are Redis's,
 * a restarted engine loads the same keyspace (every type, TTLs absolute) from the incr file, an
 * RDB-preamble base or a command base, and a rewrite while writes continue loses nothing.
 */
class AofTest {
    private final List<Engine> engines = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Engine e : engines) e.close();
    }

    private Engine start(String dir, String... directives) throws IOException {
        EngineConfig cfg = EngineConfig.defaults().set("port", "0").set("dir", dir).set("save", "")
                .set("appendonly", "yes").set("appendfsync", "always");
        for (int i = 0; i + 1 < directives.length; i += 2) cfg.set(directives[i], directives[i + 1]);
        Engine e = Engine.start(cfg);
        engines.add(e);
        return e;
    }

    private static Jedis jedis(Engine e) {
        return new Jedis("127.0.0.1", e.port(), 5000);
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.ISO_8859_1);
    }

    private static String resp(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        return sb.toString();
    }

    @Test
    void startupCreatesRedisLayout() throws Exception {
        String dir = TestEngine.tempDir();
        start(dir);
        Path aofDir = Path.of(dir, "appendonlydir");
        assertThat(read(aofDir.resolve("appendonly.aof.manifest")))
                .isEqualTo("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        assertThat(read(aofDir.resolve("appendonly.aof.1.base.rdb"))).startsWith("REDIS0010");
        assertThat(Files.size(aofDir.resolve("appendonly.aof.1.incr.aof"))).isZero();
    }

    @Test
    void writesArePropagatedInRedis70Form() throws Exception {
        String dir = TestEngine.tempDir();
        Engine e = start(dir);
        String expected;
        try (Jedis j = jedis(e)) {
            j.sendCommand(() -> "set".getBytes(), "k", "v", "EX", "100");
            long kAt = j.pexpireTime("k");
            j.setex("k2", 100, "v");
            long k2At = j.pexpireTime("k2");
            j.expire("k", 50);
            long kAt2 = j.pexpireTime("k");
            j.del("missing");
            j.publish("ch", "replicas only"); // PROPAGATE_REPL: never in the AOF
            j.incrByFloat("f", 1.5);
            j.hincrByFloat("h", "f", 2.5);
            j.sadd("s", "a");
            j.spop("s");
            j.eval("redis.call('set','x','1'); redis.call('incr','x')", 0);
            j.select(2);
            j.rpush("l", "a", "b");
            j.blpop(0, "l");
            j.expire("l", -1);
            expected = resp("SELECT", "0")
                    + resp("SET", "k", "v", "PXAT", Long.toString(kAt))
                    + resp("SET", "k2", "v", "PXAT", Long.toString(k2At))
                    + resp("PEXPIREAT", "k", Long.toString(kAt2))
                    + resp("SET", "f", "1.5", "KEEPTTL")
                    + resp("HSET", "h", "f", "2.5")
                    + resp("SADD", "s", "a")
                    + resp("SREM", "s", "a")
                    + resp("MULTI") + resp("set", "x", "1") + resp("incr", "x") + resp("EXEC")
                    + resp("SELECT", "2")
                    + resp("RPUSH", "l", "a", "b")
                    + resp("LPOP", "l")
                    + resp("DEL", "l");
        }
        assertThat(read(Path.of(dir, "appendonlydir", "appendonly.aof.1.incr.aof"))).isEqualTo(expected);
    }

    @Test
    void streamWritesReplayWithExplicitIdsAndExactTrims() throws Exception {
        String dir = TestEngine.tempDir();
        Engine e = start(dir);
        String id;
        String id2;
        try (Jedis j = jedis(e)) {
            j.sendCommand(() -> "XADD".getBytes(), "s", "5-1", "f", "v");
            id = new String((byte[]) j.sendCommand(() -> "XADD".getBytes(), "s", "*", "f", "v"), StandardCharsets.US_ASCII);
            id2 = new String((byte[]) j.sendCommand(() -> "XADD".getBytes(), "s", "MAXLEN", "~", "1", "*", "f", "v"),
                    StandardCharsets.US_ASCII);
            j.sendCommand(() -> "XTRIM".getBytes(), "s", "MAXLEN", "~", "0");
        }
        // "~ 1" cannot drop a partial node, so 3 entries stay; "~ 0" drops the whole node (as Redis 7.0.15 does)
        assertThat(read(Path.of(dir, "appendonlydir", "appendonly.aof.1.incr.aof"))).isEqualTo(resp("SELECT", "0")
                + resp("XADD", "s", "5-1", "f", "v") + resp("XADD", "s", id, "f", "v")
                + resp("XADD", "s", "MAXLEN", "=", "3", id2, "f", "v")
                + resp("XTRIM", "s", "MAXLEN", "=", "0"));
    }

    /** What a real redis-server 7.0.15 wrote for the same commands (its incr file, read back). */
    @Test
    void moreRewritesMatchRedis() throws Exception {
        String dir = TestEngine.tempDir();
        Engine e = start(dir);
        byte[] payload;
        long restoreAt;
        try (Jedis j = jedis(e)) {
            j.sendCommand(() -> "flushall".getBytes());
            j.sendCommand(() -> "set".getBytes(), "g1", "v");
            j.sendCommand(() -> "getdel".getBytes(), "g1");
            j.sendCommand(() -> "getset".getBytes(), "g2", "v");
            j.sendCommand(() -> "set".getBytes(), "g3", "v", "get");
            j.sendCommand(() -> "rpush".getBytes(), "ml", "a", "b", "c");
            j.sendCommand(() -> "lmpop".getBytes(), "1", "ml", "left", "count", "5");
            j.sendCommand(() -> "zadd".getBytes(), "mz", "1", "a", "2", "b");
            j.sendCommand(() -> "zmpop".getBytes(), "1", "mz", "max", "count", "1");
            j.sendCommand(() -> "geoadd".getBytes(), "geo", "13.361389", "38.115556", "Palermo");
            j.sendCommand(() -> "sadd".getBytes(), "sp", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
            List<?> popped = (List<?>) j.sendCommand(() -> "spop".getBytes(), "sp", "2");
            expectedSpop = resp("MULTI") + resp("SREM", "sp", new String((byte[]) popped.get(0)))
                    + resp("SREM", "sp", new String((byte[]) popped.get(1))) + resp("EXEC");
            j.set("r", "v");
            payload = j.dump("r");
            j.del("r");
            j.restore("rk".getBytes(), 5000, payload);
            restoreAt = j.pexpireTime("rk");
            j.sendCommand(() -> "flushdb".getBytes());
        }
        String expected = resp("SELECT", "0") + resp("flushall") + resp("set", "g1", "v") + resp("DEL", "g1")
                + resp("SET", "g2", "v") + resp("set", "g3", "v") + resp("rpush", "ml", "a", "b", "c")
                + resp("LPOP", "ml", "3") + resp("zadd", "mz", "1", "a", "2", "b") + resp("ZPOPMAX", "mz", "1")
                + resp("zadd", "geo", "3479099956230698", "Palermo")
                + resp("sadd", "sp", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10") + expectedSpop
                + resp("SET", "r", "v") + resp("DEL", "r");
        String restore = "*5\r\n$7\r\nRESTORE\r\n$2\r\nrk\r\n$13\r\n" + restoreAt + "\r\n$" + payload.length + "\r\n"
                + new String(payload, StandardCharsets.ISO_8859_1) + "\r\n$6\r\nABSTTL\r\n";
        assertThat(read(Path.of(dir, "appendonlydir", "appendonly.aof.1.incr.aof")))
                .isEqualTo(expected + restore + resp("flushdb"));
    }

    private String expectedSpop;

    @Test
    void keysExpiredByScanAreNotWrappedInMulti() throws Exception {
        String dir = TestEngine.tempDir();
        Engine e = start(dir);
        try (Jedis j = jedis(e)) {
            j.sendCommand(() -> "debug".getBytes(), "set-active-expire", "0");
            j.sendCommand(() -> "set".getBytes(), "a", "1", "PXAT", "1");
            j.sendCommand(() -> "set".getBytes(), "b", "1", "PXAT", "1");
            j.scan("0");
        }
        String incr = read(Path.of(dir, "appendonlydir", "appendonly.aof.1.incr.aof"));
        assertThat(incr).doesNotContain("MULTI").contains(resp("DEL", "a")).contains(resp("DEL", "b"));
    }

    @Test
    void lazyExpiryBeforeAWriteIsWrappedInMulti() throws Exception {
        String dir = TestEngine.tempDir();
        Engine e = start(dir);
        try (Jedis j = jedis(e)) {
            j.sendCommand(() -> "debug".getBytes(), "set-active-expire", "0");
            j.sendCommand(() -> "set".getBytes(), "e", "1", "PXAT", "1");
            j.set("e", "2");
        }
        assertThat(read(Path.of(dir, "appendonlydir", "appendonly.aof.1.incr.aof"))).isEqualTo(
                resp("SELECT", "0") + resp("SET", "e", "1", "PXAT", "1")
                        + resp("MULTI") + resp("DEL", "e") + resp("SET", "e", "2") + resp("EXEC"));
    }

    /** Every type, TTLs, a stream with a group and pending entries: DUMP and PEXPIRETIME of each key. */
    private static void fill(Jedis j) {
        j.set("str", "hello");
        j.pexpire("str", 500_000);
        j.rpush("list", "a", "b", "c");
        j.sadd("intset", "1", "2", "3");
        j.sadd("set", "x", "y");
        j.zadd("zset", 1.5, "m1");
        j.zadd("zset", 0.1, "m2");
        j.hset("hash", Map.of("f1", "v1", "f2", "v2"));
        j.xadd("stream", new StreamEntryID(1, 1), Map.of("a", "1"));
        j.xadd("stream", new StreamEntryID(2, 0), Map.of("b", "2"));
        j.xgroupCreate("stream", "g", new StreamEntryID(0, 0), false);
        j.xreadGroup("g", "alice", XReadGroupParams.xReadGroupParams().count(1), Map.of("stream", StreamEntryID.UNRECEIVED_ENTRY));
        j.xgroupCreateConsumer("stream", "g", "bob");
        j.select(3);
        j.set("indb3", "v");
        j.expire("indb3", 1000);
        j.select(0);
    }

    private static Map<String, String> state(Jedis j) {
        Map<String, String> out = new TreeMap<>();
        for (int db : new int[] {0, 3}) {
            j.select(db);
            for (String k : j.keys("*")) {
                if (k.equals("stream")) continue;
                out.put(db + ":" + k, java.util.Base64.getEncoder().encodeToString(j.dump(k)) + " " + j.pexpireTime(k));
            }
            if (db == 0) {
                // a stream's DUMP holds consumers' seen-times, which a replay sets anew (as in Redis)
                out.put("0:stream:entries", j.xrange("stream", "-", "+").toString());
                var g = j.xinfoGroups("stream").get(0);
                out.put("0:stream:group", g.getName() + " " + g.getConsumers() + " " + g.getPending() + " " + g.getLastDeliveredId());
                StringBuilder pel = new StringBuilder();
                for (var p : j.xpending("stream", "g", redis.clients.jedis.params.XPendingParams.xPendingParams().count(10))) {
                    pel.append(p.getID()).append(' ').append(p.getConsumerName()).append(' ').append(p.getDeliveredTimes()).append(';');
                }
                out.put("0:stream:pel", pel.toString());
                out.put("0:stream:consumers", j.xinfoConsumers("stream", "g").stream().map(c -> c.getName() + "/" + c.getPending()).toList().toString());
            }
        }
        j.select(0);
        return out;
    }

    @Test
    void restartReloadsTheKeyspaceFromIncrPreambleAndCommandBases() throws Exception {
        String dir = TestEngine.tempDir();
        Map<String, String> before;
        Engine e = start(dir);
        try (Jedis j = jedis(e)) {
            fill(j);
            before = state(j);
        }
        e.close();
        Engine fromIncr = start(dir);
        try (Jedis j = jedis(fromIncr)) {
            assertThat(state(j)).isEqualTo(before);
            j.bgrewriteaof();
        }
        fromIncr.server().aof().waitForRewrite();
        fromIncr.close();
        Path aofDir = Path.of(dir, "appendonlydir");
        assertThat(read(aofDir.resolve("appendonly.aof.manifest")))
                .isEqualTo("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n");
        assertThat(Files.exists(aofDir.resolve("appendonly.aof.1.incr.aof"))).isFalse();
        assertThat(Files.exists(aofDir.resolve("appendonly.aof.1.base.rdb"))).isFalse();

        Engine fromPreamble = start(dir, "aof-use-rdb-preamble", "no");
        try (Jedis j = jedis(fromPreamble)) {
            assertThat(state(j)).isEqualTo(before);
            j.bgrewriteaof();
        }
        fromPreamble.server().aof().waitForRewrite();
        fromPreamble.close();
        assertThat(read(aofDir.resolve("appendonly.aof.3.base.aof"))).startsWith(resp("SELECT", "0"));

        Engine fromCommands = start(dir);
        try (Jedis j = jedis(fromCommands)) {
            assertThat(state(j)).isEqualTo(before);
        }
    }

    @Test
    void rewriteWhileWritesContinueLosesNothing() throws Exception {
        String dir = TestEngine.tempDir();
        Engine e = start(dir, "appendfsync", "everysec");
        try (Jedis j = jedis(e)) {
            for (int i = 0; i < 200; i++) j.set("before" + i, Integer.toString(i));
            j.configSet("rdb-key-save-delay", "1000");
            assertThat(j.bgrewriteaof()).isEqualTo("Background append only file rewriting started");
            assertThatThrownBy(j::bgrewriteaof).hasMessage("ERR Background append only file rewriting already in progress");
            assertThat(j.info("persistence")).contains("aof_rewrite_in_progress:1");
            for (int i = 0; i < 200; i++) j.set("during" + i, Integer.toString(i));
            j.configSet("rdb-key-save-delay", "0");
        }
        e.server().aof().waitForRewrite();
        e.close();
        Engine reloaded = start(dir);
        try (Jedis j = jedis(reloaded)) {
            assertThat(j.dbSize()).isEqualTo(400);
            assertThat(j.get("before199")).isEqualTo("199");
            assertThat(j.get("during199")).isEqualTo("199");
            assertThat(j.info("persistence")).contains("aof_enabled:1").contains("aof_last_bgrewrite_status:ok");
        }
    }

    @Test
    void debugLoadaofAndConfigSetAppendonly() throws Exception {
        String dir = TestEngine.tempDir();
        EngineConfig cfg = EngineConfig.defaults().set("port", "0").set("dir", dir).set("save", "");
        Engine e = Engine.start(cfg);
        engines.add(e);
        try (Jedis j = jedis(e)) {
            j.set("a", "1");
            j.configSet("appendonly", "yes");
            e.server().aof().waitForRewrite();
            j.set("b", "2");
            j.sendCommand(() -> "debug".getBytes(), "loadaof");
            assertThat(j.mget("a", "b")).containsExactly("1", "2");
            j.configSet("appendonly", "no");
            assertThat(j.info("persistence")).contains("aof_enabled:0");
            j.set("c", "3");
        }
        Path aofDir = Path.of(dir, "appendonlydir");
        assertThat(read(aofDir.resolve("appendonly.aof.manifest")))
                .isEqualTo("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        assertThat(read(aofDir.resolve("appendonly.aof.1.incr.aof"))).isEqualTo(resp("SELECT", "0") + resp("SET", "b", "2"));
    }

    @Test
    void aRedis6SingleFileIsMigratedIntoTheDirectory() throws Exception {
        String dir = TestEngine.tempDir();
        Files.writeString(Path.of(dir, "appendonly.aof"), resp("SET", "a", "1"));
        Engine e = start(dir);
        try (Jedis j = jedis(e)) {
            assertThat(j.get("a")).isEqualTo("1");
        }
        Path aofDir = Path.of(dir, "appendonlydir");
        assertThat(Files.exists(Path.of(dir, "appendonly.aof"))).isFalse();
        assertThat(read(aofDir.resolve("appendonly.aof.manifest")))
                .isEqualTo("file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
    }

    @Test
    void appendonlyEnabledInsideMultiIsScheduledAndLosesOrRepeatsNothing() throws Exception {
        String dir = TestEngine.tempDir();
        Engine e = Engine.start(EngineConfig.defaults().set("port", "0").set("dir", dir).set("save", ""));
        engines.add(e);
        try (Jedis j = jedis(e)) {
            j.set("n", "1");
            redis.clients.jedis.Transaction t = j.multi();
            t.sendCommand(() -> "config".getBytes(), "set", "appendonly", "yes");
            t.incr("n");
            t.exec();
            assertThat(j.info("persistence")).contains("aof_rewrite_scheduled:1");
            j.incr("n");
            for (int i = 0; i < 100 && !j.info("persistence").contains("aof_rewrites:1"); i++) Thread.sleep(20);
            assertThat(j.info("persistence")).contains("aof_rewrite_scheduled:0").contains("aof_rewrites:1");
            assertThat(j.info("stats")).contains("total_forks:1");
            j.incr("n");
            j.sendCommand(() -> "debug".getBytes(), "loadaof");
            assertThat(j.get("n")).isEqualTo("4");
        }
    }

    /** other.tcl's round trip: with appendonly no, BGREWRITEAOF writes a command base and DEBUG LOADAOF reads it. */
    @Test
    void rewriteAndLoadaofRoundTripWithAppendonlyOff() throws Exception {
        String dir = TestEngine.tempDir();
        Engine e = Engine.start(EngineConfig.defaults().set("port", "0").set("dir", dir).set("save", ""));
        engines.add(e);
        try (Jedis j = jedis(e)) {
            fill(j);
            String digest = new String((byte[]) j.sendCommand(() -> "debug".getBytes(), "digest"));
            j.configSet("aof-use-rdb-preamble", "no");
            j.bgrewriteaof();
            e.server().aof().waitForRewrite();
            assertThat(read(Path.of(dir, "appendonlydir", "appendonly.aof.manifest")))
                    .isEqualTo("file appendonly.aof.1.base.aof seq 1 type b\n");
            j.sendCommand(() -> "debug".getBytes(), "loadaof");
            Object after = j.sendCommand(() -> "debug".getBytes(), "digest");
            assertThat(new String((byte[]) after)).isEqualTo(digest).isNotEqualTo("0000000000000000000000000000000000000000");
        }
    }

    @Test
    void theCronRewritesOnceTheLogOutgrowsItsBase() throws Exception {
        String dir = TestEngine.tempDir();
        Engine e = start(dir, "auto-aof-rewrite-min-size", "1000", "auto-aof-rewrite-percentage", "100");
        try (Jedis j = jedis(e)) {
            for (int i = 0; i < 5; i++) j.set("k" + i, "v");
            Thread.sleep(300);
            assertThat(j.info("persistence")).contains("aof_rewrites:0");
            for (int i = 0; i < 50; i++) j.set("k" + i, "x".repeat(20));
            for (int i = 0; i < 100 && !j.info("persistence").contains("aof_rewrites:1"); i++) Thread.sleep(20);
            assertThat(j.info("persistence")).contains("aof_rewrites:1");
        }
    }

    @Test
    void loadingIgnoresPasswordsAndAclRules() throws Exception {
        String dir = TestEngine.tempDir();
        Engine e = start(dir, "requirepass", "secret");
        try (Jedis j = jedis(e)) {
            j.auth("secret");
            j.set("a", "1");
            j.set("a2", "2");
            // the loader runs as nobody's client: the default user's key rules do not stop it
            j.aclSetUser("default", "resetkeys", "~b*");
            j.sendCommand(() -> "debug".getBytes(), "loadaof");
            assertThat(j.dbSize()).isEqualTo(2);
        }
    }

    @Test
    void turningTheAofOffAbandonsARunningRewrite() throws Exception {
        String dir = TestEngine.tempDir();
        Engine e = start(dir);
        Path aofDir = Path.of(dir, "appendonlydir");
        try (Jedis j = jedis(e)) {
            for (int i = 0; i < 20; i++) j.set("k" + i, "v");
            j.configSet("rdb-key-save-delay", "50000");
            j.bgrewriteaof();
            j.configSet("appendonly", "no");
            assertThat(j.info("persistence")).contains("aof_enabled:0").contains("aof_rewrite_in_progress:0");
            j.configSet("rdb-key-save-delay", "0");
            for (int i = 0; i < 100 && hasTemp(aofDir); i++) Thread.sleep(20);
            assertThat(hasTemp(aofDir)).isFalse();
        }
    }

    private static boolean hasTemp(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("temp-rewriteaof"));
        }
    }

    @Test
    void truncatedTailIsDroppedOnlyWhenAllowed() throws Exception {
        String dir = TestEngine.tempDir();
        Engine e = start(dir);
        try (Jedis j = jedis(e)) {
            j.set("a", "1");
        }
        e.close();
        Path incr = Path.of(dir, "appendonlydir", "appendonly.aof.1.incr.aof");
        Files.writeString(incr, "*3\r\n$3\r\nSET\r\n$1\r\nb", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> start(dir, "aof-load-truncated", "no")).hasMessageContaining("Unexpected end of file");
        Engine reloaded = start(dir);
        try (Jedis j = jedis(reloaded)) {
            assertThat(j.get("a")).isEqualTo("1");
            assertThat(j.exists("b")).isFalse();
        }
        assertThat(read(incr)).isEqualTo(resp("SELECT", "0") + resp("SET", "a", "1"));
    }
}
