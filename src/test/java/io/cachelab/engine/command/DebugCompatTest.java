package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.List;

import static io.cachelab.engine.command.RawJedis.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * DEBUG DIGEST/DIGEST-VALUE, DEBUG RELOAD options, WATCH of stale keys and the lazyfreed_objects
 * count, as Redis 7.0.15's own units exercise them; every expected value was read from a real
 * redis-server 7.0.15 given the same commands.
 */
class DebugCompatTest {
    private static final TestEngine ENGINE = TestEngine.start();
    private static final String ZEROS = "0000000000000000000000000000000000000000";

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @BeforeEach
    void clean() {
        try (Jedis j = ENGINE.jedis()) {
            j.flushAll();
            j.functionFlush();
            call(j, "DEBUG", "SET-ACTIVE-EXPIRE", "1");
        }
    }

    private static void run(Jedis j, String line) {
        call(j, line.split(" "));
    }

    /** DEBUG POPULATE count [prefix] [size], as debug.c: key:N = value:N padded or cut to size, existing keys kept. */
    @Test
    void populateWritesCountKeysAndSkipsExistingOnes() {
        try (Jedis j = ENGINE.jedis()) {
            j.set("item:1", "mine");
            assertThat(call(j, "DEBUG", "POPULATE", "3", "item", "10")).isEqualTo("OK");
            assertThat(j.dbSize()).isEqualTo(3);
            assertThat(j.get("item:0")).isEqualTo("value:0\0\0\0");
            assertThat(j.get("item:1")).isEqualTo("mine");
            assertThat(j.strlen("item:2")).isEqualTo(10);
            assertThat(call(j, "DEBUG", "POPULATE", "2")).isEqualTo("OK");
            assertThat(j.get("key:1")).isEqualTo("value:1");
            assertThat(call(j, "DEBUG", "POPULATE", "2", "cut", "3")).isEqualTo("OK");
            assertThat(j.get("cut:0")).isEqualTo("val");
            assertThat(call(j, "DEBUG", "POPULATE", "-1")).isEqualTo("!ERR value is out of range, must be positive");
        }
    }

