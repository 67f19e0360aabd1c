package io.cachelab.engine.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gossip and failure detection (cluster.c clusterCron, clusterProcessGossipSection,
 * markNodeAsFailingIfNeeded, clearNodeFailureIfNeeded): every 100 ms the cron reconnects links,
 * pings the node it heard from least recently, marks a node PFAIL when it has not answered for
 * node-timeout, and a PFAIL node becomes FAIL once a majority of masters report it.
 */
final class Gossip {
    private final Cluster cluster;
    private final Messages messages;
    private long iteration;
    /** stats_pfail_nodes from the last cron. */
    private int pfailNodes;

    Gossip(Cluster cluster) {
        this.cluster = cluster;
        this.messages = new Messages(cluster);
    }

    Messages messages() {
        return messages;
    }

    /** clusterSendPing over {@code link}; a PING on an outbound link starts the wait for its PONG. */
    void sendPing(BusLink link, int type) {
        if (link == null) return;
        if (!link.inbound() && type == Msg.PING && link.node != null) link.node.pingSent = System.currentTimeMillis();
        cluster.bus().send(link, messages.ping(type));
    }

    /** clusterBroadcastPong: to every connected node, or only to the replicas of my shard. */
    void broadcastPong(boolean localReplicasOnly) {
        for (ClusterNode n : cluster.nodeList()) {
            if (n.link == null || n == cluster.myself || n.has(ClusterNode.HANDSHAKE)) continue;
            if (localReplicasOnly) {
                boolean local = n.isReplica() && n.slaveof != null
                        && (n.slaveof == cluster.myself || n.slaveof == cluster.myself.slaveof);
                if (!local) continue;
            }
            sendPing(n.link, Msg.PONG);
        }
    }

    // ---- the cron ----

    void cron(long now) {
        iteration++;
        String hostname = cluster.host().config().getString("cluster-announce-hostname");
        if (!hostname.equals(cluster.myself.hostname)) cluster.myself.hostname = hostname;
        long timeout = cluster.nodeTimeout();
        long handshakeTimeout = Math.max(timeout, 1000);
        pfailNodes = 0;
        checkSendBuffers();
        for (ClusterNode n : cluster.nodeList()) reconnect(n, now, handshakeTimeout);
        if (iteration % 10 == 0) pingStalest();
        boolean updateState = checkNodes(now, timeout);
        cluster.failover().cron(now);
        if (updateState || !cluster.stateOk) cluster.updateState();
    }

    /** cluster-link-sendbuf-limit: a link whose unsent bytes passed the limit is dropped. */
    private void checkSendBuffers() {
        long limit = cluster.host().config().getLong("cluster-link-sendbuf-limit");
        if (limit <= 0) return;
        for (ClusterNode n : cluster.nodeList()) {
            for (BusLink l : new BusLink[] {n.link, n.inboundLink}) {
                if (l != null && l.allocatedBytes() > limit && l.pendingBytes() > 0) {
                    cluster.log().warning("Freeing cluster link(" + (l.inbound() ? "from" : "to") + " node " + n.name
                            + "), used memory: " + l.allocatedBytes() + " (exceeds cluster-link-sendbuf-limit)");
                    l.free();
                    cluster.linksBufferLimitExceeded++;
                }
            }
        }
    }

    /** clusterNodeCronHandleReconnect: handshakes that never completed go; nodes without a link get one. */
    private void reconnect(ClusterNode n, long now, long handshakeTimeout) {
        if (n.has(ClusterNode.MYSELF) || n.has(ClusterNode.NOADDR)) return;
        if (n.timedOut()) pfailNodes++;
        if (n.has(ClusterNode.HANDSHAKE) && now - n.ctime > handshakeTimeout) {
            cluster.deleteNode(n);
            return;
        }
        if (n.link == null) cluster.bus().connect(n);
    }

    /** Once a second: PING the node, among five random ones, whose PONG is oldest. */
    private void pingStalest() {
        List<ClusterNode> all = cluster.nodeList();
        ClusterNode min = null;
        for (int i = 0; i < 5 && !all.isEmpty(); i++) {
            ClusterNode n = all.get(ThreadLocalRandom.current().nextInt(all.size()));
            if (n.link == null || n.pingSent != 0 || n.has(ClusterNode.MYSELF) || n.has(ClusterNode.HANDSHAKE)) continue;
            if (min == null || n.pongReceived < min.pongReceived) min = n;
        }
        if (min != null) sendPing(min.link, Msg.PING);
    }

    /** The per-node part of clusterCron: stale links, due pings, and PFAIL. True when a node turned PFAIL. */
    private boolean checkNodes(long now, long timeout) {
        boolean updateState = false;
        cluster.failover().beginOrphanScan();
        for (ClusterNode n : cluster.nodeList()) {
            if (n.has(ClusterNode.MYSELF) || n.has(ClusterNode.NOADDR) || n.has(ClusterNode.HANDSHAKE)) continue;
            cluster.failover().scanForOrphans(n);
            long pingDelay = now - n.pingSent;
            long dataDelay = now - n.dataReceived;
            if (n.link != null && now - n.link.ctime() > timeout && n.pingSent != 0
                    && pingDelay > timeout / 2 && dataDelay > timeout / 2) {
                n.link.free();
            }
            if (n.link != null && n.pingSent == 0 && now - n.pongReceived > timeout / 2) {
                sendPing(n.link, Msg.PING);
                continue;
            }
            if (cluster.failover().pingDuringManualFailover(n)) continue;
            if (n.pingSent == 0) continue;
            long nodeDelay = Math.min(pingDelay, dataDelay);
            if (nodeDelay > timeout && !n.timedOut() && !n.failed()) {
                cluster.log().fine(() -> "*** NODE " + n.name + " possibly failing");
                n.flags |= ClusterNode.PFAIL;
                updateState = true;
            }
        }
        return updateState;
    }

