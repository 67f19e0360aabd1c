package io.cachelab.engine.clients;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.SetParams;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same operations through the three Java clients the handbook names, against one engine: Spring's
 * StringRedisTemplate over Lettuce, Jedis, and Redisson. A string with a TTL, a counter, a hash, 1,000
 * INCRs sent one at a time and then batched, and a lock. Each client's answers must be the same; the
 * printed lines (CLIENTS ...) are what docs/walkthroughs/java-clients.md shows.
 */
class ThreeClientsTest {
    static TestEngine engine;
    static LettuceConnectionFactory lettuce;
    static StringRedisTemplate template;
    static JedisPool jedis;
    static RedissonClient redisson;

    @BeforeAll
    static void start() {
        engine = TestEngine.start();
        lettuce = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", engine.port()));
        lettuce.afterPropertiesSet();
        lettuce.start();
        template = new StringRedisTemplate(lettuce);
        template.afterPropertiesSet();
        jedis = new JedisPool("127.0.0.1", engine.port());
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress("redis://127.0.0.1:" + engine.port());
        redisson = Redisson.create(config);
    }

    @AfterAll
    static void stop() {
        if (redisson != null) redisson.shutdown();
        if (jedis != null) jedis.close();
        if (lettuce != null) lettuce.destroy();
        if (engine != null) engine.close();
    }

    static void print(String client, String what, Object value) {
        System.out.printf("CLIENTS %-8s %-34s %s%n", client, what, value);
    }

    @Test
    void theSameOperationsGiveTheSameAnswers() {
        // a string with a TTL, a counter, a hash
        template.opsForValue().set("template:user:1", "alice", Duration.ofSeconds(60));
        for (int i = 0; i < 3; i++) template.opsForValue().increment("template:visits");
        template.opsForHash().putAll("template:session", Map.of("id", "1", "role", "USER"));
        try (Jedis j = jedis.getResource()) {
            j.set("jedis:user:1", "alice", SetParams.setParams().ex(60));
            for (int i = 0; i < 3; i++) j.incr("jedis:visits");
            j.hset("jedis:session", Map.of("id", "1", "role", "USER"));
        }
        redisson.<String>getBucket("redisson:user:1").set("alice", Duration.ofSeconds(60));
        for (int i = 0; i < 3; i++) redisson.getAtomicLong("redisson:visits").incrementAndGet();
        redisson.<String, String>getMap("redisson:session").putAll(Map.of("id", "1", "role", "USER"));

        try (Jedis j = jedis.getResource()) {
            for (String client : List.of("template", "jedis", "redisson")) {
                assertThat(j.get(client + ":user:1")).isEqualTo("alice");
                assertThat(j.ttl(client + ":user:1")).isBetween(59L, 60L);
                assertThat(j.get(client + ":visits")).isEqualTo("3");
                assertThat(j.hgetAll(client + ":session")).isEqualTo(Map.of("id", "1", "role", "USER"));
                assertThat(j.type(client + ":session")).isEqualTo("hash");
                print(client, "GET user:1, TTL, GET visits", j.get(client + ":user:1") + ", " + j.ttl(client + ":user:1")
                        + ", " + j.get(client + ":visits"));
            }
        }
    }

    /** Each client runs the whole thing twice and the second round is printed: the first pays class loading and the JIT. */
    @Test
    void oneThousandIncrsOneByOneAndBatched() {
        for (int round = 1; round <= 2; round++) {
            template.delete(List.of("template:one-by-one", "template:pipelined", "jedis:one-by-one", "jedis:pipelined",
                    "redisson:one-by-one", "redisson:pipelined"));
            incrs(round == 2);
        }
    }

    void incrs(boolean print) {
        int n = 1_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) template.opsForValue().increment("template:one-by-one");
        long t1 = System.nanoTime();
        template.executePipelined((org.springframework.data.redis.core.RedisCallback<Object>) c -> {
            for (int i = 0; i < n; i++) c.stringCommands().incr("template:pipelined".getBytes());
            return null;
        });
        long t2 = System.nanoTime();
        if (print) print("template", "1000 INCR one by one / pipelined", ms(t1 - t0) + " / " + ms(t2 - t1));