    @Test
    void digestsEqualRealRedisForEveryType() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "DEBUG", "DIGEST")).isEqualTo(ZEROS);
            for (String line : List.of("SET s hello", "SET i 12345", "SET f 3.5", "RPUSH l a b c 1 2 300000",
                    "SADD s1 x y z", "SADD s2 1 2 3 100", "ZADD z 1 a 2.5 b -3 c 1.1 d 1e20 e", "HSET h f1 v1 f2 v2 f3 3",
                    "XADD st 1-1 a 1 b 2", "XADD st 2-5 c 3", "SET e foo EX 1000", "HSET he a b", "PEXPIRE he 99999",
                    "SELECT 3", "SET indb3 x", "SELECT 0")) {
                run(j, line);
            }
            assertThat(call(j, "DEBUG", "DIGEST")).isEqualTo("46c825c07399e9a664e42ff7a00d21e67c77176e");
            assertThat(call(j, "DEBUG", "DIGEST-VALUE", "s", "i", "f", "l", "s1", "s2", "z", "h", "st", "e", "he", "missing"))
                    .isEqualTo(List.of("36b23a1456b2dce2c3ed252c456761301dba8060", "e1cf90774e995ae03de66e8109dc5cb9d9c2dc83",
                            "7778d1afae1dfdecb4c0c6067b712793cf413537", "d5e189a694f3d789e754d0dd4d56ba1bcf1ae784",
                            "0fd9977d57e46b1b9b87439f5ac5b338416ccc24", "1b4dacdfe78a590c11722a294e97fc48297a2a2c",
                            "9d81c21f66f14d1da603980428f8d566239c0783", "36db8c131ce099312198ab31223feb407b0d5df9",
                            "238813dc6b452bc5bad2d0f9297d48de82814fdb", "5170f91b3d2d00aceaaf49e57d36af753feb02ad",
                            "01ce97e79e107255ae83a560e4c2070114b00ba6", ZEROS));
            assertThat(call(j, "DEBUG", "DIGEST", "x")).isEqualTo(
                    "!ERR unknown subcommand or wrong number of arguments for 'DIGEST'. Try DEBUG HELP.");
        }
    }

    @Test
    void bigEncodingsDigestAsTheirSmallOnes() {
        try (Jedis j = ENGINE.jedis()) {
            for (int i = 1; i <= 200; i++) {
                run(j, "ZADD bz " + i + ".25 m" + i);
                run(j, "HSET bh f" + i + " v" + i);
                run(j, "RPUSH bl e" + i);
                run(j, "SADD bs " + i);
            }
            run(j, "ZADD zi -inf ninf +inf pinf 0 zero -0.5 neg 3.14159265358979 pi");
            assertThat(call(j, "DEBUG", "DIGEST-VALUE", "bz", "bh", "bl", "bs", "zi")).isEqualTo(List.of(
                    "7c10b2a257f717fb8893f08c7f66fd1aa1e33157", "4ac8fd5d71a5e2047779312636972fa1e4486c44",
                    "c0379f5f4a0786915c24ff5c394d48e32871e355", "b5cdd417781d1b4d4558088a6048cd61e71daaba",
                    "0a0a4ae263f0d0b8f010cf76506edcbb308bf409"));
        }
    }

    @Test
    void deletingFlushingOrSwappingStaleWatchedKeysDoesNotFailExec() {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "DEBUG", "SET-ACTIVE-EXPIRE", "0");
            // deleted by lazy expiry (EXISTS) after WATCH
            staleX(j, 0);
            call(j, "WATCH", "x");
            assertThat(call(j, "EXISTS", "x")).isEqualTo(0L);
            assertThat(execPing(j)).isEqualTo(List.of("PONG"));
            // FLUSHDB
            staleX(j, 0);
            call(j, "WATCH", "x");
            call(j, "FLUSHDB");
            assertThat(execPing(j)).isEqualTo(List.of("PONG"));
            // SWAPDB: stale key replaced with no key
            call(j, "FLUSHALL");
            staleX(j, 1);
            call(j, "WATCH", "x");
            call(j, "SWAPDB", "0", "1");
            assertThat(execPing(j)).isEqualTo(List.of("PONG"));
            // SWAPDB: no key replaced with a stale key
            call(j, "FLUSHALL");
            staleX(j, 0);
            call(j, "SELECT", "1");
            call(j, "WATCH", "x");
            call(j, "SWAPDB", "0", "1");
            assertThat(execPing(j)).isEqualTo(List.of("PONG"));
            // SWAPDB: stale key replaced with another stale key
            call(j, "FLUSHALL");
            call(j, "SELECT", "1");
            call(j, "SET", "x", "foo", "PX", "1");
            staleX(j, 0);
            call(j, "SELECT", "1");
            call(j, "WATCH", "x");
            call(j, "SWAPDB", "0", "1");
            assertThat(execPing(j)).isEqualTo(List.of("PONG"));
            // a live key replaced by SWAPDB still fails EXEC
            call(j, "FLUSHALL");
            call(j, "SELECT", "0");
            call(j, "SET", "x", "live");
            call(j, "WATCH", "x");
            call(j, "SWAPDB", "0", "1");
            assertThat(execPing(j)).isNull();
            call(j, "SELECT", "0");
        }
    }

    private static void staleX(Jedis j, int db) {
        call(j, "SELECT", Integer.toString(db));
        call(j, "SET", "x", "foo", "PX", "1");
        sleep(5);
    }

    private static Object execPing(Jedis j) {
        call(j, "MULTI");
        call(j, "PING");
        return call(j, "EXEC");
    }

    @Test
    void debugReloadNoflushFailsOnAnExistingFunctionAndMergeReplacesIt() {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "FUNCTION", "LOAD", "#!lua name=test\nredis.register_function('test', function() return 1 end)");
            assertThat(call(j, "DEBUG", "RELOAD", "NOFLUSH")).isEqualTo("!ERR Error trying to load the RDB dump");
            assertThat(call(j, "DEBUG", "RELOAD", "NOFLUSH", "MERGE")).isEqualTo("OK");
            assertThat(call(j, "FCALL", "test", "0")).isEqualTo(1L);
            assertThat(call(j, "DEBUG", "RELOAD", "BOGUS"))
                    .isEqualTo("!ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
        }
    }

    @Test
    void lazyfreedObjectsCountsValuesAboveTheEffortThreshold() {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "CONFIG", "RESETSTAT");
            for (int i = 1; i <= 100; i++) {
                run(j, "SADD bigs m" + i);
                run(j, "SADD smalls " + i);
                run(j, "RPUSH bigl " + i);
            }
            for (int i = 1; i <= 65; i++) {
                run(j, "SADD s64 m" + i);
                run(j, "SADD s65 m" + i);
            }
            call(j, "SREM", "s64", "m65");
            call(j, "UNLINK", "bigs", "smalls", "bigl", "s64");
            assertThat(lazyfreed(j)).isEqualTo("1");
            call(j, "UNLINK", "s65");
            assertThat(lazyfreed(j)).isEqualTo("2");
            call(j, "SET", "a", "1");
            call(j, "SET", "b", "2");
            call(j, "FLUSHALL", "ASYNC");
            assertThat(lazyfreed(j)).isEqualTo("4");
            call(j, "CONFIG", "RESETSTAT");
            assertThat(lazyfreed(j)).isEqualTo("0");
        }
    }

    @Test
    void expireZeroInsideAScriptDeletesTheKeyAtOnce() {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "SET", "mykey", "myval");
            assertThat(call(j, "EVAL", "redis.call('set', KEYS[1], 0)\nredis.call('expire', KEYS[1], 0)\n"
                    + "return redis.call('geoadd', KEYS[1], 0, 0, 'bar')", "1", "mykey")).isEqualTo(1L);
            assertThat(call(j, "TYPE", "mykey")).isEqualTo("zset");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void sortIsMarkedMovablekeysAndClusterHelpIsListed() {
        try (Jedis j = ENGINE.jedis()) {
            List<Object> sort = (List<Object>) ((List<Object>) call(j, "COMMAND", "INFO", "sort", "sort_ro")).get(0);
            assertThat(sort.get(2)).isEqualTo(List.of("write", "denyoom", "movablekeys"));
            List<Object> sortRo = (List<Object>) ((List<Object>) call(j, "COMMAND", "INFO", "sort_ro")).get(0);
            assertThat(sortRo.get(2)).isEqualTo(List.of("readonly", "movablekeys"));
            assertThat((List<Object>) call(j, "COMMAND", "LIST", "FILTERBY", "PATTERN", "cl*help"))
                    .containsExactlyInAnyOrder("client|help", "cluster|help");
            assertThat(call(j, "CLUSTER", "HELP")).isEqualTo("!ERR This instance has cluster support disabled");
        }
    }

    @Test
    void migrateMovesKeysWithTheirTtlToAnotherServer() {
        try (TestEngine target = TestEngine.start(); Jedis j = ENGINE.jedis(); Jedis t = target.jedis()) {
            String port = Integer.toString(target.port());
            call(j, "SET", "k1", "v1");
            call(j, "RPUSH", "l", "a", "b", "c");
            call(j, "EXPIRE", "l", "100");
            assertThat(call(j, "MIGRATE", "127.0.0.1", port, "", "2", "5000", "KEYS", "k1", "l", "nosuch")).isEqualTo("OK");
            assertThat(call(j, "EXISTS", "k1", "l")).isEqualTo(0L);
            t.select(2);
            assertThat(t.lrange("l", 0, -1)).containsExactly("a", "b", "c");
            assertThat(t.ttl("l")).isBetween(99L, 100L);
            call(j, "SET", "k1", "again");
            assertThat(call(j, "MIGRATE", "127.0.0.1", port, "k1", "2", "5000"))
                    .isEqualTo("!ERR Target instance replied with error: BUSYKEY Target key name already exists.");
            assertThat(call(j, "MIGRATE", "127.0.0.1", port, "k1", "2", "5000", "COPY", "REPLACE")).isEqualTo("OK");
            assertThat(t.get("k1")).isEqualTo("again");
            assertThat(call(j, "GET", "k1")).isEqualTo("again");
            assertThat(call(j, "MIGRATE", "127.0.0.1", port, "nosuch", "2", "5000")).isEqualTo("NOKEY");
            assertThat(call(j, "MIGRATE", "127.0.0.1", port, "k1", "2", "5000", "KEYS", "k1"))
                    .isEqualTo("!ERR When using MIGRATE KEYS option, the key argument must be set to the empty string");
            assertThat(call(j, "COMMAND", "GETKEYS", "MIGRATE", "127.0.0.1", "1", "", "0", "5", "AUTH", "x", "KEYS", "a", "b"))
                    .isEqualTo(List.of("a", "b"));
        }
    }

    @Test
    void clientReplyOffDoesNotSilenceSubscribeConfirmations() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", ENGINE.port())) {
            s.setSoTimeout(2_000);
            s.getOutputStream().write("CLIENT REPLY OFF\r\nSUBSCRIBE channel\r\nUNSUBSCRIBE channel\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String expected = "*3\r\n$9\r\nsubscribe\r\n$7\r\nchannel\r\n:1\r\n*3\r\n$11\r\nunsubscribe\r\n$7\r\nchannel\r\n:0\r\n";
            byte[] got = s.getInputStream().readNBytes(expected.length());
            assertThat(new String(got, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(expected);
        }
    }

    @Test
    void debugObjectShowsALogicallyExpiredKeyWithoutDeletingIt() {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "DEBUG", "SET-ACTIVE-EXPIRE", "0");
            call(j, "SET", "key", "value", "PX", "1");
            sleep(5);
            assertThat((String) call(j, "DEBUG", "OBJECT", "key")).startsWith("Value at:");
            assertThat(call(j, "EVAL", "return redis.call('EXISTS', 'key')", "0")).isEqualTo(0L);
            assertThat(call(j, "DEBUG", "OBJECT", "key")).isEqualTo("!ERR no such key");
        }
    }

    @Test
    void htstatsKeyDescribesTheHashTable() {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "SADD", "hs", "a", "b", "c");
            call(j, "SET", "str", "x");
            String stats = (String) call(j, "DEBUG", "HTSTATS-KEY", "hs");
            assertThat(stats).startsWith("Hash table 0 stats (main hash table):\n table size: 4\n number of elements: 3\n")
                    .contains(" Chain length distribution:\n").doesNotContain("rehashing target");
            assertThat(call(j, "DEBUG", "HTSTATS-KEY", "str"))
                    .isEqualTo("!ERR The value stored at the specified key is not represented using an hash table");
            assertThat(call(j, "DEBUG", "HTSTATS-KEY", "nokey")).isEqualTo("!ERR no such key");
        }
    }

    @Test
    void minReplicasToWriteRefusesWritesWithoutGoodReplicas() {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "SET", "x", "some value");
            call(j, "CONFIG", "SET", "min-replicas-to-write", "1");
            try {
                String noreplicas = "!NOREPLICAS Not enough good replicas to write.";
                assertThat(call(j, "GET", "x")).isEqualTo("some value");
                assertThat(call(j, "SET", "x", "2")).isEqualTo(noreplicas);
                assertThat(call(j, "EVAL", "#!lua flags=no-writes\nreturn redis.call('get','x')", "1", "x")).isEqualTo("some value");
                assertThat(call(j, "EVAL", "return redis.call('get','x')", "1", "x")).isEqualTo("some value");
                assertThat(call(j, "EVAL", "#!lua\nreturn redis.call('get','x')", "1", "x")).isEqualTo(noreplicas);
                assertThat(call(j, "EVAL", "return redis.pcall('set','x', 1)", "1", "x")).isEqualTo(noreplicas);
                call(j, "MULTI");
                assertThat(call(j, "SET", "x", "3")).isEqualTo(noreplicas);
                assertThat(call(j, "EXEC")).isEqualTo("!EXECABORT Transaction discarded because of previous errors.");
            } finally {
                call(j, "CONFIG", "SET", "min-replicas-to-write", "0");
            }
            assertThat(call(j, "SET", "x", "4")).isEqualTo("OK");
        }
    }

    private static String lazyfreed(Jedis j) {
        for (String line : j.info("memory").split("\r\n")) {
            if (line.startsWith("lazyfreed_objects:")) return line.substring(line.indexOf(':') + 1);
        }
        return null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
