package io.cachelab.engine.cluster;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node as this node sees it (cluster.h clusterNode): its name, role flags, address, epoch and
 * slots, the links to and from it, and the failure reports other masters gave about it. State is
 * package-private: only the cluster package changes it, on the event-loop thread.
 */
public final class ClusterNode {
    static final int MASTER = 1;
    static final int SLAVE = 2;
    static final int PFAIL = 4;
    static final int FAIL = 8;
    static final int MYSELF = 16;
    static final int HANDSHAKE = 32;
    static final int NOADDR = 64;
    static final int MEET = 128;
    static final int MIGRATE_TO = 256;
    static final int NOFAILOVER = 512;

    String name;
    int flags;
    final long ctime = System.currentTimeMillis();
    long configEpoch;
    final BitSet slots = new BitSet(Slots.COUNT);
    ClusterNode slaveof;
    final List<ClusterNode> replicas = new ArrayList<>();
    long pingSent;
    long pongReceived;
    long dataReceived;
    long failTime;
    long votedTime;
    long replOffset;
    long replOffsetTime;
    long orphanedTime;
    String ip = "";
    String hostname = "";
    int port;
    int pport;
    int cport;
    BusLink link;
    BusLink inboundLink;
    /** Reporting master -> when it last said this node is failing (clusterNodeFailReport). */
    final Map<ClusterNode, Long> failReports = new LinkedHashMap<>();
    long lastInPingGossip;

    ClusterNode(String name, int flags) {
        this.name = name;
        this.flags = flags;
    }

    public String name() {
        return name;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    boolean isMaster() {
        return has(MASTER);
    }

    boolean isReplica() {
        return has(SLAVE);
    }

    boolean failed() {
        return has(FAIL);
    }

    boolean timedOut() {
        return has(PFAIL);
    }

    int numSlots() {
        return slots.cardinality();
    }

    /** clusterNodeAddSlave: a master that gains a replica may receive migrating replicas. */
    void addReplica(ClusterNode r) {
        if (replicas.contains(r)) return;
        replicas.add(r);
        flags |= MIGRATE_TO;
    }

    void removeReplica(ClusterNode r) {
        replicas.remove(r);
        if (replicas.isEmpty()) flags &= ~MIGRATE_TO;
    }

    /** Replicas not flagged FAIL (clusterCountNonFailingSlaves). */
    int okReplicas() {
        int n = 0;
        for (ClusterNode r : replicas) if (!r.failed()) n++;
        return n;
    }

    /** The flags as CLUSTER NODES prints them (representClusterNodeFlags). */
    String flagsText() {
        StringBuilder sb = new StringBuilder();
        if (has(MYSELF)) sb.append("myself,");
        if (has(MASTER)) sb.append("master,");
        if (has(SLAVE)) sb.append("slave,");
        if (has(PFAIL)) sb.append("fail?,");
        if (has(FAIL)) sb.append("fail,");
        if (has(HANDSHAKE)) sb.append("handshake,");
        if (has(NOADDR)) sb.append("noaddr,");
        if (has(NOFAILOVER)) sb.append("nofailover,");
        return sb.length() == 0 ? "noflags" : sb.substring(0, sb.length() - 1);
    }

    @Override
    public String toString() {
        return name + " " + ip + ":" + port;
    }
}
