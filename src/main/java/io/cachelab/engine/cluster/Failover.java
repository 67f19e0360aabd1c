package io.cachelab.engine.cluster;

import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Who serves a slot when things change (cluster.c clusterUpdateSlotsConfigWith,
 * clusterHandleSlaveFailover, clusterSendFailoverAuthIfNeeded, the manual failover and
 * clusterHandleSlaveMigration): a replica of a FAIL master waits a delay ranked by its offset,
 * asks the masters for votes in a new epoch, and takes the slots with a majority; a master grants
 * one vote per epoch; a newer config epoch always wins a slot.
 */
final class Failover {
    private final Cluster cluster;
    // the election (failover_auth_*)
    private long authTime;
    private int authCount;
    private boolean authSent;
    private int authRank;
    private long authEpoch;
    // manual failover (mf_*)
    private long mfEnd;
    private ClusterNode mfReplica;
    private long mfMasterOffset = -1;
    private boolean mfCanStart;
    // replica migration, gathered by the cron's node walk
    private int orphanedMasters;
    private int maxReplicas;
    private int myMasterReplicas;
    private String lastCantReason;
    private long lastCantLog;

    Failover(Cluster cluster) {
        this.cluster = cluster;
    }

    boolean manualFailoverInProgress() {
        return mfEnd != 0;
    }

    // ---- slot ownership ----

