package io.cachelab.engine;

import io.cachelab.engine.cluster.Cluster;
import io.cachelab.engine.command.Families;
import io.cachelab.engine.server.InfoSections;
import io.cachelab.engine.server.Server;
import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.persistence.Aof;
import io.cachelab.engine.persistence.Persistence;
import io.cachelab.engine.replication.ReplicaLink;
import io.cachelab.engine.replication.ReplicationMaster;
import io.cachelab.engine.script.Scripting;

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
        return start(config, server -> { });
    }

    /**
     * main()'s order: listen first (so a taken port fails fast), then {@code listening} (the
     * standalone banner), then the data from disk, then the loop and "Ready to accept connections".
     */
    public static Engine start(EngineConfig config, java.util.function.Consumer<Server> listening) throws IOException {
        Server server = assemble(config);
        int port = server.listen();
        listening.accept(server);
        String[] master = config.getString("replicaof").trim().split("\\s+");
        if (master.length == 2) server.replicaLink().configure(master[0], Integer.parseInt(master[1]));
        // loadDataFromDisk: with appendonly yes the AOF is the source, the RDB file is not read
        if (config.getBool("appendonly")) server.aof().loadAtStartup();
        else server.persistence().loadAtStartup(server.isReplica() ? null : server.replication().backlogForStartup());
        server.replication().startupLoaded();
        if (server.cluster() != null) server.cluster().verifyWithData();
        server.startLoop();
        return new Engine(server, port);
    }

    /**
     * The wiring root: the command table bound to every family, the server with its keyspace, event
     * loop, ACL, pub/sub and dispatcher, and the subsystems around it (RDB, AOF, replication,
     * scripting), each handed what it needs. Nothing registers itself elsewhere.
     */
    public static Server assemble(EngineConfig config) throws IOException {
        return assemble(config, Families.registerAll());
    }

    /** The same wiring over another command table (a Sentinel's: see sentinel.SentinelMain). */
    public static Server assemble(EngineConfig config, io.cachelab.engine.dispatch.Commands commands) throws IOException {
        Server server = new Server(config, commands);
        server.acl().setClientInfo(Families::clientInfo);
        ReplicationMaster replication = new ReplicationMaster(server);
        Persistence persistence = new Persistence(server);
        persistence.onBgsaveDone(replication::bgsaveDone);
        server.install(persistence, new Aof(server), replication, new ReplicaLink(server, replication),
                () -> new Scripting(server));
        InfoSections.register(server.info(), server);
        if (config.getBool("cluster-enabled")) server.installCluster(new Cluster(server));
        return server;
    }

    public int port() {
        return port;
    }

    /** For tests and diagnostics; the server's state belongs to the event-loop thread. */
    public Server server() {
        return server;
    }

    /** Waits at most {@code ms} for the server to stop. */
    public void awaitShutdown(long ms) {
        try {
            stopped.await(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean closed;

    /** Blocks until SHUTDOWN or {@link #close()}. */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** Stops the server once: SIGTERM's shutdown hook and the main thread may both get here. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        server.stop();
        stopped.countDown();
    }
}
