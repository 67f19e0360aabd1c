package io.cachelab.config;

import io.cachelab.cache.CacheClient;
import io.cachelab.cache.CachePolicies;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RedissonClient;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;

/**
 * The pattern library as beans. CacheClient gets its own Lettuce client, built from the same
 * connection details Spring Data Redis uses (host, port, database, credentials; Sentinel or Cluster
 * nodes), with two connections: one for commands, and a dedicated one for the two-level cache's
 * eviction channel, because a subscribed connection cannot send commands. Its own client, not the
 * connection factory's: the factory is a lifecycle bean that closes and recreates its client when
 * the context is stopped and started again, which would leave the cache holding closed connections.
 * TLS settings (spring.data.redis.ssl) are not carried over yet.
 */
@Configuration(proxyBeanMethods = false)
class CacheConfiguration {

    @Bean
    CachePolicies cachePolicies(CacheProperties props) {
        return props.policies();
    }

    /**
     * Cluster client options for both Lettuce clients (Spring's and the cache's): follow a failover,
     * not only MOVED (adaptive triggers and a periodic refresh), and fail a command at once while
     * its node is disconnected instead of queueing it until the command timeout. Queued, a command
     * for a killed master waited the whole timeout even after its replica had been promoted, and
     * the next one again: EngineClusterFailoverIT saw requests fail until two timeouts (10 s) after
     * the kill, whatever the refresh period.
     */
    static ClusterClientOptions clusterOptions(Duration refresh) {
        return ClusterClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(refresh).build()).build();
    }

    /** Spring's Lettuce client on a cluster gets the same options (replacing the ones Boot built from the same properties). */
    @Bean
    LettuceClientConfigurationBuilderCustomizer clusterClientOptions(DataRedisConnectionDetails details,
            @Value("${spring.data.redis.lettuce.cluster.refresh.period:2s}") Duration refresh) {
        return builder -> {
            if (details.getCluster() != null) builder.clientOptions(clusterOptions(refresh));
        };
    }

    /** Depends on the connection factory so the embedded engine, if any, is listening first. */
    @Bean(destroyMethod = "shutdown")
    AbstractRedisClient cacheRedisClient(DataRedisConnectionDetails details, RedisConnectionFactory startedFirst,
                                         @Value("${spring.data.redis.timeout:5s}") Duration timeout,
                                         @Value("${spring.data.redis.lettuce.cluster.refresh.period:2s}") Duration refresh) {
        if (details.getCluster() != null) {
            List<RedisURI> seeds = details.getCluster().getNodes().stream()
                    .map(n -> withAuth(RedisURI.builder().withHost(n.host()).withPort(n.port()).withTimeout(timeout),
                            details.getUsername(), details.getPassword()).build()).toList();
            RedisClusterClient cluster = RedisClusterClient.create(seeds);
            // as Spring's own client (application.yml): follow a failover, not only MOVED, and time out
            // commands as spring.data.redis.timeout says rather than after Lettuce's default minute
            cluster.setOptions(clusterOptions(refresh));
            return cluster;
        }
        if (details.getSentinel() != null) {
            DataRedisConnectionDetails.Sentinel sentinel = details.getSentinel();
            DataRedisConnectionDetails.Node first = sentinel.getNodes().get(0);
            RedisURI.Builder uri = RedisURI.Builder.sentinel(first.host(), first.port(), sentinel.getMaster())
                    .withDatabase(sentinel.getDatabase()).withTimeout(timeout);
            sentinel.getNodes().stream().skip(1).forEach(n -> uri.withSentinel(n.host(), n.port()));
            return RedisClient.create(withAuth(uri, details.getUsername(), details.getPassword()).build());
        }
        DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
        return RedisClient.create(withAuth(RedisURI.builder().withHost(standalone.getHost()).withPort(standalone.getPort())
                .withDatabase(standalone.getDatabase()).withTimeout(timeout), details.getUsername(), details.getPassword()).build());
    }

    @Bean(destroyMethod = "close")
    CacheClient cacheClient(AbstractRedisClient cacheRedisClient, RedissonClient redisson, MeterRegistry meters,
                            JsonMapper json, CacheProperties props) {
        RedisClusterCommands<String, String> commands;
        StatefulRedisPubSubConnection<String, String> pubSub;
        if (cacheRedisClient instanceof RedisClusterClient cluster) {
            commands = cluster.connect(StringCodec.UTF8).sync();
            pubSub = cluster.connectPubSub(StringCodec.UTF8);
        } else {
            RedisClient client = (RedisClient) cacheRedisClient;
            commands = client.connect(StringCodec.UTF8).sync();
            pubSub = client.connectPubSub(StringCodec.UTF8);
        }
        return new CacheClient(commands, pubSub, redisson, meters, json, props.getLocalMaxSize(), props.getLocalTtl(),
                props.getRebuildThreads(), props.getRebuildQueue());
    }

    private static RedisURI.Builder withAuth(RedisURI.Builder uri, String username, String password) {
        if (password == null || password.isEmpty()) return uri;
        return username == null || username.isEmpty() ? uri.withPassword(password.toCharArray())
                : uri.withAuthentication(username, password);
    }
}
