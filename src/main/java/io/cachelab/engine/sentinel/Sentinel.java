package io.cachelab.engine.sentinel;

import io.cachelab.engine.server.Server;
import io.cachelab.engine.util.Bytes;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Sentinel's state and timer, after Redis's sentinel.c: the monitored masters with their
 * replicas and fellow Sentinels, the current epoch, TILT, and sentinelTimer's pass over every
 * instance (reconnect, periodic PING/INFO/hello, subjective and objective down, the failover).
 * INFO parsing, hellos, the failover and the commands live beside it, one concept per file.
 */
public final class Sentinel {
    static final String HELLO_CHANNEL = "__sentinel__:hello";
    static final Level WARNING = Level.WARNING, NOTICE = Level.INFO, VERBOSE = Level.FINE, DEBUG = Level.FINEST;
    static final int SIMFAILURE_CRASH_AFTER_ELECTION = 1, SIMFAILURE_CRASH_AFTER_PROMOTION = 2;
    private static final Logger LOG = Logger.getLogger("io.cachelab.engine.sentinel");

    final Server server;
    final Timers timers = new Timers();
    final Map<String, Instance> masters = new LinkedHashMap<>();
    final Random random = new Random();
    final Scripts scripts;
    final SentinelConfig config;
    final InfoRefresh infoRefresh = new InfoRefresh(this);
    final Hello hello = new Hello(this);
    final Failover failover = new Failover(this);
    final FailureDetector detector = new FailureDetector(this);
    String myid;
    long currentEpoch;
    boolean tilt;
    long tiltStartTime, previousTime;
    String announceIp;
    int announcePort;
    int simFailureFlags;
    boolean denyScriptsReconfig = true;
    String sentinelAuthUser, sentinelAuthPass;
    boolean resolveHostnames, announceHostnames;

    public Sentinel(Server server, SentinelConfig config) {
        this.server = server;
        this.config = config;
        this.scripts = new Scripts(this, config.dir());
        this.previousTime = System.currentTimeMillis();
    }

    static Logger log() {
        return LOG;
    }

    /** sentinelIsRunning: a new myid is saved at once, then +monitor for every master. */
    public void start() {
        if (myid == null) {
            byte[] rnd = new byte[20];
            new SecureRandom().nextBytes(rnd);
            myid = HexFormat.of().formatHex(rnd);
            flushConfig();
        }
        LOG.warning("Sentinel ID is " + myid);
        for (Instance m : masters.values()) event(WARNING, "+monitor", m, "%@ quorum " + m.quorum);
        previousTime = System.currentTimeMillis();
    }

    public String myid() {
        return myid;
    }

    // ---------------- the timer ----------------

    /** sentinelTimer, from the server's cron. */
    public void timer() {
        checkTilt();
        Instance switching = null;
        for (Instance m : new ArrayList<>(masters.values())) {
            handle(m);
            for (Instance s : new ArrayList<>(m.slaves.values())) handle(s);
            for (Instance s : new ArrayList<>(m.sentinels.values())) handle(s);
            if (m.failoverState == Instance.FailoverState.UPDATE_CONFIG) switching = m;
        }
        if (switching != null && masters.containsValue(switching)) failover.switchToPromotedSlave(switching);
        scripts.tick();
        // a new hz each tick (10-19, ticks 50-100 ms apart), so Sentinels started together drift
        // apart and rarely ask for votes in the same instant (sentinelTimer does the same)
        server.config().set("hz", Integer.toString(10 + random.nextInt(10)));
    }

    private void checkTilt() {
        long now = System.currentTimeMillis();
        long delta = now - previousTime;
        if (delta < 0 || delta > timers.tiltTrigger) {
            tilt = true;
            tiltStartTime = now;
            event(WARNING, "+tilt", null, "#tilt mode entered");
        }
        previousTime = now;
    }

    /** sentinelHandleRedisInstance; a bug in one instance's pass is logged and does not stop the others. */
    private void handle(Instance ri) {
        try {
            handleInstance(ri);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Sentinel timer failed for " + ri.type() + " " + ri.name, e);
        }
    }

