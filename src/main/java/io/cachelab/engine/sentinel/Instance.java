package io.cachelab.engine.sentinel;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * sentinelRedisInstance (sentinel.c): a monitored master, one of its replicas, or another Sentinel
 * watching it, with the flags and timestamps the failure detector and the failover read. The
 * fields belong to the event-loop thread and to this package.
 */
final class Instance {
    static final int MASTER = 1, SLAVE = 2, SENTINEL = 4, S_DOWN = 8, O_DOWN = 16, MASTER_DOWN = 32,
            FAILOVER_IN_PROGRESS = 64, PROMOTED = 128, RECONF_SENT = 256, RECONF_INPROG = 512, RECONF_DONE = 1024,
            FORCE_FAILOVER = 2048, SCRIPT_KILL_SENT = 4096, MASTER_REBOOT = 8192;

    enum FailoverState {
        NONE, WAIT_START, SELECT_SLAVE, SEND_SLAVEOF_NOONE, WAIT_PROMOTION, RECONF_SLAVES, UPDATE_CONFIG;

        String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    int flags;
    String name;
    String runid;
    long configEpoch;
    Addr addr;
    InstanceLink link;
    long lastPubTime, lastHelloTime, lastMasterDownReplyTime;
    long sDownSinceTime, oDownSinceTime;
    long downAfterPeriod;
    long masterRebootDownAfterPeriod, masterRebootSinceTime;
    long infoRefresh;
    final Map<String, String> renamedCommands = new LinkedHashMap<>();
    int roleReported;
    long roleReportedTime, slaveConfChangeTime;

    // master only
    final Map<String, Instance> sentinels = new LinkedHashMap<>();
    final Map<String, Instance> slaves = new LinkedHashMap<>();
    int quorum;
    int parallelSyncs = 1;
    String authPass, authUser;

    // replica only
    long masterLinkDownTime;
    int slavePriority = 100;
    boolean replicaAnnounced = true;
    long slaveReconfSentTime;
    Instance master;
    String slaveMasterHost;
    int slaveMasterPort;
    boolean slaveMasterLinkUp;
    long slaveReplOffset;

    // failover
    String leader;
    long leaderEpoch, failoverEpoch;
    FailoverState failoverState = FailoverState.NONE;
    long failoverStateChangeTime, failoverStartTime;
    long failoverTimeout;
    long failoverDelayLogged;
    Instance promotedSlave;
    String notificationScript, clientReconfigScript;
    String info;

    Instance(int flags, String name, Addr addr, Instance master, long now, Timers timers) {
        this.flags = flags;
        this.addr = addr;
        this.master = master;
        this.name = name;
        this.lastPubTime = now;
        this.lastHelloTime = now;
        this.lastMasterDownReplyTime = now;
        this.downAfterPeriod = master != null ? master.downAfterPeriod : timers.defaultDownAfter;
        this.failoverTimeout = timers.defaultFailoverTimeout;
        this.roleReported = (flags & MASTER) != 0 ? MASTER : SLAVE;
        this.roleReportedTime = now;
        this.slaveConfChangeTime = now;
        this.link = new InstanceLink(this, now);
    }

    boolean is(int flag) {
        return (flags & flag) != 0;
    }

    boolean isMaster() {
        return is(MASTER);
    }

    /** "master", "slave" or "sentinel", as events and replies name the kind. */
    String type() {
        return is(MASTER) ? "master" : is(SLAVE) ? "slave" : "sentinel";
    }

    /** The master whose rename-command table, auth and timers apply (a replica's or sentinel's master). */
    Instance owner() {
        return master != null ? master : this;
    }

    /** sentinelInstanceMapCommand: the name to send for {@code command} (rename-command). */
    String mapCommand(String command) {
        Map<String, String> table = owner().renamedCommands;
        for (Map.Entry<String, String> e : table.entrySet()) {
            if (e.getKey().equalsIgnoreCase(command)) return e.getValue();
        }
        return command;
    }

    /** sentinelRedisInstanceNoDownFor: not down at all for the last {@code ms}. */
    boolean noDownFor(long ms, long now) {
        long most = Math.max(sDownSinceTime, oDownSinceTime);
        return most == 0 || now - most > ms;
    }
}
