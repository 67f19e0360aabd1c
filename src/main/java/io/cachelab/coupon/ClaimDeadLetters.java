package io.cachelab.coupon;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Where claims go that failed {@code max-deliveries} times, from either queue. Parked in a table (not
 * a second stream) because a person acts on them, and a row survives a Redis flush; counted as
 * {@code cachelab.claims.dead.letters{source}} so an alert can fire on the first one.
 */
@Component
class ClaimDeadLetters {
    private static final Logger log = LoggerFactory.getLogger(ClaimDeadLetters.class);

    private final DeadLetterMapper mapper;
    private final MeterRegistry meters;

    ClaimDeadLetters(DeadLetterMapper mapper, MeterRegistry meters) {
        this.mapper = mapper;
        this.meters = meters;
        for (String source : new String[] {"redis", "kafka"})
            meters.counter("cachelab.claims.dead.letters", "source", source);
    }

    void record(Claim claim, int deliveries, String source, String error) {
        try {
            mapper.insert(new DeadLetter(claim, deliveries, source, error));
        } catch (DuplicateKeyException again) {
            return; // recorded by an earlier attempt whose acknowledgement was lost
        }
        meters.counter("cachelab.claims.dead.letters", "source", source).increment();
        log.error("claim {} (coupon {}, user {}) dead-lettered after {} deliveries from {}: {}", claim.claimNo(),
                claim.couponId(), claim.userId(), deliveries, source, error);
    }

    List<DeadLetter> latest(int limit) {
        return mapper.latest(limit);
    }
}
