package io.cachelab.config;

import io.cachelab.cache.CacheClient;
import io.cachelab.cache.CachePolicies;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RedissonClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pattern library as beans. CacheClient gets its own two Lettuce connections from the client
 * Spring Data Redis built (same host, credentials, TLS and timeouts as RedisTemplate): one for
 * commands, and a dedicated one for the two-level cache's eviction channel, because a subscribed
 * connection cannot send commands. Standalone and Sentinel set-ups give a RedisClient here, a Redis
 * Cluster a RedisClusterClient; the library takes either's synchronous API.
 */
@Configuration(proxyBeanMethods = false)
class CacheConfiguration {

    @Bean
    CachePolicies cachePolicies(CacheProperties props) {
        return props.policies();
    }

    @Bean(destroyMethod = "close")
    CacheClient cacheClient(LettuceConnectionFactory factory, RedissonClient redisson, MeterRegistry meters,
                            JsonMapper json, CacheProperties props) {
        RedisClusterCommands<String, String> commands;
        StatefulRedisPubSubConnection<String, String> pubSub;
        if (factory.getNativeClient() instanceof RedisClusterClient cluster) {
            commands = cluster.connect(StringCodec.UTF8).sync();
            pubSub = cluster.connectPubSub(StringCodec.UTF8);
        } else {
            RedisClient client = (RedisClient) factory.getNativeClient();
            commands = client.connect(StringCodec.UTF8).sync();
            pubSub = client.connectPubSub(StringCodec.UTF8);
        }
        return new CacheClient(commands, pubSub, redisson, meters, json, props.getLocalMaxSize(), props.getLocalTtl(),
                props.getRebuildThreads(), props.getRebuildQueue());
    }
}
