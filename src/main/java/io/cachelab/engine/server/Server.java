package io.cachelab.engine.server;

import io.cachelab.engine.acl.Acl;
import io.cachelab.engine.acl.AclHost;
import io.cachelab.engine.cluster.Cluster;
import io.cachelab.engine.cluster.ClusterHost;
import io.cachelab.engine.dispatch.DispatchHost;
import io.cachelab.engine.info.LatencyMonitor;
import io.cachelab.engine.info.Stats;
import io.cachelab.engine.keyspace.KeyspaceHost;
import io.cachelab.engine.keyspace.ReplicaExpires;
import io.cachelab.engine.memory.EvictorHost;
import io.cachelab.engine.net.NetHost;
import io.cachelab.engine.net.Tracking;
import io.cachelab.engine.persistence.PersistenceHost;
import io.cachelab.engine.propagate.Propagation;
import io.cachelab.engine.replication.ReplicationHost;
import io.cachelab.engine.script.ScriptingHost;
import io.cachelab.engine.net.ReplyBufferSizing;
import io.cachelab.engine.table.CommandFlag;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.dispatch.Dispatcher;
import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.info.Info;
import io.cachelab.engine.keyspace.ActiveExpiry;
import io.cachelab.engine.net.Blocking;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.keyspace.Eviction;
import io.cachelab.engine.memory.Evictor;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Watches;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.net.EventLoop;
import io.cachelab.engine.persistence.Aof;
import io.cachelab.engine.persistence.Persistence;
import io.cachelab.engine.pubsub.PubSub;
import io.cachelab.engine.replication.ReplicaLink;
import io.cachelab.engine.replication.ReplicationMaster;
import io.cachelab.engine.script.Scripting;
import io.cachelab.engine.util.Bytes;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's state, as Redis's global `server` struct but an object, so several engines can run
 * in one JVM (tests do). Everything here is touched only by the event-loop thread.
 */
