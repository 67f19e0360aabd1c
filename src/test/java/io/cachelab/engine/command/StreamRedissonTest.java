package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.redisson.Redisson;
import org.redisson.api.RStream;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.AutoClaimResult;
import org.redisson.api.stream.PendingResult;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.api.stream.StreamCreateGroupArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.api.stream.StreamReadGroupArgs;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Redisson's RStream, the API the coupons claim queue uses, against the engine unchanged. */
class StreamRedissonTest {
    static final TestEngine ENGINE = TestEngine.start();

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @Test
    @Timeout(60)
    void claimQueueFlowThroughRStream() throws Exception {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + ENGINE.port())
                .setConnectionMinimumIdleSize(1).setConnectionPoolSize(2)
                .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(1);
        RedissonClient redisson = Redisson.create(config);
        try {
            RStream<String, String> stream = redisson.getStream("claims", StringCodec.INSTANCE);
            stream.createGroup(StreamCreateGroupArgs.name("workers").makeStream());
            StreamMessageId first = stream.add(StreamAddArgs.entry("user", "u1"));
            StreamMessageId second = stream.add(StreamAddArgs.entry("user", "u2"));
            assertThat(stream.size()).isEqualTo(2);

            Map<StreamMessageId, Map<String, String>> got =
                    stream.readGroup("workers", "w1", StreamReadGroupArgs.neverDelivered().count(10));
            assertThat(got).containsOnlyKeys(first, second);
            assertThat(got.get(first)).isEqualTo(Map.of("user", "u1"));

            assertThat(stream.ack("workers", first)).isEqualTo(1);
            PendingResult pending = stream.getPendingInfo("workers");
            assertThat(pending.getTotal()).isEqualTo(1);
            assertThat(pending.getLowestId()).isEqualTo(second);
            assertThat(pending.getConsumerNames()).isEqualTo(Map.of("w1", 1L));

            TimeUnit.MILLISECONDS.sleep(20);
            AutoClaimResult<String, String> claimed =
                    stream.autoClaim("workers", "w2", 10, TimeUnit.MILLISECONDS, StreamMessageId.MIN, 10);
            assertThat(claimed.getMessages()).containsOnlyKeys(second);
            assertThat(claimed.getDeletedIds()).isEqualTo(List.of());

            Map<StreamMessageId, Map<String, String>> none = stream.readGroup("workers", "w1",
                    StreamReadGroupArgs.neverDelivered().timeout(Duration.ofMillis(50)));
            assertThat(none).isEmpty();
        } finally {
            redisson.shutdown();
        }
    }
}
