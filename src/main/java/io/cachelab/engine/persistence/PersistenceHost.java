package io.cachelab.engine.persistence;

import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.dispatch.Dispatcher;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.keyspace.Eviction;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.net.EventLoop;
import io.cachelab.engine.net.Tracking;
import io.cachelab.engine.net.Watches;
import io.cachelab.engine.propagate.Propagation;
import io.cachelab.engine.script.Scripting;

import java.util.logging.Logger;

/**
 * What RDB and AOF (rdb.c, aof.c) ask of the server: the databases they save and load, the dirty
 * counter, the dispatcher an AOF replays through, scripting (functions are saved with the data),
 * the replication ids an RDB records, and each other (Persistence and Aof are both held here).
 */
public interface PersistenceHost {
    EngineConfig config();

    Logger log();

    int port();

    Database db(int i);

    Database[] databases();

    int databaseCount();

    Eviction eviction();

    EventLoop eventLoop();

    Dispatcher dispatcher();

    Propagation propagation();

    Watches watches();

    Tracking tracking();

    Persistence persistence();

    Aof aof();

    Scripting scripting();

    /** Scripting if a script or function was ever used, else null. */
    Scripting scriptingIfStarted();

    /** A client with no connection (createClient(NULL)): the AOF replays through one. */
    Client fakeClient();

    long commandTimeMs();

    /** Whether this server replicates a master (iAmMaster's opposite): a replica loads expired keys. */
    boolean isReplica();

    /** Changes since the last save (server.dirty). */
    long dirty();

    void addDirty(long n);

    void resetDirty();

    long lastSaveSeconds();

    void setLastSave(long seconds);

    /** rdbPopulateSaveInfo: what an RDB records to PSYNC from after a restart, or null. */
    String[] replicationSaveInfo();

    /** loadDataFromDisk's replication step. */
    void restoreReplicationInfo(String replid, String offset, String streamDb);
}
