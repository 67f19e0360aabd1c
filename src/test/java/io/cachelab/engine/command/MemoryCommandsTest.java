package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.keyspace.HeapModel;
import io.cachelab.engine.keyspace.MemoryModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MEMORY USAGE / STATS / DOCTOR and the INFO memory numbers. The model is deterministic, so sizes
 * are asserted exactly; the comparison with real Redis is recorded below.
 *
 * <p>Recorded once by hand against redis-server 7.0.15 (jemalloc 5.3.0), MEMORY USAGE ... SAMPLES 0
 * after building each value with single commands; ours in brackets:
 * <pre>
 *   SET k 1                                48     [48]
 *   SET key:000001 &lt;n x's&gt;, n = 1, 10      72     [72]     n = 20   88  [88]
 *     n = 44 (embstr)                      104    [104]    n = 45  120  [120]  (raw)
 *     n = 100                              168    [168]    n = 1000 1080 [1080]
 *     n = 10000                            10296  [10296]  n = 100000 114744 [114744]
 *   RPUSH l x10 of 10 bytes                256    [248]
 *   RPUSH l x1000 of 10 bytes              12456  [12440]
 *   RPUSH l x1000 of 100 bytes             105056 [107000]
 *   HSET h f1..f10 10-byte values          240    [240]    (listpack)
 *   HSET h field1..field1000               64224  [64296]  (hashtable)
 *   SADD s 1..100                          272    [272]    (intset)
 *   SADD s member1..member1000             48296  [48296]  (hashtable)
 *   ZADD z i m1..m10                       128    [144]    (listpack)
 *   ZADD z i member1..member1000           102520 [104984] (skiplist)
 * </pre>
 * Strings match exactly; collections are within 13% (the model averages element lengths).
 */
class MemoryCommandsTest {
    static final TestEngine ENGINE = TestEngine.start();

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @BeforeEach
    void clean() {
        try (Jedis j = ENGINE.jedis()) {
            j.flushAll();
            j.configSet("maxmemory", "0");
            j.configSet("maxmemory-policy", "noeviction");
        }
    }

    private static String xs(int n) {
        return "x".repeat(n);
    }

    private static long usage(Jedis j, String key) {
        return j.memoryUsage(key);
    }

