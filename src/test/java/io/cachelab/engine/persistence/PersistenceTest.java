package io.cachelab.engine.persistence;

import io.cachelab.engine.Engine;
import io.cachelab.engine.TestEngine;
import io.cachelab.engine.config.EngineConfig;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Tuple;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SAVE / BGSAVE / save points / DEBUG RELOAD / loading at start-up, each engine on its own temp
 * dir; plus the RDB files from Redis's own test assets (tests/assets/*.rdb, written by Redis 2.x to
 * 7.0 with zipmap, ziplist, intset and quicklist encodings), loaded with the contents rdb.tcl expects.
 */
class PersistenceTest {

    static Engine start(String dir, String... directives) throws IOException {
        EngineConfig cfg = EngineConfig.defaults().set("port", "0").set("dir", dir).set("save", "");
        for (int i = 0; i + 1 < directives.length; i += 2) cfg.set(directives[i], directives[i + 1]);
        return Engine.start(cfg);
    }

    static Jedis jedis(Engine e) {
        return new Jedis("127.0.0.1", e.port(), 5000);
    }

    static String info(Jedis j, String field) {
        for (String line : j.info("persistence").split("\r\n")) {
            if (line.startsWith(field + ":")) return line.substring(field.length() + 1);
        }
        throw new AssertionError(field);
    }

    static void fill(Jedis j) {
        j.set("s:int", "-12345");
        j.set("s:big", "9223372036854775807");
        j.set("s:text", "hello world");
        j.set("s:long", "abc".repeat(100));
        j.setrange("s:raw", 0, "xy");
        for (int i = 0; i < 2000; i++) j.rpush("l:big", "item-" + i);
        j.rpush("l:small", "a", "1", "-1");
        j.sadd("set:ints", "1", "2", "3");
        j.sadd("set:strs", "a", "b");
        j.hset("h:small", Map.of("f", "v"));
        j.hset("h:big", "f", "v".repeat(200));
        j.zadd("z:small", 1.5, "a");
        for (int i = 0; i < 300; i++) j.zadd("z:big", i, "m" + i);
        j.set("ttl", "v");
        j.pexpire("ttl", 1_000_000);
        j.select(5);
        j.set("in-db5", "yes");
        j.select(0);
    }

