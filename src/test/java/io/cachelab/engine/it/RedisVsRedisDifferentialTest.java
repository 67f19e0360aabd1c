package io.cachelab.engine.it;

import org.junit.jupiter.api.Tag;

/**
 * The harness checking itself: two real redis-servers must never diverge. A failure here is a bug in
 * a generator or in the normalisation (something compared exactly that Redis leaves unordered,
 * random or clock-dependent), never in the engine.
 */
@Tag("it")
class RedisVsRedisDifferentialTest extends DifferentialSuite {
    private RealRedis other;

    @Override
    Endpoint startSideA() {
        other = RealRedis.start();
        return new Endpoint("redis-a", "127.0.0.1", other.port());
    }

    @Override
    void stopSideA() {
        if (other != null) other.close();
    }
}
