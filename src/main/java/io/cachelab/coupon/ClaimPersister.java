package io.cachelab.coupon;

import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes one accepted claim to the database, safe to call any number of times for the same claim:
 * the insert and the stock decrement share one transaction, and a duplicate insert (the unique key
 * {@code (coupon_id, user_id)}) means an earlier delivery already did both, so it is success without a
 * second decrement. That is what makes every redelivery (a reclaimed stream entry, a Kafka record
 * consumed again before its offset was committed) harmless.
 *
 * <p>The per-user Redisson lock is taken without a lease time, so Redisson's watchdog keeps renewing
 * it while this JVM lives, however long the transaction takes; a fixed lease could expire mid-way and
 * let a second holder in. If the JVM dies, renewals stop and the lock frees itself after the watchdog
 * timeout.
 */
@Component
class ClaimPersister {
    enum Result { INSERTED, DUPLICATE }

    private static final Logger log = LoggerFactory.getLogger(ClaimPersister.class);

    private final ClaimMapper claims;
    private final CouponMapper coupons;
    private final RedissonClient redisson;
    private final TransactionTemplate tx;
    private final MeterRegistry meters;

    ClaimPersister(ClaimMapper claims, CouponMapper coupons, RedissonClient redisson, TransactionTemplate tx,
                   MeterRegistry meters) {
        this.claims = claims;
        this.coupons = coupons;
        this.redisson = redisson;
        this.tx = tx;
        this.meters = meters;
    }

    Result persist(Claim claim) {
        RLock lock = redisson.getLock(CouponKeys.userLock(claim.userId()));
        lock.lock();
        try {
            Result r = tx.execute(status -> {
                try {
                    claims.insert(new CouponClaim(claim.claimNo(), claim.couponId(), claim.userId()));
                } catch (DuplicateKeyException alreadyDone) {
                    return Result.DUPLICATE;
                }
                if (coupons.decrementStock(claim.couponId()) != 1)
                    // rolls the insert back; the entry stays pending and ends in the dead letter table
                    throw new IllegalStateException("coupon " + claim.couponId() + " has no database stock left for claim "
                            + claim.claimNo());
                return Result.INSERTED;
            });
            meters.counter("cachelab.claims.persisted", "result", r.name().toLowerCase()).increment();
            if (r == Result.DUPLICATE) log.info("claim {} was already persisted (redelivery); acknowledged", claim.claimNo());
            return r;
        } finally {
            lock.unlock();
        }
    }
}
