package io.cachelab.engine.clients;

import io.cachelab.engine.TestEngine;
import redis.clients.jedis.Jedis;

/**
 * The server a client test talks to: normally its own engine on a free port. With
 * {@code -Dclients.redisPort=N} the same tests run against a real redis-server on 127.0.0.1:N, which is
 * how their expectations were checked against Redis 7.0.15 (the tests flush that server).
 */
final class Target implements AutoCloseable {
    private final TestEngine engine;
    private final int port;

    private Target(TestEngine engine, int port) {
        this.engine = engine;
        this.port = port;
    }

    static Target start() {
        String external = System.getProperty("clients.redisPort");
        if (external != null && !external.isBlank()) return new Target(null, Integer.parseInt(external));
        TestEngine engine = TestEngine.start();
        return new Target(engine, engine.port());
    }

    int port() {
        return port;
    }

    Jedis jedis() {
        return new Jedis("127.0.0.1", port, 5000);
    }

    @Override
    public void close() {
        if (engine != null) engine.close();
    }
}
