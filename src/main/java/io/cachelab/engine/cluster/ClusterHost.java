package io.cachelab.engine.cluster;

import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.dispatch.Dispatcher;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.net.EventLoop;
import io.cachelab.engine.pubsub.PubSub;
import io.cachelab.engine.replication.ReplicaLink;
import io.cachelab.engine.replication.ReplicationMaster;

import java.util.logging.Logger;

/**
 * What the cluster (cluster.c) asks of the server: DB 0 (the only database in cluster mode), the
 * event loop its bus runs on, replication (a replica of the cluster replicates through it), pub/sub
 * (messages that arrive over the bus), the dispatcher (a manual failover pauses writes) and the
 * client port it announces.
 */
public interface ClusterHost {
    EngineConfig config();

    Logger log();

    EventLoop eventLoop();

    Database db(int i);

    int port();

    ReplicationMaster replication();

    ReplicaLink replicaLink();

    PubSub pubsub();

    Dispatcher dispatcher();

    /** emptyData: a node reset from replica to master drops what it had replicated. */
    void emptyData();
}
