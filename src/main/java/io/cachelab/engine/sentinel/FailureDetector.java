package io.cachelab.engine.sentinel;

import java.util.List;

/**
 * Subjective and objective down, after sentinel.c's sentinelCheckSubjectivelyDown,
 * sentinelCheckObjectivelyDown and sentinelAskMasterStateToOtherSentinels: an instance is S_DOWN
 * when no acceptable PING reply came for down-after-milliseconds; a master is O_DOWN when quorum
 * Sentinels (this one included) say so through SENTINEL IS-MASTER-DOWN-BY-ADDR, whose replies also
 * carry the votes of the leader election.
 */
final class FailureDetector {
    private final Sentinel sentinel;

    FailureDetector(Sentinel sentinel) {
        this.sentinel = sentinel;
    }

    void checkSubjectivelyDown(Instance ri) {
        InstanceLink link = ri.link;
        long now = System.currentTimeMillis();
        long elapsed = link.actPingTime != 0 ? now - link.actPingTime : link.disconnected ? now - link.lastAvailTime : 0;
        closeStaleLinks(ri, now);
        Timers t = sentinel.timers;
        boolean down = elapsed > ri.downAfterPeriod
                || ri.isMaster() && ri.roleReported == Instance.SLAVE
                   && now - ri.roleReportedTime > ri.downAfterPeriod + 2 * t.infoPeriod
                || ri.is(Instance.MASTER_REBOOT) && now - ri.masterRebootSinceTime > ri.masterRebootDownAfterPeriod;
        if (down && !ri.is(Instance.S_DOWN)) {
            sentinel.event(Sentinel.WARNING, "+sdown", ri, "%@");
            ri.sDownSinceTime = now;
            ri.flags |= Instance.S_DOWN;
        } else if (!down && ri.is(Instance.S_DOWN)) {
            sentinel.event(Sentinel.WARNING, "-sdown", ri, "%@");
            ri.flags &= ~(Instance.S_DOWN | Instance.SCRIPT_KILL_SENT);
        }
    }

    /** A command link with an old unanswered PING, or a pub/sub link silent for 3 publish periods, is reopened. */
    private void closeStaleLinks(Instance ri, long now) {
        InstanceLink link = ri.link;
        long minPeriod = sentinel.timers.minLinkReconnectPeriod;
        if (link.hasCc() && now - link.ccConnTime >= minPeriod && link.actPingTime != 0
                && now - link.actPingTime > ri.downAfterPeriod / 2 && now - link.lastPongTime > ri.downAfterPeriod / 2) {
            link.closeCc();
        }
        if (link.hasPc() && now - link.pcConnTime >= minPeriod && now - link.pcLastActivity > sentinel.timers.publishPeriod * 3) {
            link.closePc();
        }
    }

    void checkObjectivelyDown(Instance m) {
        int quorum = 0;
        boolean odown = false;
        if (m.is(Instance.S_DOWN)) {
            quorum = 1;
            for (Instance s : m.sentinels.values()) {
                if (s.is(Instance.MASTER_DOWN)) quorum++;
            }
            odown = quorum >= m.quorum;
        }
        long now = System.currentTimeMillis();
        if (odown && !m.is(Instance.O_DOWN)) {
            sentinel.event(Sentinel.WARNING, "+odown", m, "%@ #quorum " + quorum + "/" + m.quorum);
            m.flags |= Instance.O_DOWN;
            m.oDownSinceTime = now;
        } else if (!odown && m.is(Instance.O_DOWN)) {
            sentinel.event(Sentinel.WARNING, "-odown", m, "%@");
            m.flags &= ~Instance.O_DOWN;
        }
    }

    void askOtherSentinels(Instance m, boolean forced) {
        long now = System.currentTimeMillis();
        long ask = sentinel.timers.askPeriod;
        for (Instance s : m.sentinels.values()) {
            if (now - s.lastMasterDownReplyTime > ask * 5) {
                s.flags &= ~Instance.MASTER_DOWN;
                s.leader = null;
            }
            if (!m.is(Instance.S_DOWN) || s.link.disconnected) continue;
            if (!forced && now - s.lastMasterDownReplyTime < ask) continue;
            String runid = m.failoverState != Instance.FailoverState.NONE ? sentinel.myid : "*";
            s.link.command(r -> isMasterDownReply(s, r), s.mapCommand("SENTINEL"), "is-master-down-by-addr",
                    sentinel.announced(m.addr), Integer.toString(m.addr.port()), Long.toString(sentinel.currentEpoch), runid);
        }
    }

    /** sentinelReceiveIsMasterDownReply: only a reply of exactly integer, bulk, integer is taken. */
    private void isMasterDownReply(Instance s, Object r) {
        if (!(r instanceof List<?> l) || l.size() != 3 || !(l.get(0) instanceof Long down)
                || !(l.get(1) instanceof String runid) || !(l.get(2) instanceof Long epoch)) {
            return;
        }
        s.lastMasterDownReplyTime = System.currentTimeMillis();
        if (down == 1) s.flags |= Instance.MASTER_DOWN;
        else s.flags &= ~Instance.MASTER_DOWN;
        if (!runid.equals("*")) {
            if (s.leaderEpoch != epoch) {
                Sentinel.log().warning(s.name + " voted for " + runid + " " + epoch);
            }
            s.leader = runid;
            s.leaderEpoch = epoch;
        }
    }
}
