package io.cachelab.cache;

import io.cachelab.engine.TestEngine;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.util.ArrayList;
import java.util.List;

/**
 * One engine and the real clients the library runs on (Lettuce for commands and pub/sub, Redisson for
 * the Bloom filter), opened once per test class. {@link #newClient()} builds another "instance" of
 * the application on the same engine, each with its own connections and local tier.
 */
final class CacheFixture implements AutoCloseable {
    final TestEngine engine = TestEngine.start();
    final RedisClient lettuce = RedisClient.create("redis://127.0.0.1:" + engine.port());
    final StatefulRedisConnection<String, String> admin = lettuce.connect();
    final RedissonClient redisson = connectRedisson();
    private final List<AutoCloseable> opened = new ArrayList<>();

    private RedissonClient connectRedisson() {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress("redis://127.0.0.1:" + engine.port())
                .setConnectionMinimumIdleSize(2).setConnectionPoolSize(8).setTimeout(10_000);
        return Redisson.create(config);
    }

    CacheClient newClient(SimpleMeterRegistry meters) {
        StatefulRedisConnection<String, String> c = lettuce.connect();
        var pubSub = lettuce.connectPubSub();
        CacheClient client = new CacheClient(c, pubSub, redisson, meters);
        opened.add(client);
        opened.add(pubSub);
        opened.add(c);
        return client;
    }

    void flush() {
        admin.sync().flushall();
    }

    @Override
    public void close() {
        for (AutoCloseable a : opened) {
            try {
                a.close();
            } catch (Exception ignored) {
                // shutting down: nothing useful to do with a close failure
            }
        }
        admin.close();
        redisson.shutdown();
        lettuce.shutdown();
        engine.close();
    }
}
