package io.cachelab.engine.dispatch;

import io.cachelab.engine.acl.Acl;
import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.info.LatencyMonitor;
import io.cachelab.engine.info.Stats;
import io.cachelab.engine.net.Blocking;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.net.EventLoop;
import io.cachelab.engine.net.Tracking;
import io.cachelab.engine.net.Watches;
import io.cachelab.engine.propagate.Propagation;

/**
 * What processCommand (server.c) asks of the server around it: the state its checks read (loading,
 * a busy script, a stale or read-only replica, disk errors, memory, good replicas) and the
 * subsystems a command's run touches (ACL, WATCH, blocking, tracking, propagation).
 */
public interface DispatchHost {
    EngineConfig config();

    Stats stats();

    LatencyMonitor latency();

    Acl acl();

    EventLoop eventLoop();

    Blocking blocking();

    Watches watches();

    Tracking tracking();

    Propagation propagation();

    void updateCommandTime();

    void logError(String what, Throwable t);

    /** server.loading: an RDB is being loaded; commands without the loading flag wait. */
    boolean loading();

    /** server.async_loading: commands flagged no-async-loading wait. */
    boolean asyncLoading();

    boolean scriptBusy();

    /** The BUSY error for the script or function that is running. */
    String busyError();

    boolean readOnlyReplica();

    /** A replica whose link is down and that must not serve stale data (-MASTERDOWN). */
    boolean staleReplica();

    /** MISCONF with its reason, or null. */
    String diskWriteError();

    /** The OOM refusal for a command over maxmemory, or null. */
    String oomCheck(CommandSpec spec, Client c);

    boolean tooFewGoodReplicas();

    /** master_repl_offset, noted as each client's write offset (WAIT). */
    long replOffset();

    /** After each top-level command: serve clients blocked on keys that became ready. */
    void afterCommand();
}
