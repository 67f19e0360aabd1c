package io.cachelab.engine.sentinel;

import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.net.Client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.cachelab.engine.sentinel.SentinelCommands.str;

/**
 * SENTINEL's subcommands (sentinel.c: sentinelCommand and addReplySentinelRedisInstance): the state
 * of masters, replicas and Sentinels as flat maps in Redis's field order (clients and tests read
 * them by position), the votes of IS-MASTER-DOWN-BY-ADDR, and the run-time changes — MONITOR,
 * REMOVE, SET, RESET, FAILOVER, CONFIG, DEBUG, SIMULATE-FAILURE — each saved to the config file.
 */
final class SentinelReplies {
    private SentinelReplies() {
    }

    static void bind(CommandSpec s, SentinelCommands cmds) {
        s.sub("masters", (c, a) -> instances(c, cmds.sentinel(), new ArrayList<>(cmds.sentinel().masters.values())));
        s.sub("master", (c, a) -> instance(c, cmds.sentinel(), cmds.master(str(a[2]))));
        s.sub("replicas", (c, a) -> replicas(c, cmds, a));
        s.sub("slaves", (c, a) -> replicas(c, cmds, a));
        s.sub("sentinels", (c, a) -> instances(c, cmds.sentinel(), new ArrayList<>(cmds.master(str(a[2])).sentinels.values())));
        s.sub("myid", (c, a) -> c.addBulk(cmds.sentinel().myid));
        s.sub("get-master-addr-by-name", (c, a) -> masterAddr(c, cmds.sentinel(), str(a[2])));
        s.sub("is-master-down-by-addr", (c, a) -> isMasterDown(c, cmds.sentinel(), a));
        s.sub("monitor", (c, a) -> SentinelAdmin.monitor(c, cmds.sentinel(), a));
        s.sub("remove", (c, a) -> SentinelAdmin.remove(c, cmds, a));
        s.sub("reset", (c, a) -> c.addInteger(cmds.reset(str(a[2]))));
        s.sub("set", (c, a) -> SentinelAdmin.set(c, cmds, a));
        s.sub("failover", (c, a) -> SentinelAdmin.failover(c, cmds, a));
        s.sub("ckquorum", (c, a) -> SentinelAdmin.ckquorum(c, cmds.master(str(a[2]))));
        s.sub("flushconfig", (c, a) -> SentinelCommands.flushAndReply(cmds.sentinel(), c));
        s.sub("config", (c, a) -> SentinelAdmin.config(c, cmds.sentinel(), a));
        s.sub("debug", (c, a) -> SentinelAdmin.debug(c, cmds.sentinel(), a));
        s.sub("simulate-failure", (c, a) -> SentinelAdmin.simulateFailure(c, cmds.sentinel(), a));
        s.sub("info-cache", (c, a) -> infoCache(c, cmds.sentinel(), a));
        s.sub("pending-scripts", (c, a) -> pendingScripts(c, cmds.sentinel()));
        s.sub("help", (c, a) -> help(c));
    }

    private static void replicas(Client c, SentinelCommands cmds, byte[][] a) {
        List<Instance> shown = new ArrayList<>();
        for (Instance r : cmds.master(str(a[2])).slaves.values()) {
            if (r.replicaAnnounced) shown.add(r);
        }
        instances(c, cmds.sentinel(), shown);
    }

    static void instances(Client c, Sentinel s, List<Instance> list) {
        c.addArrayLen(list.size());
        for (Instance ri : list) instance(c, s, ri);
    }

    /** addReplySentinelRedisInstance. */
    static void instance(Client c, Sentinel s, Instance ri) {
        Map<String, String> f = fields(s, ri);
        c.addMapLen(f.size());
        f.forEach((k, v) -> {
            c.addBulk(k);
            c.addBulk(v);
        });
    }

