package io.cachelab.engine.sentinel;

/**
 * sentinelRefreshInstanceInfo (sentinel.c): what a master's or replica's INFO tells Sentinel — the
 * run id (a change is a reboot), the replicas a master lists (discovery), a replica's master and
 * link, priority and offset — and what Sentinel does about it: a promotion observed during a
 * failover, a replica pointed back at the right master, reconfiguration progress.
 */
final class InfoRefresh {
    private final Sentinel sentinel;

    InfoRefresh(Sentinel sentinel) {
        this.sentinel = sentinel;
    }

    void refresh(Instance ri, String info) {
        int role = parse(ri, info);
        act(ri, role);
    }

    /** The reading half: fields into the instance, returns the reported role. */
    private int parse(Instance ri, String info) {
        ri.info = info;
        ri.masterLinkDownTime = 0;
        int role = 0;
        long now = System.currentTimeMillis();
        for (String l : info.split("\r\n")) {
            if (l.startsWith("run_id:") && l.length() >= 47) runId(ri, l.substring(7, 47), now);
            else if (ri.isMaster() && l.startsWith("slave") && l.length() >= 7 && Character.isDigit(l.charAt(5))) replicaLine(ri, l);
            else if (l.startsWith("master_link_down_since_seconds:")) ri.masterLinkDownTime = parseLong(l.substring(31)) * 1000;
            else if (l.equals("role:master")) role = Instance.MASTER;
            else if (l.equals("role:slave")) role = Instance.SLAVE;
            else if (role == Instance.SLAVE) replicaField(ri, l, now);
        }
        ri.infoRefresh = now;
        return role;
    }

    private void runId(Instance ri, String id, long now) {
        if (ri.runid != null && !ri.runid.equals(id)) {
            sentinel.event(Sentinel.NOTICE, "+reboot", ri, "%@");
            if (ri.isMaster() && ri.masterRebootDownAfterPeriod != 0) {
                ri.flags |= Instance.MASTER_REBOOT;
                ri.masterRebootSinceTime = now;
            }
        }
        ri.runid = id;
    }

    /** slave0:ip=127.0.0.1,port=6380,state=online,offset=...,lag=0 (or the old slave0:ip,port,state). */
    private void replicaLine(Instance m, String l) {
        String body = l.substring(l.indexOf(':') + 1);
        String ip, port;
        if (body.contains("ip=")) {
            ip = field(body, "ip=");
            port = field(body, "port=");
        } else {
            String[] p = body.split(",");
            if (p.length < 2) return;
            ip = p[0];
            port = p[1];
        }
        if (ip == null || port == null) return;
        int p = (int) parseLong(port);
        if (sentinel.lookupSlave(m, ip, p) != null) return;
        try {
            Instance s = sentinel.create(null, Instance.SLAVE, ip, p, m.quorum, m);
            sentinel.event(Sentinel.NOTICE, "+slave", s, "%@");
            sentinel.flushConfig();
        } catch (SentinelError e) {
            // an address we cannot use: ignored, as Redis does
        }
    }

    private static String field(String body, String key) {
        int i = body.indexOf(key);
        if (i < 0) return null;
        int end = body.indexOf(',', i);
        return body.substring(i + key.length(), end < 0 ? body.length() : end);
    }

