package io.cachelab.engine.sentinel;

import io.cachelab.CacheLabApplication;
import io.cachelab.engine.TestEngine;
import io.cachelab.support.ApiClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static io.cachelab.engine.sentinel.SentinelFailoverTest.discovered;
import static io.cachelab.engine.sentinel.SentinelFailoverTest.replicate;
import static io.cachelab.engine.sentinel.SentinelFailoverTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service configured by spring.data.redis.sentinel.* (Lettuce for RedisTemplate and the cache,
 * Redisson through its starter) rides through a failover: while the master is gone a write answers
 * 503 as a retryable problem detail, and once the Sentinels promote a replica the same running
 * service writes there. tools/sentinel-failover.py measures the same with kill -9 and load.
 */
@Tag("it")
class SentinelServiceTest {

    @Test
    void theServiceWritesToThePromotedReplicaWithoutARestart() throws Exception {
        try (TestEngine m = TestEngine.start(); TestEngine r1 = TestEngine.start(); TestEngine r2 = TestEngine.start()) {
            replicate(m, r1, r2);
            List<TestSentinel> sentinels = new ArrayList<>();
            ConfigurableApplicationContext app = null;
            try {
                for (int i = 0; i < 3; i++) sentinels.add(TestSentinel.monitoring(m.port(), 2));
                discovered(sentinels, 2);
                String nodes = sentinels.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","));
                app = new SpringApplicationBuilder(CacheLabApplication.class).run("--server.port=0",
                        "--cachelab.engine.enabled=false", "--spring.data.redis.sentinel.master=mym",
                        "--spring.data.redis.sentinel.nodes=" + nodes, "--spring.data.redis.timeout=2s");
                ApiClient api = new ApiClient(((WebServerApplicationContext) app).getWebServer().getPort());
                assertThat(api.post("/api/articles/1/views", null, null).status()).isEqualTo(200);
                long before = api.post("/api/articles/1/views", null, null).json().get("views").asLong();
                try (Jedis jm = m.jedis()) {
                    assertThat(jm.get("cachelab:article:views:1")).isEqualTo(Long.toString(before));
                    assertThat(jm.waitReplicas(2, 5000)).isEqualTo(2);
                }
                m.close();
                List<Integer> statuses = new ArrayList<>();
                long[] after = {0};
                waitFor(() -> {
                    ApiClient.Response r = api.post("/api/articles/1/views", null, null);
                    statuses.add(r.status());
                    if (r.status() == 503) {
                        assertThat(r.header("Content-Type")).contains("application/problem+json");
                        assertThat(r.json().get("retryable").asBoolean()).isTrue();
                    }
                    if (r.status() == 200) after[0] = r.json().get("views").asLong();
                    return r.status() == 200;
                }, 30_000, "a write through the service after the failover");
                assertThat(statuses).allMatch(s -> s == 200 || s == 503);
                assertThat(after[0]).isEqualTo(before + 1);
                int promoted;
                try (Jedis s0 = sentinels.get(0).jedis()) {
                    promoted = Integer.parseInt(s0.sentinelGetMasterAddrByName("mym").get(1));
                }
                try (Jedis nm = new Jedis("127.0.0.1", promoted, 5000)) {
                    assertThat(nm.get("cachelab:article:views:1")).isEqualTo(Long.toString(before + 1));
                }
            } finally {
                if (app != null) app.close();
                sentinels.forEach(TestSentinel::close);
            }
        }
    }
}
