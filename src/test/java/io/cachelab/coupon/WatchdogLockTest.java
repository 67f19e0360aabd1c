package io.cachelab.coupon;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Why the claim worker's per-user lock is taken without a lease time. Redisson's watchdog timeout is
 * shortened to 2 s here (a test-local client; the app keeps the default 30 s): a holder that "works"
 * for 4.5 s — more than two watchdog timeouts — keeps its lock because the watchdog renews it every
 * third of the timeout, and a contender trying every 20 ms never gets it. With a fixed 500 ms lease instead,
 * the lock expires while the first holder still works and the contender gets it: two holders at once.
 * Both run against the embedded engine with real Redisson clients (two, like two instances).
 */
class WatchdogLockTest {
    /** Shortened from Redisson's 30 s; renewals every third of it. */
    private static final long WATCHDOG_MS = 2_000, WORK_MS = 4_500;
    private static TestEngine engine;
    private static RedissonClient first, second;

    @BeforeAll
    static void start() {
        engine = TestEngine.start();
        first = client();
        second = client();
    }

    @AfterAll
    static void stop() {
        first.shutdown();
        second.shutdown();
        engine.close();
    }

    static RedissonClient client() {
        Config config = new Config();
        config.setLockWatchdogTimeout(WATCHDOG_MS);
        config.useSingleServer().setAddress("redis://127.0.0.1:" + engine.port());
        return Redisson.create(config);
    }

    /** Holds {@code name} for {@code workMs} on another thread; counts the contender's wins meanwhile. */
    int secondHolderWins(String name, long leaseMs, long workMs) throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        AtomicBoolean working = new AtomicBoolean(true);
        AtomicBoolean stillHeld = new AtomicBoolean();
        Thread holder = new Thread(() -> {
            RLock lock = first.getLock(name);
            if (leaseMs < 0) lock.lock();
            else lock.lock(leaseMs, TimeUnit.MILLISECONDS);
            held.countDown();
            sleep(workMs);
            stillHeld.set(lock.isHeldByCurrentThread());
            working.set(false);
            if (stillHeld.get()) lock.unlock();
        });
        holder.start();
        held.await();
        AtomicInteger wins = new AtomicInteger();
        RLock contender = second.getLock(name);
        java.util.List<String> ttls = new java.util.ArrayList<>();
        long started = System.nanoTime(), nextSample = 0;
        try (var jedis = engine.jedis()) {
        while (working.get()) {
            long t = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (t >= nextSample) {
                ttls.add(t + "ms:" + jedis.pttl(name));
                nextSample += 500;
            }
            if (contender.tryLock(0, 200, TimeUnit.MILLISECONDS)) {
                if (working.get()) wins.incrementAndGet();
                contender.unlock();
            }
            sleep(20);
        }
        }
        holder.join();
        System.out.printf("%s lease=%s: contender wins %d; elapsed:PTTL %s%n", name, leaseMs < 0 ? "watchdog" : leaseMs + "ms",
                wins.get(), ttls);
        assertThat(stillHeld.get()).as("first holder still holds at the end").isEqualTo(leaseMs < 0);
        return wins.get();
    }

    @Test
    void theWatchdogKeepsTheLockThroughWorkLongerThanItsTimeout() throws Exception {
        String name = CouponKeys.userLock(1);
        assertThat(secondHolderWins(name, -1, WORK_MS)).isZero();
        RLock after = second.getLock(name);
        assertThat(after.tryLock(0, 200, TimeUnit.MILLISECONDS)).as("free once the holder unlocked").isTrue();
        after.unlock();
    }

    @Test
    void aFixedShortLeaseLetsASecondHolderInWhileTheFirstStillWorks() throws Exception {
        assertThat(secondHolderWins(CouponKeys.userLock(2), 500, WORK_MS)).isPositive();
    }

    @Test
    void aDeadHoldersLockFreesItselfAfterTheWatchdogTimeout() throws Exception {
        String name = CouponKeys.userLock(3);
        RedissonClient doomed = client();
        doomed.getLock(name).lock();
        assertThat(second.getLock(name).tryLock(0, 200, TimeUnit.MILLISECONDS)).isFalse();
        doomed.shutdown(); // the "crash": renewals stop; the lock's TTL runs out (at most WATCHDOG_MS)
        long start = System.nanoTime();
        RLock lock = second.getLock(name);
        assertThat(lock.tryLock(5, 10, TimeUnit.SECONDS)).isTrue();
        lock.unlock();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(WATCHDOG_MS + 1_500);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