    private void replicaField(Instance ri, String l, long now) {
        if (l.startsWith("master_host:")) {
            String h = l.substring(12);
            if (ri.slaveMasterHost == null || !ri.slaveMasterHost.equalsIgnoreCase(h)) {
                ri.slaveMasterHost = h;
                ri.slaveConfChangeTime = now;
            }
        } else if (l.startsWith("master_port:")) {
            int p = (int) parseLong(l.substring(12));
            if (ri.slaveMasterPort != p) {
                ri.slaveMasterPort = p;
                ri.slaveConfChangeTime = now;
            }
        } else if (l.startsWith("master_link_status:")) {
            ri.slaveMasterLinkUp = l.substring(19).equalsIgnoreCase("up");
        } else if (l.startsWith("slave_priority:")) {
            ri.slavePriority = (int) parseLong(l.substring(15));
        } else if (l.startsWith("slave_repl_offset:")) {
            ri.slaveReplOffset = parseLong(l.substring(18));
        } else if (l.startsWith("replica_announced:")) {
            ri.replicaAnnounced = parseLong(l.substring(18)) != 0;
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The acting half. */
    private void act(Instance ri, int role) {
        long now = System.currentTimeMillis();
        if (role != 0 && role != ri.roleReported) {
            ri.roleReported = role;
            ri.roleReportedTime = now;
            if (role == Instance.SLAVE) ri.slaveConfChangeTime = now;
            boolean expected = (ri.flags & role) != 0;
            sentinel.event(Sentinel.VERBOSE, expected ? "+role-change" : "-role-change", ri,
                    "%@ new reported role is " + (role == Instance.MASTER ? "master" : "slave"));
        }
        if (sentinel.tilt || ri.isMaster()) return;
        Instance m = ri.master;
        if (role == Instance.MASTER) replicaReportsMaster(ri, m, now);
        if (role == Instance.SLAVE && (ri.slaveMasterPort != m.addr.port()
                || !m.addr.equalsHostname(ri.slaveMasterHost == null ? "" : ri.slaveMasterHost, sentinel.resolveHostnames))) {
            fixReplicaConfig(ri, m, now);
        }
        if (role == Instance.SLAVE && ri.is(Instance.RECONF_SENT | Instance.RECONF_INPROG)) reconfProgress(ri, m);
    }

    private void replicaReportsMaster(Instance ri, Instance m, long now) {
        Timers t = sentinel.timers;
        if (ri.is(Instance.PROMOTED) && m.is(Instance.FAILOVER_IN_PROGRESS)
                && m.failoverState == Instance.FailoverState.WAIT_PROMOTION) {
            sentinel.failover.promotionObserved(m, ri);
        } else if (!ri.is(Instance.PROMOTED) && looksSane(m, now) && ri.noDownFor(t.publishPeriod * 4, now)
                && now - ri.roleReportedTime > t.publishPeriod * 4) {
            if (sentinel.failover.sendSlaveOf(ri, m.addr)) sentinel.event(Sentinel.NOTICE, "+convert-to-slave", ri, "%@");
        }
    }

    private void fixReplicaConfig(Instance ri, Instance m, long now) {
        long timeout = m.failoverTimeout;
        if (looksSane(m, now) && ri.noDownFor(timeout, now) && now - ri.slaveConfChangeTime > timeout) {
            if (sentinel.failover.sendSlaveOf(ri, m.addr)) sentinel.event(Sentinel.NOTICE, "+fix-slave-config", ri, "%@");
        }
    }

    private void reconfProgress(Instance ri, Instance m) {
        Instance promoted = m.promotedSlave;
        if (ri.is(Instance.RECONF_SENT) && promoted != null && ri.slaveMasterPort == promoted.addr.port()
                && ri.slaveMasterHost != null && promoted.addr.equalsHostname(ri.slaveMasterHost, sentinel.resolveHostnames)) {
            ri.flags = (ri.flags & ~Instance.RECONF_SENT) | Instance.RECONF_INPROG;
            sentinel.event(Sentinel.NOTICE, "+slave-reconf-inprog", ri, "%@");
        }
        if (ri.is(Instance.RECONF_INPROG) && ri.slaveMasterLinkUp) {
            ri.flags = (ri.flags & ~Instance.RECONF_INPROG) | Instance.RECONF_DONE;
            sentinel.event(Sentinel.NOTICE, "+slave-reconf-done", ri, "%@");
        }
    }

    /** sentinelMasterLooksSane. */
    private boolean looksSane(Instance m, long now) {
        return m.isMaster() && m.roleReported == Instance.MASTER && !m.is(Instance.S_DOWN | Instance.O_DOWN)
                && now - m.infoRefresh < sentinel.timers.infoPeriod * 2;
    }
}
