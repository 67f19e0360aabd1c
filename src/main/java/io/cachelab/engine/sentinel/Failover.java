package io.cachelab.engine.sentinel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The leader election and the failover, after sentinel.c (sentinelVoteLeader, sentinelGetLeader,
 * sentinelStartFailover, sentinelFailoverStateMachine and its steps): one vote per epoch, a leader
 * needs a majority of all known Sentinels and at least quorum votes; the leader picks the best
 * replica, sends it REPLICAOF NO ONE, waits to see it report role:master in INFO, repoints the
 * other replicas parallel-syncs at a time, and then switches its view of the master.
 */
final class Failover {
    private final Sentinel sentinel;

    Failover(Sentinel sentinel) {
        this.sentinel = sentinel;
    }

    // ---------------- votes ----------------

    /** The leader this Sentinel voted for in {@code epoch} (null: none yet). */
    record Vote(String leader, long epoch) {
    }

    /** sentinelVoteLeader: the vote this Sentinel now holds for {@code m}. */
    Vote vote(Instance m, long reqEpoch, String reqRunid) {
        if (reqEpoch > sentinel.currentEpoch) {
            sentinel.currentEpoch = reqEpoch;
            sentinel.flushConfig();
            sentinel.event(Sentinel.WARNING, "+new-epoch", m, Long.toString(sentinel.currentEpoch));
        }
        if (m.leaderEpoch < reqEpoch && sentinel.currentEpoch <= reqEpoch) {
            m.leader = reqRunid;
            m.leaderEpoch = sentinel.currentEpoch;
            sentinel.flushConfig();
            sentinel.event(Sentinel.WARNING, "+vote-for-leader", m, m.leader + " " + m.leaderEpoch);
            if (!reqRunid.equalsIgnoreCase(sentinel.myid)) {
                m.failoverStartTime = System.currentTimeMillis() + sentinel.random.nextInt(1000);
            }
        }
        return new Vote(m.leader, m.leaderEpoch);
    }

    /** sentinelGetLeader: the winner of {@code epoch} if it has a majority and the quorum, else null. */
    String leader(Instance m, long epoch) {
        Map<String, Integer> counters = new HashMap<>();
        int voters = m.sentinels.size() + 1;
        for (Instance s : m.sentinels.values()) {
            if (s.leader != null && s.leaderEpoch == sentinel.currentEpoch) counters.merge(s.leader, 1, Integer::sum);
        }
        String winner = null;
        int maxVotes = 0;
        for (Map.Entry<String, Integer> e : counters.entrySet()) {
            if (e.getValue() > maxVotes) {
                maxVotes = e.getValue();
                winner = e.getKey();
            }
        }
        Vote mine = vote(m, epoch, winner != null ? winner : sentinel.myid);
        if (mine.leader() != null && mine.epoch() == epoch) {
            int votes = counters.merge(mine.leader(), 1, Integer::sum);
            if (votes > maxVotes) {
                maxVotes = votes;
                winner = mine.leader();
            }
        }
        return maxVotes >= voters / 2 + 1 && maxVotes >= m.quorum ? winner : null;
    }

    // ---------------- starting ----------------

    /** sentinelStartFailoverIfNeeded. */
    boolean startIfNeeded(Instance m) {
        if (!m.is(Instance.O_DOWN) || m.is(Instance.FAILOVER_IN_PROGRESS)) return false;
        long now = System.currentTimeMillis();
        if (now - m.failoverStartTime < m.failoverTimeout * 2) {
            if (m.failoverDelayLogged != m.failoverStartTime) {
                long at = m.failoverStartTime + m.failoverTimeout * 2;
                String when = new java.text.SimpleDateFormat("EEE MMM d HH:mm:ss yyyy", java.util.Locale.ROOT).format(new java.util.Date(at));
                Sentinel.log().warning("Next failover delay: I will not start a failover before " + when);
                m.failoverDelayLogged = m.failoverStartTime;
            }
            return false;
        }
        start(m);
        return true;
    }

    /** sentinelStartFailover. */
    void start(Instance m) {
        m.failoverState = Instance.FailoverState.WAIT_START;
        m.flags |= Instance.FAILOVER_IN_PROGRESS;
        m.failoverEpoch = ++sentinel.currentEpoch;
        sentinel.event(Sentinel.WARNING, "+new-epoch", m, Long.toString(sentinel.currentEpoch));
        sentinel.event(Sentinel.WARNING, "+try-failover", m, "%@");
        long now = System.currentTimeMillis();
        m.failoverStartTime = now + sentinel.random.nextInt(1000);
        m.failoverStateChangeTime = now;
    }

    // ---------------- the state machine ----------------

    /** sentinelFailoverStateMachine. */
    void step(Instance m) {
        if (!m.is(Instance.FAILOVER_IN_PROGRESS)) return;
        switch (m.failoverState) {
            case WAIT_START -> waitStart(m);
            case SELECT_SLAVE -> selectSlave(m);
            case SEND_SLAVEOF_NOONE -> sendSlaveOfNoOne(m);
            case WAIT_PROMOTION -> waitPromotion(m);
            case RECONF_SLAVES -> reconfNextSlave(m);
            default -> { }
        }
    }