    /** Every key of db 0 with type, encoding, content and TTL presence. */
    static Map<String, String> describe(Jedis j) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : new TreeSet<>(j.keys("*"))) {
            String type = j.type(k);
            String content = switch (type) {
                case "string" -> j.get(k);
                case "list" -> j.lrange(k, 0, -1).toString();
                case "set" -> new TreeSet<>(j.smembers(k)).toString();
                case "hash" -> new java.util.TreeMap<>(j.hgetAll(k)).toString();
                case "zset" -> j.zrangeWithScores(k, 0, -1).stream().map(Tuple::toString).toList().toString();
                default -> type;
            };
            // content as length + hash: a failure message stays readable
            out.put(k, type + " " + j.objectEncoding(k) + " ttl=" + (j.pttl(k) > 0) + " " + content.length() + "#" + content.hashCode());
        }
        return out;
    }

    @Test
    void saveThenRestartKeepsEverything() throws Exception {
        String dir = TestEngine.tempDir();
        Map<String, String> before;
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            fill(j);
            before = describe(j);
            // loading runs tryObjectEncoding, so a short raw string comes back embstr (as in Redis)
            before.put("s:raw", before.get("s:raw").replace("string raw", "string embstr"));
            long lastSave = j.lastsave();
            Thread.sleep(1100);
            assertThat(info(j, "rdb_changes_since_last_save")).isNotEqualTo("0");
            assertThat(j.save()).isEqualTo("OK");
            assertThat(info(j, "rdb_changes_since_last_save")).isEqualTo("0");
            assertThat(j.lastsave()).isGreaterThan(lastSave);
            assertThat(info(j, "rdb_saves")).isEqualTo("1");
        }
        assertThat(Files.list(Path.of(dir)).map(p -> p.getFileName().toString()).toList()).containsExactly("dump.rdb");
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            assertThat(describe(j)).isEqualTo(before);
            assertThat(j.pttl("ttl")).isBetween(990_000L, 1_000_000L);
            j.select(5);
            assertThat(j.get("in-db5")).isEqualTo("yes");
            assertThat(info(j, "rdb_last_load_keys_loaded")).isEqualTo("15");
            assertThat(info(j, "rdb_changes_since_last_save")).isEqualTo("0");
        }
    }

    @Test
    void keysWhoseTtlPassedAreNotLoaded() throws Exception {
        String dir = TestEngine.tempDir();
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            j.set("short", "v");
            j.pexpire("short", 300);
            j.set("kept", "v");
            j.save();
        }
        Thread.sleep(400);
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            assertThat(j.keys("*")).containsExactly("kept");
            assertThat(info(j, "rdb_last_load_keys_expired")).isEqualTo("1");
        }
    }

    @Test
    void bgsaveWritesInTheBackgroundAndTheCronReapsIt() throws Exception {
        String dir = TestEngine.tempDir();
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            fill(j);
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            waitForBgsave(j);
            assertThat(info(j, "rdb_last_bgsave_status")).isEqualTo("ok");
            assertThat(info(j, "rdb_changes_since_last_save")).isEqualTo("0");
            assertThat(Files.exists(Path.of(dir, "dump.rdb"))).isTrue();
        }
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            assertThat(j.dbSize()).isEqualTo(14L);
        }
    }

    static void waitForBgsave(Jedis j) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!info(j, "rdb_bgsave_in_progress").equals("0")) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void savePointsSnapshotAutomatically() throws Exception {
        String dir = TestEngine.tempDir();
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            j.configSet("save", "1 2");
            j.set("a", "1");
            Thread.sleep(2200);
            assertThat(Files.exists(Path.of(dir, "dump.rdb"))).as("one change is below the save point").isFalse();
            j.set("b", "2");
            long deadline = System.currentTimeMillis() + 5000;
            while (!info(j, "rdb_saves").equals("1")) {
                assertThat(System.currentTimeMillis()).isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(info(j, "rdb_changes_since_last_save")).isEqualTo("0");
        }
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            assertThat(j.mget("a", "b")).containsExactly("1", "2");
        }
    }

    @Test
    void debugReloadSavesFlushesAndLoads() throws Exception {
        String dir = TestEngine.tempDir();
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            fill(j);
            Map<String, String> before = describe(j);
            before.put("s:raw", before.get("s:raw").replace("string raw", "string embstr"));
            assertThat(new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(), "RELOAD".getBytes()))).isEqualTo("OK");
            assertThat(describe(j)).isEqualTo(before);
            assertThat(info(j, "rdb_changes_since_last_save")).isEqualTo("0");
            j.set("after", "x");
            assertThat(j.sendCommand(() -> "DEBUG".getBytes(), "RELOAD".getBytes(), "NOSAVE".getBytes())).isNotNull();
            assertThat(j.exists("after")).isFalse();
            j.set("extra", "x");
            j.sendCommand(() -> "DEBUG".getBytes(), "RELOAD".getBytes(), "NOSAVE".getBytes(), "NOFLUSH".getBytes(), "MERGE".getBytes());
            assertThat(j.get("extra")).isEqualTo("x");
            assertThat(describe(j)).containsAllEntriesOf(before);
            assertThatThrownBy(() -> j.sendCommand(() -> "DEBUG".getBytes(), "RELOAD".getBytes(), "NOSAVE".getBytes(), "NOFLUSH".getBytes()))
                    .hasMessage("ERR Error trying to load the RDB dump");
            assertThatThrownBy(() -> j.sendCommand(() -> "DEBUG".getBytes(), "RELOAD".getBytes(), "FOO".getBytes()))
                    .hasMessage("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
        }
    }

    @Test
    void flushallSavesWhenSavePointsExist() throws Exception {
        String dir = TestEngine.tempDir();
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            // other.tcl: FLUSHALL should not reset the dirty counter if we disable save
            j.set("key", "value");
            j.flushAll();
            assertThat(Long.parseLong(info(j, "rdb_changes_since_last_save"))).isGreaterThan(0);
            assertThat(Files.exists(Path.of(dir, "dump.rdb"))).isFalse();
            // ... and resets it to 0 (by saving) when save is enabled
            j.configSet("save", "3600 1 300 100 60 10000");
            j.set("key", "value");
            j.flushAll();
            assertThat(info(j, "rdb_changes_since_last_save")).isEqualTo("0");
            assertThat(Files.exists(Path.of(dir, "dump.rdb"))).isTrue();
        }
    }

    @Test
    void flushallAbortsBgsave() throws Exception {
        // rdb.tcl "Test FLUSHALL aborts bgsave" and "bgsave resets the change counter"
        String dir = TestEngine.tempDir();
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            j.configSet("rdb-key-save-delay", "1000");
            for (int i = 0; i < 5000; i++) j.set("key:" + i, "v");
            assertThat(Long.parseLong(info(j, "rdb_changes_since_last_save"))).isGreaterThan(999);
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            assertThat(info(j, "rdb_bgsave_in_progress")).isEqualTo("1");
            assertThatThrownBy(j::save).hasMessage("ERR Background save already in progress");
            assertThatThrownBy(j::bgsave).hasMessage("ERR Background save already in progress");
            j.flushAll();
            assertThat(info(j, "rdb_bgsave_in_progress")).isEqualTo("0");
            assertThat(info(j, "rdb_last_bgsave_status")).isEqualTo("ok");
            assertThat(Long.parseLong(info(j, "rdb_changes_since_last_save"))).isGreaterThan(999);
            j.set("x", "xx");
            j.configSet("rdb-key-save-delay", "0");
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            waitForBgsave(j);
            assertThat(info(j, "rdb_changes_since_last_save")).isEqualTo("0");
        }
        Thread.sleep(300); // the abandoned writer notices it was cancelled at its next key
        try (var files = Files.list(Path.of(dir))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("dump.rdb");
        }
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            assertThat(j.keys("*")).containsExactly("x");
        }
    }

    @Test
    void shutdownSavesWithSavePointsUnlessNosave() throws Exception {
        String dir = TestEngine.tempDir();
        try (Engine e = start(dir, "save", "3600 1"); Jedis j = jedis(e)) {
            j.set("k", "v1");
            j.shutdown();
            e.awaitShutdown();
        }
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            assertThat(j.get("k")).isEqualTo("v1");
            j.set("k", "v2");
            j.configSet("save", "3600 1");
            try {
                j.sendCommand(() -> "SHUTDOWN".getBytes(), "NOSAVE".getBytes());
            } catch (RuntimeException closed) {
                // the server closes the connection instead of replying
            }
            e.awaitShutdown();
        }
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            assertThat(j.get("k")).isEqualTo("v1");
            assertThatThrownBy(() -> j.sendCommand(() -> "SHUTDOWN".getBytes(), "SAVE".getBytes(), "NOSAVE".getBytes()))
                    .hasMessage("ERR syntax error");
        }
    }

    @Test
    void bgsaveInsideMultiIsScheduled() throws Exception {
        String dir = TestEngine.tempDir();
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            j.set("k", "v");
            redis.clients.jedis.Transaction t = j.multi();
            t.sendCommand(redis.clients.jedis.Protocol.Command.BGSAVE, new String[0]);
            List<Object> replies = t.exec();
            assertThat(replies).hasSize(1);
            Object reply = replies.get(0);
            assertThat(reply instanceof byte[] b ? new String(b) : reply).isEqualTo("Background saving scheduled");
            long deadline = System.currentTimeMillis() + 5000;
            while (!info(j, "rdb_saves").equals("1")) {
                assertThat(System.currentTimeMillis()).isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThatThrownBy(() -> j.sendCommand(() -> "BGSAVE".getBytes(), "NOW".getBytes())).hasMessage("ERR syntax error");
        }
    }

    @Test
    void aCorruptFileStopsTheStart() throws Exception {
        String dir = TestEngine.tempDir();
        try (Engine e = start(dir); Jedis j = jedis(e)) {
            j.set("k", "value");
            j.save();
        }
        Path f = Path.of(dir, "dump.rdb");
        byte[] b = Files.readAllBytes(f);
        b[b.length - 12] ^= 0x55; // inside the last value: the checksum no longer matches
        Files.write(f, b);
        assertThatThrownBy(() -> start(dir)).hasMessageContaining("Wrong RDB checksum");
        // without checksum verification the flipped byte is just data
        try (Engine e = start(dir, "rdbchecksum", "no"); Jedis j = jedis(e)) {
            assertThat(j.dbSize()).isEqualTo(1L);
        }
    }

    @Test
    void rdbFilesFromRedisTestAssetsLoad() throws Exception {
        assertThat(load("encodings.rdb")).isEqualTo(List.of(
                "compressible string raw " + "a".repeat(137),
                "hash hash listpack {a=1, aa=10, aaa=100, b=2, bb=20, bbb=200, c=3, cc=30, ccc=300, ddd=400, eee=5000000000}",
                "hash_zipped hash listpack {a=1, b=2, c=3}",
                "list list quicklist [1, 2, 3, a, b, c, 100000, 6000000000, 1, 2, 3, a, b, c, 100000, 6000000000, 1, 2, 3, a, b, c, 100000, 6000000000]",
                "list_zipped list quicklist [1, 2, 3, a, b, c, 100000, 6000000000]",
                "number string int 10",
                "set set hashtable [1, 100000, 2, 3, 6000000000, a, b, c]",
                "set_zipped_1 set intset [1, 2, 3, 4]",
                "set_zipped_2 set intset [100000, 200000, 300000, 400000]",
                "set_zipped_3 set intset [1000000000, 2000000000, 3000000000, 4000000000, 5000000000, 6000000000]",
                "string string embstr Hello World",
                "zset zset listpack [a=1.0, b=2.0, c=3.0, aa=10.0, bb=20.0, cc=30.0, aaa=100.0, bbb=200.0, ccc=300.0, aaaa=1000.0, cccc=1.23456789E8, bbbb=5.0E9]",
                "zset_zipped zset listpack [a=1.0, b=2.0, c=3.0]"));
        assertThat(load("hash-zipmap.rdb")).containsExactly("hash hash listpack {f1=v1, f2=v2}");
        assertThat(load("hash-ziplist.rdb")).containsExactly("hash hash listpack {f1=v1, f2=v2}");
        // convert-*-on-load.tcl: past the live *-max-* limits the loaded value is converted
        assertThat(load("hash-ziplist.rdb", "hash-max-ziplist-entries", "1")).containsExactly("hash hash hashtable {f1=v1, f2=v2}");
        assertThat(load("zset-ziplist.rdb", "zset-max-ziplist-entries", "1")).containsExactly("zset zset skiplist [one=1.0, two=2.0]");
        assertThat(load("hash-zipmap.rdb", "hash-max-ziplist-entries", "1")).containsExactly("hash hash hashtable {f1=v1, f2=v2}");
        assertThat(load("hash-zipmap.rdb", "hash-max-ziplist-value", "1")).containsExactly("hash hash hashtable {f1=v1, f2=v2}");
        assertThat(load("zset-ziplist.rdb")).containsExactly("zset zset listpack [one=1.0, two=2.0]");
        assertThat(load("list-quicklist.rdb")).containsExactly("list list quicklist [7]", "x string int 7");
    }

    /** Loads a resource RDB file into a fresh engine and describes db 0 as "key type encoding content". */
    static List<String> load(String resource, String... directives) throws Exception {
        String dir = TestEngine.tempDir();
        try (InputStream in = PersistenceTest.class.getResourceAsStream("/rdb/" + resource)) {
            Files.write(Path.of(dir, resource), in.readAllBytes());
        }
        List<String> config = new ArrayList<>(List.of("dbfilename", resource));
        config.addAll(List.of(directives));
        try (Engine e = start(dir, config.toArray(new String[0])); Jedis j = jedis(e)) {
            List<String> out = new ArrayList<>();
            for (String k : new TreeSet<>(j.keys("*"))) {
                String type = j.type(k);
                String content = switch (type) {
                    case "string" -> j.get(k);
                    case "list" -> j.lrange(k, 0, -1).toString();
                    case "set" -> new TreeSet<>(j.smembers(k)).toString();
                    case "hash" -> new java.util.TreeMap<>(j.hgetAll(k)).toString();
                    default -> j.zrangeWithScores(k, 0, -1).stream().map(t -> t.getElement() + "=" + t.getScore()).toList().toString();
                };
                out.add(k + " " + type + " " + j.objectEncoding(k) + " " + content);
            }
            return out;
        }
    }

    @Test
    void crc64IsRedisJones() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        // the check value crc64.c's own test prints
        assertThat(Crc64.of(b, 0, b.length)).isEqualTo(0xe9c6d914c4b8d9caL);
        byte[] big = new byte[1000];
        new Random(1).nextBytes(big);
        assertThat(Crc64.update(Crc64.of(big, 0, 333), big, 333, 667)).isEqualTo(Crc64.of(big, 0, 1000));
    }

    @Test
    void lzfRoundTripsAndOnlyKeepsSavings() {
        Random rnd = new Random(7);
        for (int n : new int[]{5, 21, 100, 4096, 70_000}) {
            byte[] text = new byte[n];
            for (int i = 0; i < n; i++) text[i] = (byte) "abcab cabbage ".charAt((i * 7 + rnd.nextInt(3)) % 14);
            byte[] c = Lzf.compress(text, n, n - 4);
            if (c != null) assertThat(Lzf.decompress(c, n)).isEqualTo(text);
            byte[] noise = new byte[n];
            rnd.nextBytes(noise);
            assertThat(Lzf.compress(noise, n, n - 4)).isNull();
        }
        byte[] runs = "a".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        byte[] c = Lzf.compress(runs, runs.length, runs.length - 4);
        assertThat(c.length).isLessThan(20);
        assertThat(Lzf.decompress(c, runs.length)).isEqualTo(runs);
    }
}
