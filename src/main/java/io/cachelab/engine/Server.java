package io.cachelab.engine;

import io.cachelab.engine.table.CommandFlag;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.command.Families;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.dispatch.Dispatcher;
import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.keyspace.ActiveExpiry;
import io.cachelab.engine.keyspace.Blocking;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.keyspace.Eviction;
import io.cachelab.engine.keyspace.Evictor;
import io.cachelab.engine.keyspace.Notify;
import io.cachelab.engine.keyspace.Watches;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.net.EventLoop;
import io.cachelab.engine.pubsub.PubSub;
import io.cachelab.engine.util.Bytes;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's state, as Redis's global `server` struct but an object, so several engines can run
 * in one JVM (tests do). Everything here is touched only by the event-loop thread.
 */
public final class Server {
    private static final Logger LOG = Logger.getLogger("io.cachelab.engine");

    private final EngineConfig config;
    private final Database[] dbs;
    private final Stats stats = new Stats();
    private final Dispatcher dispatcher;
    private final io.cachelab.engine.acl.Acl acl;
    private final EventLoop eventLoop;
    private final Blocking blocking = new Blocking(this);
    private final Propagation propagation = new Propagation(this);
    private final Watches watches = new Watches();
    private final PubSub pubsub = new PubSub();
    private final Eviction eviction;
    private final Evictor evictor;
    private final ActiveExpiry activeExpiry = new ActiveExpiry(this);
    private final List<Client> monitors = new ArrayList<>();
    private final Deque<SlowlogEntry> slowlog = new ArrayDeque<>();
    private long slowlogNextId;
    private final String runId;
    private long commandTimeMs = System.currentTimeMillis();
    private int notifyFlags;
    private int hz;
    private long lastSaveSeconds = System.currentTimeMillis() / 1000;
    private int port;
    private long pausedUntilMs;
    private boolean pauseWritesOnly;
    private final List<Client> pausedClients = new ArrayList<>();
    /** Set by scripting while a script runs past lua-time-limit (see script/). */
    private Client busyScriptClient;
    private String busyKind = "script";
    private Runnable shutdownHook = () -> { };
    /** Extension points for subsystems that register themselves (scripting, persistence). */
    public final java.util.Map<Class<?>, Object> extensions = new java.util.HashMap<>();

    public record SlowlogEntry(long id, long timestampSec, long micros, byte[][] argv, String addr, String name) {
    }

    public Server(EngineConfig config) throws IOException {
        this.config = config;
        this.dbs = new Database[config.getInt("databases")];
        for (int i = 0; i < dbs.length; i++) dbs[i] = new Database(this, i);
        this.eviction = new Eviction(config);
        this.evictor = new Evictor(this);
        this.acl = new io.cachelab.engine.acl.Acl(this);
        this.dispatcher = new Dispatcher(this, Families.registerAll());
        acl.setClientInfo(Families::clientInfo);
        this.eventLoop = new EventLoop(this);
        byte[] rnd = new byte[20];
        new SecureRandom().nextBytes(rnd);
        this.runId = HexFormat.of().formatHex(rnd);
        this.notifyFlags = Notify.parseFlags(config.getString("notify-keyspace-events"));
        config.onChange("notify-keyspace-events", v -> notifyFlags = Notify.parseFlags(v));
        this.hz = clampHz(config.getInt("hz"));
        config.onChange("hz", v -> hz = clampHz(Integer.parseInt(v)));
    }

    private static int clampHz(int v) {
        return Math.max(1, Math.min(500, v));
    }

    /** Binds and starts the event-loop thread; returns the bound port. */
    public int start() throws IOException {
        List<String> binds = Arrays.asList(config.getString("bind").trim().split("\\s+"));
        int startPort = config.getInt("port");
        port = eventLoop.bind(binds, startPort);
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
        eventLoop.start("cachelab-engine-" + port);
        LOG.info(() -> "CacheLab engine ready to accept connections on " + binds + " port " + port);
        return port;
    }

