package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hash commands through Jedis and raw RESP. Every expected value and error text here was first
 * read from a real redis-server 7.0.15 given the same commands.
 */
class HashCommandsTest {
    static final TestEngine ENGINE = TestEngine.start();
    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @BeforeEach
    void flush() {
        try (Jedis j = ENGINE.jedis()) {
            j.flushAll();
            j.configSet("hash-max-listpack-entries", "128");
            j.configSet("hash-max-listpack-value", "64");
        }
    }

    static List<String> raw(Jedis j, String... args) {
        Object reply = j.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8),
                java.util.Arrays.copyOfRange(args, 1, args.length));
        List<String> out = new ArrayList<>();
        flatten(reply, out);
        return out;
    }

    private static void flatten(Object reply, List<String> out) {
        if (reply instanceof List<?> list) {
            for (Object o : list) flatten(o, out);
        } else {
            out.add(reply == null ? null : reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : reply.toString());
        }
    }

    static String encoding(Jedis j, String key) {
        Object r = j.sendCommand(() -> "DEBUG".getBytes(), "OBJECT", key);
        String s = r instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(r);
        return s.replaceAll(".*encoding:(\\S+).*", "$1");
    }

    @Test
    void setGetAndSmallHashesKeepInsertionOrder() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.hset("h", Map.of("z", "1"))).isEqualTo(1);
            assertThat(j.sendCommand(() -> "HSET".getBytes(), "h", "a", "2", "m", "3", "z", "9")).isEqualTo(2L);
            assertThat(raw(j, "HKEYS", "h")).containsExactly("z", "a", "m");
            assertThat(raw(j, "HVALS", "h")).containsExactly("9", "2", "3");
            assertThat(raw(j, "HGETALL", "h")).containsExactly("z", "9", "a", "2", "m", "3");
            assertThat(j.hdel("h", "a")).isEqualTo(1);
            j.hset("h", "a", "4");
            assertThat(raw(j, "HKEYS", "h")).containsExactly("z", "m", "a");

            assertThat(j.hget("h", "m")).isEqualTo("3");
            assertThat(j.hget("h", "nope")).isNull();
            assertThat(j.hget("missing", "m")).isNull();
            assertThat(j.hmget("h", "z", "nope", "a")).containsExactly("9", null, "4");
            assertThat(j.hmget("missing", "a", "b")).containsExactly(null, null);
            assertThat(j.hlen("h")).isEqualTo(3);
            assertThat(j.hlen("missing")).isZero();
            j.hset("h", "long", "hello world");
            assertThat(j.hstrlen("h", "long")).isEqualTo(11);
            assertThat(j.hstrlen("h", "nope")).isZero();
            assertThat(j.hexists("h", "z")).isTrue();
            assertThat(j.hexists("h", "nope")).isFalse();
            assertThat(j.hexists("missing", "z")).isFalse();
            assertThat(j.hgetAll("missing")).isEmpty();
            assertThat(j.hkeys("missing")).isEmpty();
            assertThat(j.hvals("missing")).isEmpty();

            assertThat(j.hsetnx("h", "z", "x")).isZero();
            assertThat(j.hget("h", "z")).isEqualTo("9");
            assertThat(j.hsetnx("h", "new", "x")).isEqualTo(1);
            assertThat(j.hmset("h", Map.of("p", "q"))).isEqualTo("OK");
            assertThat(j.hget("h", "p")).isEqualTo("q");
        }
    }

    @Test
    void argumentErrors() {
        try (Jedis j = ENGINE.jedis()) {
            assertThatThrownBy(() -> j.sendCommand(() -> "HSET".getBytes(), "h", "a", "1", "b"))
                    .hasMessage("ERR wrong number of arguments for 'hset' command");
            assertThatThrownBy(() -> j.sendCommand(() -> "HMSET".getBytes(), "h", "a", "1", "b"))
                    .hasMessage("ERR wrong number of arguments for 'hmset' command");
            assertThatThrownBy(() -> j.sendCommand(() -> "HDEL".getBytes(), "h"))
                    .hasMessage("ERR wrong number of arguments for 'hdel' command");
            assertThat(j.exists("h")).isFalse();
        }
    }

    @Test
    void hdelOfTheLastFieldDeletesTheKey() {
        try (Jedis j = ENGINE.jedis()) {
            j.hset("h", Map.of("a", "1", "b", "2", "c", "3"));
            assertThat(j.hdel("h", "a", "nope")).isEqualTo(1);
            assertThat(j.hdel("missing", "a")).isZero();
            assertThat(j.hdel("h", "b", "c", "b")).isEqualTo(2);
            assertThat(j.exists("h")).isFalse();
            assertThat(j.type("h")).isEqualTo("none");
        }
    }

    @Test
    void hincrbyLikeRedissonLocks() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.hincrBy("lock", "uuid:1", 1)).isEqualTo(1);
            assertThat(j.hincrBy("lock", "uuid:1", 1)).isEqualTo(2);
            assertThat(j.hexists("lock", "uuid:1")).isTrue();
            assertThat(j.hget("lock", "uuid:1")).isEqualTo("2");
            assertThat(j.hincrBy("lock", "uuid:1", -2)).isZero();
            assertThat(j.hdel("lock", "uuid:1")).isEqualTo(1);
            assertThat(j.exists("lock")).isFalse();

            j.hset("h", "s", "abc");
            assertThatThrownBy(() -> j.hincrBy("h", "s", 1)).hasMessage("ERR hash value is not an integer");
            assertThatThrownBy(() -> j.sendCommand(() -> "HINCRBY".getBytes(), "h", "n", "x"))
                    .hasMessage("ERR value is not an integer or out of range");
            j.hset("h", "max", Long.toString(Long.MAX_VALUE));
            assertThatThrownBy(() -> j.hincrBy("h", "max", 1)).hasMessage("ERR increment or decrement would overflow");
            j.hset("h", "min", Long.toString(Long.MIN_VALUE));
            assertThatThrownBy(() -> j.hincrBy("h", "min", -1)).hasMessage("ERR increment or decrement would overflow");
            assertThat(j.hget("h", "max")).isEqualTo("9223372036854775807");
            j.hset("h", "sp", " 1");
            assertThatThrownBy(() -> j.hincrBy("h", "sp", 1)).hasMessage("ERR hash value is not an integer");
        }
    }

    @Test
    void hincrbyfloatFormatsAsRedisLongDouble() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(incrFloat(j, "f", "10.5")).isEqualTo("10.5");
            assertThat(incrFloat(j, "f", "0.1")).isEqualTo("10.6");
            assertThat(incrFloat(j, "c", "3.0e3")).isEqualTo("3000");
            assertThat(incrFloat(j, "c", "1.1")).isEqualTo("3001.10000000000000009");
            j.hset("h", "a", "17179869184");
            assertThat(incrFloat(j, "a", "0.1")).isEqualTo("17179869184.09999999962747097");
            assertThat(incrFloat(j, "k", "-0")).isEqualTo("0");
            assertThat(incrFloat(j, "l", "0x10")).isEqualTo("16");
            assertThat(incrFloat(j, "m", "1e-20")).isEqualTo("0");
            assertThat(incrFloat(j, "n", "1e-5")).isEqualTo("0.00001");
            j.hset("h", "i", "5");
            assertThat(incrFloat(j, "i", "-1.5")).isEqualTo("3.5");
            assertThat(incrFloat(j, "x", "1e308")).hasSize(308).startsWith("99999999999999999996685879655845645660");
            assertThat(incrFloat(j, "x", "1e308")).hasSize(309).startsWith("199999999999999999993371759311691291321");

            assertThatThrownBy(() -> incrFloat(j, "f", "x")).hasMessage("ERR value is not a valid float");
            assertThatThrownBy(() -> incrFloat(j, "f", "1 ")).hasMessage("ERR value is not a valid float");
            assertThatThrownBy(() -> incrFloat(j, "f", "inf")).hasMessage("ERR value is NaN or Infinity");
            assertThatThrownBy(() -> incrFloat(j, "f", "nan")).hasMessage("ERR value is not a valid float");
            j.hset("h", "s", "abc");
            assertThatThrownBy(() -> incrFloat(j, "s", "1")).hasMessage("ERR hash value is not a float");
            j.hset("h", "inf", "inf");
            assertThatThrownBy(() -> incrFloat(j, "inf", "1")).hasMessage("ERR increment would produce NaN or Infinity");
            j.hset("h", "nul", "1\u00002");
            assertThatThrownBy(() -> incrFloat(j, "nul", "1")).hasMessage("ERR hash value is not a float");
        }
    }

    private static String incrFloat(Jedis j, String field, String by) {
        Object r = j.sendCommand(() -> "HINCRBYFLOAT".getBytes(), "h", field, by);
        return new String((byte[]) r, StandardCharsets.UTF_8);
    }

    @Test
    void encodingFollowsTheListpackThresholds() {
        try (Jedis j = ENGINE.jedis()) {
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i < 128; i++) fields.put("f" + i, "v" + i);
            j.hset("h", fields);
            assertThat(encoding(j, "h")).isEqualTo("listpack");
            j.hset("h", "f128", "v");
            assertThat(encoding(j, "h")).isEqualTo("hashtable");
            for (int i = 0; i < 120; i++) j.hdel("h", "f" + i);
            assertThat(encoding(j, "h")).isEqualTo("hashtable"); // never converts back

            j.hset("v", "a", "x".repeat(64));
            assertThat(encoding(j, "v")).isEqualTo("listpack");
            j.hset("v", "b", "x".repeat(65));
            assertThat(encoding(j, "v")).isEqualTo("hashtable");

            j.hincrBy("longfield", "y".repeat(65), 1);
            assertThat(encoding(j, "longfield")).isEqualTo("hashtable");
            j.hincrByFloat("longvalue", "f", 1e100);
            assertThat(encoding(j, "longvalue")).isEqualTo("hashtable");

            j.hset("nx", "f", "1");
            assertThat(j.hsetnx("nx", "f", "z".repeat(70))).isZero();
            assertThat(encoding(j, "nx")).isEqualTo("listpack");
            assertThat(j.hexists("nx", "z".repeat(70))).isFalse();
            assertThat(encoding(j, "nx")).isEqualTo("listpack");
            assertThat(j.hsetnx("nx", "g", "z".repeat(70))).isEqualTo(1);
            assertThat(encoding(j, "nx")).isEqualTo("hashtable");

            j.configSet("hash-max-listpack-entries", "2");
            j.hset("small", Map.of("a", "1", "b", "2"));
            assertThat(encoding(j, "small")).isEqualTo("listpack");
            j.hset("small", "c", "3");
            assertThat(encoding(j, "small")).isEqualTo("hashtable");
        }
    }

    @Test
    void wrongTypeEverywhere() {
        try (Jedis j = ENGINE.jedis()) {
            j.set("str", "x");
            List<String[]> commands = List.of(
                    new String[] {"HSET", "str", "a", "b"}, new String[] {"HSETNX", "str", "a", "b"},
                    new String[] {"HGET", "str", "a"}, new String[] {"HMGET", "str", "a"},
                    new String[] {"HMSET", "str", "a", "b"}, new String[] {"HDEL", "str", "a"},
                    new String[] {"HLEN", "str"}, new String[] {"HSTRLEN", "str", "a"},
                    new String[] {"HEXISTS", "str", "a"}, new String[] {"HKEYS", "str"},
                    new String[] {"HVALS", "str"}, new String[] {"HGETALL", "str"},
                    new String[] {"HINCRBY", "str", "a", "1"}, new String[] {"HINCRBYFLOAT", "str", "a", "1"},
                    new String[] {"HRANDFIELD", "str"}, new String[] {"HRANDFIELD", "str", "2"},
                    new String[] {"HSCAN", "str", "0"});
            for (String[] cmd : commands) {
                assertThatThrownBy(() -> j.sendCommand(() -> cmd[0].getBytes(),
                        java.util.Arrays.copyOfRange(cmd, 1, cmd.length)))
                        .as(String.join(" ", cmd)).hasMessage(WRONGTYPE);
            }
            assertThat(j.get("str")).isEqualTo("x");
        }
    }

    @Test
    void hrandfieldCountsAndErrors() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.hrandfield("missing")).isNull();
            assertThat(j.hrandfield("missing", 5)).isEmpty();
            j.hset("h", Map.of("a", "1", "b", "2", "c", "3"));
            assertThat(j.hrandfield("h")).isIn("a", "b", "c");
            assertThat(j.hrandfield("h", 0)).isEmpty();
            assertThat(raw(j, "HRANDFIELD", "h", "5")).containsExactlyInAnyOrder("a", "b", "c");
            List<String> two = raw(j, "HRANDFIELD", "h", "2");
            assertThat(two).hasSize(2).doesNotHaveDuplicates().isSubsetOf("a", "b", "c");
            List<String> repeated = raw(j, "HRANDFIELD", "h", "-10");
            assertThat(repeated).hasSize(10).isSubsetOf("a", "b", "c");
            List<String> pairs = raw(j, "HRANDFIELD", "h", "-4", "WITHVALUES");
            assertThat(pairs).hasSize(8);
            for (int i = 0; i < pairs.size(); i += 2) {
                assertThat(Integer.parseInt(pairs.get(i + 1))).isEqualTo(pairs.get(i).charAt(0) - 'a' + 1);
            }
            assertThat(raw(j, "HRANDFIELD", "h", "9", "withvalues")).hasSize(6);

            assertThatThrownBy(() -> raw(j, "HRANDFIELD", "h", "1", "WITHVALUE")).hasMessage("ERR syntax error");
            assertThatThrownBy(() -> raw(j, "HRANDFIELD", "h", "1", "WITHVALUES", "x")).hasMessage("ERR syntax error");
            assertThatThrownBy(() -> raw(j, "HRANDFIELD", "h", "x")).hasMessage("ERR value is not an integer or out of range");
            assertThatThrownBy(() -> raw(j, "HRANDFIELD", "h", "-9223372036854775808"))
                    .hasMessage("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            assertThatThrownBy(() -> raw(j, "HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"))
                    .hasMessage("ERR value is out of range");
            assertThatThrownBy(() -> raw(j, "HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"))
                    .hasMessage("ERR value is out of range");
            assertThat(raw(j, "HRANDFIELD", "h", "4611686018427387904")).hasSize(3);

            Map<String, String> many = new HashMap<>();
            for (int i = 0; i < 300; i++) many.put("f" + i, "v" + i);
            j.hset("big", many);
            for (String count : new String[] {"10", "150", "299"}) {
                List<String> got = raw(j, "HRANDFIELD", "big", count, "WITHVALUES");
                assertThat(got).hasSize(2 * Integer.parseInt(count));
                Set<String> fields = new HashSet<>();
                for (int i = 0; i < got.size(); i += 2) {
                    fields.add(got.get(i));
                    assertThat(got.get(i + 1)).isEqualTo("v" + got.get(i).substring(1));
                }
                assertThat(fields).hasSize(Integer.parseInt(count));
            }
        }
    }

    @Test
    void resp3RepliesHaveRedisShapes() {
        try (Jedis j = ENGINE.jedis(); RawResp r = new RawResp(ENGINE.port())) {
            j.hset("h", "a", "1");
            r.call("HELLO", "3");
            assertThat(r.call("HGETALL", "h")).isEqualTo("%1\r\n$1\r\na\r\n$1\r\n1\r\n");
            assertThat(r.call("HGETALL", "missing")).isEqualTo("%0\r\n");
            assertThat(r.call("HKEYS", "missing")).isEqualTo("*0\r\n");
            assertThat(r.call("HRANDFIELD", "h", "-2", "WITHVALUES"))
                    .isEqualTo("*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
            assertThat(r.call("HRANDFIELD", "h", "2", "WITHVALUES")).isEqualTo("*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
            assertThat(r.call("HRANDFIELD", "missing", "2")).isEqualTo("*0\r\n");
            assertThat(r.call("HRANDFIELD", "missing")).isEqualTo("_\r\n");
            assertThat(r.call("HGET", "h", "nope")).isEqualTo("_\r\n");
            assertThat(r.call("HSCAN", "h", "0")).isEqualTo("*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
        }
    }

    @Test
    void hscanOfAListpackReturnsEverythingAtOnce() {
        try (Jedis j = ENGINE.jedis()) {
            j.hset("h", "a", "1");
            j.hset("h", "b", "2");
            j.hset("h", "ab", "3");
            assertThat(raw(j, "HSCAN", "h", "0").get(0)).isEqualTo("0");
            ScanResult<Map.Entry<String, String>> all = j.hscan("h", "0", new ScanParams().count(1));
            assertThat(all.getCursor()).isEqualTo("0");
            assertThat(all.getResult()).extracting(Map.Entry::getKey).containsExactly("a", "b", "ab");
            // Redis ignores the cursor of a listpack
            assertThat(j.hscan("h", "7", new ScanParams().match("a*")).getResult())
                    .extracting(Map.Entry::getKey).containsExactly("a", "ab");
            ScanResult<Map.Entry<String, String>> none = j.hscan("missing", "0");
            assertThat(none.getCursor()).isEqualTo("0");
            assertThat(none.getResult()).isEmpty();
            assertThatThrownBy(() -> raw(j, "HSCAN", "h", "x")).hasMessage("ERR invalid cursor");
            assertThatThrownBy(() -> raw(j, "HSCAN", "h", "-1")).hasMessage("ERR invalid cursor");
            assertThatThrownBy(() -> raw(j, "HSCAN", "h", "0", "COUNT", "0")).hasMessage("ERR syntax error");
            assertThatThrownBy(() -> raw(j, "HSCAN", "h", "0", "COUNT", "x"))
                    .hasMessage("ERR value is not an integer or out of range");
            assertThatThrownBy(() -> raw(j, "HSCAN", "h", "0", "TYPE", "hash")).hasMessage("ERR syntax error");
            assertThatThrownBy(() -> raw(j, "HSCAN", "h", "0", "MATCH")).hasMessage("ERR syntax error");
            // a missing key answers the empty scan before options are looked at, as Redis
            assertThat(raw(j, "HSCAN", "missing", "0", "bogus")).containsExactly("0");
        }
    }

    @Test
    void hscanOfAHashtableVisitsEveryFieldWhileItChanges() {
        try (Jedis j = ENGINE.jedis()) {
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i < 1000; i++) fields.put("f" + i, "v" + i);
            j.hset("h", fields);
            Set<String> seen = new HashSet<>();
            String cursor = "0";
            int calls = 0;
            do {
                ScanResult<Map.Entry<String, String>> page = j.hscan("h", cursor, new ScanParams().count(20));
                for (Map.Entry<String, String> e : page.getResult()) {
                    if (e.getKey().startsWith("f")) assertThat(e.getValue()).isEqualTo("v" + e.getKey().substring(1));
                    seen.add(e.getKey());
                }
                cursor = page.getCursor();
                calls++;
                // growth and shrink between calls must not hide fields present all along
                if (calls == 5) for (int i = 0; i < 2000; i++) j.hset("h", "extra" + i, "x");
                if (calls == 15) for (int i = 0; i < 2000; i++) j.hdel("h", "extra" + i);
            } while (!cursor.equals("0"));
            assertThat(calls).isGreaterThan(5);
            for (int i = 0; i < 1000; i++) assertThat(seen).contains("f" + i);

            ScanResult<Map.Entry<String, String>> matched;
            Set<String> nines = new HashSet<>();
            cursor = "0";
            do {
                matched = j.hscan("h", cursor, new ScanParams().match("f9*").count(100));
                matched.getResult().forEach(e -> nines.add(e.getKey()));
                cursor = matched.getCursor();
            } while (!cursor.equals("0"));
            assertThat(nines).hasSize(111).allMatch(f -> f.startsWith("f9"));
        }
    }

    /** Lettuce negotiates RESP3 (HGETALL is a map there), Redisson speaks RESP2: both unchanged. */
    @Test
    void realClientsReadHashesAndSets() {
        io.lettuce.core.RedisClient lettuce = io.lettuce.core.RedisClient.create("redis://127.0.0.1:" + ENGINE.port());
        try (var conn = lettuce.connect()) {
            var sync = conn.sync();
            assertThat(sync.hset("lh", Map.of("a", "1", "b", "2"))).isEqualTo(2);
            assertThat(sync.hgetall("lh")).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2"));
            assertThat(sync.hincrbyfloat("lh", "a", 0.5)).isEqualTo(1.5);
            assertThat(sync.hrandfieldWithvalues("lh", -3)).hasSize(3);
            assertThat(sync.hscan("lh").getMap()).containsEntry("b", "2");
            assertThat(sync.sadd("ls", "x", "y")).isEqualTo(2);
            assertThat(sync.smembers("ls")).containsExactlyInAnyOrder("x", "y");
            assertThat(sync.spop("ls", 5)).containsExactlyInAnyOrder("x", "y");
        } finally {
            lettuce.shutdown();
        }
        org.redisson.config.Config config = new org.redisson.config.Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + ENGINE.port())
                .setConnectionMinimumIdleSize(1).setConnectionPoolSize(2)
                .setSubscriptionConnectionMinimumIdleSize(0);
        config.setCodec(org.redisson.client.codec.StringCodec.INSTANCE);
        org.redisson.api.RedissonClient redisson = org.redisson.Redisson.create(config);
        try {
            org.redisson.api.RMap<String, String> map = redisson.getMap("rmap");
            assertThat(map.fastPut("k", "v")).isTrue();
            assertThat(map.get("k")).isEqualTo("v");
            assertThat(map.readAllMap()).isEqualTo(Map.of("k", "v"));
            assertThat(map.fastRemove("k")).isEqualTo(1);
            org.redisson.api.RSet<String> set = redisson.getSet("rset");
            assertThat(set.add("m")).isTrue();
            assertThat(set.contains("m")).isTrue();
            assertThat(set.readAll()).containsExactly("m");
            assertThat(set.size()).isEqualTo(1);
            assertThat(set.remove("m")).isTrue();
            assertThat(set.isExists()).isFalse();

            // RLock is a hash driven from Lua: HINCRBY for reentrancy, HEXISTS for ownership
            org.redisson.api.RLock lock = redisson.getLock("rlock");
            lock.lock();
            lock.lock();
            assertThat(lock.getHoldCount()).isEqualTo(2);
            try (Jedis j = ENGINE.jedis()) {
                assertThat(j.type("rlock")).isEqualTo("hash");
                assertThat(j.hvals("rlock")).containsExactly("2");
            }
            lock.unlock();
            assertThat(lock.isLocked()).isTrue();
            lock.unlock();
            assertThat(lock.isLocked()).isFalse();
            assertThat(redisson.getKeys().countExists("rlock")).isZero();
        } finally {
            redisson.shutdown();
        }
    }

    @Test
    void writesBreakWatchAndFireKeyspaceEvents() {
        try (Jedis j = ENGINE.jedis(); Jedis other = ENGINE.jedis(); RawResp sub = new RawResp(ENGINE.port())) {
            j.hset("w", "a", "1");
            j.watch("w");
            other.hincrBy("w", "a", 1);
            Transaction t = j.multi();
            t.hget("w", "a");
            assertThat(t.exec()).isNull();

            j.configSet("notify-keyspace-events", "KEA");
            try {
                sub.call("PSUBSCRIBE", "__keyevent@0__:*");
                j.hset("e", "a", "1");
                j.hsetnx("e", "a", "2"); // no change, no event
                j.hincrBy("e", "n", 1);
                j.hincrByFloat("e", "f", 1.5);
                j.hdel("e", "nope"); // nothing deleted, no event
                j.hdel("e", "a", "n", "f");
                List<String> events = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    String[] msg = sub.read().split("\r\n");
                    assertThat(msg[8]).isEqualTo("e");
                    events.add(msg[6].replace("__keyevent@0__:", ""));
                }
                assertThat(events).containsExactly("hset", "hincrby", "hincrbyfloat", "hdel", "del");
            } finally {
                j.configSet("notify-keyspace-events", "");
            }
        }
    }
}
