package io.cachelab.sync;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * {@code cachelab.sync.kafka.*}: the Kafka change feed, for a Canal server that publishes to Kafka
 * ({@code canal.serverMode=kafka}, {@code canal.mq.flatMessage=true}) instead of serving TCP clients.
 * One consumer group for all instances is enough: an eviction reaches every instance's local tier
 * through Redis pub/sub. The broker and consumer settings are Spring Boot's {@code spring.kafka.*}.
 */
@ConfigurationProperties("cachelab.sync.kafka")
record KafkaProperties(@DefaultValue("false") boolean enabled,
                              @DefaultValue("cachelab-binlog") String topic,
                              @DefaultValue("cachelab-sync") String groupId,
                              @DefaultValue("3") int maxRetries,
                              @DefaultValue("200ms") Duration retryBackoff) {
    public KafkaProperties {
        if (maxRetries < 0) throw new IllegalArgumentException("cachelab.sync.kafka.max-retries must be >= 0");
    }
}
