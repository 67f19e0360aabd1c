package io.cachelab.config;

import io.cachelab.support.ApiClient;
import org.junit.jupiter.api.Test;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service on its embedded defaults: the engine starts before Lettuce and Redisson, both use
 * it, RedisTemplate is backed by Lettuce on purpose, and Actuator health reports the engine (to an ADMIN).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmbeddedEngineApplicationTest {
    static final int ENGINE_PORT = io.cachelab.engine.TestEngine.freePort();

    @DynamicPropertySource
    static void enginePort(DynamicPropertyRegistry registry) {
        registry.add("cachelab.engine.port", () -> ENGINE_PORT);
    }


    @Autowired
    StringRedisTemplate redis;
    @Autowired
    RedisConnectionFactory connectionFactory;
    @Autowired
    RedissonClient redisson;
    @LocalServerPort
    int httpPort;

    @Test
    void lettuceBacksRedisTemplateAndReachesTheEngine() {
        assertThat(connectionFactory).isInstanceOf(LettuceConnectionFactory.class);
        assertThat(((LettuceConnectionFactory) connectionFactory).getPort()).isEqualTo(ENGINE_PORT);
        redis.opsForValue().set("greeting", "hello");
        assertThat(redis.opsForValue().get("greeting")).isEqualTo("hello");
        assertThat(redis.opsForValue().increment("counter", 5)).isEqualTo(5L);
    }

    @Test
    void redissonUsesTheSameEngine() throws InterruptedException {
        redisson.getBucket("shared").set("from-redisson");
        // Redisson's default codec wraps values; the key itself is visible through Lettuce
        assertThat(redis.hasKey("shared")).isTrue();
        RLock lock = redisson.getLock("app-lock");
        assertThat(lock.tryLock(5, 10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        try {
            assertThat(lock.isHeldByCurrentThread()).isTrue();
        } finally {
            lock.unlock();
        }
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void healthReportsTheEngineToAnAdmin() {
        // anonymous callers see statuses only (HealthExposureTest); the engine's details need ADMIN
        ApiClient api = new ApiClient(httpPort);
        ApiClient.Response r = api.get("/actuator/health", api.loginAdmin());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"engine\":{\"details\":{\"port\":" + ENGINE_PORT)
                .contains("\"mode\":\"embedded\"").contains("\"status\":\"UP\"");
    }
}
