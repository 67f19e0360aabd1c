package io.cachelab.coupon;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.util.concurrent.TimeUnit;

/**
 * The Kafka variant's hop from Redis to Kafka. Kafka cannot take part in the claim script's atomic
 * step, so the script still enqueues into the coupon's Redis stream, and this relay (the stream
 * worker's handler in kafka mode) sends each entry to Kafka and returns only once the broker has
 * acknowledged it (idempotent producer, acks=all); the worker XACKs after that. A crash between the
 * send and the XACK re-sends the entry later: a duplicate record, with the claim id as key, which the
 * consumer's idempotent insert absorbs. So an entry is never lost (no XACK before the ack) and never
 * applied twice (the unique key).
 */
@Component
@ConditionalOnProperty(name = "cachelab.claims.queue", havingValue = "kafka")
class KafkaClaimRelay {
    private final KafkaTemplate<String, String> kafka;
    private final ClaimsProperties props;

    KafkaClaimRelay(KafkaTemplate<String, String> kafka, ClaimsProperties props) {
        this.kafka = kafka;
        this.props = props;
    }

    void send(Claim claim) throws Exception {
        kafka.send(props.getKafkaTopic(), claim.claimNo(), claim.toJson())
                .get(props.getKafkaSendTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
}
