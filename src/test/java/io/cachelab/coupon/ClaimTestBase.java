package io.cachelab.coupon;

import io.cachelab.auth.TestUsers;
import io.cachelab.engine.TestEngine;
import io.cachelab.support.ApiClient;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole app for the coupon tests, with a short reclaim idle time (1 s instead of 30 s) so the
 * tests that kill a consumer see its entries taken over quickly. Its own engine port: a second Spring
 * context in the same JVM as AppTestBase's must not share that one's engine.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "cachelab.claims.reclaim-idle=1s", "cachelab.claims.block=200ms", "cachelab.claims.batch=20"})
abstract class ClaimTestBase {
    private static final int ENGINE_PORT = TestEngine.freePort();
    /** Phones unique across the tests of one JVM: app_user.phone is unique. */
    private static final AtomicLong PHONES = new AtomicLong(15_000_000_000L);

    @DynamicPropertySource
    static void engine(DynamicPropertyRegistry registry) {
        registry.add("cachelab.engine.port", () -> ENGINE_PORT);
    }

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
}
