package io.cachelab.engine.net;

import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.info.Stats;
import io.cachelab.engine.keyspace.Database;

import java.net.InetSocketAddress;

/**
 * What the networking layer (ae.c, networking.c, blocked.c) asks of the server above it: a parsed
 * request to process, the timers to run around each poll, and the rules for accepting and
 * closing connections. Declared here so net names nothing above it.
 */
public interface NetHost {
    EngineConfig config();

    Stats stats();

    Database db(int i);

    EventLoop eventLoop();

    Tracking tracking();

    int hz();

    void updateCommandTime();

    /** processCommand for a request the event loop parsed. */
    void processCommand(Client c, byte[][] argv);

    /** Runs a command again without the checks (a blocked command now served). */
    void runQueued(Client c, byte[][] argv);

    /** A new connection runs as the default user, authenticated if that user needs no password. */
    void initClient(Client c);

    boolean authRequired(Client c);

    /** Why a new connection is refused, or null to accept it; {@code remote} is null for a Unix socket. */
    String acceptRefusal(Client c, InetSocketAddress remote);

    void clientClosed(Client c);

    /** The reply-buffer size past which a client is disconnected. */
    long outputLimitFor(Client c);

    /** afterErrorReply's warning for an error on a replication link. */
    void errorOnReplicationLink(Client c, String error);

    /** serverCron. */
    void cron();

    void beforeSleep();

    void afterEvents();

    long msUntilNextTimer();
}