    private void waitStart(Instance m) {
        String leader = leader(m, m.failoverEpoch);
        boolean isLeader = leader != null && leader.equalsIgnoreCase(sentinel.myid);
        long now = System.currentTimeMillis();
        if (!isLeader && !m.is(Instance.FORCE_FAILOVER)) {
            long timeout = Math.min(sentinel.timers.electionTimeout, m.failoverTimeout);
            if (now - m.failoverStartTime > timeout) {
                sentinel.event(Sentinel.WARNING, "-failover-abort-not-elected", m, "%@");
                abort(m);
            }
            return;
        }
        sentinel.event(Sentinel.WARNING, "+elected-leader", m, "%@");
        if ((sentinel.simFailureFlags & Sentinel.SIMFAILURE_CRASH_AFTER_ELECTION) != 0) sentinel.simulatedCrash();
        m.failoverState = Instance.FailoverState.SELECT_SLAVE;
        m.failoverStateChangeTime = now;
        sentinel.event(Sentinel.WARNING, "+failover-state-select-slave", m, "%@");
    }

    private void selectSlave(Instance m) {
        Instance slave = best(m);
        if (slave == null) {
            sentinel.event(Sentinel.WARNING, "-failover-abort-no-good-slave", m, "%@");
            abort(m);
            return;
        }
        sentinel.event(Sentinel.WARNING, "+selected-slave", slave, "%@");
        slave.flags |= Instance.PROMOTED;
        m.promotedSlave = slave;
        m.failoverState = Instance.FailoverState.SEND_SLAVEOF_NOONE;
        m.failoverStateChangeTime = System.currentTimeMillis();
        sentinel.event(Sentinel.NOTICE, "+failover-state-send-slaveof-noone", slave, "%@");
    }

    private void sendSlaveOfNoOne(Instance m) {
        Instance promoted = m.promotedSlave;
        if (promoted.link.disconnected) {
            if (System.currentTimeMillis() - m.failoverStateChangeTime > m.failoverTimeout) {
                sentinel.event(Sentinel.WARNING, "-failover-abort-slave-timeout", m, "%@");
                abort(m);
            }
            return;
        }
        if (!sendSlaveOf(promoted, null)) return;
        sentinel.event(Sentinel.NOTICE, "+failover-state-wait-promotion", promoted, "%@");
        m.failoverState = Instance.FailoverState.WAIT_PROMOTION;
        m.failoverStateChangeTime = System.currentTimeMillis();
    }

    private void waitPromotion(Instance m) {
        if (System.currentTimeMillis() - m.failoverStateChangeTime > m.failoverTimeout) {
            sentinel.event(Sentinel.WARNING, "-failover-abort-slave-timeout", m, "%@");
            abort(m);
        }
    }

    /** The promoted replica reported role:master in INFO (from {@link InfoRefresh}). */
    void promotionObserved(Instance m, Instance promoted) {
        m.configEpoch = m.failoverEpoch;
        m.failoverState = Instance.FailoverState.RECONF_SLAVES;
        m.failoverStateChangeTime = System.currentTimeMillis();
        sentinel.flushConfig();
        sentinel.event(Sentinel.WARNING, "+promoted-slave", promoted, "%@");
        if ((sentinel.simFailureFlags & Sentinel.SIMFAILURE_CRASH_AFTER_PROMOTION) != 0) sentinel.simulatedCrash();
        sentinel.event(Sentinel.WARNING, "+failover-state-reconf-slaves", m, "%@");
        sentinel.scripts.clientReconfig(m, "leader", "start", m.addr, promoted.addr);
        sentinel.hello.forceUpdate(m);
    }

    /** sentinelFailoverReconfNextSlave. */
    private void reconfNextSlave(Instance m) {
        int inProgress = 0;
        for (Instance s : m.slaves.values()) {
            if (s.is(Instance.RECONF_SENT | Instance.RECONF_INPROG)) inProgress++;
        }
        long now = System.currentTimeMillis();
        for (Instance s : m.slaves.values()) {
            if (inProgress >= m.parallelSyncs) break;
            if (s.is(Instance.PROMOTED | Instance.RECONF_DONE)) continue;
            if (s.is(Instance.RECONF_SENT) && now - s.slaveReconfSentTime > sentinel.timers.slaveReconfTimeout) {
                sentinel.event(Sentinel.NOTICE, "-slave-reconf-sent-timeout", s, "%@");
                s.flags = (s.flags & ~Instance.RECONF_SENT) | Instance.RECONF_DONE;
            }
            if (s.is(Instance.RECONF_SENT | Instance.RECONF_INPROG) || s.link.disconnected) continue;
            if (sendSlaveOf(s, m.promotedSlave.addr)) {
                s.flags |= Instance.RECONF_SENT;
                s.slaveReconfSentTime = now;
                sentinel.event(Sentinel.NOTICE, "+slave-reconf-sent", s, "%@");
                inProgress++;
            }
        }
        detectEnd(m);
    }