    /** clusterUpdateSlotsConfigWith: slots claimed with a newer epoch move to the claimer. */
    void updateSlotsConfigWith(ClusterNode sender, long senderConfigEpoch, BitSet claimed) {
        if (sender == cluster.myself) {
            cluster.log().fine("Discarding UPDATE message about myself.");
            return;
        }
        ClusterNode curmaster = cluster.myMaster();
        ClusterNode newmaster = null;
        BitSet dirty = new BitSet();
        int senderSlots = 0;
        int migrated = 0;
        for (int j = 0; j < Slots.COUNT; j++) {
            ClusterNode owner = cluster.slots[j];
            if (claimed.get(j)) {
                senderSlots++;
                if (owner == sender) {
                    cluster.ownerNotClaiming.clear(j);
                    continue;
                }
                if (cluster.importingFrom[j] != null) continue;
                if (cluster.slotUnclaimed(j) || owner.configEpoch < senderConfigEpoch) {
                    if (owner == cluster.myself && cluster.keysInSlot(j) > 0 && sender != cluster.myself) dirty.set(j);
                    if (owner == curmaster) {
                        newmaster = sender;
                        migrated++;
                    }
                    cluster.delSlot(j);
                    cluster.addSlot(sender, j);
                    cluster.ownerNotClaiming.clear(j);
                    cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE | Cluster.TODO_FSYNC_CONFIG);
                }
            } else if (owner == sender) {
                cluster.ownerNotClaiming.set(j);
            }
        }
        afterSlotsUpdate(sender, curmaster, newmaster, dirty, senderSlots, migrated);
    }

    private void afterSlotsUpdate(ClusterNode sender, ClusterNode curmaster, ClusterNode newmaster, BitSet dirty,
                                  int senderSlots, int migrated) {
        boolean allowMigration = cluster.host().config().getBool("cluster-allow-replica-migration");
        if (newmaster != null && curmaster.numSlots() == 0 && (allowMigration || senderSlots == migrated)) {
            cluster.log().warning("Configuration change detected. Reconfiguring myself as a replica of " + sender.name);
            cluster.setMaster(sender);
            cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE | Cluster.TODO_FSYNC_CONFIG);
        } else if (cluster.myself.slaveof != null && cluster.myself.slaveof.slaveof != null
                && cluster.myself.slaveof.slaveof != cluster.myself) {
            ClusterNode grand = cluster.myself.slaveof.slaveof;
            cluster.log().warning("I'm a sub-replica! Reconfiguring myself as a replica of grandmaster " + grand.name);
            cluster.setMaster(grand);
            cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE | Cluster.TODO_FSYNC_CONFIG);
        } else {
            for (int j = dirty.nextSetBit(0); j >= 0; j = dirty.nextSetBit(j + 1)) cluster.deleteKeysInSlot(j);
        }
    }

    // ---- votes (master side) ----

    /** clusterSendFailoverAuthIfNeeded: one vote per epoch, for a replica of a failed master, not too often. */
    void voteIfNeeded(ClusterNode node, byte[] request) {
        ClusterNode me = cluster.myself;
        if (me.isReplica() || me.numSlots() == 0) return;
        long reqEpoch = Msg.u64(request, Msg.OFF_CURRENT_EPOCH);
        long reqConfigEpoch = Msg.u64(request, Msg.OFF_CONFIG_EPOCH);
        boolean force = (request[Msg.OFF_MFLAGS] & Msg.MF_FORCEACK) != 0;
        String denied = denial(node, reqEpoch, reqConfigEpoch, force, Slots.fromBitmap(request, Msg.OFF_MYSLOTS));
        if (denied != null) {
            cluster.log().warning("Failover auth denied to " + node.name + ": " + denied);
            return;
        }
        cluster.lastVoteEpoch = cluster.currentEpoch;
        node.slaveof.votedTime = System.currentTimeMillis();
        // durable before the vote leaves: a restarted master must not vote twice in one epoch
        cluster.conf().saveOrDie(true);
        cluster.bus().send(node.link, cluster.gossip().messages().bare(Msg.AUTH_ACK, 0));
        cluster.log().warning("Failover auth granted to " + node.name + " for epoch " + cluster.currentEpoch);
    }

    private String denial(ClusterNode node, long reqEpoch, long reqConfigEpoch, boolean force, BitSet claimed) {
        if (reqEpoch < cluster.currentEpoch) return "reqEpoch (" + reqEpoch + ") < curEpoch(" + cluster.currentEpoch + ")";
        if (cluster.lastVoteEpoch == cluster.currentEpoch) return "already voted for epoch " + cluster.currentEpoch;
        if (node.isMaster() || node.slaveof == null || (!node.slaveof.failed() && !force)) {
            if (node.isMaster()) return "it is a master node";
            if (node.slaveof == null) return "I don't know its master";
            return "its master is up";
        }
        long since = System.currentTimeMillis() - node.slaveof.votedTime;
        if (since < cluster.nodeTimeout() * 2) {
            return "can't vote about this master before " + (cluster.nodeTimeout() * 2 - since) + " milliseconds";
        }
        for (int j = claimed.nextSetBit(0); j >= 0; j = claimed.nextSetBit(j + 1)) {
            if (cluster.slotUnclaimed(j)) continue;
            if (cluster.slots[j].configEpoch <= reqConfigEpoch) continue;
            return "slot " + j + " epoch (" + cluster.slots[j].configEpoch + ") > reqEpoch (" + reqConfigEpoch + ")";
        }
        return null;
    }

    void ackReceived(ClusterNode sender, long senderCurrentEpoch) {
        if (sender.isMaster() && sender.numSlots() > 0 && senderCurrentEpoch >= authEpoch) {
            authCount++;
            cluster.todo(Cluster.TODO_HANDLE_FAILOVER);
        }
    }

    // ---- the election (replica side) ----

    /** clusterHandleSlaveFailover. */
    void handleReplicaFailover() {
        ClusterNode me = cluster.myself;
        long now = System.currentTimeMillis();
        long authAge = now - authTime;
        int quorum = cluster.size / 2 + 1;
        boolean manual = mfEnd != 0 && mfCanStart;
        long timeout = cluster.nodeTimeout();
        long authTimeout = Math.max(timeout * 2, 2000);
        long authRetry = authTimeout * 2;
        boolean noFailover = cluster.host().config().getBool("cluster-replica-no-failover");
        if (me.isMaster() || me.slaveof == null || (!me.slaveof.failed() && !manual) || (noFailover && !manual)
                || me.slaveof.numSlots() == 0) {
            lastCantReason = null;
            return;
        }
        if (!manual && dataTooOld(timeout)) {
            cantFailover("Disconnected from master for longer than allowed. Please check the "
                    + "'cluster-replica-validity-factor' configuration option.");
            return;
        }
        if (authAge > authRetry) {
            scheduleElection(now);
            return;
        }
        if (!authSent && mfEnd == 0) {
            int newRank = rank();
            if (newRank > authRank) {
                authTime += (newRank - authRank) * 1000L;
                authRank = newRank;
            }
        }
        if (now < authTime) {
            cantFailover("Waiting the delay before I can start a new failover.");
            return;
        }
        if (authAge > authTimeout) {
            cantFailover("Failover attempt expired.");
            return;
        }
        runElection(quorum);
    }

    private boolean dataTooOld(long timeout) {
        long factor = cluster.host().config().getLong("cluster-replica-validity-factor");
        if (factor == 0) return false;
        long now = System.currentTimeMillis();
        var link = cluster.host().replicaLink();
        long dataAge = link.connected() && link.master() != null
                ? (now / 1000 - link.master().lastInteractionMs() / 1000) * 1000
                : (now / 1000 - link.downSinceMs() / 1000) * 1000;
        if (dataAge > timeout) dataAge -= timeout;
        long period = cluster.host().config().getLong("repl-ping-replica-period") * 1000;
        return dataAge > period + timeout * factor;
    }

    private void scheduleElection(long now) {
        authTime = now + 500 + ThreadLocalRandom.current().nextInt(500);
        authCount = 0;
        authSent = false;
        authRank = rank();
        authTime += authRank * 1000L;
        if (mfEnd != 0) {
            authTime = now;
            authRank = 0;
            cluster.todo(Cluster.TODO_HANDLE_FAILOVER);
        }
        cluster.log().warning("Start of election delayed for " + (authTime - now) + " milliseconds (rank #" + authRank
                + ", offset " + cluster.replicationOffset() + ").");
        cluster.gossip().broadcastPong(true);
    }

    private void runElection(int quorum) {
        if (!authSent) {
            cluster.currentEpoch++;
            authEpoch = cluster.currentEpoch;
            cluster.log().warning("Starting a failover election for epoch " + cluster.currentEpoch + ".");
            cluster.conf().saveOrDie(true);
            cluster.bus().broadcast(cluster.gossip().messages().bare(Msg.AUTH_REQUEST, mfEnd != 0 ? Msg.MF_FORCEACK : 0));
            authSent = true;
            cluster.todo(Cluster.TODO_UPDATE_STATE);
            return;
        }
        if (authCount >= quorum) {
            cluster.log().warning("Failover election won: I'm the new master.");
            if (cluster.myself.configEpoch < authEpoch) {
                cluster.myself.configEpoch = authEpoch;
                cluster.log().warning("configEpoch set to " + authEpoch + " after successful failover");
            }
            replaceMyMaster();
        } else {
            cantFailover("Waiting for votes, but majority still not reached.");
        }
    }

    /** clusterGetSlaveRank: sibling replicas (failover-capable) that processed more than I did. */
    private int rank() {
        ClusterNode master = cluster.myself.slaveof;
        if (master == null) return 0;
        long mine = cluster.replicationOffset();
        int rank = 0;
        for (ClusterNode r : master.replicas) {
            if (r != cluster.myself && !r.has(ClusterNode.NOFAILOVER) && r.replOffset > mine) rank++;
        }
        return rank;
    }

    private void cantFailover(String reason) {
        long now = System.currentTimeMillis();
        if (reason.equals(lastCantReason) && now - lastCantLog < 300_000) return;
        ClusterNode master = cluster.myself.slaveof;
        if (master != null && master.failed() && now - master.failTime < cluster.nodeTimeout() + 5000) return;
        lastCantReason = reason;
        lastCantLog = now;
        cluster.log().warning("Currently unable to failover: " + reason);
    }

    /** clusterFailoverReplaceYourMaster: take the old master's slots and tell everybody. */
    void replaceMyMaster() {
        ClusterNode me = cluster.myself;
        ClusterNode old = me.slaveof;
        if (me.isMaster() || old == null) return;
        cluster.setNodeAsMaster(me);
        cluster.host().replicaLink().unsetMaster();
        for (int j = old.slots.nextSetBit(0); j >= 0; j = old.slots.nextSetBit(j + 1)) {
            cluster.delSlot(j);
            cluster.addSlot(me, j);
        }
        cluster.updateState();
        cluster.conf().saveOrDie(true);
        cluster.gossip().broadcastPong(false);
        resetManualFailover();
    }

    // ---- manual failover ----

    /** CLUSTER FAILOVER [FORCE|TAKEOVER] on a replica. */
    void startManual(String mode) {
        resetManualFailover();
        mfEnd = System.currentTimeMillis() + 5000;
        switch (mode) {
            case "takeover" -> {
                cluster.log().warning("Taking over the master (user request).");
                cluster.bumpEpochWithoutConsensus();
                replaceMyMaster();
            }
            case "force" -> {
                cluster.log().warning("Forced failover user request accepted.");
                mfCanStart = true;
                cluster.todo(Cluster.TODO_HANDLE_FAILOVER);
            }
            default -> {
                cluster.log().warning("Manual failover user request accepted.");
                cluster.bus().send(cluster.myself.slaveof.link, cluster.gossip().messages().bare(Msg.MFSTART, 0));
            }
        }
    }

    /** A master receives MFSTART from its replica: pause writes, tell it my offset at once. */
    void mfstart(BusLink link, ClusterNode replica) {
        resetManualFailover();
        long now = System.currentTimeMillis();
        mfEnd = now + 5000;
        mfReplica = replica;
        cluster.host().dispatcher().pause().pause(now + 10_000, true);
        cluster.log().warning("Manual failover requested by replica " + replica.name + ".");
        cluster.gossip().sendPing(link, Msg.PING);
    }

    /** A PAUSED flag from my master during my manual failover: its offset is the one to reach. */
    void masterPaused(ClusterNode sender) {
        if (mfEnd != 0 && cluster.myself.isReplica() && cluster.myself.slaveof == sender && mfMasterOffset == -1) {
            mfMasterOffset = sender.replOffset;
            cluster.todo(Cluster.TODO_HANDLE_MANUALFAILOVER);
            cluster.log().warning("Received replication offset for paused master manual failover: " + mfMasterOffset);
        }
    }

    /** clusterHandleManualFailover: the election may start once I processed everything my paused master had. */
    void handleManualFailover() {
        if (mfEnd == 0 || mfCanStart || mfMasterOffset == -1) return;
        if (mfMasterOffset == cluster.replicationOffset()) {
            mfCanStart = true;
            cluster.log().warning("All master replication stream processed, manual failover can start.");
            cluster.todo(Cluster.TODO_HANDLE_FAILOVER);
            return;
        }
        cluster.todo(Cluster.TODO_HANDLE_MANUALFAILOVER);
    }

    void resetManualFailover() {
        if (mfReplica != null) cluster.host().dispatcher().pause().unpause();
        mfEnd = 0;
        mfCanStart = false;
        mfReplica = null;
        mfMasterOffset = -1;
    }

    /** The master side PINGs its manual-failover replica every cron tick. True when it did. */
    boolean pingDuringManualFailover(ClusterNode n) {
        if (mfEnd == 0 || !cluster.myself.isMaster() || mfReplica != n || n.link == null) return false;
        cluster.gossip().sendPing(n.link, Msg.PING);
        return true;
    }

    // ---- the cron's share ----

    void beginOrphanScan() {
        orphanedMasters = 0;
        maxReplicas = 0;
        myMasterReplicas = 0;
    }

    void scanForOrphans(ClusterNode n) {
        if (!cluster.myself.isReplica() || !n.isMaster() || n.failed()) return;
        int ok = n.okReplicas();
        if (ok == 0 && n.numSlots() > 0 && n.has(ClusterNode.MIGRATE_TO)) orphanedMasters++;
        maxReplicas = Math.max(maxReplicas, ok);
        if (cluster.myself.slaveof == n) myMasterReplicas = ok;
    }

    void cron(long now) {
        ClusterNode me = cluster.myself;
        var link = cluster.host().replicaLink();
        if (me.isReplica() && !link.isReplica() && me.slaveof != null && !me.slaveof.ip.isEmpty()) {
            link.setMaster(me.slaveof.ip, me.slaveof.port);
        }
        if (mfEnd != 0 && mfEnd < now) {
            cluster.log().warning("Manual failover timed out.");
            resetManualFailover();
        }
        if (!me.isReplica()) return;
        handleManualFailover();
        handleReplicaFailover();
        if (orphanedMasters > 0 && maxReplicas >= 2 && myMasterReplicas == maxReplicas
                && cluster.host().config().getBool("cluster-allow-replica-migration")) {
            migrateIfNeeded(maxReplicas);
        }
    }

    /** clusterHandleSlaveMigration: the smallest-named replica of the best-served master moves to an orphan. */
    private void migrateIfNeeded(int max) {
        ClusterNode me = cluster.myself;
        if (!cluster.stateOk || me.slaveof == null) return;
        int ok = 0;
        for (ClusterNode r : me.slaveof.replicas) if (!r.failed() && !r.timedOut()) ok++;
        if (ok <= cluster.host().config().getInt("cluster-migration-barrier")) return;
        ClusterNode candidate = me;
        ClusterNode target = null;
        long now = System.currentTimeMillis();
        for (ClusterNode n : cluster.nodeList()) {
            if (n.isReplica() || n.failed()) continue;
            boolean orphaned = false;
            int okReplicas = n.okReplicas();
            if (okReplicas == 0 && n.numSlots() > 0 && n.has(ClusterNode.MIGRATE_TO)) {
                orphaned = true;
                if (target == null) target = n;
                if (n.orphanedTime == 0) n.orphanedTime = now;
            } else {
                n.orphanedTime = 0;
            }
            if (!orphaned && okReplicas == max) {
                for (ClusterNode r : n.replicas) if (r.name.compareTo(candidate.name) < 0) candidate = r;
            }
        }
        if (target != null && candidate == me && now - target.orphanedTime > 5000) {
            cluster.log().warning("Migrating to orphaned master " + target.name);
            cluster.setMaster(target);
        }
    }
}
