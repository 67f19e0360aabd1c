package io.cachelab.coupon;

import io.cachelab.auth.TestUsers;
import io.cachelab.engine.TestEngine;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka variant on a real in-process broker (spring-kafka-test's EmbeddedKafkaKraftBroker): the
 * claim script still decides and enqueues into the Redis stream, the relay moves entries to Kafka and
 * XACKs after the broker's acknowledgement, a Kafka consumer persists. Same numbers as the Redis
 * queue: 2,000 concurrent claims over HTTP from 1,000 users, stock 100 → 100 accepted, 100 rows,
 * database and Redis stock 0 — plus every accepted claim reached the topic, and claims sent to Kafka a
 * second time (as after a relay crash before XACK) change nothing.
 */
@EmbeddedKafka(partitions = 3, topics = "cachelab.claims", bootstrapServersProperty = "spring.kafka.bootstrap-servers")
@TestPropertySource(properties = "cachelab.claims.queue=kafka")
class KafkaClaimQueueTest extends AbstractClaimTest {
    /** Not the base class's engine: this context runs beside that one in the same JVM. */
    private static final int KAFKA_CONTEXT_ENGINE_PORT = TestEngine.freePort();

    @DynamicPropertySource
    static void ownEngine(DynamicPropertyRegistry registry) {
        registry.add("cachelab.engine.port", () -> KAFKA_CONTEXT_ENGINE_PORT);
    }

    @Value("${spring.kafka.bootstrap-servers}")
    String brokers;
    @Value("${cachelab.engine.port}")
    int enginePort;
    @Autowired
    ClaimStreamWorker worker;
    @Autowired
    MeterRegistry meters;

    @Test
    void twoThousandClaimsThroughTheKafkaRelaySellExactlyTheStock() throws Exception {
        assertThat(enginePort).isEqualTo(KAFKA_CONTEXT_ENGINE_PORT);
        assertThat(worker.status().get("queue")).isEqualTo("kafka");
        long coupon = createOpenCoupon(100);
        List<TestUsers.User> users = users(1_000);
        List<Outcome> outcomes = claimConcurrently(coupon, users, 2, null);
        assertInvariants(coupon, outcomes, 2_000);
        assertThat(recordsOnTopic()).as("records on the claims topic").isGreaterThanOrEqualTo(100);

        // what a relay crash between Kafka's acknowledgement and XACK causes: the same claims sent again
        List<CouponClaim> rows = claimMapper.selectList(null).stream().filter(c -> c.getCouponId() == coupon).limit(10).toList();
        double before = persisted("duplicate");
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            for (CouponClaim c : rows) {
                Claim again = new Claim(c.getClaimNo(), c.getCouponId(), c.getUserId());
                p.send(new ProducerRecord<>("cachelab.claims", again.claimNo(), again.toJson())).get();
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (persisted("duplicate") - before < 10 && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(persisted("duplicate") - before).isEqualTo(10);
        assertThat(claimMapper.countByCoupon(coupon)).isEqualTo(100);
        assertThat(couponMapper.selectById(coupon).getStock()).isZero();
    }

    double persisted(String result) {
        var c = meters.find("cachelab.claims.persisted").tags("result", result).counter();
        return c == null ? 0 : c.count();
    }

    long recordsOnTopic() {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            List<TopicPartition> parts = c.partitionsFor("cachelab.claims", Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