    static Map<String, String> info(Jedis j, String section) {
        return Arrays.stream(j.info(section).split("\r\n"))
                .filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1)));
    }

    @Test
    void stringSizesMatchRedisExactly() {
        try (Jedis j = ENGINE.jedis()) {
            j.set("k", "1");
            assertThat(usage(j, "k")).isEqualTo(48);
            int[] lengths = {1, 10, 20, 44, 45, 100, 1000, 10000, 100000};
            long[] redis = {72, 72, 88, 104, 120, 168, 1080, 10296, 114744};
            for (int i = 0; i < lengths.length; i++) {
                j.set("key:000001", xs(lengths[i]));
                assertThat(usage(j, "key:000001")).as("length %d", lengths[i]).isEqualTo(redis[i]);
            }
        }
    }

    @Test
    void collectionSizesAreDeterministicAndNearRedis() {
        try (Jedis j = ENGINE.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < 10; i++) p.rpush("l10", "aaaaaaaaaa");
            for (int i = 0; i < 1000; i++) p.rpush("l1000", "aaaaaaaaaa");
            for (int i = 0; i < 1000; i++) p.rpush("lx100", "y".repeat(100));
            for (int i = 1; i <= 10; i++) p.hset("hlp", "f" + i, "vvvvvvvvvv");
            for (int i = 1; i <= 1000; i++) p.hset("hht", "field" + i, "vvvvvvvvvv");
            for (int i = 1; i <= 100; i++) p.sadd("intset", Integer.toString(i));
            for (int i = 1; i <= 1000; i++) p.sadd("sht", "member" + i);
            for (int i = 1; i <= 10; i++) p.zadd("zlp", i, "m" + i);
            for (int i = 1; i <= 1000; i++) p.zadd("zsl", i, "member" + i);
            p.sync();
            String[] keys = {"l10", "l1000", "lx100", "hlp", "hht", "intset", "sht", "zlp", "zsl"};
            long[] ours = {248, 12440, 107000, 240, 64296, 272, 48296, 144, 104984};
            long[] redis = {256, 12456, 105056, 240, 64224, 272, 48296, 128, 102520};
            for (int i = 0; i < keys.length; i++) {
                long got = j.memoryUsage(keys[i], 0);
                assertThat(got).as(keys[i]).isEqualTo(ours[i]);
                assertThat((double) got / redis[i]).as(keys[i] + " vs redis").isBetween(0.85, 1.15);
            }
        }
    }

    @Test
    void usageGrowsWithValueSize() {
        try (Jedis j = ENGINE.jedis()) {
            long previous = 0;
            for (int n = 10; n <= 100_000; n *= 10) {
                j.set("s", xs(n));
                j.del("l");
                for (int i = 0; i < n / 10 + 1; i++) j.rpush("l", xs(20));
                long s = usage(j, "s");
                assertThat(s).isGreaterThan(previous).isGreaterThanOrEqualTo(n);
                previous = s;
            }
            long small = usage(j, "l");
            j.rpush("l", xs(5000));
            assertThat(usage(j, "l")).isGreaterThan(small + 5000);
            j.append("s", "tail");
            assertThat(usage(j, "s")).isGreaterThan(previous);
        }
    }

    @Test
    void usageRepliesAndErrorsAsRedis() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.memoryUsage("missing")).isNull();
            j.set("a", "b");
            assertThat(j.sendCommand(MEMORY, "usage", "a", "samples", "0", "samples", "3")).isEqualTo(64L);
            assertThatThrownBy(() -> j.sendCommand(MEMORY, "usage", "a", "samples", "-1"))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR syntax error");
            assertThatThrownBy(() -> j.sendCommand(MEMORY, "usage", "a", "foo"))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR syntax error");
            assertThatThrownBy(() -> j.sendCommand(MEMORY, "usage", "a", "samples"))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR syntax error");
            assertThatThrownBy(() -> j.sendCommand(MEMORY, "usage", "a", "samples", "x"))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR value is not an integer or out of range");
            assertThatThrownBy(() -> j.sendCommand(MEMORY))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR wrong number of arguments for 'memory' command");
            assertThatThrownBy(() -> j.sendCommand(MEMORY, "foo"))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR unknown subcommand 'foo'. Try MEMORY HELP.");
            assertThat(j.memoryDoctor()).startsWith("Hi Sam, this instance is empty or is using very little memory");
            assertThat(j.memoryPurge()).isEqualTo("OK");
            assertThat(new String((byte[]) j.sendCommand(MEMORY, "malloc-stats"))).isEqualTo("Stats not supported for the current allocator");
            @SuppressWarnings("unchecked")
            java.util.List<Object> help = (java.util.List<Object>) j.sendCommand(MEMORY, "help");
            assertThat(help).hasSize(14);
        }
    }

    @Test
    void memoryStatsCountsKeysAndDatabases() {
        try (Jedis j = ENGINE.jedis()) {
            j.set("a", "b");
            j.select(3);
            j.setex("c", 100, "d");
            Map<String, Object> stats = j.memoryStats();
            assertThat(stats.get("startup.allocated")).isEqualTo(MemoryModel.BASELINE);
            assertThat(stats.get("keys.count")).isEqualTo(2L);
            // the heap's bytes (HeapModel), not MEMORY USAGE's: two keys of 1-byte name and value, 104 each
            assertThat(stats.get("dataset.bytes")).isEqualTo(208L);
            assertThat(stats).containsKeys("db.0", "db.3", "peak.allocated", "total.allocated", "overhead.total",
                    "dataset.percentage", "fragmentation");
            assertThat(stats).doesNotContainKey("db.1");
        }
    }

    /**
     * used_memory_dataset is the sum of every key's heap estimate (HeapModel, kept in 8-byte units),
     * however the keys were written; MEMORY USAGE answers Redis's size of the same key, smaller.
     */
    @Test
    void datasetIsTheSumOfKeyUsagesAfterRandomWrites() {
        Random rnd = new Random(3);
        try (Jedis j = ENGINE.jedis()) {
            for (int step = 0; step < 3000; step++) {
                String key = "k" + rnd.nextInt(40);
                String v = xs(rnd.nextInt(rnd.nextBoolean() ? 10 : 200));
                try {
                    switch (rnd.nextInt(14)) {
                        case 0 -> j.set(key, v);
                        case 1 -> j.append(key, v);
                        case 2 -> j.rpush(key, v);
                        case 3 -> j.lpop(key);
                        case 4 -> j.ltrim(key, 1, -2);
                        case 5 -> j.hset(key, "f" + rnd.nextInt(200), v);
                        case 6 -> j.hdel(key, "f" + rnd.nextInt(200));
                        case 7 -> j.sadd(key, rnd.nextBoolean() ? Integer.toString(rnd.nextInt(1000)) : v + rnd.nextInt(9));
                        case 8 -> j.srem(key, Integer.toString(rnd.nextInt(1000)));
                        case 9 -> j.zadd(key, rnd.nextInt(100), "m" + rnd.nextInt(300));
                        case 10 -> j.zremrangeByRank(key, 0, 2);
                        case 11 -> j.del(key);
                        case 12 -> j.incr(key);
                        default -> j.expire(key, 1000);
                    }
                } catch (JedisDataException wrongType) {
                    // WRONGTYPE and not-an-integer are part of the mix
                }
            }
            long sum = 0;
            long redis = 0;
            for (Database db : ENGINE.engine().server().databases()) {
                for (var e : db.dict()) sum += (HeapModel.entryBytes(e.key(), e.value()) + 7) / 8 * 8;
            }
            for (String k : j.keys("*")) redis += usage(j, k);
            assertThat(Long.parseLong(info(j, "memory").get("used_memory_dataset"))).isEqualTo(sum).isGreaterThan(redis);
            j.flushAll();
            assertThat(info(j, "memory").get("used_memory_dataset")).isEqualTo("0");
        }
    }

    /**
     * In cluster mode every key is also in its slot's index, which costs heap (74 MB for a million
     * keys, measured): used_memory counts it, so maxmemory bounds the heap there too. The same 10,000
     * keys grow used_memory by the index's per-key price more on a cluster node than on a plain one.
     */
    @Test
    void clusterModeCountsTheSlotIndexInUsedMemory() {
        try (TestEngine node = TestEngine.start("cluster-enabled", "yes", "cluster-port", Integer.toString(TestEngine.freePort()));
             Jedis plain = ENGINE.jedis(); Jedis cluster = node.jedis()) {
            long plainGrowth = growthOf(plain), clusterGrowth = growthOf(cluster);
            long index = clusterGrowth - plainGrowth;
            // 72 bytes a key, plus 72 per slot in use (at most 16384) and the two per-slot arrays
            assertThat(index).isBetween(10_000L * 72, 10_000L * 72 + 16_384L * 72 + 2 * (16 + 4 * 16_384L));
        }
    }

    private static long growthOf(Jedis j) {
        long before = Long.parseLong(info(j, "memory").get("used_memory"));
        j.sendCommand(() -> "DEBUG".getBytes(), "POPULATE", "10000", "key", "10");
        assertThat(j.dbSize()).isEqualTo(10_000L);
        return Long.parseLong(info(j, "memory").get("used_memory")) - before;
    }

    @Test
    void infoMemoryAndStatsFields() {
        try (Jedis j = ENGINE.jedis()) {
            j.configSet("maxmemory", "100mb");
            j.configSet("maxmemory-policy", "allkeys-lru");
            Map<String, String> mem = info(j, "memory");
            assertThat(mem.get("maxmemory")).isEqualTo("104857600");
            assertThat(mem.get("maxmemory_human")).isEqualTo("100.00M");
            assertThat(mem.get("maxmemory_policy")).isEqualTo("allkeys-lru");
            assertThat(mem.get("mem_not_counted_for_evict")).isEqualTo("0");
            assertThat(mem.get("used_memory_startup")).isEqualTo(Long.toString(MemoryModel.BASELINE));
            long used = Long.parseLong(mem.get("used_memory"));
            assertThat(used).isGreaterThanOrEqualTo(MemoryModel.BASELINE);
            assertThat(Long.parseLong(mem.get("used_memory_peak"))).isGreaterThanOrEqualTo(used);
            assertThat(mem).containsKeys("used_memory_human", "used_memory_peak_human", "used_memory_dataset",
                    "used_memory_overhead");
            Map<String, String> stats = info(j, "stats");
            assertThat(stats.get("evicted_keys")).isEqualTo("0");
            assertThat(stats).containsKeys("total_eviction_exceeded_time", "current_eviction_exceeded_time");
        }
    }

    static final redis.clients.jedis.commands.ProtocolCommand MEMORY = () -> "MEMORY".getBytes();
}
