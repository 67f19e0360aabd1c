package io.cachelab.engine.keyspace;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * maxmemory with each policy: fill past a limit with keys of a known shape (a 9-byte name and a
 * 100-byte value: 168 bytes each in Redis, MEMORY USAGE's number, and 208 in the JVM heap, the
 * number used_memory and maxmemory count) and check what was evicted. LRU tests wait two
 * seconds because Redis's LRU clock, like ours, ticks once per second.
 */
class EvictionTest {
    static final TestEngine ENGINE = TestEngine.start();
    static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
    static final String VALUE = "v".repeat(100);

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @BeforeEach
    void clean() {
        try (Jedis j = ENGINE.jedis()) {
            j.configSet("maxmemory", "0");
            j.configSet("maxmemory-policy", "noeviction");
            j.configSet("maxmemory-samples", "10");
            j.configSet("lfu-decay-time", "1");
            j.configSet("notify-keyspace-events", "");
            j.flushAll();
            j.configResetStat();
        }
    }

    static String key(int i) {
        return String.format("key:%05d", i);
    }

    static Map<String, String> info(Jedis j, String section) {
        return Arrays.stream(j.info(section).split("\r\n"))
                .filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1)));
    }

    static long usedMemory(Jedis j) {
        return Long.parseLong(info(j, "memory").get("used_memory"));
    }

    static long evictedKeys(Jedis j) {
        return Long.parseLong(info(j, "stats").get("evicted_keys"));
    }

    /** Caps memory at what is used now plus {@code extra} bytes. */
    static long limitAt(Jedis j, long extra, String policy) {
        long limit = usedMemory(j) + extra;
        j.configSet("maxmemory-policy", policy);
        j.configSet("maxmemory", Long.toString(limit));
        return limit;
    }

    static int survivors(Jedis j, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) if (j.exists(key(i))) n++;
        return n;
    }

    @Test
    void keyShapeIsWhatTheseTestsAssume() {
        try (Jedis j = ENGINE.jedis()) {
            j.set(key(1), VALUE);
            assertThat(j.memoryUsage(key(1))).isEqualTo(168);
            long before = usedMemory(j);
            j.set(key(2), VALUE);
            // entry 24, key array 32, StringValue 32, value array 120 (keyspace.HeapModel)
            assertThat(usedMemory(j) - before).isEqualTo(208);
        }
    }

    @Test
    void noevictionRefusesDenyoomCommandsWithRedisText() {
        try (Jedis j = ENGINE.jedis()) {
            limitAt(j, 20_000, "noeviction");
            int written = 0;
            String error = null;
            for (int i = 0; i < 1000 && error == null; i++) {
                try {
                    j.set(key(i), VALUE);
                    written++;
                } catch (JedisDataException e) {
                    error = e.getMessage();
                }
            }
            assertThat(error).isEqualTo(OOM);
            assertThat(written).isBetween(80, 100);
            assertThat(evictedKeys(j)).isZero();
            // reads and deletes still run; a delete makes room again
            assertThat(j.get(key(0))).isEqualTo(VALUE);
            assertThatThrownBy(() -> j.lpush("list", "x")).hasMessage(OOM);
            assertThatThrownBy(() -> j.eval("return redis.call('set','x','1')")).hasMessageStartingWith(OOM);
            assertThat(j.eval("return redis.call('get',KEYS[1])", 1, key(0))).isEqualTo(VALUE);
            assertThatThrownBy(() -> j.eval("#!lua\nreturn redis.call('set','x','1')")).hasMessage(OOM);
            assertThat(j.eval("#!lua flags=allow-oom\nreturn redis.call('set','x','1')")).isEqualTo("OK");
            j.del(key(0), key(1), key(2), "x");
            assertThat(j.set("after-del", "1")).isEqualTo("OK");
        }
    }

    @Test
    void multiUnderOomRejectsQueuedCommandsAndAbortsExec() {
        try (Jedis j = ENGINE.jedis()) {
            j.set("a", "1");
            limitAt(j, -1, "noeviction");
            Transaction t = j.multi();
            t.get("a");
            t.set("b", "2");
            assertThatThrownBy(t::exec).hasMessageStartingWith("EXECABORT");
            assertThat(j.get("a")).isEqualTo("1");
        }
    }

    @Test
    void allkeysRandomKeepsUsedMemoryAtTheLimit() {
        try (Jedis j = ENGINE.jedis()) {
            long limit = limitAt(j, 200_000, "allkeys-random");
            for (int i = 0; i < 3000; i++) j.set(key(i), VALUE);
            long used = usedMemory(j);
            assertThat(used).isBetween(limit - 2_000, limit + 400);
            long size = j.dbSize();
            assertThat(size).isBetween(800L, 1000L);
            assertThat(evictedKeys(j)).isEqualTo(3000 - size);
            // random: early and late keys are both evicted
            assertThat(survivors(j, 0, 1000)).isBetween(50, 600);
        }
    }

    @Test
    void allkeysLruKeepsRecentlyTouchedKeys() throws Exception {
        try (Jedis j = ENGINE.jedis()) {
            j.configSet("maxmemory-policy", "allkeys-lru");
            for (int i = 0; i < 1000; i++) j.set(key(i), VALUE);
            Thread.sleep(2100);
            for (int i = 0; i < 200; i++) j.get(key(i));
            limitAt(j, 0, "allkeys-lru");
            for (int i = 1000; i < 1600; i++) j.set(key(i), VALUE);
            assertThat(evictedKeys(j)).isBetween(590L, 640L);
            assertThat(survivors(j, 0, 200)).as("touched").isGreaterThanOrEqualTo(196);
            assertThat(survivors(j, 1000, 1600)).as("new").isGreaterThanOrEqualTo(590);
            assertThat(survivors(j, 200, 1000)).as("idle").isLessThanOrEqualTo(220);
        }
    }

    @Test
    void allkeysLfuKeepsFrequentlyUsedKeys() {
        try (Jedis j = ENGINE.jedis()) {
            j.configSet("maxmemory-policy", "allkeys-lfu");
            j.configSet("lfu-decay-time", "0");
            for (int i = 0; i < 1000; i++) j.set(key(i), VALUE);
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 200; i++) j.get(key(i));
            }
            assertThat(j.objectFreq(key(0))).isGreaterThan(5L);
            assertThat(j.objectFreq(key(500))).isEqualTo(5L);
            limitAt(j, 0, "allkeys-lfu");
            for (int i = 1000; i < 1600; i++) j.set(key(i), VALUE);
            assertThat(evictedKeys(j)).isBetween(590L, 640L);
            assertThat(survivors(j, 0, 200)).as("hot").isGreaterThanOrEqualTo(196);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"})
    void volatilePoliciesNeverEvictPersistentKeys(String policy) {
        try (Jedis j = ENGINE.jedis()) {
            j.configSet("maxmemory-policy", policy);
            for (int i = 0; i < 500; i++) j.set(key(i), VALUE);
            for (int i = 500; i < 1000; i++) j.setex(key(i), 10_000 + i, VALUE);
            limitAt(j, 0, policy);
            for (int i = 1000; i < 1300; i++) j.setex(key(i), 10_000 + i, VALUE);
            assertThat(survivors(j, 0, 500)).isEqualTo(500);
            assertThat(evictedKeys(j)).isBetween(300L, 340L);
            // persistent writes then take the volatile keys' room until none is left: OOM
            String error = null;
            for (int i = 2000; i < 4000 && error == null; i++) {
                try {
                    j.set(key(i), VALUE);
                } catch (JedisDataException e) {
                    error = e.getMessage();
                }
            }
            assertThat(error).isEqualTo(OOM);
            assertThat(survivors(j, 0, 500)).isEqualTo(500);
            assertThat(info(j, "keyspace").get("db0")).contains("expires=0,");
        }
    }

    @Test
    void volatileTtlEvictsTheShortestTtlsFirst() {
        try (Jedis j = ENGINE.jedis()) {
            j.configSet("maxmemory-policy", "volatile-ttl");
            for (int i = 0; i < 600; i++) j.setex(key(i), 1000 + 10L * i, VALUE);
            limitAt(j, 0, "volatile-ttl");
            for (int i = 1000; i < 1200; i++) j.set(key(i), VALUE);
            // an evicted volatile key also frees its expires entry, so fewer than 200 go
            long evicted = evictedKeys(j);
            assertThat(evicted).isBetween(160L, 225L);
            assertThat(survivors(j, 400, 600)).as("longest TTLs").isEqualTo(200);
            assertThat(200 - survivors(j, 0, 200)).as("evicted among the shortest TTLs")
                    .isGreaterThanOrEqualTo((int) (evicted * 9 / 10));
            assertThat(survivors(j, 1000, 1200)).isEqualTo(200);
        }
    }

    @Test
    void evictionsPublishEventsAndBreakWatch() throws Exception {
        Set<String> evicted = ConcurrentHashMap.newKeySet();
        CountDownLatch subscribed = new CountDownLatch(1);
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                evicted.add(message);
            }

            @Override
            public void onSubscribe(String channel, int count) {
                subscribed.countDown();
            }
        };
        try (Jedis j = ENGINE.jedis(); Jedis watcher = ENGINE.jedis(); Jedis sub = ENGINE.jedis()) {
            j.configSet("notify-keyspace-events", "Ee");
            Thread t = new Thread(() -> sub.subscribe(listener, "__keyevent@0__:evicted"));
            t.start();
            assertThat(subscribed.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 300; i++) j.set(key(i), VALUE);
            watcher.watch(key(7));
            j.configSet("maxmemory-policy", "allkeys-random");
            j.configSet("maxmemory", "1"); // CONFIG SET itself starts evicting, as Redis does
            long deadline = System.currentTimeMillis() + 5000;
            while (j.dbSize() > 0 && System.currentTimeMillis() < deadline) Thread.sleep(5);
            assertThat(j.dbSize()).isZero();
            assertThatThrownBy(() -> j.set("more", "1")).hasMessage(OOM);
            j.configSet("maxmemory", "0"); // under OOM MULTI would refuse even the GET
            Transaction tx = watcher.multi();
            tx.get(key(7));
            List<Object> result = tx.exec();
            assertThat(result).isNull();
            while (evicted.size() < 300 && System.currentTimeMillis() < deadline) Thread.sleep(5);
            listener.unsubscribe();
            t.join(5000);
            assertThat(evicted).hasSize(300).contains(key(0), key(7), key(299));
            assertThat(evictedKeys(j)).isEqualTo(300);
            assertThat(Long.parseLong(info(j, "stats").get("current_eviction_exceeded_time"))).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void partlyReceivedRequestsCountAndMaxmemoryClientsClosesTheBiggestClient() throws Exception {
        try (Jedis j = ENGINE.jedis(); java.net.Socket dead = new java.net.Socket("127.0.0.1", ENGINE.port())) {
            long before = usedMemory(j);
            var out = dead.getOutputStream();
            out.write("*3\r\n$3\r\nset\r\n$1\r\nk\r\n$2000000\r\n".getBytes());
            out.write(new byte[1_000_000]);
            out.flush();
            long deadline = System.currentTimeMillis() + 5000;
            while (usedMemory(j) < before + 1_000_000 && System.currentTimeMillis() < deadline) Thread.sleep(5);
            assertThat(usedMemory(j)).isGreaterThanOrEqualTo(before + 1_000_000);
            j.clientNoEvictOn();
            j.configSet("maxmemory-clients", "500kb");
            try {
                j.ping();
                assertThat(info(j, "stats").get("evicted_clients")).isEqualTo("1");
                int read;
                try {
                    read = dead.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    read = -1; // closed with unread input: a reset
                }
                assertThat(read).as("closed by the server").isEqualTo(-1);
                assertThat(usedMemory(j)).isLessThan(before + 100_000);
            } finally {
                j.configSet("maxmemory-clients", "0");
                j.clientNoEvictOff();
            }
        }
    }

    @Test
    void lowerTenacityStillConvergesThroughTheEventLoop() throws Exception {
        try (Jedis j = ENGINE.jedis()) {
            for (int i = 0; i < 5000; i++) j.set(key(i), VALUE);
            j.configSet("maxmemory-eviction-tenacity", "0");
            try {
                long limit = limitAt(j, -500_000, "allkeys-lru");
                long deadline = System.currentTimeMillis() + 5000;
                while (usedMemory(j) > limit && System.currentTimeMillis() < deadline) Thread.sleep(5);
                assertThat(usedMemory(j)).isLessThanOrEqualTo(limit);
                assertThat(j.dbSize()).isBetween(2350L, 2850L);
            } finally {
                j.configSet("maxmemory-eviction-tenacity", "10");
            }
        }
    }
}
