package io.cachelab.cache;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two application instances (two CacheClients with their own connections and Caffeine tiers) on one
 * engine: an evict through A must drop B's local entry within a second, through Redis pub/sub.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TwoLevelCacheTest {
    static final CacheFixture FIX = new CacheFixture();
    static final CachePolicy POLICY = CachePolicy.of("articles", Strategy.TWO_LEVEL,
            TtlPolicy.of(Duration.ofSeconds(600), Duration.ofSeconds(60)));

    @AfterAll
    static void stop() {
        FIX.close();
    }

    @Test
    void evictOnOneInstanceDropsTheLocalEntryOfTheOther() throws Exception {
        CacheClient a = FIX.newClient(new SimpleMeterRegistry());
        CacheClient b = FIX.newClient(new SimpleMeterRegistry());

        assertThat(a.get("1", String.class, () -> "v1", POLICY)).isEqualTo(new CacheResult<>("v1", CacheOutcome.MISS));
        assertThat(b.get("1", String.class, () -> "unused", POLICY)).isEqualTo(new CacheResult<>("v1", CacheOutcome.HIT));
        assertThat(b.locallyCached("1", POLICY)).isTrue();
        FIX.admin.sync().del("cachelab:articles:1");
        // served from B's Caffeine alone now
        assertThat(b.get("1", String.class, () -> "unused", POLICY)).isEqualTo(new CacheResult<>("v1", CacheOutcome.HIT));

        long t0 = System.nanoTime();
        a.evict("1", POLICY);
        while (b.locallyCached("1", POLICY) && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1)) Thread.sleep(1);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertThat(b.locallyCached("1", POLICY)).as("B's Caffeine entry after %d ms", ms).isFalse();
        assertThat(a.locallyCached("1", POLICY)).isFalse();
        assertThat(b.get("1", String.class, () -> "v2", POLICY)).isEqualTo(new CacheResult<>("v2", CacheOutcome.MISS));
        System.out.println("two-level: B's local entry gone " + ms + " ms after A's evict");
    }

    @Test
    void absentRowsAreCachedLocallyAsNull() {
        CacheClient a = FIX.newClient(new SimpleMeterRegistry());
        assertThat(a.get("404", String.class, () -> null, POLICY)).isEqualTo(new CacheResult<>(null, CacheOutcome.MISS));
        assertThat(a.get("404", String.class, () -> "x", POLICY)).isEqualTo(new CacheResult<>(null, CacheOutcome.NULL));
    }
}
