package io.cachelab.sync;

import io.cachelab.cache.CacheClient;
import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.cachelab.sync.SyncPolicies.ARTICLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka feed on a real broker: spring-kafka-test's embedded KRaft broker in this JVM, messages in
 * Canal's flatMessage format produced with a real KafkaTemplate, the app's consumer, and the cache on
 * the embedded engine. UPDATE/INSERT/DELETE evict or reach the Bloom filter; a poisoned row is tried
 * 1 + max-retries times, dead-lettered, and the rows after it in the same message still flow; a
 * malformed message is dead-lettered at once.
 */
@Tag("it")
@SpringBootTest(properties = {"cachelab.sync.kafka.enabled=true", "cachelab.sync.kafka.topic=" + KafkaChangeFeedTest.TOPIC,
        "cachelab.sync.kafka.retry-backoff=100ms", "cachelab.sync.kafka.max-retries=3",
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "spring.kafka.consumer.auto-offset-reset=earliest"})
@EmbeddedKafka(partitions = 1, topics = KafkaChangeFeedTest.TOPIC)
@Import(KafkaChangeFeedTest.Listeners.class)
class KafkaChangeFeedTest {
    static final String TOPIC = "cachelab-binlog-test";
    static final int ENGINE_PORT = TestEngine.freePort();
    static final long POISONED_ID = 777;
    static final AtomicInteger POISON_CALLS = new AtomicInteger();
    static final List<ChangeEvent> SEEN = new CopyOnWriteArrayList<>();

    @DynamicPropertySource
    static void enginePort(DynamicPropertyRegistry registry) {
        registry.add("cachelab.engine.port", () -> ENGINE_PORT);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Listeners {
        @Bean
        ChangeListener recordingAndPoisoned() {
            return e -> {
                SEEN.add(e);
                if (e.id() == POISONED_ID) {
                    POISON_CALLS.incrementAndGet();
                    throw new IllegalStateException("poisoned row " + e.id());
                }
            };
        }
    }

    @Autowired
    KafkaTemplate<String, String> kafka;
    @Autowired
    CacheClient cache;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    RedissonClient redisson;
    @Autowired
    DeadLetters deadLetters;
    @Autowired
    KafkaChangeFeed feed;

    @Test
    void updateEvictsAndCarriesBothImages() {
        cache.put("21", Map.of("id", 21, "title", "old"), ARTICLE);
        send(flat("UPDATE", "[{\"id\":\"21\",\"title\":\"new\"}]", "[{\"title\":\"old\"}]"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !redis.hasKey("cachelab:article:21"));
        ChangeEvent e = SEEN.stream().filter(x -> x.id() == 21).findFirst().orElseThrow();
        assertThat(e.before()).containsEntry("title", "old");
        assertThat(e.after()).containsEntry("title", "new");
        assertThat(feed.lagMillis()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void insertReachesTheBloomFilterAndDeleteEvicts() {
        var bloom = redisson.<String>getBloomFilter("cachelab:bloom:article");
        cache.put("31", Map.of("id", 31), ARTICLE);
        send(flat("INSERT", "[{\"id\":\"6001\",\"title\":\"t\"}]", "null"));
        send(flat("DELETE", "[{\"id\":\"31\",\"title\":\"t\"}]", "null"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !redis.hasKey("cachelab:article:31"));
        assertThat(bloom.contains("6001")).as("the INSERT, sent first, was handled before the DELETE").isTrue();
        assertThat(bloom.contains("6002")).isFalse();
    }

    @Test
    void aPoisonedRowIsDeadLetteredAfterRetriesAndItsNeighboursStillFlow() {
        int lettersBefore = deadLetters.list().size();
        cache.put("41", Map.of("id", 41), ARTICLE);
        cache.put("42", Map.of("id", 42), ARTICLE);
        // one message, three rows: 41 before the poison, 777, 42 after it
        send(flat("UPDATE", "[{\"id\":\"41\"},{\"id\":\"777\"},{\"id\":\"42\"}]", "[{},{},{}]"));
        await().atMost(Duration.ofSeconds(15)).until(() -> !redis.hasKey("cachelab:article:42"));
        assertThat(redis.hasKey("cachelab:article:41")).isFalse();
        assertThat(POISON_CALLS.get()).as("first try + 3 retries").isEqualTo(4);
        List<String> letters = deadLetters.list();
        assertThat(letters).hasSize(lettersBefore + 1);
        assertThat(letters.get(letters.size() - 1)).contains("\"source\":\"kafka\"", "\"id\":777", "poisoned row 777",
                "\"position\":\"" + TOPIC + "-0@");

        cache.put("43", Map.of("id", 43), ARTICLE);
        send(flat("UPDATE", "[{\"id\":\"43\"}]", "[{}]"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !redis.hasKey("cachelab:article:43"));
        assertThat(POISON_CALLS.get()).isEqualTo(4);
    }

    @Test
    void aMalformedMessageIsDeadLetteredWithoutRetries() {
        int lettersBefore = deadLetters.list().size();
        send("this is not a flatMessage");
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.list().size() == lettersBefore + 1);
        assertThat(deadLetters.list().get(lettersBefore)).contains("\"event\":\"this is not a flatMessage\"", "Malformed");
        cache.put("51", Map.of("id", 51), ARTICLE);
        send(flat("UPDATE", "[{\"id\":\"51\"}]", "[{}]"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !redis.hasKey("cachelab:article:51"));
    }

    @Test
    void publishToEvictionLatencyOverOneHundredMessages() {
        long[] micros = new long[100];
        for (int i = 0; i < micros.length; i++) {
            String id = Integer.toString(100 + i);
            cache.put(id, Map.of("id", 100 + i, "title", "old"), ARTICLE);
            long t0 = System.nanoTime();
            send(flat("UPDATE", "[{\"id\":\"" + id + "\",\"title\":\"new\"}]", "[{\"title\":\"old\"}]"));
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> !redis.hasKey("cachelab:article:" + id));
            micros[i] = (System.nanoTime() - t0) / 1_000;
        }
        java.util.Arrays.sort(micros);
        System.out.printf("KAFKA-FEED publish-to-eviction over 100 flatMessages (embedded KRaft broker -> KafkaChangeFeed -> "
                + "CacheInvalidator -> Redis): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                micros[49] / 1000.0, micros[98] / 1000.0, micros[99] / 1000.0);
        assertThat(micros[99]).isLessThan(5_000_000);
    }

    private void send(String payload) {
        kafka.send(TOPIC, payload).join();
    }

    static String flat(String type, String data, String old) {
        return "{\"data\":" + data + ",\"database\":\"cachelab\",\"es\":" + System.currentTimeMillis() + ",\"id\":1,\"isDdl\":false,"
                + "\"old\":" + old + ",\"pkNames\":[\"id\"],\"sql\":\"\",\"table\":\"article\",\"ts\":" + System.currentTimeMillis()
                + ",\"type\":\"" + type + "\"}";
    }
}