public final class Server implements KeyspaceHost, NetHost, AclHost, EvictorHost, DispatchHost, ScriptingHost,
        PersistenceHost, ReplicationHost, ClusterHost {
    private static final Logger LOG = Logger.getLogger("io.cachelab.engine");
    /** The Redis version the engine answers as (INFO, HELLO): the one whose command table it carries. */
    public static final String REDIS_VERSION = "7.0.15";

    private final EngineConfig config;
    private final Database[] dbs;
    private final Stats stats = new Stats();
    private final Dispatcher dispatcher;
    private final Acl acl;
    private final EventLoop eventLoop;
    private final Blocking blocking = new Blocking(this);
    private final Propagation propagation;
    private final Watches watches = new Watches();
    private final PubSub pubsub = new PubSub();
    private final Eviction eviction;
    private final Evictor evictor;
    private final ActiveExpiry activeExpiry = new ActiveExpiry(this);
    private final String runId;
    private long commandTimeMs = System.currentTimeMillis();
    private int notifyFlags;
    private int hz;
    private long lastSaveSeconds = System.currentTimeMillis() / 1000;
    private int port;
    /** Set by scripting while a script runs past lua-time-limit (see script/). */
    private Client busyScriptClient;
    private String busyKind = "script";
    private Runnable shutdownHook = () -> { };
    // the subsystems Engine, the wiring root, builds around this server and installs once
    private final Info info = new Info();
    // directives read on every command
    private final LongSupplier minReplicasMaxLag;
    private final LongSupplier minReplicasToWrite;
    private final LongSupplier maxmemory;
    private Persistence persistence;
    private Aof aof;
    private ReplicationMaster replication;
    private ReplicaLink replicaLink;
    private boolean loading;
    private boolean asyncLoading;
    private Supplier<Scripting> scriptingFactory;
    private Scripting scripting;

    public Server(EngineConfig config, Commands commands) throws IOException {
        this.config = config;
        this.minReplicasMaxLag = config.live("min-replicas-max-lag");
        this.minReplicasToWrite = config.live("min-replicas-to-write");
        this.maxmemory = config.live("maxmemory");
        this.propagation = new Propagation(config, () -> dirty);
        this.dbs = new Database[config.getInt("databases")];
        for (int i = 0; i < dbs.length; i++) dbs[i] = new Database(this, i);
        this.eviction = new Eviction(config);
        this.evictor = new Evictor(this);
        this.acl = new Acl(this, commands.table());
        this.dispatcher = new Dispatcher(this, commands);
        // CLIENT PAUSE WRITE lets a script that declares no-writes through (asked when it arrives)
        dispatcher.pause().setScriptWrites((argv, function) ->
                scripting().declaresNoWrites(argv, function));
        // cluster routing: a script that may write is not served by a replica to READONLY clients
        dispatcher.setScriptWrites((argv, function) -> scripting().declaresWrites(argv, function));
        this.eventLoop = new EventLoop(this);
        byte[] rnd = new byte[20];
        new SecureRandom().nextBytes(rnd);
        this.runId = HexFormat.of().formatHex(rnd);
        this.notifyFlags = Notify.parseFlags(config.getString("notify-keyspace-events"));
        config.onChange("notify-keyspace-events", v -> notifyFlags = Notify.parseFlags(v));
        this.hz = clampHz(config.getInt("hz"));
        config.onChange("hz", v -> hz = clampHz(Integer.parseInt(v)));
    }

    /**
     * Installs the subsystems built around this server (see {@link Engine#assemble}). Scripting is
     * made on first use, as Redis creates its Lua interpreter only when a script runs.
     */
    public void install(Persistence persistence, Aof aof, ReplicationMaster replication, ReplicaLink replicaLink,
                        Supplier<Scripting> scripting) {
        if (this.persistence != null) throw new IllegalStateException("subsystems already installed");
        this.persistence = persistence;
        this.aof = aof;
        this.replication = replication;
        this.replicaLink = replicaLink;
        this.scriptingFactory = scripting;
    }

    private Cluster cluster;

    /** Cluster mode: the node's cluster state, its bus and its slot check on every keyed command. */
    public void installCluster(Cluster cluster) {
        this.cluster = cluster;
        dispatcher.setRedirector(cluster.router());
        this.mode = "cluster";
    }

    /** The cluster, or null when cluster-enabled is no. */
    public Cluster cluster() {
        return cluster;
    }

    /** INFO's sections, registered by the wiring root. */
    public Info info() {
        return info;
    }

    /** RDB: SAVE, BGSAVE, DUMP payloads, loading at startup (rdb.c). */
    public Persistence persistence() {
        return persistence;
    }

    /** The append-only file (aof.c). */
    public Aof aof() {
        return aof;
    }

    /** The master side of replication (replication.c). */
    public ReplicationMaster replication() {
        return replication;
    }

    /** EVAL and FUNCTION (eval.c, script.c, function.c), made when first needed. */
    public Scripting scripting() {
        if (scripting == null) scripting = scriptingFactory.get();
        return scripting;
    }

    /** Scripting if a script or function was ever used, else null (nothing to save or flush). */
    public Scripting scriptingIfStarted() {
        return scripting;
    }

    private static int clampHz(int v) {
        return Math.max(1, Math.min(500, v));
    }

    /** Binds and starts the event-loop thread; returns the bound port. */
    public int start() throws IOException {
        int p = listen();
        startLoop();
        return p;
    }

    /** Opens the listening sockets (initServer's listenToPort); returns the bound port. */
    public int listen() throws IOException {
        List<String> binds = Arrays.asList(config.getString("bind").trim().split("\\s+"));
        int startPort = config.getInt("port");
        port = eventLoop.bind(binds, startPort);
        String unixsocket = config.getString("unixsocket");
        if (!unixsocket.isEmpty()) eventLoop.bindUnix(unixsocket, config.getInt("unixsocketperm"));
        if (cluster != null) cluster.start(binds);
        // CONFIG SET port rebinds (changeListenPort); "0" keeps the port picked at start
        config.onApply("port", v -> {
            int want = Integer.parseInt(v);
            if (want == 0 && startPort == 0) want = port;
            if (want == port) return null;
            try {
                port = eventLoop.rebind(binds, want);
                return null;
            } catch (IOException e) {
                LOG.warning(() -> "CONFIG SET port " + v + ": " + e.getMessage());
                return "Unable to listen on this port. Check server logs.";
            }
        });
        return port;
    }

    /** Starts the event-loop thread: from here on the server's state belongs to it. */
    public void startLoop() {
        List<String> binds = Arrays.asList(config.getString("bind").trim().split("\\s+"));
        eventLoop.start("cachelab-engine-" + port);
        LOG.info(() -> "Ready to accept connections (CacheLab engine on " + String.join(" ", binds) + " port " + port + ")");
        if (!config.getString("unixsocket").isEmpty()) {
            LOG.info(() -> "The server is now ready to accept connections at " + config.getString("unixsocket"));
        }
    }

    public void stop() {
        eventLoop.stop();
        aof().close();
    }

    public int port() {
        return port;
    }

    public EngineConfig config() {
        return config;
    }

    public Database db(int i) {
        return dbs[i];
    }

    public int databaseCount() {
        return dbs.length;
    }

    public Database[] databases() {
        return dbs;
    }

    @Override
    public Database newDatabase(int id) {
        return new Database(this, id);
    }

    @Override
    public Client fakeClient() {
        return Client.internal(this);
    }

    public Stats stats() {
        return stats;
    }

    public Acl acl() {
        return acl;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public Commands commands() {
        return dispatcher.table();
    }

    public EventLoop eventLoop() {
        return eventLoop;
    }

    public Propagation propagation() {
        return propagation;
    }

    @Override
    public void propagateDeletion(Database db, Bytes key, boolean lazy) {
        propagation.deletion(db, key, lazy);
    }

    public Blocking blocking() {
        return blocking;
    }

    public Watches watches() {
        return watches;
    }

    public PubSub pubsub() {
        return pubsub;
    }

    public Eviction eviction() {
        return eviction;
    }

    /** maxmemory: used_memory accounting and key eviction. */
    public Evictor evictor() {
        return evictor;
    }

    public String runId() {
        return runId;
    }

    public int hz() {
        return hz;
    }

    public long lastSaveSeconds() {
        return lastSaveSeconds;
    }

    public void setLastSave(long seconds) {
        lastSaveSeconds = seconds;
    }

    private boolean activeExpireEnabled = true;
    /** Changes since the last save (server.dirty): one per modified key signal. */
    private long dirty;
    /** master_repl_offset, kept here so the dispatcher can note each client's write offset cheaply. */
    private long replOffset;

    public long replOffset() {
        return replOffset;
    }

    public void advanceReplOffset(long n) {
        replOffset += n;
    }

    public long dirty() {
        return dirty;
    }

    public void addDirty(long n) {
        dirty += n;
    }

    public void resetDirty() {
        dirty = 0;
    }

    /** DEBUG SET-ACTIVE-EXPIRE: lets tests and walkthroughs watch lazy expiry alone. */
    public void setActiveExpire(boolean on) {
        activeExpireEnabled = on;
    }

    /** server.masterhost != NULL: REPLICAOF named a master. */
    public boolean isReplica() {
        return replicaLink.isReplica();
    }

    /** The replica side of replication (REPLICAOF, the master link). */
    public ReplicaLink replicaLink() {
        return replicaLink;
    }

    /** True while a command from our master runs: it may write, and keys it reads are not expired. */
    public boolean runningMasterCommand() {
        return replicaLink.applying();
    }

    private final ReplicaExpires replicaExpires = new ReplicaExpires();

    /** Keys a writable replica's own clients gave a TTL: the replica expires them itself. */
    public ReplicaExpires replicaExpires() {
        return replicaExpires;
    }

    /** A command is executing (not loading, not the cron). */
    public boolean inCommand() {
        return dispatcher.depth() > 0;
    }

    /** A read-only replica refuses writes from its own clients (-READONLY). */
    public boolean readOnlyReplica() {
        return isReplica() && config.getBool("replica-read-only");
    }

    /** A replica whose link is down and that must not serve stale data (-MASTERDOWN). */
    public boolean staleReplica() {
        return isReplica() && !replicaLink.connected() && !config.getBool("replica-serve-stale-data");
    }

    /** server.loading: an RDB is being loaded (a replica's full sync); commands without the loading flag wait. */
    public boolean loading() {
        return loading;
    }

    public void setLoading(boolean loading) {
        this.loading = loading;
    }

    /**
     * server.async_loading: a replica receives its master's RDB (repl-diskless-load swapdb, same
     * history) while it keeps serving the old dataset; commands flagged no-async-loading wait.
     */
    public boolean asyncLoading() {
        return asyncLoading;
    }

    public void setAsyncLoading(boolean asyncLoading) {
        this.asyncLoading = asyncLoading;
    }

    /** INFO's master_failover_state. */
    public String failoverState() {
        return replicaLink.failover().stateName();
    }

    /** FAILOVER pauses writes (PAUSE_DURING_FAILOVER) until the target took over, or it is aborted. */
    public void pauseWritesForFailover(boolean on) {
        if (on) dispatcher.pause().pause(Long.MAX_VALUE, true);
        else dispatcher.pause().unpause();
    }

    /** rdbPopulateSaveInfo: what an RDB records to PSYNC from after a restart, or null. */
    public String[] replicationSaveInfo() {
        return isReplica() ? replicaLink.saveInfo() : replication.saveInfo();
    }

    /**
     * loadDataFromDisk's replication step: an RDB that recorded an id and offset lets a replica
     * PSYNC with its master (the cached master), and a master accept PSYNC from its old replicas
     * (the id becomes replid2).
     */
    public void restoreReplicationInfo(String replid, String offset, String streamDb) {
        if (replid == null || offset == null || streamDb == null || replid.length() != 40) return;
        long off;
        int db;
        try {
            off = Long.parseLong(offset);
            db = Integer.parseInt(streamDb);
        } catch (NumberFormatException e) {
            return;
        }
        if (off == -1 || db == -1) return;
        if (isReplica()) replicaLink.restoreFromRdb(replid, off, db);
        else replication.restoreAsMaster(replid, off);
    }

    private static final String MISCONF_RDB = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
            + "persist to disk. Commands that may modify the data set are disabled, because this instance is configured to "
            + "report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the "
            + "Redis logs for details about the RDB error.";

    /** writeCommandsDeniedByDiskError with its message: a failed BGSAVE (with save points), or AOF write; else null. */
    public String diskWriteError() {
        if (persistence.writesDeniedByDiskError()) return MISCONF_RDB;
        if (aof.writesDeniedByDiskError()) return "MISCONF Errors writing to the AOF file: " + aof.lastWriteError();
        return null;
    }

    /** dbTotalServerKeyCount: keys in every database. */
    public long keyCount() {
        long n = 0;
        for (Database d : dbs) n += d.size();
        return n;
    }

    /**
     * emptyData: every database flushed and the function libraries too (a replica about to load its
     * master's RDB, CLUSTER RESET of a replica); WATCHers see it.
     */
    public void emptyData() {
        replicaExpires.clear();
        for (Database d : dbs) {
            watches.touchAll(d, null);
            d.flush();
        }
        if (scripting != null) scripting.functions().flush();
    }

    /** disconnectAllBlockedClients: a master turning replica unblocks its blocked clients with an error. */
    public void disconnectBlockedClients() {
        for (Client c : new ArrayList<>(eventLoop.clients())) {
            if (!c.isBlocked()) continue;
            blocking.unblock(c);
            c.addError("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)");
            eventLoop.closeAsync(c);
        }
    }

    /** The role changed (a sync finished, a promotion): an enabled AOF restarts from the new dataset. */
    public void replicationRoleChanged() {
        if (aof.enabled() && !aof.rewriteInProgress()) aof.scheduleRewrite();
    }

    /** Replicas whose last ack is within min-replicas-max-lag (repl_good_slaves_count), from the replication master. */
    public int goodReplicaCount() {
        return replication.goodReplicas();
    }

    /** !checkGoodReplicasStatus: min-replicas-to-write is set and fewer good replicas are connected. */
    public boolean tooFewGoodReplicas() {
        if (isReplica()) return false;
        long lag = minReplicasMaxLag.getAsLong();
        long min = minReplicasToWrite.getAsLong();
        return lag != 0 && min != 0 && goodReplicaCount() < min;
    }

    public void onShutdown(Runnable hook) {
        this.shutdownHook = hook;
    }

    /**
     * prepareForShutdown's saving step: a final snapshot when save points exist (or SAVE is given,
     * and not NOSAVE). False when it failed and FORCE was not given: the server keeps running.
     */
    public boolean prepareForShutdown(boolean save, boolean nosave, boolean force) {
        LOG.info("User requested shutdown...");
        persistence.killBgsave();
        if ((persistence.hasSavePoints() && !nosave) || save) {
            LOG.info("Saving the final RDB snapshot before exiting.");
            if (!persistence.save() && !force) {
                LOG.warning("Error trying to save the DB, can't exit.");
                return false;
            }
        }
        return true;
    }

    private volatile boolean sigtermReceived;

    /** SIGTERM (the JVM's shutdown hook): the loop shuts down as SHUTDOWN would, from its own thread. */
    public void requestSigterm() {
        sigtermReceived = true;
        eventLoop.wakeup();
    }

    private void checkSigterm() {
        if (!sigtermReceived) return;
        sigtermReceived = false;
        LOG.warning("Received SIGTERM scheduling shutdown...");
        prepareForShutdown(false, false, true);
        shutdown();
    }

    public void shutdown() {
        aof().flush(true);
        LOG.warning("Redis is now ready to exit, bye bye...");
        eventLoop.requestStop();
        shutdownHook.run();
    }

    // ---- time ----

    /** The time commands see: fixed for the duration of a top-level command, as Redis's cmd time snapshot. */
    public long commandTimeMs() {
        return commandTimeMs;
    }

    public void updateCommandTime() {
        commandTimeMs = System.currentTimeMillis();
    }

    // ---- event loop hooks ----

    /** DEBUG REPLYBUFFER PEAK-RESET-TIME (ms, -1 for never) and RESIZING. */
    private long replyBufferPeakResetMs = ReplyBufferSizing.DEFAULT_PEAK_RESET_MS;
    private boolean replyBufferResizing = true;

    /** DEBUG REPLYBUFFER PEAK-RESET-TIME: ms, or -1 for never. */
    public void setReplyBufferPeakResetMs(long ms) {
        this.replyBufferPeakResetMs = ms;
    }

    /** DEBUG REPLYBUFFER RESIZING 0|1. */
    public void setReplyBufferResizing(boolean on) {
        this.replyBufferResizing = on;
    }

    private final List<Runnable> cronHooks = new ArrayList<>();
    private String mode = "standalone";

    /** A subsystem's own timer, run at the end of every cron tick (a Sentinel's sentinelTimer). */
    public void onCron(Runnable hook) {
        cronHooks.add(hook);
    }

    /** INFO's redis_mode: standalone, sentinel or cluster. */
    public String mode() {
        return mode;
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    /** serverCron: runs hz times a second. */
    public void cron() {
        long now = System.currentTimeMillis();
        checkSigterm();
        updateCommandTime();
        stats.sample(now);
        evictor.cron();
        // no key changes during CLIENT PAUSE, expiry included (checkClientPauseTimeoutAndReturnIfPaused)
        if (activeExpireEnabled && !clientsPaused() && !isReplica()) activeExpiry.run(ActiveExpiry.Cycle.SLOW);
        else if (activeExpireEnabled && isReplica() && !clientsPaused()) replicaExpires.expire(now);
        closeIdleClients(now);
        resizeQueryBuffers(now);
        for (Client c : eventLoop.clients()) {
            c.replyBuffer.cron(now, replyBufferPeakResetMs, replyBufferResizing, c.pendingReplyBytes());
        }
        persistence().cron();
        aof().cron();
        replication.cron();
        replicaLink.cron(now);
        dispatcher.pause().cron(now);
        if (cluster != null) cluster.cron(now);
        if (cluster != null && blocking.blockedClients() > 0) redirectBlockedClients();
        for (Runnable hook : cronHooks) hook.run();
    }

    /** clientsCron's cluster step: clients blocked on slots this node no longer serves are redirected. */
    private void redirectBlockedClients() {
        for (Client c : blocking.clientsBlockedOnKeys()) {
            Bytes key = blocking.firstBlockedKey(c);
            if (key == null) continue;
            CommandSpec spec = commands().lookup(blocking.blockedCommand(c)[0]);
            String redirect = cluster.router().blockedRedirect(c, key.array(), spec != null && spec.has(CommandFlag.WRITE));
            if (redirect == null) continue;
            blocking.unblock(c);
            c.addError(redirect);
            c.flushSoon();
        }
    }

    /** beforeSleep: the fast expiry cycle, blocked-client timeouts and clients unblocked meanwhile. */
    public void beforeSleep() {
        updateCommandTime();
        if (activeExpireEnabled && !clientsPaused() && !isReplica()) activeExpiry.run(ActiveExpiry.Cycle.FAST);
        evictor.continueRunning();
        blocking.checkTimeouts(System.currentTimeMillis());
        processUnblocked();
        tracking.broadcast();
        if (cluster != null) cluster.beforeSleep();
        propagation.flush();
        replication.beforeSleep();
        aof().flush(false);
    }

    // ---- the server core's entry points for the layers below it ----

    /** processCommand for a request the event loop parsed. */
    public void processCommand(Client c, byte[][] argv) {
        if (c.isMaster()) replicaLink.apply(c, argv, () -> dispatcher.call(c, argv));
        else if (c.isReplica()) replicaCommand(c, argv);
        else dispatcher.call(c, argv);
    }

    /**
     * A command on a replica's link (after SYNC/PSYNC): the link carries the stream and nothing
     * else, so a command that answers anything closes it, as _addReplyToBufferOrList does.
     */
    private void replicaCommand(Client c, byte[][] argv) {
        int mark = c.reply().length();
        dispatcher.call(c, argv);
        if (c.reply().length() <= mark || c.isClosing()) return;
        c.reply().truncate(mark);
        LOG.warning("Replica generated a reply to command '" + c.lastCommand()
                + "', disconnecting it: " + acl().clientInfo(c));
        eventLoop.closeAsync(c);
    }

    /** Runs a command again without the checks (a blocked command now served, as EXEC runs queued ones). */
    public void runQueued(Client c, byte[][] argv) {
        dispatcher.executeQueued(c, argv);
    }

    /** A new connection runs as the default user, authenticated if that user needs no password. */
    public void initClient(Client c) {
        acl.initClient(c);
    }

    public boolean authRequired(Client c) {
        return acl.authRequired(c);
    }

    /** CLIENT PAUSE in force (eviction waits, as performEvictions does during a pause). */
    public boolean clientsPaused() {
        return dispatcher.pause().isPaused();
    }

    /** A database was emptied or swapped (FLUSHDB, SWAPDB): clients blocked on its keys look again. */
    public void databaseReplaced(Database db) {
        blocking.databaseReplaced(db);
    }

    public void afterEvents() {
        processUnblocked();
    }

    public long msUntilNextTimer() {
        long next = blocking.msUntilNextTimeout(System.currentTimeMillis());
        if (evictor.running()) return 0;
        next = Math.min(next, dispatcher.pause().msUntilEnd(System.currentTimeMillis()));
        return next;
    }

    /** After each top-level command: serve clients blocked on keys that became ready. */
    public void afterCommand() {
        blocking.serveReady();
    }

    private void processUnblocked() {
        for (Client c : blocking.drainUnblocked()) {
            if (!c.isClosed() && c.hasSocket()) eventLoop.processInput(c);
        }
    }

    /** clientsCron's query buffer step (seconds as server.unixtime counts them). */
    private void resizeQueryBuffers(long now) {
        for (Client c : eventLoop.clients()) {
            c.parser().cronResize(now / 1000 - c.lastInteractionMs() / 1000);
        }
    }

    private void closeIdleClients(long now) {
        long timeout = config.getLong("timeout");
        if (timeout <= 0) return;
        for (Client c : new ArrayList<>(eventLoop.clients())) {
            if (c.isBlocked() || c.isSubscribed() || c.monitor() || c.isReplica() || c.isMaster()) continue;
            if (now - c.lastInteractionMs() > timeout * 1000) {
                LOG.fine(() -> "Closing idle client " + c);
                eventLoop.closeClient(c);
            }
        }
    }

    /** Why a new connection is refused (maxclients, protected mode), or null to accept it; {@code remote} is null for a Unix socket. */
    public String acceptRefusal(Client c, InetSocketAddress remote) {
        if (eventLoop.clients().size() >= config.getLong("maxclients")) {
            stats.increment(Stats.Counter.REJECTED_CONNECTIONS);
            return "ERR max number of clients reached";
        }
        if (config.getBool("protected-mode") && config.getString("requirepass").isEmpty()
                && remote != null && !remote.getAddress().isLoopbackAddress()) {
            String bind = config.getString("bind");
            boolean everyInterface = bind.contains("*") || bind.contains("0.0.0.0") || bind.contains("::");
            if (everyInterface) {
                stats.increment(Stats.Counter.REJECTED_CONNECTIONS);
                return "DENIED Redis is running in protected mode because protected mode is enabled and no password "
                        + "is set for the default user. In this mode connections are only accepted from the loopback "
                        + "interface. If you want to connect from external computers to Redis you may adopt one of the "
                        + "following solutions: 1) Just disable protected mode sending the command 'CONFIG SET "
                        + "protected-mode no' from the loopback interface by connecting to Redis from the same host the "
                        + "server is running, however MAKE SURE Redis is not publicly accessible from internet if you do "
                        + "so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable "
                        + "the protected mode by editing the Redis configuration file, and setting the protected mode "
                        + "option to 'no', and then restarting the server. 3) If you started the server manually just for "
                        + "testing, restart it with the '--protected-mode no' option. 4) Set up an authentication "
                        + "password for the default user. NOTE: You only need to do one of the above things in order for "
                        + "the server to start accepting connections from the outside.";
            }
        }
        return null;
    }

    public void clientClosed(Client c) {
        blocking.clientClosed(c);
        watches.unwatchAll(c);
        pubsub.clientGone(c);
        dispatcher.monitor().remove(c);
        dispatcher.pause().clientClosed(c);
        tracking.clientGone(c);
        evictor.clientClosed();
        replication.clientClosed(c);
        replicaLink.clientClosed(c);
    }

    /**
     * afterErrorReply's warning: an error on a replication link means the datasets may diverge
     * (a master's command failed here, or a replica sent us something that failed).
     */
    public void errorOnReplicationLink(Client c, String error) {
        String err = error.length() > 4096 ? error.substring(0, 4096) : error;
        String cmd = c.currentArgv() != null && c.currentArgv().length > 0
                ? new String(c.currentArgv()[0], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT) : "<unknown>";
        if (dispatcher.table().resolve(c.currentArgv() == null ? new byte[0][] : c.currentArgv()) == null) cmd = "<unknown>";
        LOG.warning("== CRITICAL == This " + (c.isMaster() ? "replica" : "master") + " is sending an error to its "
                + (c.isMaster() ? "master" : "replica") + ": '-" + err + "' after processing the command '" + cmd + "'");
        stats.increment(Stats.Counter.UNEXPECTED_ERROR_REPLIES);
    }

    /** The reply-buffer size past which a client is disconnected (client-output-buffer-limit hard). */
    public long outputLimitFor(Client c) {
        String[] parts = config.getString("client-output-buffer-limit").split("\\s+");
        String cls = c.isReplica() ? "slave" : c.isSubscribed() ? "pubsub" : "normal";
        for (int i = 0; i + 3 < parts.length; i += 4) {
            if (parts[i].equals(cls) || (cls.equals("slave") && parts[i].equals("replica"))) {
                long hard = Long.parseLong(parts[i + 1]);
                if (hard == 0) return Long.MAX_VALUE;
                // a replica's hard limit below repl-backlog-size counts as repl-backlog-size: what it
                // could PSYNC from the backlog does not get it dropped (checkClientOutputBufferLimits)
                return c.isReplica() ? Math.max(hard, config.getLong("repl-backlog-size")) : hard;
            }
        }
        return Long.MAX_VALUE;
    }

    // ---- keyspace hooks ----

    /** signalModifiedKey: WATCH and blocked clients. */
    public void keyModified(Database db, Bytes key) {
        dirty++;
        watches.touch(db, key);
        blocking.keyModified(db, key);
        tracking.invalidate(key);
    }

    /** notifyKeyspaceEvent: publishes __keyspace@<db>__:<key> and/or __keyevent@<db>__:<event>. */
    public void notifyKeyspaceEvent(int type, String event, Bytes key, int dbid) {
        int flags = notifyFlags;
        if ((flags & type) == 0 || (flags & (Notify.KEYSPACE | Notify.KEYEVENT)) == 0) return;
        byte[] ev = event.getBytes(StandardCharsets.US_ASCII);
        if ((flags & Notify.KEYSPACE) != 0) {
            byte[] prefix = ("__keyspace@" + dbid + "__:").getBytes(StandardCharsets.US_ASCII);
            byte[] ch = Arrays.copyOf(prefix, prefix.length + key.length());
            System.arraycopy(key.array(), 0, ch, prefix.length, key.length());
            pubsub.publish(new Bytes(ch), new Bytes(ev));
        }
        if ((flags & Notify.KEYEVENT) != 0) {
            Bytes ch = Bytes.of("__keyevent@" + dbid + "__:" + event);
            pubsub.publish(ch, key);
        }
    }

    // ---- scripting hooks (script/ registers itself) ----

    public boolean scriptBusy() {
        return busyScriptClient != null;
    }

    public void setBusyScript(Client c, String kind) {
        busyScriptClient = c;
        busyKind = kind;
    }

    public String busyError() {
        return "function".equals(busyKind)
                ? "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
                : "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    }

    // ---- memory ----

    /**
     * The OOM refusal for a command over maxmemory, or null. At top level this first evicts
     * (performEvictions); inside a script it answers from the state computed before the script
     * started. Refused: denyoom commands, EXEC of a transaction holding one, and anything queued in
     * MULTI (queuing itself takes memory), as processCommand does.
     */
    public String oomCheck(CommandSpec spec, Client c) {
        boolean topLevel = dispatcher == null || dispatcher.depth() == 0;
        if (topLevel && !c.scriptClient()) evictor.evictClients(c);
        if (maxmemory.getAsLong() == 0) return null;
        if (c.scriptClient()) return null; // a script's writes are checked through its caller
        if (c.mustObey()) return null; // loading the AOF: Redis replays it whatever maxmemory says
        String n = spec.fullName();
        boolean denyoom = spec.has(CommandFlag.DENYOOM);
        if (n.equals("exec")) {
            for (byte[][] q : c.multi().queued()) {
                CommandSpec qs = commands().lookup(q[0]);
                if (qs != null && qs.has(CommandFlag.DENYOOM)) denyoom = true;
            }
        } else if (c.multi().active() && !n.equals("discard") && !n.equals("quit") && !n.equals("reset")) {
            denyoom = true;
        }
        return evictor.check(denyoom, topLevel);
    }

    private final LatencyMonitor latency = new LatencyMonitor();
    private final Tracking tracking = new Tracking(this);

    public Tracking tracking() {
        return tracking;
    }

    public LatencyMonitor latency() {
        return latency;
    }

    public void logError(String what, Throwable t) {
        LOG.log(Level.WARNING, what, t);
    }

    public Logger log() {
        return LOG;
    }
}