    private void handleInstance(Instance ri) {
        ri.link.checkClosed();
        reconnect(ri);
        sendPeriodic(ri);
        long now = System.currentTimeMillis();
        if (tilt) {
            if (now - tiltStartTime < timers.tiltPeriod) return;
            tilt = false;
            event(WARNING, "-tilt", null, "#tilt mode exited");
        }
        detector.checkSubjectivelyDown(ri);
        if (ri.isMaster()) {
            detector.checkObjectivelyDown(ri);
            if (failover.startIfNeeded(ri)) detector.askOtherSentinels(ri, true);
            failover.step(ri);
            detector.askOtherSentinels(ri, false);
        }
    }

    /** sentinelReconnectInstance. */
    private void reconnect(Instance ri) {
        InstanceLink link = ri.link;
        long now = System.currentTimeMillis();
        if (!link.disconnected || ri.addr.port() == 0 || now - link.lastReconnTime < timers.pingPeriod) return;
        link.lastReconnTime = now;
        if (!link.hasCc()) {
            if (resolveHostnames) refreshIp(ri);
            if (link.connectCc(server.eventLoop(), ri.addr)) {
                link.pendingCommands = 0;
                link.ccConnTime = now;
                auth(ri, false);
                link.command(null, ri.mapCommand("CLIENT"), "SETNAME", "sentinel-" + myid.substring(0, 8) + "-cmd");
                ping(ri);
            }
        }
        if (!ri.is(Instance.SENTINEL) && !link.hasPc()) {
            if (link.connectPc(server.eventLoop(), ri.addr, msg -> hello.received(ri, msg))) {
                link.pcConnTime = now;
                link.pcLastActivity = now;
                auth(ri, true);
                link.pubsubPreamble(ri.mapCommand("CLIENT"), "SETNAME", "sentinel-" + myid.substring(0, 8) + "-pubsub");
                link.pubsubSubscribe(ri.mapCommand("SUBSCRIBE"), HELLO_CHANNEL);
            }
        }
        if (link.hasCc() && (ri.is(Instance.SENTINEL) || link.hasPc())) link.disconnected = false;
    }

    private void refreshIp(Instance ri) {
        String ip = Addr.resolve(ri.addr.hostname(), true);
        if (ip != null && !ip.equals(ri.addr.ip())) ri.addr = new Addr(ri.addr.hostname(), ip, ri.addr.port());
    }

