package io.cachelab.cache;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lock under the mutex strategy: only the owner's token deletes it, the lease ends it, and a
 * reader that cannot get it gives up after its bounded wait instead of loading anyway.
 */
class MutexLockTest {
    static final CacheFixture FIX = new CacheFixture();
    static final TtlPolicy TTL = TtlPolicy.of(Duration.ofSeconds(600), Duration.ofSeconds(120));
    final CacheClient client = FIX.newClient(new SimpleMeterRegistry());
    final MutexLock lock = new MutexLock(FIX.admin.sync());

    @BeforeEach
    void flush() {
        FIX.flush();
    }

    @AfterAll
    static void stop() {
        FIX.close();
    }

    @Test
    void onlyTheOwnerTokenReleases() {
        String token = lock.tryAcquire("cachelab:k:1", Duration.ofSeconds(5));
        assertThat(token).isNotNull();
        assertThat(lock.tryAcquire("cachelab:k:1", Duration.ofSeconds(5))).isNull();
        assertThat(lock.release("cachelab:k:1", "someone-else")).isFalse();
        assertThat(FIX.admin.sync().get("lock:cachelab:k:1")).isEqualTo(token);
        assertThat(lock.release("cachelab:k:1", token)).isTrue();
        assertThat(FIX.admin.sync().exists("lock:cachelab:k:1")).isZero();
    }

    @Test
    void theLeaseIsBounded() {
        lock.tryAcquire("cachelab:k:2", Duration.ofMillis(1500));
        assertThat(FIX.admin.sync().pttl("lock:cachelab:k:2")).isBetween(1L, 1500L);
    }

    @Test
    void aReaderGivesUpAfterItsBoundedWaitWithoutLoading() {
        CachePolicy policy = CachePolicy.of("k", Strategy.MUTEX, TTL).withLock(Duration.ofSeconds(5), Duration.ofMillis(200));
        String other = lock.tryAcquire(policy.key("3"), Duration.ofSeconds(5));
        AtomicInteger loads = new AtomicInteger();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> client.get("3", String.class, () -> "v" + loads.incrementAndGet(), policy))
                .isInstanceOf(CacheLockTimeoutException.class)
                .hasMessage("no value for cachelab:k:3 after waiting 200 ms for its rebuild lock");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isBetween(200L, 2000L);
        assertThat(loads.get()).isZero();
        assertThat(FIX.admin.sync().get("lock:cachelab:k:3")).isEqualTo(other);
    }
}
