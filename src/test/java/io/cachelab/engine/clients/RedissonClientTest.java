package io.cachelab.engine.clients;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.redisson.Redisson;
import org.redisson.api.RAtomicLong;
import org.redisson.api.RBloomFilter;
import org.redisson.api.RBucket;
import org.redisson.api.RLock;
import org.redisson.api.RMap;
import org.redisson.api.RMapCache;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RReadWriteLock;
import org.redisson.api.RSemaphore;
import org.redisson.api.RTopic;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.Protocol;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * Redisson 4.7.0 against the engine. Redisson is the hardest client we have: every object is a Lua
 * script run by EVALSHA (SCRIPT LOAD on NOSCRIPT), lock ownership is a hash field named after the JVM
 * and thread, waiters sleep on pub/sub channels, and RMapCache/RRateLimiter lean on struct.pack and
 * zsets. Ownership is per thread, so contention is always staged on a second thread; waits are bounded
 * so a missing wake-up fails fast instead of hanging. The watchdog is shortened to 1 s so renewal is
 * observable in a fast test. Redisson retries some failures without end (an EVALSHA answered with
 * "unknown command" is retried forever), hence the per-test timeout.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RedissonClientTest {
    static final Target ENGINE = Target.start();
    static final RedissonClient REDISSON = connect();
    static final ExecutorService OTHER_THREADS = Executors.newCachedThreadPool();

    static RedissonClient connect() {
        return connect(Protocol.RESP2);
    }

    static RedissonClient connect(Protocol protocol) {
        Config config = new Config();
        config.setProtocol(protocol);
        config.setCodec(StringCodec.INSTANCE);
        config.setLockWatchdogTimeout(1000);
        config.useSingleServer().setAddress("redis://127.0.0.1:" + ENGINE.port())
                .setConnectionMinimumIdleSize(4)
                .setConnectionPoolSize(16)
                .setTimeout(5000);
        return Redisson.create(config);
    }

    @AfterAll
    static void stop() {
        OTHER_THREADS.shutdownNow();
        REDISSON.shutdown();
        ENGINE.close();
    }

    @BeforeEach
    void flush() {
        REDISSON.getKeys().flushall();
    }

    @Test
    void lockIsReentrantWithHoldCount() {
        RLock lock = REDISSON.getLock("lock:reentrant");
        lock.lock();
        lock.lock();
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        assertThat(lock.getHoldCount()).isEqualTo(2);
        lock.unlock();
        assertThat(lock.getHoldCount()).isEqualTo(1);
        assertThat(lock.isLocked()).isTrue();
        lock.unlock();
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.getHoldCount()).isZero();
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
    }

    /** The waiter's lease would let it sleep 30 s; only the unlock message on pub/sub wakes it early. */
    @Test
    void contendedWaiterIsWokenByUnlockMessage() throws Exception {
        RLock lock = REDISSON.getLock("lock:contended");
        lock.lock(30, TimeUnit.SECONDS);
        CountDownLatch waiting = new CountDownLatch(1);
        Future<Long> acquiredAt = onOtherThread(() -> {
            RLock mine = REDISSON.getLock("lock:contended");
            waiting.countDown();
            boolean got = mine.tryLock(10, 30, TimeUnit.SECONDS);
            long at = System.nanoTime();
            if (got) mine.unlock();
            return got ? at : -1L;
        });
        waiting.await();
        Thread.sleep(300);
        assertThat(acquiredAt.isDone()).as("waiter blocked while the lock is held").isFalse();
        long unlockedAt = System.nanoTime();
        lock.unlock();
        long wokenAfterMs = TimeUnit.NANOSECONDS.toMillis(acquiredAt.get(5, TimeUnit.SECONDS) - unlockedAt);
        System.out.printf("RLock waiter acquired %d ms after unlock%n", wokenAfterMs);
        assertThat(wokenAfterMs).as("ms from unlock to the waiter's acquisition (lease would be 30 000)").isBetween(0L, 1000L);
    }

    @Test
    void leaseExpiryFreesTheLock() throws Exception {
        RLock lock = REDISSON.getLock("lock:lease");
        long start = System.nanoTime();
        lock.lock(1, TimeUnit.SECONDS);
        assertThat(lock.remainTimeToLive()).isBetween(1L, 1000L);
        Future<Long> acquiredAfterMs = onOtherThread(() -> {
            RLock mine = REDISSON.getLock("lock:lease");
            assertThat(mine.tryLock()).isFalse();
            boolean got = mine.tryLock(5, 10, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (got) mine.unlock();
            return got ? ms : -1L;
        });
        assertThat(acquiredAfterMs.get(6, TimeUnit.SECONDS)).isBetween(900L, 3000L);
        assertThat(lock.isLocked()).isFalse();
    }

    /** lock() without a lease is renewed by the watchdog every third of its 1 s timeout. */
    @Test
    void watchdogKeepsRenewingTheLock() throws Exception {
        RLock lock = REDISSON.getLock("lock:watchdog");
        lock.lock();
        try {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3000);
            int attempts = 0;
            while (System.nanoTime() < end) {
                boolean stolen = onOtherThread(() -> {
                    RLock mine = REDISSON.getLock("lock:watchdog");
                    boolean got = mine.tryLock();
                    if (got) mine.unlock();
                    return got;
                }).get(5, TimeUnit.SECONDS);
                assertThat(stolen).as("another thread took the lock after %d attempts", attempts).isFalse();
                assertThat(lock.remainTimeToLive()).isBetween(1L, 1000L);
                attempts++;
                Thread.sleep(200);
            }
            assertThat(attempts).isGreaterThanOrEqualTo(10);
        } finally {
            lock.unlock();
        }
        assertThat(onOtherThread(() -> {
            RLock mine = REDISSON.getLock("lock:watchdog");
            boolean got = mine.tryLock();
            if (got) mine.unlock();
            return got;
        }).get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void readWriteLock() throws Exception {
        RReadWriteLock rw = REDISSON.getReadWriteLock("rw");
        CountDownLatch bothReading = new CountDownLatch(2);
        CountDownLatch releaseReaders = new CountDownLatch(1);
        List<Future<Boolean>> readers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            readers.add(onOtherThread(() -> {
                RLock read = REDISSON.getReadWriteLock("rw").readLock();
                boolean got = read.tryLock(2, 10, TimeUnit.SECONDS);
                bothReading.countDown();
                releaseReaders.await(10, TimeUnit.SECONDS);
                if (got) read.unlock();
                return got;
            }));
        }
        assertThat(bothReading.await(5, TimeUnit.SECONDS)).as("two readers hold the lock at once").isTrue();
        Future<Long> writerAcquiredAt = onOtherThread(() -> {
            RLock write = REDISSON.getReadWriteLock("rw").writeLock();
            boolean got = write.tryLock(10, 10, TimeUnit.SECONDS);
            long at = System.nanoTime();
            if (got) write.unlock();
            return got ? at : -1L;
        });
        Thread.sleep(300);
        assertThat(writerAcquiredAt.isDone()).as("writer waits for the readers").isFalse();
        long releasedAt = System.nanoTime();
        releaseReaders.countDown();
        for (Future<Boolean> reader : readers) assertThat(reader.get(5, TimeUnit.SECONDS)).isTrue();
        long writerWaitedMs = TimeUnit.NANOSECONDS.toMillis(writerAcquiredAt.get(5, TimeUnit.SECONDS) - releasedAt);
        assertThat(writerWaitedMs).as("ms from the readers' release to the writer").isBetween(0L, 1000L);

        RLock read = rw.readLock();
        read.lock();
        read.lock();
        assertThat(read.getHoldCount()).isEqualTo(2);
        read.unlock();
        read.unlock();
        assertThat(rw.readLock().isLocked()).isFalse();

        RLock write = rw.writeLock();
        write.lock();
        write.lock();
        assertThat(write.getHoldCount()).isEqualTo(2);
        write.unlock();
        read.lock();
        write.unlock();
        assertThat(write.isLocked()).isFalse();
        assertThat(read.isHeldByCurrentThread()).isTrue();
        assertThat(onOtherThread(() -> {
            RReadWriteLock theirs = REDISSON.getReadWriteLock("rw");
            boolean reads = theirs.readLock().tryLock();
            if (reads) theirs.readLock().unlock();
            boolean writes = theirs.writeLock().tryLock();
            if (writes) theirs.writeLock().unlock();
            return reads && !writes;
        }).get(5, TimeUnit.SECONDS)).as("after the downgrade others may read, not write").isTrue();
        read.unlock();
        assertThat(rw.readLock().isLocked()).isFalse();
    }

    @Test
    void bloomFilterFalsePositiveRate() {
        RBloomFilter<String> bloom = REDISSON.getBloomFilter("bloom");
        assertThat(bloom.tryInit(1_000_000, 0.01)).isTrue();
        assertThat(bloom.tryInit(1_000_000, 0.01)).isFalse();
        assertThat(bloom.getExpectedInsertions()).isEqualTo(1_000_000);
        assertThat(bloom.getFalseProbability()).isEqualTo(0.01);
        assertThat(bloom.getSize()).isEqualTo(9_585_058);
        assertThat(bloom.getHashIterations()).isEqualTo(7);
        List<String> present = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            present.add("id:" + i);
            absent.add("absent:" + i);
        }
        assertThat(bloom.add(present)).isEqualTo(10_000);
        assertThat(bloom.contains(present)).isEqualTo(10_000);
        assertThat(bloom.contains("id:42")).isTrue();
        long falsePositives = bloom.contains(absent);
        double rate = falsePositives / 10_000.0;
        System.out.printf("RBloomFilter false positives: %d of 10000 absent ids (%.2f%%)%n", falsePositives, rate * 100);
        assertThat(rate).isLessThanOrEqualTo(0.02);
    }

    @Test
    void atomicLong() {
        RAtomicLong n = REDISSON.getAtomicLong("counter");
        assertThat(n.get()).isZero();
        assertThat(n.incrementAndGet()).isEqualTo(1);
        assertThat(n.addAndGet(41)).isEqualTo(42);
        assertThat(n.compareAndSet(42, 100)).isTrue();
        assertThat(n.compareAndSet(42, 7)).isFalse();
        assertThat(n.getAndIncrement()).isEqualTo(100);
        assertThat(n.decrementAndGet()).isEqualTo(100);
        assertThat(n.getAndDelete()).isEqualTo(100);
        assertThat(n.isExists()).isFalse();
    }

    @Test
    void map() {
        RMap<String, String> map = REDISSON.getMap("map");
        assertThat(map.put("a", "1")).isNull();
        assertThat(map.put("a", "2")).isEqualTo("1");
        assertThat(map.fastPut("b", "3")).isTrue();
        assertThat(map.fastPut("b", "4")).isFalse();
        assertThat(map.putIfAbsent("a", "9")).isEqualTo("2");
        assertThat(map.get("a")).isEqualTo("2");
        assertThat(map.get("missing")).isNull();
        assertThat(map.entrySet()).extracting(Map.Entry::getKey, Map.Entry::getValue)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("a", "2"), org.assertj.core.groups.Tuple.tuple("b", "4"));
        assertThat(map.readAllMap()).containsOnly(entry("a", "2"), entry("b", "4"));
        assertThat(map.remove("a")).isEqualTo("2");
        assertThat(map.remove("a")).isNull();
        assertThat(map.fastRemove("b", "missing")).isEqualTo(1);
        assertThat(map.isExists()).isFalse();
    }

    @Test
    void bucket() {
        RBucket<String> bucket = REDISSON.getBucket("bucket");
        bucket.set("v1", Duration.ofSeconds(10));
        assertThat(bucket.get()).isEqualTo("v1");
        assertThat(bucket.remainTimeToLive()).isBetween(9_000L, 10_000L);
        assertThat(bucket.getAndSet("v2")).isEqualTo("v1");
        assertThat(bucket.get()).isEqualTo("v2");
        assertThat(bucket.remainTimeToLive()).as("plain SET clears the TTL").isEqualTo(-1);
        assertThat(bucket.trySet("v3")).isFalse();
        assertThat(bucket.get()).isEqualTo("v2");
        RBucket<String> fresh = REDISSON.getBucket("bucket:fresh");
        assertThat(fresh.get()).isNull();
        assertThat(fresh.trySet("first")).isTrue();
        assertThat(fresh.get()).isEqualTo("first");
        assertThat(fresh.delete()).isTrue();
    }

    @Test
    void topic() throws Exception {
        RTopic topic = REDISSON.getTopic("events");
        BlockingQueue<String> received = new ArrayBlockingQueue<>(10);
        int id = topic.addListener(String.class, (channel, message) -> received.add(channel + "=" + message));
        try {
            assertThat(topic.countSubscribers()).isEqualTo(1);
            assertThat(topic.publish("hello")).isEqualTo(1);
            assertThat(topic.publish("world")).isEqualTo(1);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("events=hello");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("events=world");
        } finally {
            topic.removeListener(id);
        }
        assertThat(topic.publish("nobody")).isEqualTo(0);
    }

    @Test
    void semaphoreAcrossThreads() throws Exception {
        RSemaphore semaphore = REDISSON.getSemaphore("permits");
        assertThat(semaphore.trySetPermits(2)).isTrue();
        assertThat(semaphore.trySetPermits(5)).isFalse();
        semaphore.acquire();
        semaphore.acquire();
        assertThat(semaphore.availablePermits()).isZero();
        assertThat(semaphore.tryAcquire()).isFalse();
        CountDownLatch started = new CountDownLatch(1);
        Future<Boolean> other = onOtherThread(() -> {
            started.countDown();
            return REDISSON.getSemaphore("permits").tryAcquire(5, TimeUnit.SECONDS);
        });
        started.await();
        Thread.sleep(200);
        assertThat(other.isDone()).isFalse();
        long releasedAt = System.nanoTime();
        semaphore.release();
        assertThat(other.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedAt)).isLessThan(1000);
        assertThat(semaphore.availablePermits()).isZero();
        semaphore.release(2);
        assertThat(semaphore.availablePermits()).isEqualTo(2);
    }

    @Test
    void rateLimiterAllowsFivePerSecond() {
        RRateLimiter limiter = REDISSON.getRateLimiter("limiter");
        assertThat(limiter.trySetRate(RateType.OVERALL, 5, Duration.ofSeconds(1))).isTrue();
        assertThat(limiter.trySetRate(RateType.OVERALL, 50, Duration.ofSeconds(1))).isFalse();
        int granted = 0;
        for (int i = 0; i < 10; i++) if (limiter.tryAcquire()) granted++;
        assertThat(granted).isEqualTo(5);
        assertThat(limiter.availablePermits()).isZero();
    }

    @Test
    void mapCacheEntriesExpire() throws Exception {
        RMapCache<String, String> cache = REDISSON.getMapCache("mapcache");
        assertThat(cache.put("short", "v1", 300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(cache.put("long", "v2", 1, TimeUnit.MINUTES)).isNull();
        assertThat(cache.fastPut("forever", "v3")).isTrue();
        assertThat(cache.get("short")).isEqualTo("v1");
        assertThat(cache.remainTimeToLive("short")).isBetween(1L, 300L);
        assertThat(cache.size()).isEqualTo(3);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (cache.get("short") != null) {
            assertThat(System.nanoTime()).as("entry expired").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(cache.containsKey("short")).isFalse();
        assertThat(cache.get("long")).isEqualTo("v2");
        assertThat(cache.get("forever")).isEqualTo("v3");
        // size() is HLEN until the eviction task sweeps; reads filter expired entries at once
        assertThat(cache.readAllMap()).containsOnly(entry("long", "v2"), entry("forever", "v3"));
    }

    /** RBlockingQueue.poll with a timeout is BLPOP: a consumer parked on the server is served by a later push. */
    @Test
    void blockingQueueHandsOverAcrossThreads() throws Exception {
        Future<String> consumer = onOtherThread(() -> REDISSON.<String>getBlockingQueue("jobs").poll(5, TimeUnit.SECONDS));
        try (var probe = ENGINE.jedis()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!probe.clientList().contains("cmd=blpop")) {
                assertThat(System.nanoTime()).as("consumer blocked in BLPOP").isLessThan(deadline);
                Thread.sleep(10);
            }
        }
        assertThat(REDISSON.<String>getBlockingQueue("jobs").offer("job-1")).isTrue();
        assertThat(consumer.get(5, TimeUnit.SECONDS)).isEqualTo("job-1");
        assertThat(REDISSON.<String>getBlockingQueue("jobs").poll(100, TimeUnit.MILLISECONDS)).isNull();
    }

    /** A listener survives the server dropping Redisson's pub/sub connection (CLIENT KILL TYPE pubsub). */
    @Test
    void topicListenerResubscribesAfterKill() throws Exception {
        RTopic topic = REDISSON.getTopic("events:killed");
        BlockingQueue<String> received = new ArrayBlockingQueue<>(10);
        int id = topic.addListener(String.class, (channel, message) -> received.add(message));
        try (var probe = ENGINE.jedis()) {
            assertThat(probe.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB))).isGreaterThanOrEqualTo(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (probe.pubsubNumSub("events:killed").get("events:killed") < 1) {
                assertThat(System.nanoTime()).as("Redisson resubscribed").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(topic.publish("after kill")).isEqualTo(1);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("after kill");
        } finally {
            topic.removeListener(id);
        }
    }

    /** Redisson runs every object by EVALSHA; after SCRIPT FLUSH it must recover through NOSCRIPT. */
    @Test
    void scriptCacheFlushIsRecovered() {
        RMap<String, String> map = REDISSON.getMap("flushed");
        RLock lock = REDISSON.getLock("lock:flushed");
        map.put("a", "1");
        lock.lock();
        lock.unlock();
        REDISSON.getScript().scriptFlush();
        assertThat(map.put("a", "2")).isEqualTo("1");
        lock.lock();
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        lock.unlock();
        assertThat(lock.isLocked()).isFalse();
    }

    /** The same client speaking RESP3 (HELLO 3): replies as maps, pub/sub wake-ups as push frames. */
    @Test
    void resp3Client() throws Exception {
        RedissonClient resp3 = connect(Protocol.RESP3);
        try {
            RMap<String, String> map = resp3.getMap("resp3:map");
            map.put("a", "1");
            assertThat(map.readAllMap()).containsOnly(entry("a", "1"));
            RTopic topic = resp3.getTopic("resp3:topic");
            BlockingQueue<String> received = new ArrayBlockingQueue<>(4);
            topic.addListener(String.class, (channel, message) -> received.add(message));
            assertThat(topic.publish("pushed")).isEqualTo(1);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("pushed");

            RLock lock = resp3.getLock("resp3:lock");
            lock.lock(30, TimeUnit.SECONDS);
            Future<Long> acquiredAt = onOtherThread(() -> {
                RLock mine = resp3.getLock("resp3:lock");
                boolean got = mine.tryLock(10, 30, TimeUnit.SECONDS);
                long at = System.nanoTime();
                if (got) mine.unlock();
                return got ? at : -1L;
            });
            Thread.sleep(300);
            assertThat(acquiredAt.isDone()).isFalse();
            long unlockedAt = System.nanoTime();
            lock.unlock();
            assertThat(TimeUnit.NANOSECONDS.toMillis(acquiredAt.get(5, TimeUnit.SECONDS) - unlockedAt)).isBetween(0L, 1000L);
        } finally {
            resp3.shutdown();
        }
    }

    private static <T> Future<T> onOtherThread(Callable<T> task) {
        return OTHER_THREADS.submit(task);
    }
}
