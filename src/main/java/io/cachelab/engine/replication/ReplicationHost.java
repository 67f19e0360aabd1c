package io.cachelab.engine.replication;

import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.keyspace.ReplicaExpires;
import io.cachelab.engine.net.Blocking;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.net.EventLoop;
import io.cachelab.engine.net.Watches;
import io.cachelab.engine.persistence.Aof;
import io.cachelab.engine.persistence.Persistence;
import io.cachelab.engine.propagate.Propagation;
import io.cachelab.engine.script.Scripting;

import java.util.logging.Logger;

/**
 * What replication (replication.c) asks of the server: the dataset it sends and replaces, the
 * persistence it snapshots through, the replication offset, the loading flags a full sync sets,
 * and the role changes it makes (clients unblocked, AOF restarted, writes paused for FAILOVER).
 */
public interface ReplicationHost {
    EngineConfig config();

    Logger log();

    int port();

    Database db(int i);

    Database[] databases();

    int databaseCount();

    long keyCount();

    /** A new empty database numbered {@code id} (the old dataset kept aside while a replica loads). */
    Database newDatabase(int id);

    EventLoop eventLoop();

    Blocking blocking();

    Watches watches();

    Propagation propagation();

    Persistence persistence();

    Aof aof();

    Scripting scripting();

    ReplicationMaster replication();

    ReplicaLink replicaLink();

    ReplicaExpires replicaExpires();

    boolean isReplica();

    void advanceReplOffset(long n);

    /** The reply-buffer size past which a client is disconnected. */
    long outputLimitFor(Client c);

    void setLoading(boolean loading);

    void setAsyncLoading(boolean asyncLoading);

    /** emptyData: every database flushed; WATCHers see it. */
    void emptyData();

    /** disconnectAllBlockedClients. */
    void disconnectBlockedClients();

    /** The role changed: an enabled AOF restarts from the new dataset. */
    void replicationRoleChanged();

    /** INFO's master_failover_state. */
    String failoverState();

    void pauseWritesForFailover(boolean on);
}
