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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    record Outcome(int status, long userId, String claimId) {
    }

    List<Outcome> claimConcurrently(long couponId, List<TestUsers.User> users, int perUser, Runnable midway)
            throws Exception {
        return claimConcurrently(couponId, users, perUser, midway, 0);
    }

    /** Fires every user's claims at once; {@code midway} runs in the thread of response number {@code at}. */
    List<Outcome> claimConcurrently(long couponId, List<TestUsers.User> users, int perUser, Runnable midway, int at)
            throws Exception {
        List<TestUsers.User> requests = new ArrayList<>();
        for (int i = 0; i < perUser; i++) requests.addAll(users);
        Collections.shuffle(requests, new java.util.Random(42));
        ExecutorService pool = Executors.newFixedThreadPool(64);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (TestUsers.User u : requests) {
                futures.add(pool.submit(() -> {
                    go.await();
                    ApiClient.Response r = api.post("/api/coupons/" + couponId + "/claims", null, u.token());
                    if (r.status() != 202 && r.status() != 409) throw new AssertionError(r.status() + " " + r.body());
                    if (done.incrementAndGet() == at && midway != null) midway.run();
                    String claimId = r.status() == 202 ? r.json().get("claimId").asString() : null;
                    return new Outcome(r.status(), u.principal().id(), claimId);
                }));
            }
            go.countDown();
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) outcomes.add(f.get());
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    void assertInvariants(long couponId, List<Outcome> outcomes, int requests) throws Exception {
        assertThat(outcomes).hasSize(requests);
        Map<Integer, Long> byStatus = new java.util.TreeMap<>();
        outcomes.forEach(o -> byStatus.merge(o.status(), 1L, Long::sum));
        assertThat(byStatus).isEqualTo(Map.of(202, 100L, 409, (long) requests - 100));
        Set<Long> acceptedUsers = new HashSet<>();
        outcomes.stream().filter(o -> o.status() == 202).forEach(o -> assertThat(acceptedUsers.add(o.userId()))
                .as("user %d accepted twice", o.userId()).isTrue());

        awaitPersisted(couponId, 100, Duration.ofSeconds(30));
        Thread.sleep(300); // a duplicate, if any were possible, would be inserted now
        assertThat(claimMapper.countByCoupon(couponId)).isEqualTo(100);
        assertThat(claimMapper.duplicateUsers(couponId)).isZero();
        assertThat(new HashSet<>(claimMapper.userIds(couponId))).isEqualTo(acceptedUsers);
        assertThat(couponMapper.selectById(couponId).getStock()).as("database stock").isZero();
        assertThat(redis.opsForValue().get(CouponKeys.stock(couponId))).as("Redis stock").isEqualTo("0");

        ApiClient.Response view = api.get("/api/admin/coupons/" + couponId, admin);
        assertThat(view.json().get("stock").asInt()).isZero();
        assertThat(view.json().get("cachedStock").asLong()).isZero();
        assertThat(view.json().get("claims").asLong()).isEqualTo(100);
        assertThat(view.json().get("queuePending").asLong()).isZero();
    }

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
