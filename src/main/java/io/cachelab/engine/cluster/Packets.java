package io.cachelab.engine.cluster;

import io.cachelab.engine.util.Bytes;

import java.util.Arrays;
import java.util.BitSet;

/**
 * What a received bus message does (cluster.c clusterProcessPacket), in Redis 7.0's order: length
 * and version checks (a malformed message is logged and ignored, the link kept), the sender's
 * epochs and offset, MEET and handshakes, PONG times, role changes, slot claims (with UPDATE for a
 * stale claimer and epoch collisions), then gossip; FAIL, PUBLISH, failover votes and UPDATE.
 */
final class Packets {
    private final Cluster cluster;

    Packets(Cluster cluster) {
        this.cluster = cluster;
    }

    /** False when the link was freed while processing (the caller stops reading it). */
    boolean process(BusLink link, byte[] b, int totlen) {
        int type = Msg.u16(b, Msg.OFF_TYPE);
        if (type < Msg.TYPES) cluster.received[type]++;
        if (!wellFormed(b, totlen, type)) return true;
        ClusterNode sender = senderOf(link, b);
        long now = System.currentTimeMillis();
        long senderConfigEpoch = 0;
        if (sender != null) sender.dataReceived = now;
        if (sender != null && !sender.has(ClusterNode.HANDSHAKE)) {
            senderConfigEpoch = Msg.u64(b, Msg.OFF_CONFIG_EPOCH);
            epochsAndOffset(sender, b, senderConfigEpoch, now);
        }
        if (type == Msg.PING || type == Msg.PONG || type == Msg.MEET) {
            return pingPongMeet(link, b, totlen, type, sender, senderConfigEpoch);
        }
        switch (type) {
            case Msg.FAIL -> fail(b, sender);
            case Msg.PUBLISH, Msg.PUBLISHSHARD -> publish(b, sender, type == Msg.PUBLISHSHARD);
            case Msg.AUTH_REQUEST -> {
                if (sender != null) cluster.failover().voteIfNeeded(sender, b);
            }
            case Msg.AUTH_ACK -> {
                if (sender != null) cluster.failover().ackReceived(sender, Msg.u64(b, Msg.OFF_CURRENT_EPOCH));
            }
            case Msg.MFSTART -> {
                if (sender != null && sender.slaveof == cluster.myself) cluster.failover().mfstart(link, sender);
            }
            case Msg.UPDATE -> update(b, sender);
            case Msg.MODULE -> { }
            default -> cluster.log().fine(() -> "Received unknown packet type: " + type);
        }
        return true;
    }

    private boolean wellFormed(byte[] b, int totlen, int type) {
        if (Msg.u16(b, Msg.OFF_VER) != 1) return false;
        if (cluster.dropped(type)) {
            cluster.log().warning("Dropping packet that matches debug drop filter");
            return false;
        }
        StringBuilder why = new StringBuilder();
        long explen = Msg.expectedLength(b, totlen, why);
        if (explen < 0) {
            cluster.log().warning(why.toString());
            return false;
        }
        if (totlen != explen) {
            cluster.log().warning("Received invalid " + Msg.typeName(type) + " packet of length " + totlen
                    + " but expected length " + explen);
            return false;
        }
        return true;
    }

    /** getNodeFromLinkAndMsg: the link's node, or the header's sender (an inbound link learns its node here). */
    private ClusterNode senderOf(BusLink link, byte[] b) {
        if (link.node != null && !link.node.has(ClusterNode.HANDSHAKE)) return link.node;
        ClusterNode sender = cluster.lookup(Msg.name(b, Msg.OFF_SENDER));
        if (sender != null && link.inbound() && link.node == null) {
            if (sender.inboundLink != null && sender.inboundLink != link) sender.inboundLink.free();
            sender.inboundLink = link;
            link.node = sender;
        }
        return sender;
    }

