package io.cachelab.engine.cluster;

import io.cachelab.engine.util.Bytes;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds this node's messages (cluster.c clusterBuildMessageHdr, clusterSendPing, clusterSendFail,
 * clusterSendUpdate, clusterSendPublish, clusterRequestFailoverAuth...): every header carries my
 * epochs, offset, slots and flags — a replica's those of its master.
 */
final class Messages {
    private final Cluster cluster;
    private long packetId;

    Messages(Cluster cluster) {
        this.cluster = cluster;
    }

    Msg.Header header(int mflags) {
        ClusterNode me = cluster.myself;
        ClusterNode master = cluster.myMaster();
        String ip = cluster.host().config().getString("cluster-announce-ip");
        if (me.isMaster() && cluster.failover().manualFailoverInProgress()) mflags |= Msg.MF_PAUSED;
        return new Msg.Header(me.port, cluster.currentEpoch, master.configEpoch, cluster.replicationOffset(), me.name,
                Slots.toBitmap(master.slots), me.isReplica() && me.slaveof != null ? me.slaveof.name : null, ip,
                me.pport, me.cport, me.flags, cluster.stateOk ? 0 : 1, mflags);
    }

    /** clusterSendPing: a PING, PONG or MEET with a gossip section about a tenth of the nodes, then the PFAIL ones. */
    byte[] ping(int type) {
        List<ClusterNode> all = cluster.nodeList();
        int freshnodes = all.size() - 2;
        int wanted = Math.min(Math.max(3, all.size() / 10), Math.max(0, freshnodes));
        List<ClusterNode> entries = new ArrayList<>();
        long id = ++packetId;
        int maxIterations = wanted * 3;
        while (freshnodes > 0 && entries.size() < wanted && maxIterations-- > 0) {
            ClusterNode n = all.get(ThreadLocalRandom.current().nextInt(all.size()));
            if (n == cluster.myself || n.timedOut()) continue;
            if (n.has(ClusterNode.HANDSHAKE) || n.has(ClusterNode.NOADDR) || (n.link == null && n.numSlots() == 0)) {
                freshnodes--;
                continue;
            }
            if (n.lastInPingGossip == id) continue;
            n.lastInPingGossip = id;
            entries.add(n);
            freshnodes--;
        }
        for (ClusterNode n : all) {
            if (n.timedOut() && !n.has(ClusterNode.HANDSHAKE) && !n.has(ClusterNode.NOADDR)) entries.add(n);
        }
        String hostname = cluster.myself.hostname;
        int extSize = Msg.hostnameExtSize(hostname);
        int totlen = Msg.HEADER + Msg.GOSSIP * entries.size() + extSize;
        ByteBuffer bb = Msg.start(type, totlen, header(extSize > 0 ? Msg.MF_EXT_DATA : 0));
        for (ClusterNode n : entries) Msg.putGossip(bb, n);
        if (extSize > 0) Msg.putHostnameExt(bb, hostname);
        bb.putShort(Msg.OFF_COUNT, (short) entries.size());
        bb.putShort(Msg.OFF_EXTENSIONS, (short) (extSize > 0 ? 1 : 0));
        return bb.array();
    }

    byte[] fail(ClusterNode failing) {
        ByteBuffer bb = Msg.start(Msg.FAIL, Msg.HEADER + Msg.NAME, header(0));
        Msg.putName(bb, Msg.HEADER, failing.name);
        return bb.array();
    }

    /** clusterSendUpdate: the owner's epoch and the slots it still claims. */
    byte[] update(ClusterNode owner) {
        ByteBuffer bb = Msg.start(Msg.UPDATE, Msg.FULL, header(0));
        bb.putLong(Msg.HEADER, owner.configEpoch);
        Msg.putName(bb, Msg.HEADER + 8, owner.name);
        BitSet claimed = (BitSet) owner.slots.clone();
        claimed.andNot(cluster.ownerNotClaiming);
        bb.position(Msg.HEADER + 48);
        bb.put(Slots.toBitmap(claimed));
        return bb.array();
    }

    byte[] publish(Bytes channel, Bytes message, boolean shard) {
        int totlen = Msg.HEADER + 8 + channel.length() + message.length();
        ByteBuffer bb = Msg.start(shard ? Msg.PUBLISHSHARD : Msg.PUBLISH, totlen, header(0));
        bb.putInt(channel.length());
        bb.putInt(message.length());
        bb.put(channel.array(), 0, channel.length());
        bb.put(message.array(), 0, message.length());
        return bb.array();
    }

    /** AUTH_REQUEST, AUTH_ACK, MFSTART: a header and nothing else. */
    byte[] bare(int type, int mflags) {
        return Msg.start(type, Msg.HEADER, header(mflags)).array();
    }
}
