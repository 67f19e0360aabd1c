package io.cachelab.engine.memory;

import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.info.Stats;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.keyspace.Eviction;
import io.cachelab.engine.net.EventLoop;
import io.cachelab.engine.propagate.Propagation;
import io.cachelab.engine.util.Bytes;

import java.util.logging.Logger;

/** What eviction (evict.c) asks of the server: the databases to evict from, its clients, the role, the pause. */
public interface EvictorHost {
    EngineConfig config();

    Stats stats();

    Logger log();

    Eviction eviction();

    EventLoop eventLoop();

    Propagation propagation();

    Database db(int i);

    Database[] databases();

    int databaseCount();

    boolean isReplica();

    boolean clientsPaused();

    boolean scriptBusy();

    void notifyKeyspaceEvent(int type, String event, Bytes key, int dbid);
}
