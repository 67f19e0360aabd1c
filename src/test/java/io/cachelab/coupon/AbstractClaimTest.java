package io.cachelab.coupon;

import io.cachelab.auth.TestUsers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import io.cachelab.support.ApiClient;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole app for the coupon tests, with a short reclaim idle time (1 s instead of 30 s) so the
 * tests that kill a consumer see its entries taken over quickly, a 10 s rate interval (instead of 1 s)
 * so the rate-limit test cannot be outrun by a slow machine, and the flash-sale driver they share.
 * Each concrete context registers its own engine port (see {@link ClaimTestBase}): Spring keeps earlier
 * contexts alive, so two contexts in one JVM must not share an engine port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "cachelab.claims.reclaim-idle=1s", "cachelab.claims.block=200ms", "cachelab.claims.batch=20",
        "cachelab.claims.rate-interval=10s"})
abstract class AbstractClaimTest {
    /** Phones unique across the tests of one JVM: app_user.phone is unique. */
    private static final AtomicLong PHONES = new AtomicLong(15_000_000_000L);

    @LocalServerPort
    int httpPort;
    @Autowired
    ApplicationContext ctx;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    ClaimMapper claimMapper;
    @Autowired
    CouponMapper couponMapper;
    ApiClient api;
    String admin;

    @BeforeEach
    void client() {
        api = new ApiClient(httpPort);
        admin = api.loginAdmin();
    }

    List<TestUsers.User> users(int n) {
        return TestUsers.create(ctx, PHONES.getAndAdd(n), n);
    }

    long createCoupon(int stock, Instant begin, Instant end) {
        ApiClient.Response r = api.post("/api/admin/coupons", Map.of("title", "Flash sale", "stock", stock,
                "beginAt", begin.toString(), "endAt", end.toString()), admin);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    long createOpenCoupon(int stock) {
        return createCoupon(stock, Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofHours(1)));
    }

    /** Waits until the database holds {@code expected} claims for the coupon (the queue drained). */
    void awaitPersisted(long couponId, long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (claimMapper.countByCoupon(couponId) < expected && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(claimMapper.countByCoupon(couponId)).as("claims persisted within %s", timeout).isEqualTo(expected);
    }

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
}