    /** sentinelFailoverDetectEnd. */
    private void detectEnd(Instance m) {
        Instance promoted = m.promotedSlave;
        if (promoted == null || promoted.is(Instance.S_DOWN)) return;
        int notReconfigured = 0;
        for (Instance s : m.slaves.values()) {
            if (s.is(Instance.PROMOTED | Instance.RECONF_DONE) || s.is(Instance.S_DOWN)) continue;
            notReconfigured++;
        }
        boolean timeout = false;
        if (System.currentTimeMillis() - m.failoverStateChangeTime > m.failoverTimeout) {
            notReconfigured = 0;
            timeout = true;
            sentinel.event(Sentinel.WARNING, "+failover-end-for-timeout", m, "%@");
        }
        if (notReconfigured != 0) return;
        sentinel.event(Sentinel.WARNING, "+failover-end", m, "%@");
        m.failoverState = Instance.FailoverState.UPDATE_CONFIG;
        m.failoverStateChangeTime = System.currentTimeMillis();
        if (!timeout) return;
        for (Instance s : m.slaves.values()) {
            if (s.is(Instance.PROMOTED | Instance.RECONF_DONE | Instance.RECONF_SENT) || s.link.disconnected) continue;
            if (sendSlaveOf(s, promoted.addr)) {
                sentinel.event(Sentinel.NOTICE, "+slave-reconf-sent-be", s, "%@");
                s.flags |= Instance.RECONF_SENT;
            }
        }
    }

    /** sentinelFailoverSwitchToPromotedSlave. */
    void switchToPromotedSlave(Instance m) {
        Instance ref = m.promotedSlave != null ? m.promotedSlave : m;
        sentinel.event(Sentinel.WARNING, "+switch-master", m, m.name + " " + sentinel.announced(m.addr) + " " + m.addr.port()
                + " " + sentinel.announced(ref.addr) + " " + ref.addr.port());
        try {
            sentinel.resetMasterAndChangeAddress(m, ref.addr.hostname(), ref.addr.port());
        } catch (SentinelError e) {
            Sentinel.log().warning("Failed to switch master " + m.name + ": " + e.getMessage());
        }
    }

    /** sentinelAbortFailover. */
    void abort(Instance m) {
        m.flags &= ~(Instance.FAILOVER_IN_PROGRESS | Instance.FORCE_FAILOVER);
        m.failoverState = Instance.FailoverState.NONE;
        m.failoverStateChangeTime = System.currentTimeMillis();
        if (m.promotedSlave != null) {
            m.promotedSlave.flags &= ~Instance.PROMOTED;
            m.promotedSlave = null;
        }
    }

    // ---------------- replicas ----------------

    /** sentinelSelectSlave: the usable replica with the lowest priority, then the largest offset, then the smallest run id. */
    Instance best(Instance m) {
        long now = System.currentTimeMillis();
        Timers t = sentinel.timers;
        long maxMasterDownTime = (m.is(Instance.S_DOWN) ? now - m.sDownSinceTime : 0) + m.downAfterPeriod * 10;
        long infoValidity = m.is(Instance.S_DOWN) ? t.pingPeriod * 5 : t.infoPeriod * 3;
        List<Instance> usable = new ArrayList<>();
        for (Instance s : m.slaves.values()) {
            if (s.is(Instance.S_DOWN | Instance.O_DOWN) || s.link.disconnected) continue;
            if (now - s.link.lastAvailTime > t.pingPeriod * 5 || s.slavePriority == 0) continue;
            if (now - s.infoRefresh > infoValidity || s.masterLinkDownTime > maxMasterDownTime) continue;
            usable.add(s);
        }
        usable.sort(Comparator.<Instance>comparingInt(s -> s.slavePriority)
                .thenComparing(Comparator.<Instance>comparingLong(s -> s.slaveReplOffset).reversed())
                .thenComparing(s -> s.runid, Comparator.nullsLast(String.CASE_INSENSITIVE_ORDER)));
        return usable.isEmpty() ? null : usable.get(0);
    }

    /** sentinelSendSlaveOf: MULTI, REPLICAOF, CONFIG REWRITE, CLIENT KILL normal and pubsub, EXEC; replies discarded. */
    boolean sendSlaveOf(Instance ri, Addr to) {
        if (!ri.link.hasCc()) return false;
        String host = to == null ? "NO" : sentinel.announced(to);
        String port = to == null ? "ONE" : Integer.toString(to.port());
        InstanceLink l = ri.link;
        l.command(null, ri.mapCommand("MULTI"));
        l.command(null, ri.mapCommand("SLAVEOF"), host, port);
        l.command(null, ri.mapCommand("CONFIG"), "REWRITE");
        l.command(null, ri.mapCommand("CLIENT"), "KILL", "TYPE", "normal");
        l.command(null, ri.mapCommand("CLIENT"), "KILL", "TYPE", "pubsub");
        l.command(null, ri.mapCommand("EXEC"));
        return true;
    }
}
