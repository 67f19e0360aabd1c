package io.cachelab.coupon;

import io.cachelab.auth.TestUsers;
import io.cachelab.support.ApiClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.api.stream.StreamReadGroupArgs;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance numbers over real HTTP: 2,000 concurrent claims from 1,000 users (each user
 * twice) for a coupon with stock 100 → exactly 100 accepted (202), 1,900 refused (409), no user
 * accepted twice; once the stream drains, exactly 100 rows, database stock 0, Redis stock 0.
 */
class ClaimAcceptanceTest extends ClaimTestBase {
    @Autowired
    RedissonClient redisson;
    @Autowired
    MeterRegistry meters;

    @Test
    void twoThousandClaimsFromAThousandUsersSellExactlyTheStock() throws Exception {
        long coupon = createOpenCoupon(100);
        List<TestUsers.User> users = users(1_000);
        List<Outcome> outcomes = claimConcurrently(coupon, users, 2, null);
        assertInvariants(coupon, outcomes, 2_000);

        // every accepted claim is now CLAIMED for its owner, and invisible to others
        Outcome first = outcomes.stream().filter(o -> o.status() == 202).findFirst().orElseThrow();
        TestUsers.User owner = users.stream().filter(u -> u.principal().id() == first.userId()).findFirst().orElseThrow();
        ApiClient.Response status = api.get("/api/claims/" + first.claimId(), owner.token());
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().get("status").asString()).isEqualTo("CLAIMED");
        TestUsers.User other = users.stream().filter(u -> u.principal().id() != first.userId()).findFirst().orElseThrow();
        assertThat(api.get("/api/claims/" + first.claimId(), other.token()).status()).isEqualTo(404);
        assertThat(api.get("/api/users/me/claims", owner.token()).json().get(0).get("claimId").asString())
                .isEqualTo(first.claimId());
    }

    /**
     * The same numbers while the worker is stopped and restarted mid-run, and while a second consumer
     * of the group "crashes" holding entries it read but never acknowledged: those stay pending until
     * the restarted worker takes them over with XAUTOCLAIM (reclaim idle 1 s here) and persists them.
     */
    @Test
    void workerStoppedAndRestartedMidRunWithACrashedConsumerLosesAndDoublesNothing() throws Exception {
        long coupon = createOpenCoupon(100);
        List<TestUsers.User> users = users(1_000);
        double reclaimedBefore = reclaimed();
        Map<StreamMessageId, Map<String, String>> crashed = new ConcurrentHashMap<>();
        List<Outcome> outcomes = claimConcurrently(coupon, users, 2, () -> {
            assertThat(api.post("/api/admin/claims/worker/stop", null, admin).json().get("running").asBoolean()).isFalse();
            // a consumer that reads and dies: its entries stay pending under its name
            crashed.putAll(redisson.<String, String>getStream(CouponKeys.stream(coupon), StringCodec.INSTANCE)
                    .readGroup("claim-workers", "crashed-consumer",
                            StreamReadGroupArgs.neverDelivered().count(10).timeout(Duration.ofSeconds(5))));
            assertThat(api.post("/api/admin/claims/worker/start", null, admin).json().get("running").asBoolean()).isTrue();
        }, 40);
        assertThat(crashed).as("the crashed consumer held entries").isNotEmpty();
        assertInvariants(coupon, outcomes, 2_000);
        assertThat(reclaimed() - reclaimedBefore).as("entries taken over with XAUTOCLAIM")
                .isGreaterThanOrEqualTo(crashed.size());
        for (Map<String, String> entry : crashed.values())
            assertThat(claimMapper.findByNo(entry.get("claim"))).as("crashed entry %s persisted", entry).isNotNull();
    }

    double reclaimed() {
        var c = meters.find("cachelab.claims.worker").tags("result", "reclaimed").counter();
        return c == null ? 0 : c.count();
    }
}
