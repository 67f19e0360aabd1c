package io.cachelab.cache;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cache penetration: 10,000 requests for ids that do not exist. The loader stands for the database
 * and counts what reaches it; it always finds nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PenetrationTest {
    static final int REQUESTS = 10_000;
    static final CacheFixture FIX = new CacheFixture();
    static final TtlPolicy TTL = TtlPolicy.of(Duration.ofSeconds(600), Duration.ofSeconds(120));

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final CacheClient client = FIX.newClient(meters);
    final AtomicInteger dbHits = new AtomicInteger();
    final Supplier<String> absent = () -> {
        dbHits.incrementAndGet();
        return null;
    };

    @BeforeEach
    void flush() {
        FIX.flush();
    }

    @AfterAll
    static void stop() {
        FIX.close();
    }

    @Test
    void noneSendsEveryRequestToTheDatabase() {
        CachePolicy policy = CachePolicy.of("items", Strategy.NONE, TTL);
        for (int i = 0; i < REQUESTS; i++)
            assertThat(client.get(Integer.toString(1_000_000 + i % 1000), String.class, absent, policy).outcome())
                    .isEqualTo(CacheOutcome.MISS);
        assertThat(dbHits.get()).isEqualTo(REQUESTS);
    }

    @Test
    void nullCachingLoadsEachAbsentIdOnce() {
        CachePolicy policy = CachePolicy.of("items", Strategy.NULL_CACHING, TTL);
        int nulls = 0;
        for (int i = 0; i < REQUESTS; i++)
            if (client.get(Integer.toString(1_000_000 + i % 1000), String.class, absent, policy).outcome() == CacheOutcome.NULL) nulls++;
        assertThat(dbHits.get()).isEqualTo(1000);
        assertThat(nulls).isEqualTo(REQUESTS - 1000);
        long ttl = FIX.admin.sync().pttl("cachelab:items:1000000");
        assertThat(ttl).isBetween(1L, 72_000L); // the null TTL, 60 s ± 12 s, not the 600 s of values
        assertThat(FIX.admin.sync().get("cachelab:items:1000000")).isEmpty();
    }

    @Test
    void bloomRejectsAbsentIdsBeforeTheDatabase() {
        CachePolicy policy = CachePolicy.of("items", Strategy.BLOOM, TTL).withBloom(new BloomSpec(100_000, 0.01));
        List<String> present = new ArrayList<>(100_000);
        for (int i = 1; i <= 100_000; i++) present.add(Integer.toString(i));
        client.bloomAddAll(policy, present);

        int rejected = 0;
        for (int i = 0; i < REQUESTS; i++)
            if (client.get(Integer.toString(1_000_000 + i), String.class, absent, policy).outcome() == CacheOutcome.REJECTED) rejected++;

        assertThat(dbHits.get()).isLessThanOrEqualTo(REQUESTS * 2 / 100);
        assertThat(rejected).isEqualTo(REQUESTS - dbHits.get());
        assertThat(meters.get("cachelab.cache.requests").tags("cache", "items", "strategy", "bloom", "outcome", "rejected")
                .counter().count()).isEqualTo(rejected);
        // a present id passes the filter and reaches the loader once
        AtomicInteger loads = new AtomicInteger();
        assertThat(client.get("42", String.class, () -> "row " + loads.incrementAndGet(), policy))
                .isEqualTo(new CacheResult<>("row 1", CacheOutcome.MISS));
        assertThat(client.get("42", String.class, () -> "row " + loads.incrementAndGet(), policy))
                .isEqualTo(new CacheResult<>("row 1", CacheOutcome.HIT));
        System.out.println("bloom: " + dbHits.get() + " of " + REQUESTS + " absent ids reached the loader");
    }

    @Test
    void bloomComposesInFrontOfMutex() {
        CachePolicy policy = CachePolicy.of("items", Strategy.MUTEX, TTL).withBloom(new BloomSpec(1000, 0.01));
        client.bloomAdd(policy, "7");
        assertThat(client.get("8", String.class, absent, policy)).isEqualTo(new CacheResult<>(null, CacheOutcome.REJECTED));
        assertThat(client.get("7", String.class, () -> "seven", policy)).isEqualTo(new CacheResult<>("seven", CacheOutcome.MISS));
        assertThat(client.get("7", String.class, () -> "again", policy)).isEqualTo(new CacheResult<>("seven", CacheOutcome.HIT));
        assertThat(dbHits.get()).isZero();
    }

    @Test
    void unknownStrategyNameIsRejected() {
        assertThat(Strategy.parse("logical-expiry")).isEqualTo(Strategy.LOGICAL_EXPIRY);
        assertThat(Strategy.parse("TWO_LEVEL")).isEqualTo(Strategy.TWO_LEVEL);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Strategy.parse("lru"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown cache strategy: lru");
    }
}
