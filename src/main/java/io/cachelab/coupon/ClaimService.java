package io.cachelab.coupon;

import io.cachelab.auth.AuthUser;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ResponseStatusException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Deciding a claim. Everything that must not race (window, stock, one per user, enqueueing) happens
 * in one Lua script on Redis, which runs scripts one at a time: there is no read-then-write gap in
 * which two requests could both see the last coupon. The database is not touched on this path; the
 * worker persists what the script enqueued. The per-user rate limit is part of the same script (one
 * round trip decides a claim, EVALSHA of a script loaded once) and is checked first, so a client
 * hammering the endpoint is refused before the coupon's state is read.
 */
@Service
class ClaimService {
    static final URI WINDOW_PROBLEM = URI.create("https://cachelab.io/problems/claim-window");
    static final URI SOLD_OUT_PROBLEM = URI.create("https://cachelab.io/problems/sold-out");
    static final URI ALREADY_CLAIMED_PROBLEM = URI.create("https://cachelab.io/problems/already-claimed");
    private static final HexFormat HEX = HexFormat.of();

    /**
     * The script's text, read once: a RedisScript over the ClassPathResource itself asks the resource
     * for its last-modified time on every call (to reload an edited script), which inside the jar
     * cost 14% of the app's CPU under bench/claims.sh, under a lock all request threads share.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> CLAIM = RedisScript.of(script("io/cachelab/coupon/claim.lua"), List.class);

    /** What a claim request got: accepted, or refused with the problem detail to answer. */
    sealed interface Decision permits Accepted, Refused {
    }

    record Accepted(String claimId, long couponId, String status) implements Decision {
    }

    /**
     * A refusal the script decided (sold out, already claimed, outside the window, too fast): an
     * expected answer, most of a flash sale's answers in fact, so it is returned, not thrown. Under
     * bench/claims.sh a thrown refusal cost a stack trace (5.5% of the app's CPU) and Spring's
     * exception resolution on top of rendering the problem detail.
     */
    record Refused(HttpStatus status, ProblemDetail problem) implements Decision {
    }

    record Status(String claimId, long couponId, long userId, String status, Instant createdAt) {
    }

    private final StringRedisTemplate redis;
    private final CouponService coupons;
    private final ClaimMapper claims;
    private final DeadLetterMapper deadLetters;
    private final ClaimsProperties props;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    ClaimService(StringRedisTemplate redis, CouponService coupons, ClaimMapper claims,
                 DeadLetterMapper deadLetters, ClaimsProperties props, MeterRegistry meters) {
        this.redis = redis;
        this.coupons = coupons;
        this.claims = claims;
        this.deadLetters = deadLetters;
        this.props = props;
        this.meters = meters;
        this.clock = Clock.systemUTC();
    }

    Decision claim(long couponId, AuthUser user) {
        String claimNo = couponId + "-" + claimSuffix();
        List<?> r = run(couponId, user.id(), claimNo);
        if (code(r) == -4) { // not in Redis (new engine, flushed): load from the database and decide again
            coupons.warm(couponId);
            r = run(couponId, user.id(), claimNo);
        }
        long code = code(r);
        if (code == -5) {
            count("rate_limited");
            return new Refused(HttpStatus.TOO_MANY_REQUESTS, ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
                    "more than " + props.getRatePermits() + " claim requests in " + props.getRateInterval().toMillis()
                            + " ms; slow down"));
        }
        if (code == 1) {
            count("accepted");
            return new Accepted(claimNo, couponId, "PENDING");
        }
        if (code == 0) {
            count("already_claimed");
            ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                    "user " + user.id() + " already claimed coupon " + couponId);
            p.setType(ALREADY_CLAIMED_PROBLEM);
            p.setTitle("Already claimed");
            String earlier = String.valueOf(r.get(1));
            if (earlier.contains("-")) p.setProperty("claimId", earlier);
            return new Refused(HttpStatus.CONFLICT, p);
        }
        if (code == -1) {
            count("sold_out");
            ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "coupon " + couponId + " is sold out");
            p.setType(SOLD_OUT_PROBLEM);
            p.setTitle("Sold out");
            return new Refused(HttpStatus.CONFLICT, p);
        }
        if (code == -2 || code == -3) {
            count("outside_window");
            ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "coupon " + couponId
                    + (code == -2 ? " cannot be claimed before its start" : " cannot be claimed after its end"));
            p.setType(WINDOW_PROBLEM);
            p.setTitle("Outside the claim window");
            return new Refused(HttpStatus.CONFLICT, p);
        }
        throw new IllegalStateException("claim script answered " + r);
    }

    private static String script(String path) {
        try {
            return new ClassPathResource(path).getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private List<?> run(long couponId, long userId, String claimNo) {
        List<?> r = redis.execute(CLAIM, List.of(CouponKeys.stock(couponId), CouponKeys.users(couponId),
                        CouponKeys.window(couponId), CouponKeys.stream(couponId), CouponKeys.recentRequests(couponId, userId)),
                Long.toString(userId), claimNo, Long.toString(clock.millis()), Long.toString(couponId),
                Long.toString(props.getRatePermits()), Long.toString(props.getRateInterval().toMillis()));
        if (r == null || r.size() != 2) throw new IllegalStateException("claim script answered " + r);
        return r;
    }

    private static long code(List<?> r) {
        return ((Number) r.get(0)).longValue();
    }

    private void count(String result) {
        counters.computeIfAbsent(result, r -> meters.counter("cachelab.claims.requests", "result", r)).increment();
    }

    /**
     * 128 random bits as 32 hex digits: unique, not secret (a claim's status is only shown to its
     * owner). {@code UUID.randomUUID()} would draw them from the one shared SecureRandom, a lock every
     * claim request of every thread takes.
     */
    private static String claimSuffix() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return HEX.toHexDigits(r.nextLong()) + HEX.toHexDigits(r.nextLong());
    }

    /**
     * CLAIMED once the worker persisted it, FAILED once it was dead-lettered, PENDING while Redis has
     * accepted it and the queue still holds it. Other users' claims are 404 (not 403): a claim id
     * says nothing about whether it exists to someone who does not own it.
     */
    Status status(String claimId, AuthUser user) {
        long couponId = Claim.couponOf(claimId);
        if (couponId < 0) throw notFound(claimId);
        CouponClaim row = claims.findByNo(claimId);
        if (row != null) {
            if (row.getUserId() != user.id() && !user.admin()) throw notFound(claimId);
            return new Status(claimId, couponId, row.getUserId(), "CLAIMED", CouponService.instant(row.getCreatedAt()));
        }
        DeadLetter dead = deadLetters.findByNo(claimId);
        if (dead != null) {
            if (dead.getUserId() != user.id() && !user.admin()) throw notFound(claimId);
            return new Status(claimId, couponId, dead.getUserId(), "FAILED", CouponService.instant(dead.getCreatedAt()));
        }
        Object mine = redis.opsForHash().get(CouponKeys.users(couponId), Long.toString(user.id()));
        if (claimId.equals(mine)) return new Status(claimId, couponId, user.id(), "PENDING", null);
        throw notFound(claimId);
    }

    List<Status> mine(AuthUser user) {
        return claims.findByUser(user.id()).stream().map(c -> new Status(c.getClaimNo(), c.getCouponId(),
                c.getUserId(), "CLAIMED", CouponService.instant(c.getCreatedAt()))).toList();
    }

    private static ResponseStatusException notFound(String claimId) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no claim " + claimId);
    }
}
