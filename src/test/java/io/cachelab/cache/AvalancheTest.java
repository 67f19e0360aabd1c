package io.cachelab.cache;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cache avalanche: 10,000 keys written at once. Each key's TTL is read back from the engine right
 * after its write and put in a one-second bucket; with 600 ± 120 s no bucket may hold more than three
 * times the mean, with jitter 0 every key lands in the same second.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AvalancheTest {
    static final int KEYS = 10_000;
    static final CacheFixture FIX = new CacheFixture();
    final CacheClient client = FIX.newClient(new SimpleMeterRegistry());

    @BeforeEach
    void flush() {
        FIX.flush();
    }

    @AfterAll
    static void stop() {
        FIX.close();
    }

    @Test
    void jitterSpreadsExpiriesOverTheWindow() {
        Map<Long, Integer> perSecond = writeAndBucket(Duration.ofSeconds(120));
        double mean = (double) KEYS / 241; // 480 s .. 720 s inclusive
        int peak = perSecond.values().stream().max(Integer::compare).orElseThrow();
        assertThat(perSecond.keySet()).allSatisfy(s -> assertThat(s).isBetween(480L, 720L));
        assertThat(peak).isLessThanOrEqualTo((int) (3 * mean));
        assertThat(perSecond.size()).isGreaterThan(200);
        System.out.println("avalanche 600±120 s: " + perSecond.size() + " distinct seconds, peak " + peak
                + ", mean " + String.format("%.1f", mean));
    }

    @Test
    void withoutJitterEveryKeyExpiresInTheSameSecond() {
        Map<Long, Integer> perSecond = writeAndBucket(Duration.ZERO);
        assertThat(perSecond).containsExactly(Map.entry(600L, KEYS));
    }

    @Test
    void nullsGetTheirOwnShortTtl() {
        CachePolicy policy = CachePolicy.of("avalanche", Strategy.NULL_CACHING,
                new TtlPolicy(Duration.ofSeconds(600), Duration.ofSeconds(120), Duration.ofSeconds(30)));
        client.get("absent", String.class, () -> null, policy);
        // 30 s ± a fifth of it (the null TTL is jittered too, by at most a fifth), never the 600 s of values
        assertThat(FIX.admin.sync().pttl("cachelab:avalanche:absent")).isBetween(23_000L, 36_000L);
    }

    @Test
    void jitterMustStayBelowTheBase() {
        assertThatThrownBy(() -> TtlPolicy.of(Duration.ofSeconds(10), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Map<Long, Integer> writeAndBucket(Duration jitter) {
        CachePolicy policy = CachePolicy.of("avalanche", Strategy.CACHE_ASIDE, TtlPolicy.of(Duration.ofSeconds(600), jitter));
        Map<Long, Integer> perSecond = new TreeMap<>();
        var redis = FIX.admin.sync();
        for (int i = 0; i < KEYS; i++) {
            client.put(Integer.toString(i), i, policy);
            perSecond.merge(redis.ttl(policy.key(Integer.toString(i))), 1, Integer::sum);
        }
        return perSecond;
    }
}
