package io.cachelab.engine.keyspace;

import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.info.LatencyMonitor;
import io.cachelab.engine.info.Stats;
import io.cachelab.engine.util.Bytes;

/**
 * What the keyspace (db.c, expire.c) asks of the server above it: the clock commands see, the
 * replication role, and the hooks a key change fires (signalModifiedKey, notifyKeyspaceEvent,
 * propagateDeletion). Declared here so the keyspace names nothing above it; the server implements
 * it and the wiring root hands it in.
 */
public interface KeyspaceHost {
    EngineConfig config();

    Stats stats();

    LatencyMonitor latency();

    Eviction eviction();

    Database db(int i);

    int databaseCount();

    int hz();

    /** The time commands see: fixed for the duration of a top-level command. */
    long commandTimeMs();

    /** A command is executing (not loading, not the cron). */
    boolean inCommand();

    /** CLIENT PAUSE in force: no key changes, expiry included. */
    boolean clientsPaused();

    /** server.masterhost != NULL. */
    boolean isReplica();

    boolean readOnlyReplica();

    /** True while a command from our master runs: it may write, and keys it reads are not expired. */
    boolean runningMasterCommand();

    /** Keys a writable replica's own clients gave a TTL. */
    ReplicaExpires replicaExpires();

    /** signalModifiedKey: WATCH, blocked clients, tracking. */
    void keyModified(Database db, Bytes key);

    /** A database was emptied or swapped: clients blocked on its keys look again. */
    void databaseReplaced(Database db);

    void notifyKeyspaceEvent(int type, String event, Bytes key, int dbid);

    /** propagateDeletion: an expired or evicted key reaches the AOF and the replicas as DEL or UNLINK. */
    void propagateDeletion(Database db, Bytes key, boolean lazy);
}