    // ---- receiving gossip ----

    /** clusterProcessGossipSection: failure reports, PONG times and addresses of known nodes; new nodes. */
    void process(byte[] b, int count, ClusterNode sender) {
        for (int i = 0; i < count; i++) {
            int off = Msg.HEADER + i * Msg.GOSSIP;
            String name = new String(b, off, Msg.NAME, StandardCharsets.ISO_8859_1);
            int flags = Msg.u16(b, off + 98);
            String ip = Msg.cstring(b, off + 48, Msg.IP);
            int port = Msg.u16(b, off + 94);
            int cport = Msg.u16(b, off + 96);
            int pport = Msg.u16(b, off + 100);
            ClusterNode node = cluster.lookup(name);
            if (node != null) {
                known(node, sender, flags, Msg.u32(b, off + 44) * 1000, ip, port, cport, pport);
            } else if (sender != null && (flags & ClusterNode.NOADDR) == 0 && !cluster.blacklisted(name)
                    && Cluster.validName(name)) {
                ClusterNode n = cluster.createNode(name, flags & ~(ClusterNode.MYSELF));
                n.ip = ip;
                n.port = port;
                n.cport = cport;
                n.pport = pport;
                cluster.todo(Cluster.TODO_SAVE_CONFIG);
            }
        }
    }

    private void known(ClusterNode node, ClusterNode sender, int flags, long pongMs, String ip, int port, int cport,
                       int pport) {
        boolean failing = (flags & (ClusterNode.PFAIL | ClusterNode.FAIL)) != 0;
        if (sender != null && sender.isMaster() && node != cluster.myself) {
            if (failing) {
                if (addFailureReport(node, sender)) {
                    cluster.log().fine(() -> "Node " + sender.name + " reported node " + node.name + " as not reachable.");
                }
                markFailingIfNeeded(node);
            } else if (node.failReports.remove(sender) != null) {
                cluster.log().fine(() -> "Node " + sender.name + " reported node " + node.name + " is back online.");
            }
        }
        long now = System.currentTimeMillis();
        if (!failing && node.pingSent == 0 && validReports(node) == 0) {
            if (pongMs <= now + 500 && pongMs > node.pongReceived) node.pongReceived = pongMs;
        }
        if ((node.timedOut() || node.failed()) && (flags & ClusterNode.NOADDR) == 0 && !failing
                && (!node.ip.equals(ip) || node.port != port || node.cport != cport)) {
            if (node.link != null) node.link.free();
            node.ip = ip;
            node.port = port;
            node.pport = pport;
            node.cport = cport;
            node.flags &= ~ClusterNode.NOADDR;
        }
    }

    /** clusterNodeAddFailureReport: true when the report is new (not a refresh). */
    private boolean addFailureReport(ClusterNode failing, ClusterNode sender) {
        return failing.failReports.put(sender, System.currentTimeMillis()) == null;
    }

    /** clusterNodeFailureReportsCount after dropping reports older than twice the node timeout. */
    int validReports(ClusterNode n) {
        long maxAge = cluster.nodeTimeout() * 2;
        long now = System.currentTimeMillis();
        n.failReports.values().removeIf(t -> now - t > maxAge);
        return n.failReports.size();
    }

    /** markNodeAsFailingIfNeeded: PFAIL becomes FAIL with a majority of masters (myself counted if a master). */
    void markFailingIfNeeded(ClusterNode node) {
        int quorum = cluster.size / 2 + 1;
        if (!node.timedOut() || node.failed()) return;
        int failures = validReports(node);
        if (cluster.myself.isMaster()) failures++;
        if (failures < quorum) return;
        cluster.log().info("Marking node " + node.name + " as failing (quorum reached).");
        node.flags &= ~ClusterNode.PFAIL;
        node.flags |= ClusterNode.FAIL;
        node.failTime = System.currentTimeMillis();
        cluster.bus().broadcast(messages.fail(node));
        cluster.todo(Cluster.TODO_UPDATE_STATE | Cluster.TODO_SAVE_CONFIG);
    }

    /** clearNodeFailureIfNeeded: a reachable replica or slotless master at once; a master with slots after a while. */
    void clearFailureIfNeeded(ClusterNode node) {
        long now = System.currentTimeMillis();
        if (node.isReplica() || node.numSlots() == 0) {
            cluster.log().info("Clear FAIL state for node " + node.name + ": " + (node.isReplica() ? "replica" : "master without slots")
                    + " is reachable again.");
            node.flags &= ~ClusterNode.FAIL;
            cluster.todo(Cluster.TODO_UPDATE_STATE | Cluster.TODO_SAVE_CONFIG);
        } else if (now - node.failTime > cluster.nodeTimeout() * 2) {
            cluster.log().info("Clear FAIL state for node " + node.name + ": is reachable again and nobody is serving its slots after some time.");
            node.flags &= ~ClusterNode.FAIL;
            cluster.todo(Cluster.TODO_UPDATE_STATE | Cluster.TODO_SAVE_CONFIG);
        }
    }
}
