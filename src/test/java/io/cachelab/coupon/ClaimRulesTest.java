package io.cachelab.coupon;

import io.cachelab.auth.TestUsers;
import io.cachelab.support.ApiClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The claim endpoint's refusals, the dead letter path, and the admin stock change, over HTTP. */
class ClaimRulesTest extends ClaimTestBase {
    @Autowired
    MeterRegistry meters;

    String claim(long coupon, String token, int expectedStatus) {
        ApiClient.Response r = api.post("/api/coupons/" + coupon + "/claims", null, token);
        assertThat(r.status()).as(r.body()).isEqualTo(expectedStatus);
        if (expectedStatus != 202) assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        return r.body();
    }

    @Test
    void beforeTheStartAndAfterTheEndAre409WithTheClaimWindowProblemType() {
        String token = users(1).get(0).token();
        long future = createCoupon(10, Instant.now().plusSeconds(3600), Instant.now().plusSeconds(7200));
        long past = createCoupon(10, Instant.now().minusSeconds(7200), Instant.now().minusSeconds(3600));
        for (long coupon : new long[] {future, past}) {
            ApiClient.Response r = api.post("/api/coupons/" + coupon + "/claims", null, token);
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().get("type").asString()).isEqualTo("https://cachelab.io/problems/claim-window");
        }
        assertThat(redis.opsForValue().get(CouponKeys.stock(future))).isEqualTo("10");
    }

    @Test
    void soldOutAndAlreadyClaimedAre409WithTheirOwnTypes() {
        var users = users(2);
        long coupon = createOpenCoupon(1);
        ApiClient.Response accepted = api.post("/api/coupons/" + coupon + "/claims", null, users.get(0).token());
        assertThat(accepted.status()).isEqualTo(202);
        String first = accepted.body();
        assertThat(accepted.header("Location")).isEqualTo("/api/claims/" + accepted.json().get("claimId").asString());
        assertThat(accepted.json().get("couponId").asLong()).isEqualTo(coupon);
        assertThat(accepted.json().get("status").asString()).isEqualTo("PENDING");
        assertThat(accepted.header("Content-Type")).isEqualTo("application/json");
        assertThat(api.send("POST", "/api/coupons/" + coupon + "/claims", null, users.get(1).token(), "Accept", "text/plain")
                .status()).as("a client that reads neither answer is refused before a claim is decided").isEqualTo(406);
        ApiClient.Response again = api.post("/api/coupons/" + coupon + "/claims", null, users.get(0).token());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("type").asString()).isEqualTo("https://cachelab.io/problems/already-claimed");
        assertThat(first).contains(again.json().get("claimId").asString());
        ApiClient.Response sold = api.post("/api/coupons/" + coupon + "/claims", null, users.get(1).token());
        assertThat(sold.status()).isEqualTo(409);
        assertThat(sold.json().get("type").asString()).isEqualTo("https://cachelab.io/problems/sold-out");
        // the controller writes the answer itself: the same JSON Spring's converter wrote, with its length
        assertThat(sold.body()).isEqualTo("{\"detail\":\"coupon " + coupon + " is sold out\",\"instance\":\"/api/coupons/"
                + coupon + "/claims\",\"status\":409,\"title\":\"Sold out\",\"type\":\"https://cachelab.io/problems/sold-out\"}");
        assertThat(sold.header("Content-Length")).isEqualTo(Integer.toString(sold.body().length()));
        assertThat(sold.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(api.post("/api/coupons/" + coupon + "/claims", null, null).status()).isEqualTo(401);
        assertThat(api.post("/api/coupons/999999/claims", null, users.get(1).token()).status()).isEqualTo(404);
    }

    @Test
    void theSixthRequestOfAUserWithinTheRateIntervalIs429() {
        String token = users(1).get(0).token();
        long coupon = createOpenCoupon(100);
        claim(coupon, token, 202);
        for (int i = 2; i <= 5; i++) claim(coupon, token, 409); // already claimed, but each one counts
        ApiClient.Response limited = api.post("/api/coupons/" + coupon + "/claims", null, token);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().get("detail").asString()).contains("more than 5 claim requests");
    }

    /**
     * A claim whose persistence keeps failing (here: the database has no stock left although Redis
     * had, set up by writing the row behind the service's back) is retried, then dead-lettered after
     * max-deliveries (5) deliveries: visible at the admin endpoint, as a metric and as FAILED.
     */
    @Test
    void aClaimThatKeepsFailingEndsInTheDeadLetterTable() throws Exception {
        TestUsers.User user = users(1).get(0);
        long coupon = createOpenCoupon(1);
        couponMapper.setStock(coupon, 0);
        double before = deadLettered();
        ApiClient.Response accepted = api.post("/api/coupons/" + coupon + "/claims", null, user.token());
        assertThat(accepted.status()).isEqualTo(202);
        String claimId = accepted.json().get("claimId").asString();

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (deadLettered() == before && System.nanoTime() < deadline) Thread.sleep(100);
        assertThat(deadLettered() - before).isEqualTo(1);
        var letters = api.get("/api/admin/claims/dead-letters", admin).json();
        var letter = letters.valueStream().filter(n -> n.get("claimNo").asString().equals(claimId)).findFirst().orElseThrow();
        assertThat(letter.get("deliveries").asInt()).isEqualTo(5);
        assertThat(letter.get("source").asString()).isEqualTo("redis");
        assertThat(letter.get("error").asString()).contains("no database stock left");
        assertThat(claimMapper.countByCoupon(coupon)).isZero();
        assertThat(api.get("/api/claims/" + claimId, user.token()).json().get("status").asString()).isEqualTo("FAILED");
        assertThat(api.get("/api/admin/coupons/" + coupon, admin).json().get("queuePending").asLong()).isZero();
        assertThat(api.get("/actuator/prometheus").body()).contains("cachelab_claims_dead_letters_total{source=\"redis\"}");
    }

    @Test
    void adminSetsTheStockUnderTheWriteLockAndUsersCannot() throws Exception {
        var users = users(3);
        long coupon = createOpenCoupon(5);
        assertThat(api.get("/api/coupons/" + coupon + "/stock").json().get("stock").asLong()).isEqualTo(5);
        assertThat(api.put("/api/coupons/" + coupon + "/stock", Map.of("stock", 50), users.get(0).token()).status())
                .isEqualTo(403);
        assertThat(api.put("/api/coupons/" + coupon + "/stock", Map.of("stock", -1), admin).status()).isEqualTo(400);

        claim(coupon, users.get(0).token(), 202);
        claim(coupon, users.get(1).token(), 202);
        awaitPersisted(coupon, 2, Duration.ofSeconds(10));
        ApiClient.Response set = api.put("/api/coupons/" + coupon + "/stock", Map.of("stock", 10), admin);
        assertThat(set.status()).isEqualTo(200);
        assertThat(api.get("/api/coupons/" + coupon + "/stock").json().get("stock").asLong()).isEqualTo(10);
        claim(coupon, users.get(2).token(), 202);
        awaitPersisted(coupon, 3, Duration.ofSeconds(10));
        var view = api.get("/api/admin/coupons/" + coupon, admin).json();
        assertThat(view.get("stock").asInt()).isEqualTo(9);
        assertThat(view.get("cachedStock").asLong()).isEqualTo(9);
        assertThat(view.get("claims").asLong()).isEqualTo(3);
    }

    @Test
    void stockChangeCountsClaimsStillInTheQueue() throws Exception {
        var users = users(2);
        long coupon = createOpenCoupon(5);
        api.post("/api/admin/claims/worker/stop", null, admin);
        try {
            claim(coupon, users.get(0).token(), 202);
            claim(coupon, users.get(1).token(), 202);
            // Redis accepted 2, the database has none yet: remaining 10 means the row must be 12
            assertThat(api.put("/api/coupons/" + coupon + "/stock", Map.of("stock", 10), admin).status()).isEqualTo(200);
            assertThat(couponMapper.selectById(coupon).getStock()).isEqualTo(12);
        } finally {
            api.post("/api/admin/claims/worker/start", null, admin);
        }
        awaitPersisted(coupon, 2, Duration.ofSeconds(10));
        assertThat(couponMapper.selectById(coupon).getStock()).isEqualTo(10);
        assertThat(redis.opsForValue().get(CouponKeys.stock(coupon))).isEqualTo("10");
    }

    /** A lost stock key reloaded while claims wait in the queue: database stock minus those claims. */
    @Test
    void aLostStockKeyIsReloadedWithoutTheClaimsStillInTheQueue() throws Exception {
        var users = users(2);
        long coupon = createOpenCoupon(5);
        api.post("/api/admin/claims/worker/stop", null, admin);
        try {
            claim(coupon, users.get(0).token(), 202);
            claim(coupon, users.get(1).token(), 202);
            redis.delete(CouponKeys.stock(coupon));
            assertThat(couponMapper.selectById(coupon).getStock()).isEqualTo(5);
            assertThat(api.get("/api/coupons/" + coupon + "/stock").json().get("stock").asLong()).isEqualTo(3);
        } finally {
            api.post("/api/admin/claims/worker/start", null, admin);
        }
        awaitPersisted(coupon, 2, Duration.ofSeconds(10));
        assertThat(couponMapper.selectById(coupon).getStock()).isEqualTo(3);
        assertThat(redis.opsForValue().get(CouponKeys.stock(coupon))).isEqualTo("3");
    }

    @Autowired
    ClaimStreamWorker worker;

    @Test
    void aCouponsConsumerRetiresAfterItsWindowClosedAndItsQueueDrained() throws Exception {
        TestUsers.User user = users(1).get(0);
        long coupon = createCoupon(5, Instant.now().minusSeconds(60), Instant.now().plusSeconds(2));
        assertThat(consumers()).contains(coupon);
        claim(coupon, user.token(), 202);
        awaitPersisted(coupon, 1, Duration.ofSeconds(10));
        // window end (2 s) + reclaim-idle (1 s) + a retire check (every 0.5 s)
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (consumers().contains(coupon) && System.nanoTime() < deadline) Thread.sleep(100);
        assertThat(consumers()).doesNotContain(coupon);
        assertThat(claimMapper.countByCoupon(coupon)).isEqualTo(1);
    }

    @SuppressWarnings("unchecked")
    java.util.Collection<Long> consumers() {
        return (java.util.Collection<Long>) worker.status().get("coupons");
    }

    @Test
    void couponIsReadThroughTheCacheAndAMissingOneIs404() {
        long coupon = createOpenCoupon(3);
        ApiClient.Response first = api.get("/api/coupons/" + coupon);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("title").asString()).isEqualTo("Flash sale");
        assertThat(first.header("X-Cache")).isEqualTo("MISS");
        assertThat(api.get("/api/coupons/" + coupon).header("X-Cache")).isNotEqualTo("MISS");
        assertThat(api.get("/api/coupons/987654").status()).isEqualTo(404);
        assertThat(api.get("/api/coupons/987654/stock").status()).isEqualTo(404);
    }

    @Test
    void aFlushedRedisIsReloadedFromTheDatabaseAndKeepsPersistedUsersOut() throws Exception {
        var users = users(2);
        long coupon = createOpenCoupon(3);
        claim(coupon, users.get(0).token(), 202);
        awaitPersisted(coupon, 1, Duration.ofSeconds(10));
        redis.delete(java.util.List.of(CouponKeys.stock(coupon), CouponKeys.users(coupon), CouponKeys.window(coupon)));
        claim(coupon, users.get(0).token(), 409); // known again from the database's claims
        claim(coupon, users.get(1).token(), 202);
        awaitPersisted(coupon, 2, Duration.ofSeconds(10));
        assertThat(redis.opsForValue().get(CouponKeys.stock(coupon))).isEqualTo("1");
        assertThat(couponMapper.selectById(coupon).getStock()).isEqualTo(1);
    }

    /** What a crash between the database commit and XACK causes: the same entry delivered again. */
    @Test
    void aRedeliveredEntryIsAcknowledgedWithoutASecondRowOrDecrement() throws Exception {
        TestUsers.User user = users(1).get(0);
        long coupon = createOpenCoupon(5);
        String claimId = api.post("/api/coupons/" + coupon + "/claims", null, user.token()).json().get("claimId").asString();
        awaitPersisted(coupon, 1, Duration.ofSeconds(10));
        double before = persisted("duplicate");
        redis.opsForStream().add(CouponKeys.stream(coupon), Map.of("claim", claimId, "coupon", Long.toString(coupon),
                "user", Long.toString(user.principal().id())));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (persisted("duplicate") == before && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(persisted("duplicate") - before).isEqualTo(1);
        assertThat(claimMapper.countByCoupon(coupon)).isEqualTo(1);
        assertThat(couponMapper.selectById(coupon).getStock()).isEqualTo(4);
        assertThat(api.get("/api/admin/coupons/" + coupon, admin).json().get("queuePending").asLong()).isZero();
    }

    double persisted(String result) {
        var c = meters.find("cachelab.claims.persisted").tags("result", result).counter();
        return c == null ? 0 : c.count();
    }

    double deadLettered() {
        var c = meters.find("cachelab.claims.dead.letters").tags("source", "redis").counter();
        return c == null ? 0 : c.count();
    }
}