    /** sentinelSendAuthIfNeeded: a master's auth for masters and replicas, sentinel-user/pass (or requirepass) for Sentinels. */
    private void auth(Instance ri, boolean pubsub) {
        String user, pass;
        if (ri.is(Instance.SENTINEL)) {
            user = sentinelAuthPass != null ? sentinelAuthUser : null;
            pass = sentinelAuthPass != null ? sentinelAuthPass : emptyToNull(server.config().getString("requirepass"));
        } else {
            user = ri.owner().authUser;
            pass = ri.owner().authPass;
        }
        if (pass == null) return;
        String[] args = user == null ? new String[] {ri.mapCommand("AUTH"), pass} : new String[] {ri.mapCommand("AUTH"), user, pass};
        if (pubsub) ri.link.pubsubPreamble(args);
        else ri.link.command(null, args);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** sentinelSendPeriodicCommands. */
    private void sendPeriodic(Instance ri) {
        InstanceLink link = ri.link;
        if (link.disconnected || link.pendingCommands >= 100) return;
        long now = System.currentTimeMillis();
        long infoPeriod = timers.infoPeriod;
        if (ri.is(Instance.SLAVE) && (ri.master.is(Instance.O_DOWN | Instance.FAILOVER_IN_PROGRESS) || ri.masterLinkDownTime != 0)) {
            infoPeriod = 1000;
        }
        long pingPeriod = Math.min(ri.downAfterPeriod, timers.pingPeriod);
        if (!ri.is(Instance.SENTINEL) && (ri.infoRefresh == 0 || now - ri.infoRefresh > infoPeriod)) {
            link.command(r -> { if (r instanceof String s) infoRefresh.refresh(ri, s); }, ri.mapCommand("INFO"));
        }
        if (now - link.lastPongTime > pingPeriod && now - link.lastPingTime > pingPeriod / 2) ping(ri);
        if (now - ri.lastPubTime > timers.publishPeriod) hello.send(ri);
    }

    /** sentinelSendPing and its reply callback. */
    void ping(Instance ri) {
        InstanceLink link = ri.link;
        if (!link.command(r -> pingReply(ri, r), ri.mapCommand("PING"))) return;
        link.lastPingTime = System.currentTimeMillis();
        if (link.actPingTime == 0) link.actPingTime = link.lastPingTime;
    }

    private void pingReply(Instance ri, Object r) {
        long now = System.currentTimeMillis();
        String text = r instanceof RespReader.Status s ? s.text() : r instanceof RespReader.Err e ? e.text() : null;
        if (text != null) {
            if (text.startsWith("PONG") || text.startsWith("LOADING") || text.startsWith("MASTERDOWN")) {
                ri.link.lastAvailTime = now;
                ri.link.actPingTime = 0;
                if (text.startsWith("PONG")) ri.flags &= ~Instance.MASTER_REBOOT;
            } else if (text.startsWith("BUSY") && ri.is(Instance.S_DOWN) && !ri.is(Instance.SCRIPT_KILL_SENT)) {
                ri.link.command(null, ri.mapCommand("SCRIPT"), "KILL");
                ri.flags |= Instance.SCRIPT_KILL_SENT;
            }
        }
        ri.link.lastPongTime = now;
    }

    // ---------------- events ----------------

    /**
     * sentinelEvent: logged at {@code level}, published on the channel named by {@code type} (all
     * but DEBUG), and handed to the notification script (WARNING). A format starting "%@" begins
     * with the instance: "master mymaster 127.0.0.1 6379", "... @ mymaster 127.0.0.1 6379".
     */
    void event(Level level, String type, Instance ri, String fmt) {
        String msg = fmt;
        if (ri != null && fmt.startsWith("%@")) {
            StringBuilder sb = new StringBuilder(ri.type()).append(' ').append(ri.name).append(' ')
                    .append(announced(ri.addr)).append(' ').append(ri.addr.port());
            if (!ri.isMaster()) {
                Instance m = ri.master;
                sb.append(" @ ").append(m.name).append(' ').append(announced(m.addr)).append(' ').append(m.addr.port());
            }
            msg = sb.append(fmt.substring(2)).toString();
        }
        LOG.log(level, type + " " + msg);
        if (level != DEBUG) server.pubsub().publish(Bytes.of(type), Bytes.of(msg));
        if (level == WARNING && ri != null) {
            Instance m = ri.isMaster() ? ri : ri.master;
            if (m != null && m.notificationScript != null) scripts.schedule(m.notificationScript, type, msg);
        }
    }

    String announced(Addr a) {
        return a.announced(announceHostnames);
    }

    // ---------------- instances ----------------

    /** createSentinelRedisInstance: a master, or a replica/Sentinel of {@code master}. */
    Instance create(String name, int flags, String host, int port, int quorum, Instance master) throws SentinelError {
        Addr addr = Addr.create(host, port, resolveHostnames, !(flags == Instance.MASTER));
        long now = System.currentTimeMillis();
        if ((flags & Instance.SLAVE) != 0) name = addr.key(announceHostnames);
        Map<String, Instance> table = (flags & Instance.MASTER) != 0 ? masters
                : (flags & Instance.SLAVE) != 0 ? master.slaves : master.sentinels;
        if (table.containsKey(name)) {
            throw new SentinelError((flags & Instance.MASTER) != 0 ? "Duplicate master name."
                    : (flags & Instance.SLAVE) != 0 ? "Duplicate hostname and port for replica." : "Duplicate runid for sentinel.");
        }
        Instance ri = new Instance(flags, name, addr, master, now, timers);
        ri.quorum = quorum;
        table.put(name, ri);
        return ri;
    }

    /** A replica of {@code master} at host:port, by its "ip:port" key. */
    Instance lookupSlave(Instance master, String host, int port) {
        String ip = Addr.resolve(host, resolveHostnames);
        Addr a = new Addr(host, ip != null ? ip : host, port);
        return master.slaves.get(a.key(announceHostnames));
    }

    void release(Instance ri) {
        ri.link.closeAll();
        for (Instance s : ri.slaves.values()) s.link.closeAll();
        for (Instance s : ri.sentinels.values()) s.link.closeAll();
    }

    /** sentinelResetMaster. */
    void resetMaster(Instance m, boolean keepSentinels, boolean generateEvent) {
        for (Instance s : m.slaves.values()) s.link.closeAll();
        m.slaves.clear();
        if (!keepSentinels) {
            for (Instance s : m.sentinels.values()) s.link.closeAll();
            m.sentinels.clear();
        }
        m.link.closeAll();
        m.flags &= Instance.MASTER;
        m.leader = null;
        m.failoverState = Instance.FailoverState.NONE;
        m.failoverStateChangeTime = 0;
        m.failoverStartTime = 0;
        m.promotedSlave = null;
        m.runid = null;
        m.slaveMasterHost = null;
        long now = System.currentTimeMillis();
        m.link.actPingTime = now;
        m.link.lastPingTime = 0;
        m.link.lastAvailTime = now;
        m.link.lastPongTime = now;
        m.roleReported = Instance.MASTER;
        m.roleReportedTime = now;
        if (generateEvent) event(WARNING, "+reset-master", m, "%@");
    }

    /** sentinelResetMasterAndChangeAddress: the old master and every replica but the new master become its replicas. */
    void resetMasterAndChangeAddress(Instance m, String host, int port) throws SentinelError {
        Addr newAddr = Addr.create(host, port, resolveHostnames, false);
        List<Addr> slaves = new ArrayList<>();
        for (Instance s : m.slaves.values()) {
            if (!s.addr.sameAs(newAddr)) slaves.add(s.addr);
        }
        if (!m.addr.sameAs(newAddr)) slaves.add(m.addr);
        resetMaster(m, true, false);
        m.addr = newAddr;
        m.oDownSinceTime = 0;
        m.sDownSinceTime = 0;
        for (Addr a : slaves) {
            Instance s = create(null, Instance.SLAVE, a.hostname(), a.port(), m.quorum, m);
            event(NOTICE, "+slave", s, "%@");
        }
        flushConfig();
    }

    /** sentinelGetCurrentMasterAddress: the promoted replica once the failover reconfigures replicas. */
    Addr currentMasterAddress(Instance m) {
        if (m.is(Instance.FAILOVER_IN_PROGRESS) && m.promotedSlave != null
                && m.failoverState.ordinal() >= Instance.FailoverState.RECONF_SLAVES.ordinal()) {
            return m.promotedSlave.addr;
        }
        return m.addr;
    }

    /** sentinelFlushConfig. */
    boolean flushConfig() {
        try {
            config.rewrite(this);
            LOG.info("Sentinel new configuration saved on disk");
            return true;
        } catch (java.io.IOException e) {
            LOG.warning("WARNING: Sentinel was not able to save the new configuration on disk!!!: " + e.getMessage());
            return false;
        }
    }

    /** The port this Sentinel announces (announce-port, else its own). */
    int announcedPort() {
        return announcePort != 0 ? announcePort : server.port();
    }

    /** SIMULATE-FAILURE's crash: exit(99), as Redis's sentinelSimFailureCrash. */
    void simulatedCrash() {
        LOG.warning("Sentinel CRASH because of SENTINEL simulate-failure");
        Runtime.getRuntime().halt(99);
    }
}