    private void epochsAndOffset(ClusterNode sender, byte[] b, long senderConfigEpoch, long now) {
        long senderCurrentEpoch = Msg.u64(b, Msg.OFF_CURRENT_EPOCH);
        if (senderCurrentEpoch > cluster.currentEpoch) {
            cluster.currentEpoch = senderCurrentEpoch;
            cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_FSYNC_CONFIG);
        }
        if (senderConfigEpoch > sender.configEpoch) {
            sender.configEpoch = senderConfigEpoch;
            cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_FSYNC_CONFIG);
        }
        sender.replOffset = Msg.u64(b, Msg.OFF_OFFSET);
        sender.replOffsetTime = now;
        if ((b[Msg.OFF_MFLAGS] & Msg.MF_PAUSED) != 0) cluster.failover().masterPaused(sender);
    }

    private boolean pingPongMeet(BusLink link, byte[] b, int totlen, int type, ClusterNode sender, long senderConfigEpoch) {
        if (type == Msg.PING || type == Msg.MEET) pingOrMeet(link, b, type, sender);
        if (!link.inbound() && !handshakeOrRename(link, b)) return false;
        if (sender != null) {
            int nofailover = Msg.u16(b, Msg.OFF_FLAGS) & ClusterNode.NOFAILOVER;
            sender.flags = (sender.flags & ~ClusterNode.NOFAILOVER) | nofailover;
        }
        if (sender != null && type == Msg.PING && !sender.has(ClusterNode.HANDSHAKE)) updateAddress(sender, link, b);
        if (!link.inbound() && type == Msg.PONG && link.node != null) pongReceived(link.node);
        if (sender != null) {
            role(sender, b);
            slots(sender, b, senderConfigEpoch);
            if (sender.isMaster() && cluster.myself.isMaster() && senderConfigEpoch == cluster.myself.configEpoch) {
                configEpochCollision(sender);
            }
            cluster.gossip().process(b, Msg.u16(b, Msg.OFF_COUNT), sender);
            String hostname = Msg.hostnameExtension(b, totlen);
            if (!hostname.equals(sender.hostname)) {
                sender.hostname = hostname;
                cluster.todo(Cluster.TODO_SAVE_CONFIG);
            }
        }
        return !link.freed();
    }

    /** PING or MEET: learn my own address, meet an unknown sender (handshake node), always answer PONG. */
    private void pingOrMeet(BusLink link, byte[] b, int type, ClusterNode sender) {
        String announced = cluster.host().config().getString("cluster-announce-ip");
        if ((type == Msg.MEET || cluster.myself.ip.isEmpty()) && announced.isEmpty() && link.client() != null) {
            String ip = hostOf(link.client().laddr());
            if (!ip.equals(cluster.myself.ip)) {
                cluster.myself.ip = ip;
                cluster.log().info("IP address for this node updated to " + ip);
                cluster.todo(Cluster.TODO_SAVE_CONFIG);
            }
        }
        if (sender == null && type == Msg.MEET) {
            ClusterNode n = cluster.createNode(Cluster.randomName(), ClusterNode.HANDSHAKE);
            String myip = Msg.cstring(b, Msg.OFF_MYIP, Msg.IP);
            n.ip = !myip.isEmpty() ? myip : hostOf(link.client().addr());
            n.port = Msg.u16(b, Msg.OFF_PORT);
            n.pport = Msg.u16(b, Msg.OFF_PPORT);
            n.cport = Msg.u16(b, Msg.OFF_CPORT);
            cluster.todo(Cluster.TODO_SAVE_CONFIG);
            cluster.gossip().process(b, Msg.u16(b, Msg.OFF_COUNT), null);
        }
        cluster.gossip().sendPing(link, Msg.PONG);
    }

    static String hostOf(String addr) {
        int colon = addr.lastIndexOf(':');
        return colon < 0 ? addr : addr.substring(0, colon);
    }

    /**
     * On an outbound link: a handshake node gets the sender's real name (or goes, if that node is
     * already known); a node that answers with another name loses its address. False when the
     * link was freed.
     */
    private boolean handshakeOrRename(BusLink link, byte[] b) {
        ClusterNode n = link.node;
        String senderName = Msg.name(b, Msg.OFF_SENDER);
        if (n == null || senderName == null) return true;
        if (n.has(ClusterNode.HANDSHAKE)) {
            ClusterNode known = cluster.lookup(senderName);
            if (known != null) {
                if (updateAddress(known, link, b)) cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE);
                cluster.deleteNode(n);
                return false;
            }
            cluster.renameNode(n, senderName);
            cluster.log().fine(() -> "Handshake with node " + senderName + " completed.");
            n.flags &= ~ClusterNode.HANDSHAKE;
            n.flags |= Msg.u16(b, Msg.OFF_FLAGS) & (ClusterNode.MASTER | ClusterNode.SLAVE);
            cluster.todo(Cluster.TODO_SAVE_CONFIG);
        } else if (!n.name.equals(senderName)) {
            cluster.log().fine(() -> "PONG contains mismatching sender ID. About node " + n.name + " added " + (System.currentTimeMillis() - n.ctime)
                    + " ms ago, having flags " + n.flags);
            n.flags |= ClusterNode.NOADDR;
            n.ip = "";
            n.port = 0;
            n.pport = 0;
            n.cport = 0;
            link.free();
            cluster.todo(Cluster.TODO_SAVE_CONFIG);
            return false;
        }
        return true;
    }

    /** nodeUpdateAddressIfNeeded: only from an inbound link; a new address drops the outbound link. */
    private boolean updateAddress(ClusterNode node, BusLink link, byte[] b) {
        if (link == node.link || node == cluster.myself) return false;
        String myip = Msg.cstring(b, Msg.OFF_MYIP, Msg.IP);
        String ip = !myip.isEmpty() ? myip : link.client() == null ? node.ip : hostOf(link.client().addr());
        int port = Msg.u16(b, Msg.OFF_PORT);
        int cport = Msg.u16(b, Msg.OFF_CPORT);
        int pport = Msg.u16(b, Msg.OFF_PPORT);
        if (node.ip.equals(ip) && node.port == port && node.cport == cport && node.pport == pport) return false;
        node.ip = ip;
        node.port = port;
        node.cport = cport;
        node.pport = pport;
        if (node.link != null) node.link.free();
        node.flags &= ~ClusterNode.NOADDR;
        cluster.log().info("Address updated for node " + node.name + ", now " + ip + ":" + port);
        if (cluster.myself.isReplica() && cluster.myself.slaveof == node) cluster.host().replicaLink().setMaster(ip, port);
        return true;
    }

    private void pongReceived(ClusterNode n) {
        n.pongReceived = System.currentTimeMillis();
        n.pingSent = 0;
        if (n.timedOut()) {
            n.flags &= ~ClusterNode.PFAIL;
            cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE);
        } else if (n.failed()) {
            cluster.gossip().clearFailureIfNeeded(n);
        }
    }

    /** The sender says master (no slaveof) or names its master. */
    private void role(ClusterNode sender, byte[] b) {
        String slaveof = Msg.name(b, Msg.OFF_SLAVEOF);
        if (slaveof == null) {
            cluster.setNodeAsMaster(sender);
            return;
        }
        if (sender.isMaster()) {
            cluster.delNodeSlots(sender);
            sender.flags &= ~(ClusterNode.MASTER | ClusterNode.MIGRATE_TO);
            sender.flags |= ClusterNode.SLAVE;
            cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE);
        }
        ClusterNode master = cluster.lookup(slaveof);
        if (master != null && sender.slaveof != master) {
            if (sender.slaveof != null) sender.slaveof.removeReplica(sender);
            master.addReplica(sender);
            sender.slaveof = master;
            cluster.todo(Cluster.TODO_SAVE_CONFIG);
        }
    }

    /** The slots the sender's shard claims: newer claims win (clusterUpdateSlotsConfigWith), stale ones get an UPDATE. */
    private void slots(ClusterNode sender, byte[] b, long senderConfigEpoch) {
        ClusterNode senderMaster = sender.isMaster() ? sender : sender.slaveof;
        if (senderMaster == null) return;
        BitSet claimed = Slots.fromBitmap(b, Msg.OFF_MYSLOTS);
        if (claimed.equals(senderMaster.slots)) return;
        if (sender.isMaster()) cluster.failover().updateSlotsConfigWith(sender, senderConfigEpoch, claimed);
        for (int j = claimed.nextSetBit(0); j >= 0; j = claimed.nextSetBit(j + 1)) {
            ClusterNode owner = cluster.slots[j];
            if (owner == sender || cluster.slotUnclaimed(j)) continue;
            if (owner.configEpoch > senderConfigEpoch) {
                cluster.log().fine(() -> "Node " + sender.name + " has old slots configuration, sending an UPDATE message about " + owner.name);
                cluster.bus().send(sender.link, cluster.gossip().messages().update(owner));
                break;
            }
        }
    }

    /** clusterHandleConfigEpochCollision: of two masters with one epoch, the smaller name takes a new one. */
    private void configEpochCollision(ClusterNode sender) {
        if (sender.configEpoch != cluster.myself.configEpoch) return;
        if (sender.name.compareTo(cluster.myself.name) <= 0) return;
        cluster.currentEpoch++;
        cluster.myself.configEpoch = cluster.currentEpoch;
        cluster.conf().saveOrDie(true);
        cluster.log().fine(() -> "WARNING: configEpoch collision with node " + sender.name + ". configEpoch set to "
                + cluster.myself.configEpoch);
    }

    private void fail(byte[] b, ClusterNode sender) {
        String name = Msg.name(b, Msg.HEADER);
        if (sender == null) {
            cluster.log().fine(() -> "Ignoring FAIL message from unknown node " + Msg.name(b, Msg.OFF_SENDER) + " about " + name);
            return;
        }
        ClusterNode failing = cluster.lookup(name);
        if (failing == null || failing.failed() || failing.has(ClusterNode.MYSELF)) return;
        cluster.log().info("FAIL message received from " + sender.name + " about " + failing.name);
        failing.flags |= ClusterNode.FAIL;
        failing.failTime = System.currentTimeMillis();
        failing.flags &= ~ClusterNode.PFAIL;
        cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE);
    }

    private void publish(byte[] b, ClusterNode sender, boolean shard) {
        if (sender == null) return;
        int chLen = (int) Msg.u32(b, Msg.HEADER);
        int msgLen = (int) Msg.u32(b, Msg.HEADER + 4);
        Bytes channel = new Bytes(Arrays.copyOfRange(b, Msg.HEADER + 8, Msg.HEADER + 8 + chLen));
        Bytes message = new Bytes(Arrays.copyOfRange(b, Msg.HEADER + 8 + chLen, Msg.HEADER + 8 + chLen + msgLen));
        if (shard) cluster.host().pubsub().publishShard(channel, message);
        else cluster.host().pubsub().publish(channel, message);
    }

    private void update(byte[] b, ClusterNode sender) {
        if (sender == null) return;
        long reportedEpoch = Msg.u64(b, Msg.HEADER);
        ClusterNode n = cluster.lookup(Msg.name(b, Msg.HEADER + 8));
        if (n == null || n.configEpoch >= reportedEpoch) return;
        if (n.isReplica()) cluster.setNodeAsMaster(n);
        n.configEpoch = reportedEpoch;
        cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_FSYNC_CONFIG);
        cluster.failover().updateSlotsConfigWith(n, reportedEpoch, Slots.fromBitmap(b, Msg.HEADER + 48));
    }
}