        try (Jedis j = jedis.getResource()) {
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) j.incr("jedis:one-by-one");
            t1 = System.nanoTime();
            Pipeline p = j.pipelined();
            for (int i = 0; i < n; i++) p.incr("jedis:pipelined");
            p.sync();
            t2 = System.nanoTime();
            if (print) print("jedis", "1000 INCR one by one / pipelined", ms(t1 - t0) + " / " + ms(t2 - t1));
        }

        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) redisson.getAtomicLong("redisson:one-by-one").incrementAndGet();
        t1 = System.nanoTime();
        RBatch batch = redisson.createBatch();
        for (int i = 0; i < n; i++) batch.getAtomicLong("redisson:pipelined").incrementAndGetAsync();
        BatchResult<?> result = batch.execute();
        t2 = System.nanoTime();
        if (print) print("redisson", "1000 INCR one by one / RBatch", ms(t1 - t0) + " / " + ms(t2 - t1));
        assertThat(result.getResponses()).hasSize(n);

        try (Jedis j = jedis.getResource()) {
            for (String client : List.of("template", "jedis", "redisson")) {
                assertThat(j.get(client + ":one-by-one")).isEqualTo("1000");
                assertThat(j.get(client + ":pipelined")).isEqualTo("1000");
            }
        }
    }

    @Test
    void aLockEach() throws InterruptedException {
        DefaultRedisScript<Long> unlock = new DefaultRedisScript<>(
                "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", Long.class);
        // RedisTemplate: SET NX PX and a compare-and-delete script
        assertThat(template.opsForValue().setIfAbsent("template:lock", "owner-a", Duration.ofSeconds(10))).isTrue();
        assertThat(template.opsForValue().setIfAbsent("template:lock", "owner-b", Duration.ofSeconds(10))).isFalse();
        assertThat(template.execute(unlock, List.of("template:lock"), "owner-b")).isZero();
        assertThat(template.execute(unlock, List.of("template:lock"), "owner-a")).isEqualTo(1);
        print("template", "SET NX PX; unlock by another; by owner", "true, false; 0; 1");
        // Jedis: the same commands by hand
        try (Jedis j = jedis.getResource()) {
            assertThat(j.set("jedis:lock", "owner-a", SetParams.setParams().nx().px(10_000))).isEqualTo("OK");
            assertThat(j.set("jedis:lock", "owner-b", SetParams.setParams().nx().px(10_000))).isNull();
            assertThat(j.eval(unlock.getScriptAsString(), List.of("jedis:lock"), List.of("owner-b"))).isEqualTo(0L);
            assertThat(j.eval(unlock.getScriptAsString(), List.of("jedis:lock"), List.of("owner-a"))).isEqualTo(1L);
            print("jedis", "SET NX PX; unlock by another; by owner", "OK, null; 0; 1");
        }
        // Redisson: RLock, reentrant, with the watchdog when no lease is given
        RLock lock = redisson.getLock("redisson:lock");
        lock.lock();
        lock.lock(); // reentrant: the same thread again
        try (Jedis j = jedis.getResource()) {
            assertThat(j.type("redisson:lock")).isEqualTo("hash");
            assertThat(j.hvals("redisson:lock")).containsExactly("2");
            print("redisson", "lock twice: TYPE, hold count, PTTL",
                    j.type("redisson:lock") + ", " + j.hvals("redisson:lock") + ", " + (j.pttl("redisson:lock") > 25_000 ? "> 25 s (watchdog 30 s)" : j.pttl("redisson:lock")));
        }
        java.util.concurrent.atomic.AtomicBoolean otherGotIt = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread other = new Thread(() -> otherGotIt.set(redisson.getLock("redisson:lock").tryLock()));
        other.start();
        other.join();
        assertThat(otherGotIt).isFalse(); // another thread is another owner
        lock.unlock();
        lock.unlock();
        assertThat(lock.isLocked()).isFalse();
        assertThat(redisson.getLock("redisson:lock").tryLock()).isTrue();
        redisson.getLock("redisson:lock").unlock();
    }

    static String ms(long nanos) {
        return String.format("%.1f ms", nanos / 1e6);
    }
}
