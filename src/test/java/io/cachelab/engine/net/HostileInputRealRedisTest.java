package io.cachelab.engine.net;

import io.cachelab.engine.it.RealRedis;
import org.junit.jupiter.api.Tag;

/**
 * The same contract against a real redis-server 7.0: this is where every expected text and
 * behaviour in {@link HostileInputContract} was checked, and it keeps them honest.
 */
@Tag("it")
class HostileInputRealRedisTest extends HostileInputContract {
    private RealRedis redis;

    @Override
    int startServer() {
        redis = RealRedis.start("--proto-max-bulk-len", Integer.toString(MAX_BULK));
        return redis.port();
    }

    @Override
    void stopServer() {
        if (redis != null) redis.close();
    }

    @Override
    int port() {
        return redis.port();
    }
}
