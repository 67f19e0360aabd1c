package io.cachelab.engine.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cachelab.engine.TestEngine;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RAtomicLong;
import org.redisson.api.RBucket;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * Redisson, unchanged, against the engine: its objects run Lua through EVALSHA with a SCRIPT LOAD
 * fallback on NOSCRIPT. RLock needs the hash commands, so that case runs once the engine has them.
 */
class RedissonScriptsTest {
    static final TestEngine ENGINE = TestEngine.start();
    static RedissonClient redisson;

    @BeforeAll
    static void connect() {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + ENGINE.port())
                .setConnectionMinimumIdleSize(1).setConnectionPoolSize(2)
                .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(1);
        redisson = Redisson.create(config);
    }

    @AfterAll
    static void stop() {
        redisson.shutdown();
        ENGINE.close();
    }

    @Test
    void atomicLongCompareAndSetRunsItsScript() {
        RAtomicLong n = redisson.getAtomicLong("counter");
        assertThat(n.compareAndSet(0, 5)).isTrue();
        assertThat(n.compareAndSet(0, 6)).isFalse();
        assertThat(n.get()).isEqualTo(5);
        assertThat(n.compareAndSet(5, 7)).isTrue();
        assertThat(n.get()).isEqualTo(7);
    }

    @Test
    void bucketScriptsWork() {
        RBucket<String> b = redisson.getBucket("bucket", StringCodec.INSTANCE);
        b.set("a");
        assertThat(b.compareAndSet("a", "b")).isTrue();
        assertThat(b.compareAndSet("a", "c")).isFalse();
        assertThat(b.get()).isEqualTo("b");
        assertThat(b.getAndDelete()).isEqualTo("b");
        assertThat(b.isExists()).isFalse();
    }

    @Test
    void mapCacheWithTtlUsesStructPackScripts() {
        assumeTrue(ENGINE.engine().server().commands().lookup("zadd") != null, "sorted sets not in this engine yet");
        org.redisson.api.RMapCache<String, String> cache = redisson.getMapCache("mapcache", StringCodec.INSTANCE);
        cache.put("a", "1", 1, TimeUnit.HOURS);
        cache.put("b", "2");
        cache.put("c", "3", 1, TimeUnit.HOURS, 10, TimeUnit.MINUTES);
        assertThat(cache.get("a")).isEqualTo("1");
        assertThat(cache.get("b")).isEqualTo("2");
        assertThat(cache.get("c")).isEqualTo("3");
        assertThat(cache.remainTimeToLive("a")).isBetween(3_500_000L, 3_600_000L);
        assertThat(cache.putIfAbsent("a", "x")).isEqualTo("1");
        assertThat(cache.fastRemove("a", "b")).isEqualTo(2);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.readAllMap()).containsExactly(java.util.Map.entry("c", "3"));
    }

    @Test
    void readWriteLockAndSemaphore() throws Exception {
        assumeTrue(ENGINE.engine().server().commands().lookup("hincrby") != null, "hash commands not in this engine yet");
        org.redisson.api.RReadWriteLock rw = redisson.getReadWriteLock("rw");
        rw.readLock().lock(10, TimeUnit.SECONDS);
        assertThat(rw.readLock().isLocked()).isTrue();
        assertThat(rw.writeLock().tryLock(0, 10, TimeUnit.SECONDS)).isFalse();
        rw.readLock().unlock();
        assertThat(rw.writeLock().tryLock(0, 10, TimeUnit.SECONDS)).isTrue();
        rw.writeLock().unlock();

        org.redisson.api.RSemaphore sem = redisson.getSemaphore("sem");
        assertThat(sem.trySetPermits(2)).isTrue();
        assertThat(sem.tryAcquire()).isTrue();
        assertThat(sem.tryAcquire()).isTrue();
        assertThat(sem.tryAcquire()).isFalse();
        sem.release();
        assertThat(sem.availablePermits()).isEqualTo(1);

        org.redisson.api.RRateLimiter limiter = redisson.getRateLimiter("limiter");
        assertThat(limiter.trySetRate(org.redisson.api.RateType.OVERALL, 2, java.time.Duration.ofMinutes(1))).isTrue();
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void lockAndUnlock() throws Exception {
        assumeTrue(ENGINE.engine().server().commands().lookup("hincrby") != null, "hash commands not in this engine yet");
        RLock lock = redisson.getLock("lock");
        assertThat(lock.tryLock(1, 10, TimeUnit.SECONDS)).isTrue();
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        lock.unlock();
        assertThat(lock.isLocked()).isFalse();
    }
}
