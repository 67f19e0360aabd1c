package io.cachelab.engine.sentinel;

import java.util.ArrayList;
import java.util.List;

/**
 * Sentinels find each other through hellos (sentinel.c: sentinelSendHello,
 * sentinelProcessHelloMessage): every 2 s each publishes
 * "ip,port,runid,current_epoch,master_name,master_ip,master_port,master_config_epoch" on
 * __sentinel__:hello of every master and replica (and PUBLISHes it to every Sentinel it knows).
 * A hello adds unknown Sentinels, raises the current epoch, and carries a newer master address.
 */
final class Hello {
    private final Sentinel sentinel;

    Hello(Sentinel sentinel) {
        this.sentinel = sentinel;
    }

    void send(Instance ri) {
        if (ri.link.disconnected) return;
        Instance m = ri.isMaster() ? ri : ri.master;
        Addr ma = sentinel.currentMasterAddress(m);
        String ip = sentinel.announceIp;
        if (ip == null) {
            String local = ri.link.ccLocalAddress();
            if (local == null || local.lastIndexOf(':') <= 0) return;
            ip = local.substring(0, local.lastIndexOf(':'));
            if (ip.startsWith("[")) ip = ip.substring(1, ip.length() - 1);
        }
        String payload = ip + "," + sentinel.announcedPort() + "," + sentinel.myid + "," + sentinel.currentEpoch + ","
                + m.name + "," + sentinel.announced(ma) + "," + ma.port() + "," + m.configEpoch;
        ri.link.command(r -> {
            if (!(r instanceof RespReader.Err)) ri.lastPubTime = System.currentTimeMillis();
        }, ri.mapCommand("PUBLISH"), Sentinel.HELLO_CHANNEL, payload);
    }

    /** sentinelForceHelloUpdateForMaster: hellos to a master, its Sentinels and replicas at the next tick. */
    void forceUpdate(Instance m) {
        long back = sentinel.timers.publishPeriod + 1;
        m.lastPubTime -= back;
        for (Instance s : m.sentinels.values()) s.lastPubTime -= back;
        for (Instance s : m.slaves.values()) s.lastPubTime -= back;
    }

    /** A message on a master's or replica's pub/sub link (our own hellos are skipped). */
    void received(Instance ri, Object msg) {
        ri.link.pcLastActivity = System.currentTimeMillis();
        if (!(msg instanceof List<?> l) || l.size() != 3 || !"message".equals(l.get(0)) || !(l.get(2) instanceof String payload)) {
            return;
        }
        if (payload.contains(sentinel.myid)) return;
        process(payload);
    }

    /** sentinelProcessHelloMessage. */
    void process(String hello) {
        String[] t = hello.split(",", -1);
        if (t.length != 8) return;
        Instance m = sentinel.masters.get(t[4]);
        if (m == null) return;
        int port = SentinelConfig.atoi(t[1]);
        int masterPort = SentinelConfig.atoi(t[6]);
        long epoch = SentinelConfig.atoul(t[3]);
        long configEpoch = SentinelConfig.atoul(t[7]);
        Instance si = find(m, t[0], port, t[2]);
        if (si == null) si = addSentinel(m, t[0], port, t[2]);
        if (epoch > sentinel.currentEpoch) {
            sentinel.currentEpoch = epoch;
            sentinel.flushConfig();
            sentinel.event(Sentinel.WARNING, "+new-epoch", m, Long.toString(sentinel.currentEpoch));
        }
        if (si != null && m.configEpoch < configEpoch) {
            m.configEpoch = configEpoch;
            if (masterPort != m.addr.port() || !m.addr.equalsHostname(t[5], sentinel.resolveHostnames)) {
                switchMaster(m, si, t[5], masterPort);
            }
        }
        if (si != null) si.lastHelloTime = System.currentTimeMillis();
    }

    private void switchMaster(Instance m, Instance from, String host, int port) {
        sentinel.event(Sentinel.WARNING, "+config-update-from", from, "%@");
        Addr old = m.addr;
        sentinel.event(Sentinel.WARNING, "+switch-master", m,
                m.name + " " + sentinel.announced(old) + " " + old.port() + " " + host + " " + port);
        try {
            sentinel.resetMasterAndChangeAddress(m, host, port);
        } catch (SentinelError e) {
            return;
        }
        sentinel.scripts.clientReconfig(m, "observer", "start", old, m.addr);
    }

    private Instance addSentinel(Instance m, String ip, int port, String runid) {
        boolean removed = removeByRunId(m, runid) > 0;
        if (removed) {
            sentinel.event(Sentinel.NOTICE, "+sentinel-address-switch", m, "%@ ip " + ip + " port " + port + " for " + runid);
        } else {
            Instance other = find(m, ip, port, null);
            if (other != null) {
                sentinel.event(Sentinel.NOTICE, "+sentinel-invalid-addr", other, "%@");
                String obsolete = other.runid;
                for (Instance each : sentinel.masters.values()) removeByRunId(each, obsolete);
            }
        }
        Instance si;
        try {
            si = sentinel.create(runid, Instance.SENTINEL, ip, port, m.quorum, m);
        } catch (SentinelError e) {
            return null;
        }
        if (!removed) sentinel.event(Sentinel.NOTICE, "+sentinel", si, "%@");
        si.runid = runid;
        sentinel.flushConfig();
        return si;
    }

    /** getSentinelRedisInstanceByAddrAndRunID: by address and, when given, run id. */
    static Instance find(Instance m, String ip, int port, String runid) {
        for (Instance s : m.sentinels.values()) {
            if (runid != null && s.runid == null) continue;
            if ((runid == null || runid.equals(s.runid)) && s.addr.ip().equals(ip) && s.addr.port() == port) return s;
        }
        return null;
    }

    /** removeMatchingSentinelFromMaster. */
    private int removeByRunId(Instance m, String runid) {
        if (runid == null) return 0;
        List<String> gone = new ArrayList<>();
        m.sentinels.forEach((k, s) -> {
            if (runid.equals(s.runid)) gone.add(k);
        });
        for (String k : gone) m.sentinels.remove(k).link.closeAll();
        return gone.size();
    }

}
