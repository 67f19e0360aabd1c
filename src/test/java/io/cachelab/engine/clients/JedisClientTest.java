package io.cachelab.engine.clients;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * Jedis, the plainest of the three Java clients: RESP2, one command per call, a handshake of two
 * CLIENT SETINFO only. A failure here points at a command family rather than at client plumbing,
 * so each test covers one family with the replies Redis 7.0 gives (one test repeats a few over RESP3).
 */
class JedisClientTest {
    static final Target ENGINE = Target.start();

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @BeforeEach
    void flush() {
        try (Jedis j = ENGINE.jedis()) {
            j.flushAll();
        }
    }

    @Test
    void stringsAndCounters() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.set("s", "hello")).isEqualTo("OK");
            assertThat(j.get("s")).isEqualTo("hello");
            assertThat(j.append("s", " world")).isEqualTo(11);
            assertThat(j.getrange("s", 0, 4)).isEqualTo("hello");
            assertThat(j.setrange("s", 6, "WORLD")).isEqualTo(11);
            assertThat(j.get("s")).isEqualTo("hello WORLD");
            assertThat(j.set("s", "x", SetParams.setParams().nx())).isNull();
            assertThat(j.setnx("s2", "v")).isEqualTo(1);
            assertThat(j.getDel("s2")).isEqualTo("v");
            assertThat(j.incr("n")).isEqualTo(1);
            assertThat(j.incrBy("n", 9)).isEqualTo(10);
            assertThat(j.decr("n")).isEqualTo(9);
            assertThat(j.incrByFloat("f", 1.5)).isEqualTo(1.5);
            assertThat(j.incrByFloat("f", 0.25)).isEqualTo(1.75);
            assertThat(j.mset("a", "1", "b", "2")).isEqualTo("OK");
            assertThat(j.mget("a", "nope", "b")).containsExactly("1", null, "2");
            assertThatThrownBy(() -> j.incr("s")).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR value is not an integer or out of range");
        }
    }

    @Test
    void bitmaps() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.setbit("bits", 7, true)).isFalse();
            assertThat(j.setbit("bits", 7, true)).isTrue();
            assertThat(j.getbit("bits", 7)).isTrue();
            assertThat(j.getbit("bits", 100)).isFalse();
            j.setbit("bits", 100, true);
            assertThat(j.bitcount("bits")).isEqualTo(2);
            assertThat(j.strlen("bits")).isEqualTo(13);
            assertThat(j.bitpos("bits", true)).isEqualTo(7);
        }
    }

    @Test
    void keysAndExpiry() {
        try (Jedis j = ENGINE.jedis()) {
            j.set("k1", "v");
            j.set("k2", "v");
            j.hset("h", "f", "v");
            assertThat(j.exists("k1", "k2", "nope")).isEqualTo(2);
            assertThat(j.type("k1")).isEqualTo("string");
            assertThat(j.type("h")).isEqualTo("hash");
            assertThat(j.type("nope")).isEqualTo("none");
            assertThat(new HashSet<>(j.keys("k*"))).containsExactlyInAnyOrder("k1", "k2");
            assertThat(j.expire("k1", 100)).isEqualTo(1);
            assertThat(j.ttl("k1")).isBetween(99L, 100L);
            assertThat(j.pttl("k1")).isBetween(99_000L, 100_000L);
            assertThat(j.ttl("k2")).isEqualTo(-1);
            assertThat(j.ttl("nope")).isEqualTo(-2);
            assertThat(j.persist("k1")).isEqualTo(1);
            assertThat(j.ttl("k1")).isEqualTo(-1);
            assertThat(j.set("t", "v", SetParams.setParams().px(50))).isEqualTo("OK");
            assertThat(j.rename("k2", "k3")).isEqualTo("OK");
            assertThat(j.del("k1", "k3", "nope")).isEqualTo(2);

            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 100; i++) j.set("scan:" + i, "v");
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.scan(cursor, new ScanParams().match("scan:*").count(10));
                seen.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertThat(seen).hasSize(100);
        }
    }

    @Test
    void hashes() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.hset("h", Map.of("a", "1", "b", "2"))).isEqualTo(2);
            assertThat(j.hset("h", "a", "10")).isEqualTo(0);
            assertThat(j.hget("h", "a")).isEqualTo("10");
            assertThat(j.hgetAll("h")).containsOnly(entry("a", "10"), entry("b", "2"));
            assertThat(j.hincrBy("h", "b", 5)).isEqualTo(7);
            assertThat(j.hexists("h", "zz")).isFalse();
            assertThat(j.hlen("h")).isEqualTo(2);
            assertThat(j.hmget("h", "a", "zz")).containsExactly("10", null);
            assertThat(j.hdel("h", "a", "zz")).isEqualTo(1);
            assertThat(j.hkeys("h")).containsExactly("b");
            j.set("str", "v");
            assertThatThrownBy(() -> j.hget("str", "a")).isInstanceOf(JedisDataException.class)
                    .hasMessage("WRONGTYPE Operation against a key holding the wrong kind of value");
        }
    }

    @Test
    void lists() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.rpush("l", "a", "b", "c")).isEqualTo(3);
            assertThat(j.lpush("l", "z")).isEqualTo(4);
            assertThat(j.lrange("l", 0, -1)).containsExactly("z", "a", "b", "c");
            assertThat(j.lindex("l", -1)).isEqualTo("c");
            assertThat(j.llen("l")).isEqualTo(4);
            assertThat(j.lpop("l")).isEqualTo("z");
            assertThat(j.rpop("l")).isEqualTo("c");
            assertThat(j.lmove("l", "l2", ListDirection.LEFT, ListDirection.RIGHT)).isEqualTo("a");
            assertThat(j.lrange("l2", 0, -1)).containsExactly("a");
            assertThat(j.brpop(1, "l")).containsExactly("l", "b");
            assertThat(j.exists("l")).isFalse();
        }
    }

    @Test
    void sets() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.sadd("s1", "a", "b", "c", "a")).isEqualTo(3);
            assertThat(j.sadd("s2", "b", "c", "d")).isEqualTo(3);
            assertThat(j.sismember("s1", "a")).isTrue();
            assertThat(j.scard("s1")).isEqualTo(3);
            assertThat(j.sinter("s1", "s2")).containsExactlyInAnyOrder("b", "c");
            assertThat(j.sunion("s1", "s2")).containsExactlyInAnyOrder("a", "b", "c", "d");
            assertThat(j.sdiff("s1", "s2")).containsExactly("a");
            assertThat(j.srem("s1", "a", "zz")).isEqualTo(1);
            assertThat(j.smembers("s1")).containsExactlyInAnyOrder("b", "c");
        }
    }

    @Test
    void sortedSets() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.zadd("z", Map.of("a", 1.0, "b", 2.0, "c", 3.5))).isEqualTo(3);
            assertThat(j.zscore("z", "c")).isEqualTo(3.5);
            assertThat(j.zincrby("z", 10, "a")).isEqualTo(11.0);
            assertThat(j.zrange("z", 0, -1)).containsExactly("b", "c", "a");
            assertThat(j.zrangeWithScores("z", 0, 0)).containsExactly(new Tuple("b", 2.0));
            assertThat(j.zrank("z", "a")).isEqualTo(2);
            assertThat(j.zrevrank("z", "a")).isEqualTo(0);
            assertThat(j.zcount("z", 2, 4)).isEqualTo(2);
            assertThat(j.zrangeByScore("z", "(2", "+inf")).containsExactly("c", "a");
            assertThat(j.zrem("z", "b")).isEqualTo(1);
            assertThat(j.zcard("z")).isEqualTo(2);
        }
    }

    @Test
    void transactionsAndWatch() {
        try (Jedis j = ENGINE.jedis(); Jedis other = ENGINE.jedis()) {
            Transaction tx = j.multi();
            tx.set("a", "1");
            tx.incr("a");
            tx.lpush("a", "x");
            List<Object> results = tx.exec();
            assertThat(results).hasSize(3);
            assertThat(results.get(0)).isEqualTo("OK");
            assertThat(results.get(1)).isEqualTo(2L);
            assertThat(results.get(2)).isInstanceOf(JedisDataException.class)
                    .hasToString("redis.clients.jedis.exceptions.JedisDataException: "
                            + "WRONGTYPE Operation against a key holding the wrong kind of value");

            j.watch("a");
            other.set("a", "changed");
            Transaction aborted = j.multi();
            aborted.set("a", "mine");
            assertThat(aborted.exec()).isNull();
            assertThat(j.get("a")).isEqualTo("changed");
        }
    }

    @Test
    void scripting() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.eval("return redis.call('set', KEYS[1], ARGV[1])", List.of("k"), List.of("v"))).isEqualTo("OK");
            assertThat(j.eval("return redis.call('get', KEYS[1])", List.of("k"), List.of())).isEqualTo("v");
            assertThat(j.eval("return {1, 'two', {3}}")).isEqualTo(List.of(1L, "two", List.of(3L)));
            String body = "return tonumber(ARGV[1]) * 2";
            String sha = j.scriptLoad(body);
            assertThat(sha).isEqualTo(sha1Hex(body));
            assertThat(j.evalsha(sha, List.of(), List.of("21"))).isEqualTo(42L);
            assertThat(j.scriptExists(sha)).isTrue();
            j.scriptFlush();
            assertThatThrownBy(() -> j.evalsha(sha, List.of(), List.of("1"))).isInstanceOf(JedisDataException.class)
                    .hasMessage("NOSCRIPT No matching script. Please use EVAL.");
        }
    }

    @Test
    void pubSub() throws Exception {
        BlockingQueue<String> received = new ArrayBlockingQueue<>(10);
        JedisPubSub listener = new JedisPubSub() {
            int count;

            @Override
            public void onMessage(String channel, String message) {
                received.add(channel + "=" + message);
                if (++count == 2) unsubscribe();
            }
        };
        Thread subscriber = new Thread(() -> {
            try (Jedis sub = ENGINE.jedis()) {
                sub.subscribe(listener, "news");
            }
        });
        subscriber.start();
        try (Jedis j = ENGINE.jedis()) {
            awaitSubscribers(j, "news");
            assertThat(j.publish("news", "one")).isEqualTo(1);
            assertThat(j.publish("news", "two")).isEqualTo(1);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("news=one");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("news=two");
            subscriber.join(5000);
            assertThat(subscriber.isAlive()).isFalse();
            assertThat(j.publish("news", "nobody")).isEqualTo(0);
        }
    }

    /** Jedis over RESP3 (HELLO 3): maps, sets, doubles and booleans arrive as their own types. */
    @Test
    void resp3Replies() {
        var config = DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).socketTimeoutMillis(5000).build();
        try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", ENGINE.port()), config)) {
            assertThat(j.hset("h", Map.of("a", "1", "b", "2"))).isEqualTo(2);
            assertThat(j.hgetAll("h")).containsOnly(entry("a", "1"), entry("b", "2"));
            assertThat(j.zadd("z", Map.of("m", 1.5, "n", 2.0))).isEqualTo(2);
            assertThat(j.zscore("z", "m")).isEqualTo(1.5);
            assertThat(j.zrangeWithScores("z", 0, -1)).containsExactly(new Tuple("m", 1.5), new Tuple("n", 2.0));
            assertThat(j.zincrby("z", 1, "m")).isEqualTo(2.5);
            assertThat(j.sadd("s", "x", "y")).isEqualTo(2);
            assertThat(j.smembers("s")).containsExactlyInAnyOrder("x", "y");
            assertThat(j.sismember("s", "x")).isTrue();
            assertThat(j.get("missing")).isNull();
            assertThat(j.incrByFloat("f", 0.5)).isEqualTo(0.5);
            assertThat(j.eval("return {1, 'two', false}")).isEqualTo(Arrays.asList(1L, "two", null));
            assertThat(j.ttl("h")).isEqualTo(-1);
        }
    }

    /** Values far larger than one socket read or write come back byte for byte. */
    @Test
    void largeValues() {
        byte[] big = new byte[8 * 1024 * 1024];
        new java.util.Random(42).nextBytes(big);
        byte[] key = "big".getBytes(StandardCharsets.UTF_8);
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.set(key, big)).isEqualTo("OK");
            assertThat(j.strlen(key)).isEqualTo(big.length);
            assertThat(j.get(key)).isEqualTo(big);
            Pipeline p = j.pipelined();
            List<Response<byte[]>> gets = new ArrayList<>();
            for (int i = 0; i < 4; i++) gets.add(p.get(key));
            p.sync();
            for (Response<byte[]> r : gets) assertThat(r.get()).isEqualTo(big);
        }
    }

    /** MONITOR shows each command as executed, a transaction as MULTI, its commands, then EXEC. */
    @Test
    void monitorSeesTransactions() throws Exception {
        BlockingQueue<String> seen = new ArrayBlockingQueue<>(1000);
        Jedis monitoring = ENGINE.jedis();
        Thread monitor = new Thread(() -> {
            try {
                monitoring.monitor(new JedisMonitor() {
                    @Override
                    public void onCommand(String line) {
                        seen.add(line.substring(line.indexOf("] ") + 2));
                    }
                });
            } catch (RuntimeException closed) {
                // the test ends the monitor by closing its connection
            }
        });
        monitor.start();
        try (Jedis j = ENGINE.jedis()) {
            String line;
            do {
                j.echo("ready");
                line = seen.poll(50, TimeUnit.MILLISECONDS);
            } while (line == null);
            seen.clear();
            Transaction tx = j.multi();
            tx.set("k", "1");
            tx.incr("k");
            assertThat(tx.exec()).containsExactly("OK", 2L);
            j.echo("done");
            List<String> commands = new ArrayList<>();
            while (!"\"ECHO\" \"done\"".equals(line)) {
                line = seen.poll(5, TimeUnit.SECONDS);
                assertThat(line).as("monitor output after %s", commands).isNotNull();
                // Jedis's own handshake (CLIENT SETINFO) and the readiness probes may still be in flight
                if (!line.contains("\"ready\"") && !line.startsWith("\"CLIENT\"")) commands.add(line);
            }
            assertThat(commands).containsExactly("\"MULTI\"", "\"SET\" \"k\" \"1\"", "\"INCR\" \"k\"", "\"EXEC\"", "\"ECHO\" \"done\"");
        } finally {
            monitoring.disconnect();
            monitor.join(5000);
        }
    }

    /** A 10,000-command pipeline goes out as one stream and comes back in order. */
    @Test
    void pipelineOfTenThousand() {
        try (Jedis j = ENGINE.jedis()) {
            Pipeline p = j.pipelined();
            List<Response<Long>> incrs = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                p.set("p:" + i, Integer.toString(i));
                incrs.add(p.incr("counter"));
            }
            p.sync();
            for (int i = 0; i < 5000; i++) assertThat(incrs.get(i).get()).isEqualTo(i + 1);
            assertThat(j.dbSize()).isEqualTo(5001);

            Pipeline reads = j.pipelined();
            List<Response<String>> values = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) values.add(reads.get("p:" + (i % 5000)));
            reads.sync();
            for (int i = 0; i < 10_000; i++) assertThat(values.get(i).get()).isEqualTo(Integer.toString(i % 5000));
        }
    }

    static String sha1Hex(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitSubscribers(Jedis j, String channel) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (j.pubsubNumSub(channel).get(channel) < 1) {
            assertThat(System.nanoTime()).as("subscriber on " + channel).isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
