package io.cachelab.coupon;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.Map;

/**
 * The Kafka variant's persisting side: the same idempotent {@link ClaimPersister} as the stream worker.
 * The listener container commits a record's offset only after the listener returned, i.e. after the
 * database transaction committed (ack mode RECORD, set in application.yml); a crash in between
 * replays the record, which the unique key turns into a no-op. A record that keeps failing is retried
 * {@code max-deliveries} times in all by the error handler, then recorded as a dead letter and skipped.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "cachelab.claims.queue", havingValue = "kafka")
class KafkaClaimConsumer {
    private static final Logger log = LoggerFactory.getLogger(KafkaClaimConsumer.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ClaimPersister persister;

    KafkaClaimConsumer(ClaimPersister persister) {
        this.persister = persister;
    }

    @Bean
    NewTopic claimsTopic(ClaimsProperties props) {
        return TopicBuilder.name(props.getKafkaTopic()).partitions(3).replicas(1).build();
    }

    @Bean
    DefaultErrorHandler claimsErrorHandler(ClaimDeadLetters deadLetters, ClaimsProperties props) {
        return new DefaultErrorHandler((record, e) -> {
            Claim claim = parse(String.valueOf(record.value()));
            deadLetters.record(claim, props.getMaxDeliveries(), "kafka", String.valueOf(e.getCause() != null ? e.getCause() : e));
        }, new FixedBackOff(200, Math.max(0, props.getMaxDeliveries() - 1)));
    }

    @KafkaListener(topics = "${cachelab.claims.kafka-topic:cachelab.claims}", groupId = "cachelab-claims")
    void onClaim(ConsumerRecord<String, String> record) {
        Claim claim = parse(record.value());
        ClaimPersister.Result r = persister.persist(claim);
        log.debug("claim {} from partition {} offset {}: {}", claim.claimNo(), record.partition(), record.offset(), r);
    }

    static Claim parse(String json) {
        JsonNode n = JSON.readTree(json);
        return Claim.of(Map.of("claim", n.get("claim").asString(), "coupon", n.get("coupon").asString(),
                "user", n.get("user").asString()));
    }
}