    private static Map<String, String> fields(Sentinel s, Instance ri) {
        long now = System.currentTimeMillis();
        InstanceLink l = ri.link;
        Map<String, String> f = new LinkedHashMap<>();
        f.put("name", ri.name);
        f.put("ip", s.announced(ri.addr));
        f.put("port", Integer.toString(ri.addr.port()));
        f.put("runid", ri.runid == null ? "" : ri.runid);
        f.put("flags", flags(ri));
        f.put("link-pending-commands", Integer.toString(l.pendingCommands));
        f.put("link-refcount", "1");
        if (ri.is(Instance.FAILOVER_IN_PROGRESS)) f.put("failover-state", ri.failoverState.text());
        f.put("last-ping-sent", Long.toString(l.actPingTime != 0 ? now - l.actPingTime : 0));
        f.put("last-ok-ping-reply", Long.toString(now - l.lastAvailTime));
        f.put("last-ping-reply", Long.toString(now - l.lastPongTime));
        if (ri.is(Instance.S_DOWN)) f.put("s-down-time", Long.toString(now - ri.sDownSinceTime));
        if (ri.is(Instance.O_DOWN)) f.put("o-down-time", Long.toString(now - ri.oDownSinceTime));
        f.put("down-after-milliseconds", Long.toString(ri.downAfterPeriod));
        if (!ri.is(Instance.SENTINEL)) {
            f.put("info-refresh", Long.toString(ri.infoRefresh == 0 ? 0 : now - ri.infoRefresh));
            f.put("role-reported", ri.roleReported == Instance.MASTER ? "master" : "slave");
            f.put("role-reported-time", Long.toString(now - ri.roleReportedTime));
        }
        if (ri.isMaster()) masterFields(ri, f);
        else if (ri.is(Instance.SLAVE)) replicaFields(ri, f);
        else {
            f.put("last-hello-message", Long.toString(now - ri.lastHelloTime));
            f.put("voted-leader", ri.leader == null ? "?" : ri.leader);
            f.put("voted-leader-epoch", Long.toString(ri.leaderEpoch));
        }
        return f;
    }

    private static void masterFields(Instance m, Map<String, String> f) {
        f.put("config-epoch", Long.toString(m.configEpoch));
        f.put("num-slaves", Integer.toString(m.slaves.size()));
        f.put("num-other-sentinels", Integer.toString(m.sentinels.size()));
        f.put("quorum", Integer.toString(m.quorum));
        f.put("failover-timeout", Long.toString(m.failoverTimeout));
        f.put("parallel-syncs", Integer.toString(m.parallelSyncs));
        if (m.notificationScript != null) f.put("notification-script", m.notificationScript);
        if (m.clientReconfigScript != null) f.put("client-reconfig-script", m.clientReconfigScript);
    }

    private static void replicaFields(Instance r, Map<String, String> f) {
        f.put("master-link-down-time", Long.toString(r.masterLinkDownTime));
        f.put("master-link-status", r.slaveMasterLinkUp ? "ok" : "err");
        f.put("master-host", r.slaveMasterHost == null ? "?" : r.slaveMasterHost);
        f.put("master-port", Integer.toString(r.slaveMasterPort));
        f.put("slave-priority", Integer.toString(r.slavePriority));
        f.put("slave-repl-offset", Long.toString(r.slaveReplOffset));
        f.put("replica-announced", r.replicaAnnounced ? "1" : "0");
    }

    static String flags(Instance ri) {
        StringBuilder sb = new StringBuilder();
        flag(sb, ri.is(Instance.S_DOWN), "s_down");
        flag(sb, ri.is(Instance.O_DOWN), "o_down");
        flag(sb, ri.is(Instance.MASTER), "master");
        flag(sb, ri.is(Instance.SLAVE), "slave");
        flag(sb, ri.is(Instance.SENTINEL), "sentinel");
        flag(sb, ri.link.disconnected, "disconnected");
        flag(sb, ri.is(Instance.MASTER_DOWN), "master_down");
        flag(sb, ri.is(Instance.FAILOVER_IN_PROGRESS), "failover_in_progress");
        flag(sb, ri.is(Instance.PROMOTED), "promoted");
        flag(sb, ri.is(Instance.RECONF_SENT), "reconf_sent");
        flag(sb, ri.is(Instance.RECONF_INPROG), "reconf_inprog");
        flag(sb, ri.is(Instance.RECONF_DONE), "reconf_done");
        flag(sb, ri.is(Instance.FORCE_FAILOVER), "force_failover");
        flag(sb, ri.is(Instance.SCRIPT_KILL_SENT), "script_kill_sent");
        return sb.toString();
    }

    private static void flag(StringBuilder sb, boolean on, String name) {
        if (!on) return;
        if (sb.length() > 0) sb.append(',');
        sb.append(name);
    }

    private static void masterAddr(Client c, Sentinel s, String name) {
        Instance m = s.masters.get(name);
        if (m == null) {
            c.addNullArray();
            return;
        }
        Addr a = s.currentMasterAddress(m);
        c.addArrayLen(2);
        c.addBulk(s.announced(a));
        c.addBulk(Integer.toString(a.port()));
    }

