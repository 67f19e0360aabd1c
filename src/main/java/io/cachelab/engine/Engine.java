package io.cachelab.engine;

import io.cachelab.engine.config.EngineConfig;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * The engine as a library: start one on a port (0 picks a free one), use it, close it. The Spring
 * app, the tests and {@link EngineMain} all start it through here.
 */
public final class Engine implements AutoCloseable {
    private final Server server;
    private final int port;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Engine(Server server, int port) {
        this.server = server;
        this.port = port;
        server.onShutdown(stopped::countDown);
    }

    public static Engine start(EngineConfig config) throws IOException {
        Server server = new Server(config);
        // loadDataFromDisk: with appendonly yes the AOF is the source, the RDB file is not read
        if (config.getBool("appendonly")) io.cachelab.engine.persistence.Aof.of(server).loadAtStartup();
        else io.cachelab.engine.persistence.Persistence.of(server).loadAtStartup();
        io.cachelab.engine.persistence.Aof.of(server);
        int port = server.start();
        return new Engine(server, port);
    }

    public int port() {
        return port;
    }

    /** For tests and diagnostics; the server's state belongs to the event-loop thread. */
    public Server server() {
        return server;
    }

    /** Blocks until SHUTDOWN or {@link #close()}. */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        server.stop();
        stopped.countDown();
    }
}