    public void stop() {
        eventLoop.stop();
        io.cachelab.engine.persistence.Aof.of(this).close();
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

    public Stats stats() {
        return stats;
    }

    public io.cachelab.engine.acl.Acl acl() {
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

    public boolean isReplica() {
        return false;
    }

    /** Replicas whose last ack is within min-replicas-max-lag (repl_good_slaves_count), from the replication master. */
    public int goodReplicaCount() {
        io.cachelab.engine.replication.ReplicationMaster master = io.cachelab.engine.replication.ReplicationMaster.ifPresent(this);
        return master == null ? 0 : master.goodReplicas();
    }

    /** !checkGoodReplicasStatus: min-replicas-to-write is set and fewer good replicas are connected. */
    public boolean tooFewGoodReplicas() {
        if (isReplica()) return false;
        long lag = config.getLong("min-replicas-max-lag");
        long min = config.getLong("min-replicas-to-write");
        return lag != 0 && min != 0 && goodReplicaCount() < min;
    }

    public static final String NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";

    public void onShutdown(Runnable hook) {
        this.shutdownHook = hook;
    }

    public void shutdown() {
        LOG.info("User requested shutdown...");
        io.cachelab.engine.persistence.Aof.of(this).flush(true);
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
    public long replyBufferPeakResetMs = io.cachelab.engine.net.ReplyBufferSizing.DEFAULT_PEAK_RESET_MS;
    public boolean replyBufferResizing = true;

    /** serverCron: runs hz times a second. */
    public void cron() {
        long now = System.currentTimeMillis();
        updateCommandTime();
        stats.sample(now);
        evictor.cron();
        if (activeExpireEnabled) activeExpiry.run(ActiveExpiry.Cycle.SLOW);
        closeIdleClients(now);
        resizeQueryBuffers(now);
        for (Client c : eventLoop.clients()) {
            c.replyBuffer.cron(now, replyBufferPeakResetMs, replyBufferResizing, c.pendingReplyBytes());
        }
        io.cachelab.engine.persistence.Persistence.of(this).cron();
        io.cachelab.engine.persistence.Aof.of(this).cron();
        var repl = io.cachelab.engine.replication.ReplicationMaster.ifPresent(this);
        if (repl != null) repl.cron();
        if (pausedUntilMs != 0 && now >= pausedUntilMs) unpause();
    }

    /** beforeSleep: the fast expiry cycle, blocked-client timeouts and clients unblocked meanwhile. */
    public void beforeSleep() {
        updateCommandTime();
        if (activeExpireEnabled) activeExpiry.run(ActiveExpiry.Cycle.FAST);
        evictor.continueRunning();
        blocking.checkTimeouts(System.currentTimeMillis());
        processUnblocked();
        tracking.broadcast();
        propagation.flush();
        var repl = io.cachelab.engine.replication.ReplicationMaster.ifPresent(this);
        if (repl != null) repl.beforeSleep();
        io.cachelab.engine.persistence.Aof.of(this).flush(false);
    }

    public void afterEvents() {
        processUnblocked();
    }

    public long msUntilNextTimer() {
        long next = blocking.msUntilNextTimeout(System.currentTimeMillis());
        if (evictor.running()) return 0;
        if (pausedUntilMs != 0) next = Math.min(next, Math.max(0, pausedUntilMs - System.currentTimeMillis()));
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
            c.parser().cronResize(now / 1000 - c.lastInteractionMs / 1000);
        }
    }

    private void closeIdleClients(long now) {
        long timeout = config.getLong("timeout");
        if (timeout <= 0) return;
        for (Client c : new ArrayList<>(eventLoop.clients())) {
            if (c.isBlocked() || c.isSubscribed() || c.monitor || c.replica) continue;
            if (now - c.lastInteractionMs > timeout * 1000) {
                LOG.fine(() -> "Closing idle client " + c);
                eventLoop.closeClient(c);
            }
        }
    }

    /** Why a new connection is refused (maxclients, protected mode), or null to accept it. */
    public String acceptRefusal(Client c, InetSocketAddress remote) {
        if (eventLoop.clients().size() >= config.getLong("maxclients")) {
            stats.rejectedConnections++;
            return "ERR max number of clients reached";
        }
        if (config.getBool("protected-mode") && config.getString("requirepass").isEmpty()
                && !remote.getAddress().isLoopbackAddress()) {
            String bind = config.getString("bind");
            boolean everyInterface = bind.contains("*") || bind.contains("0.0.0.0") || bind.contains("::");
            if (everyInterface) {
                stats.rejectedConnections++;
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
        monitors.remove(c);
        pausedClients.remove(c);
        tracking.clientGone(c);
        evictor.clientClosed();
        var repl = io.cachelab.engine.replication.ReplicationMaster.ifPresent(this);
        if (repl != null) repl.clientClosed(c);
    }

    /** The reply-buffer size past which a client is disconnected (client-output-buffer-limit hard). */
    public long outputLimitFor(Client c) {
        String[] parts = config.getString("client-output-buffer-limit").split("\\s+");
        String cls = c.replica ? "slave" : c.isSubscribed() ? "pubsub" : "normal";
        for (int i = 0; i + 3 < parts.length; i += 4) {
            if (parts[i].equals(cls) || (cls.equals("slave") && parts[i].equals("replica"))) {
                long hard = Long.parseLong(parts[i + 1]);
                return hard == 0 ? Long.MAX_VALUE : hard;
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

    public boolean allowedWhileBusy(CommandSpec spec, byte[][] argv) {
        String n = spec.fullName();
        return n.equals("auth") || n.equals("hello") || n.equals("script|kill") || n.equals("function|kill")
                || n.equals("function|stats") || n.equals("shutdown") || n.equals("multi") || n.equals("discard")
                || n.equals("watch") || n.equals("unwatch") || n.equals("reset") || n.equals("quit");
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
        if (topLevel && !c.scriptClient) evictor.evictClients(c);
        if (config.getLong("maxmemory") == 0) return null;
        if (c.scriptClient) return null; // a script's writes are checked through its caller
        if (c.mustObey) return null; // loading the AOF: Redis replays it whatever maxmemory says
        String n = spec.fullName();
        boolean denyoom = spec.has(CommandFlag.DENYOOM);
        if (n.equals("exec")) {
            for (byte[][] q : c.queued) {
                CommandSpec qs = commands().lookup(q[0]);
                if (qs != null && qs.has(CommandFlag.DENYOOM)) denyoom = true;
            }
        } else if (c.inMulti && !n.equals("discard") && !n.equals("quit") && !n.equals("reset")) {
            denyoom = true;
        }
        return evictor.check(denyoom, topLevel);
    }

    // ---- MONITOR and SLOWLOG ----

    public void addMonitor(Client c) {
        c.monitor = true;
        if (!monitors.contains(c)) monitors.add(c);
    }

    public void feedMonitors(Client c, byte[][] argv, CommandSpec spec) {
        if (monitors.isEmpty() || spec.has(CommandFlag.ADMIN)) return;
        argv = redacted(spec.fullName(), argv);
        java.time.Instant now = java.time.Instant.now();
        StringBuilder sb = new StringBuilder();
        sb.append(now.getEpochSecond()).append('.').append(String.format("%06d", now.getNano() / 1000));
        sb.append(" [").append(c.db().id()).append(' ');
        sb.append(c.scriptClient ? "lua" : c.hasSocket() ? c.addr : "unix");
        sb.append(']');
        for (byte[] a : argv) sb.append(" \"").append(escape(a)).append('"');
        String line = sb.toString();
        for (Client m : monitors) {
            if (m == c) continue;
            m.addSimple(line);
            m.flushSoon();
        }
    }

    /** sdscatrepr-style escaping for MONITOR and SLOWLOG. */
    public static String escape(byte[] a) {
        StringBuilder sb = new StringBuilder();
        for (byte b : a) {
            int x = b & 0xff;
            switch (x) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (x >= 32 && x < 127) sb.append((char) x);
                    else sb.append(String.format("\\x%02x", x));
                }
            }
        }
        return sb.toString();
    }

    private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

    /** redactClientCommandArgument: passwords and ACL rules never reach the slowlog. */
    private static int redactFrom(String name, byte[][] argv) {
        if (name.equals("auth")) return 1;
        if (name.startsWith("acl") && argv.length > 1 && Dispatcher.lower(argv[1]).equals("setuser")) return 2;
        if (name.equals("hello")) {
            // HELLO ... AUTH <username> <password>: those two
            for (int i = 1; i < argv.length; i++) if (Dispatcher.lower(argv[i]).equals("auth")) return i + 1;
        }
        return Integer.MAX_VALUE;
    }

    /** argv as SLOWLOG and MONITOR may show it: passwords and ACL rules replaced by "(redacted)". */
    private static byte[][] redacted(String name, byte[][] argv) {
        int from = redactFrom(name, argv);
        if (from >= argv.length) return argv;
        int to = name.equals("hello") ? from + 1 : argv.length - 1;
        byte[][] copy = argv.clone();
        for (int i = from; i <= to && i < copy.length; i++) copy[i] = REDACTED;
        return copy;
    }

    public void slowlog(Client c, byte[][] argv, long micros) {
        long threshold = config.getLong("slowlog-log-slower-than");
        if (threshold < 0 || micros < threshold) return;
        String n = Dispatcherless.commandName(argv);
        if (n.equals("exec")) return; // EXEC is skip_slowlog: its commands are logged one by one
        int max = Math.min(argv.length, 32);
        byte[][] kept = new byte[max][];
        argv = redacted(n, argv);
        for (int i = 0; i < max; i++) {
            if (i == max - 1 && argv.length > 32) {
                kept[i] = ("... (" + (argv.length - 31) + " more arguments)").getBytes(StandardCharsets.US_ASCII);
            } else if (argv[i].length > 128) {
                kept[i] = (new String(argv[i], 0, 128, StandardCharsets.ISO_8859_1) + "... (" + (argv[i].length - 128)
                        + " more bytes)").getBytes(StandardCharsets.ISO_8859_1);
            } else {
                kept[i] = argv[i];
            }
        }
        slowlog.addFirst(new SlowlogEntry(slowlogNextId++, System.currentTimeMillis() / 1000, micros, kept,
                c.addr, c.name));
        while (slowlog.size() > config.getLong("slowlog-max-len")) slowlog.removeLast();
    }

    public Deque<SlowlogEntry> slowlogEntries() {
        return slowlog;
    }

    private final LatencyMonitor latency = new LatencyMonitor();
    private final Tracking tracking = new Tracking(this);

    public Tracking tracking() {
        return tracking;
    }

    public LatencyMonitor latency() {
        return latency;
    }

    public void slowlogReset() {
        slowlog.clear();
    }

    /** Small helper so slowlog needs no table lookup. */
    private static final class Dispatcherless {
        static String commandName(byte[][] argv) {
            return new String(argv[0], StandardCharsets.ISO_8859_1).toLowerCase();
        }
    }

    // ---- CLIENT PAUSE ----

    public void pause(long untilMs, boolean writesOnly) {
        pausedUntilMs = untilMs;
        pauseWritesOnly = writesOnly;
    }

    public void unpause() {
        pausedUntilMs = 0;
        for (Client c : new ArrayList<>(pausedClients)) {
            c.paused = false;
            eventLoop.processInput(c);
        }
        pausedClients.clear();
    }

    /** Whether CLIENT PAUSE holds this command: everything, or (WRITE) commands that may write. */
    public boolean shouldPause(Client c, byte[][] argv) {
        if (c.replica) return false; // the replication link is never paused
        CommandSpec spec = dispatcher.table().lookup(argv[0]);
        if (spec == null) return false;
        if (!pauseWritesOnly) return true;
        if (spec.fullName().equals("exec")) {
            for (byte[][] q : c.queued) {
                CommandSpec qs = dispatcher.table().lookup(q[0]);
                if (qs != null && mayWrite(qs, q)) return true;
            }
            return false;
        }
        return mayWrite(spec, argv);
    }

    /**
     * Redis's test: the command's flags, a container's subcommand flags (FUNCTION LOAD writes,
     * FUNCTION LIST does not), and for scripts the flags they declare (a {@code no-writes} EVAL or
     * FCALL runs while writes are paused).
     */
    private boolean mayWrite(CommandSpec spec, byte[][] argv) {
        if (spec.isContainer() && argv.length > 1) {
            CommandSpec sub = spec.subcommand(Dispatcher.lower(argv[1]));
            if (sub != null) spec = sub;
        }
        switch (spec.fullName()) {
            case "eval", "evalsha" -> {
                return !io.cachelab.engine.script.Scripting.of(this).declaresNoWrites(argv, false);
            }
            case "fcall" -> {
                return !io.cachelab.engine.script.Scripting.of(this).declaresNoWrites(argv, true);
            }
            default -> {
                return spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.MAY_REPLICATE);
            }
        }
    }

    public void holdPaused(Client c) {
        c.paused = true;
        if (!pausedClients.contains(c)) pausedClients.add(c);
    }

    public int pausedClientCount() {
        return pausedClients.size();
    }

    public boolean isPaused() {
        return pausedUntilMs != 0;
    }

    public boolean pauseWritesOnly() {
        return pauseWritesOnly;
    }

    public void logError(String what, Throwable t) {
        LOG.log(Level.WARNING, what, t);
    }

    public Logger log() {
        return LOG;
    }
}
