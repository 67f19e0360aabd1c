package io.cachelab.config;

import org.redisson.spring.starter.RedissonAutoConfigurationV4;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Decides on purpose which client backs RedisTemplate: Lettuce (Spring Boot's default, RESP3), while
 * Redisson serves locks and Bloom filters. Redisson's starter runs before Spring Data
 * Redis and would register its own RedisConnectionFactory; we exclude it from auto-configuration
 * (application.yml) and import it here, after Spring Data Redis, so its conditional beans back off.
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@Import(RedissonAutoConfigurationV4.class)
public class RedissonAfterLettuceAutoConfiguration {
}