    /** SENTINEL IS-MASTER-DOWN-BY-ADDR ip port current-epoch runid: down or not, and our vote if asked. */
    private static void isMasterDown(Client c, Sentinel s, byte[][] a) {
        long port = SentinelAdmin.integer(a[3]);
        long epoch = SentinelAdmin.integer(a[4]);
        String runid = str(a[5]);
        Instance found = null;
        String ip = Addr.resolve(str(a[2]), s.resolveHostnames);
        for (Instance m : s.masters.values()) {
            if (m.addr.port() == port && (m.addr.ip().equals(ip) || m.addr.hostname().equalsIgnoreCase(str(a[2])))) found = m;
        }
        boolean down = !s.tilt && found != null && found.is(Instance.S_DOWN) && found.isMaster();
        Failover.Vote vote = found != null && !runid.equals("*") ? s.failover.vote(found, epoch, runid) : new Failover.Vote(null, 0);
        c.addArrayLen(3);
        c.addInteger(down ? 1 : 0);
        c.addBulk(vote.leader() == null ? "*" : vote.leader());
        c.addInteger(vote.leader() == null ? 0 : vote.epoch());
    }

    private static void infoCache(Client c, Sentinel s, byte[][] a) {
        List<Instance> chosen = new ArrayList<>();
        if (a.length == 2) chosen.addAll(s.masters.values());
        for (int i = 2; i < a.length; i++) {
            Instance m = s.masters.get(str(a[i]));
            if (m != null) chosen.add(m);
        }
        long now = System.currentTimeMillis();
        c.addArrayLen(chosen.size() * 2L);
        for (Instance m : chosen) {
            c.addBulk(m.name);
            c.addArrayLen(m.slaves.size() + 1L);
            infoEntry(c, now - m.infoRefresh, m.info);
            for (Instance r : m.slaves.values()) infoEntry(c, m.infoRefresh != 0 ? now - r.infoRefresh : 0, r.info);
        }
    }

    private static void infoEntry(Client c, long age, String info) {
        c.addArrayLen(2);
        c.addInteger(age);
        if (info == null) c.addNull();
        else c.addBulk(info);
    }

    private static void pendingScripts(Client c, Sentinel s) {
        long now = System.currentTimeMillis();
        c.addArrayLen(s.scripts.queue.size());
        for (Scripts.Job j : s.scripts.queue) {
            c.addMapLen(5);
            c.addBulk("argv");
            c.addArrayLen(j.argv.size());
            for (String arg : j.argv) c.addBulk(arg);
            c.addBulk("flags");
            c.addBulk(j.running ? "running" : "scheduled");
            c.addBulk("pid");
            c.addBulk(Long.toString(j.process != null ? j.process.pid() : 0));
            if (j.running) {
                c.addBulk("run-time");
                c.addBulk(Long.toString(now - j.startTime));
            } else {
                c.addBulk("run-delay");
                c.addBulk(Long.toString(j.startTime == 0 ? 0 : j.startTime - now));
            }
            c.addBulk("retry-num");
            c.addBulk(Integer.toString(j.retryNum));
        }
    }

    private static void help(Client c) {
        String[] lines = {
            "CKQUORUM <master-name>",
            "    Check if the current Sentinel configuration is able to reach the quorum",
            "    needed to failover a master and the majority needed to authorize the",
            "    failover.",
            "CONFIG SET <param> <value>",
            "    Set a global Sentinel configuration parameter.",
            "CONFIG GET <param>",
            "    Get global Sentinel configuration parameter.",
            "DEBUG [<param> <value> ...]",
            "    Show a list of configurable time parameters and their values (milliseconds).",
            "    Or update current configurable parameters values (one or more).",
            "GET-MASTER-ADDR-BY-NAME <master-name>",
            "    Return the ip and port number of the master with that name.",
            "FAILOVER <master-name>",
            "    Manually failover a master node without asking for agreement from other",
            "    Sentinels",
            "FLUSHCONFIG",
            "    Force Sentinel to rewrite its configuration on disk, including the current",
            "    Sentinel state.",
            "INFO-CACHE <master-name>",
            "    Return last cached INFO output from masters and all its replicas.",
            "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
            "    Check if the master specified by ip:port is down from current Sentinel's",
            "    point of view.",
            "MASTER <master-name>",
            "    Show the state and info of the specified master.",
            "MASTERS",
            "    Show a list of monitored masters and their state.",
            "MONITOR <name> <ip> <port> <quorum>",
            "    Start monitoring a new master with the specified name, ip, port and quorum.",
            "MYID",
            "    Return the ID of the Sentinel instance.",
            "PENDING-SCRIPTS",
            "    Get pending scripts information.",
            "REMOVE <master-name>",
            "    Remove master from Sentinel's monitor list.",
            "REPLICAS <master-name>",
            "    Show a list of replicas for this master and their state.",
            "RESET <pattern>",
            "    Reset masters for specific master name matching this pattern.",
            "SENTINELS <master-name>",
            "    Show a list of Sentinel instances for this master and their state.",
            "SET <master-name> <option> <value> [<option> <value> ...]",
            "    Set configuration parameters for certain masters.",
            "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
            "    Simulate a Sentinel crash."};
        c.addHelp("SENTINEL", lines);
    }
}
