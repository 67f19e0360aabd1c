package io.cachelab.engine.sentinel;

import io.cachelab.engine.TestEngine;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.cachelab.engine.sentinel.SentinelFailoverTest.discovered;
import static io.cachelab.engine.sentinel.SentinelFailoverTest.replicate;
import static io.cachelab.engine.sentinel.SentinelFailoverTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real clients in Sentinel mode against engine Sentinels: Lettuce (a RedisURI with sentinels) and
 * Redisson (useSentinelServers) find the master through SENTINEL GET-MASTER-ADDR-BY-NAME, and after
 * the master is killed they write to the promoted replica without being restarted.
 */
class SentinelClientsTest {

    @Test
    void lettuceAndRedissonFollowAFailoverWithoutARestart() throws Exception {
        try (TestEngine m = TestEngine.start(); TestEngine r1 = TestEngine.start(); TestEngine r2 = TestEngine.start()) {
            replicate(m, r1, r2);
            List<TestSentinel> sentinels = new ArrayList<>();
            RedisClient lettuce = null;
            RedissonClient redisson = null;
            try {
                for (int i = 0; i < 3; i++) sentinels.add(TestSentinel.monitoring(m.port(), 2));
                discovered(sentinels, 2);
                RedisURI.Builder uri = RedisURI.Builder.sentinel("127.0.0.1", sentinels.get(0).port(), "mym");
                sentinels.stream().skip(1).forEach(s -> uri.withSentinel("127.0.0.1", s.port()));
                lettuce = RedisClient.create(uri.withTimeout(Duration.ofSeconds(2)).build());
                StatefulRedisConnection<String, String> conn = lettuce.connect();
                Config cfg = new Config();
                var servers = cfg.useSentinelServers().setMasterName("mym").setScanInterval(500).setRetryAttempts(20)
                        .setRetryInterval(500).setTimeout(2000);
                sentinels.forEach(s -> servers.addSentinelAddress("redis://127.0.0.1:" + s.port()));
                redisson = Redisson.create(cfg);

                conn.sync().set("lettuce", "before");
                redisson.getBucket("redisson").set("before");
                try (Jedis jm = m.jedis()) {
                    assertThat(jm.get("lettuce")).isEqualTo("before");
                    assertThat(jm.exists("redisson")).isTrue();
                }
                m.close();
                for (TestSentinel s : sentinels) {
                    waitFor(() -> !s.events("+switch-master").isEmpty(), 20_000, "+switch-master on " + s.port());
                }
                int promoted = Integer.parseInt(sentinels.get(0).events("+switch-master").get(0).split(" ")[5]);
                assertThat(promoted).isIn(r1.port(), r2.port());

                long deadline = System.currentTimeMillis() + 20_000;
                String lettuceAfter = null;
                while (lettuceAfter == null && System.currentTimeMillis() < deadline) {
                    try {
                        conn.sync().set("lettuce", "after");
                        lettuceAfter = conn.sync().get("lettuce");
                    } catch (RuntimeException stillFailingOver) {
                        Thread.sleep(200);
                    }
                }
                assertThat(lettuceAfter).isEqualTo("after");
                redisson.getBucket("redisson").set("after");
                assertThat(redisson.<String>getBucket("redisson").get()).isEqualTo("after");
                try (Jedis newMaster = new Jedis("127.0.0.1", promoted, 5000)) {
                    assertThat(newMaster.get("lettuce")).isEqualTo("after");
                    assertThat(newMaster.exists("redisson")).isTrue();
                    assertThat(newMaster.info("replication")).contains("role:master");
                }
            } finally {
                if (redisson != null) redisson.shutdown();
                if (lettuce != null) lettuce.shutdown();
                sentinels.forEach(TestSentinel::close);
            }
        }
    }
}
