package io.cachelab.sync;

import com.alibaba.otter.canal.client.CanalConnectors;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Wiring of the change feeds. The Canal client exists only when asked for (mode canal, or
 * {@code cachelab.sync.canal.enabled=true} to watch the binlog alongside another mode); with the
 * default mode the app opens no connection to a Canal server.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ConsistencyProperties.class, CanalProperties.class, KafkaProperties.class})
class SyncConfiguration {

    @Bean
    DeadLetters deadLetters(StringRedisTemplate redis, MeterRegistry meters) {
        return new DeadLetters(redis, meters);
    }

    @Bean
    @Conditional(CanalFeedWanted.class)
    CanalChangeFeed canalChangeFeed(CanalProperties props, ObjectProvider<ChangeListener> listeners,
                                    DeadLetters deadLetters, MeterRegistry meters) {
        List<ChangeListener> ordered = listeners.orderedStream().toList();
        return new CanalChangeFeed(props, () -> CanalConnectors.newSingleConnector(
                new InetSocketAddress(props.host(), props.port()), props.destination(), props.username(), props.password()),
                ordered, deadLetters, meters);
    }

    @Bean
    @Conditional(CanalFeedWanted.class)
    CanalHealthIndicator canalHealthIndicator(CanalChangeFeed feed, CanalProperties props) {
        return new CanalHealthIndicator(feed, props);
    }

    /**
     * The Kafka feed and its own listener container factory, so its retry/dead-letter policy does not
     * leak onto other features' listeners (coupons' claim queue).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "cachelab.sync.kafka.enabled", havingValue = "true")
    static class KafkaFeed {
        @Bean
        KafkaChangeFeed kafkaChangeFeed(ObjectProvider<ChangeListener> listeners, DeadLetters deadLetters, MeterRegistry meters) {
            return new KafkaChangeFeed(listeners.orderedStream().toList(), deadLetters, meters);
        }

        @Bean
        @SuppressWarnings("unchecked")
        ConcurrentKafkaListenerContainerFactory<String, String> syncKafkaListenerContainerFactory(
                ConsumerFactory<?, ?> consumers, ObjectProvider<KafkaChangeFeed> feed, KafkaProperties props) {
            // the feed is looked up when a record needs recovery: the listener post-processor asks for
            // this factory while it is processing the feed bean itself
            DefaultErrorHandler errors = new DefaultErrorHandler((rec, e) -> feed.getObject().recover(rec, e),
                    new FixedBackOff(props.retryBackoff().toMillis(), props.maxRetries()));
            errors.addNotRetryableExceptions(FlatMessages.Malformed.class);
            ConcurrentKafkaListenerContainerFactory<String, String> f = new ConcurrentKafkaListenerContainerFactory<>();
            f.setConsumerFactory((ConsumerFactory<String, String>) consumers);
            f.setCommonErrorHandler(errors);
            return f;
        }
    }

    static final class CanalFeedWanted extends AnyNestedCondition {
        CanalFeedWanted() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(name = "cachelab.consistency.mode", havingValue = "canal")
        static final class ModeCanal {
        }

        @ConditionalOnProperty(name = "cachelab.sync.canal.enabled", havingValue = "true")
        static final class Enabled {
        }
    }
}
