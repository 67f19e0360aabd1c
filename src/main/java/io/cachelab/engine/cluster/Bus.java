package io.cachelab.engine.cluster;

import io.cachelab.engine.net.Client;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The bus's connections (cluster.c clusterAcceptHandler, clusterLinkConnectHandler,
 * clusterSendMessage, clusterBroadcastMessage): it listens on the bus port, connects to every known
 * node from the cron, sends the first MEET or PING when a connection completes, and queues
 * messages on a node's outbound link, counting them per type for CLUSTER INFO.
 */
final class Bus {
    private final Cluster cluster;
    private final Set<BusLink> inbound = new LinkedHashSet<>();

    Bus(Cluster cluster) {
        this.cluster = cluster;
    }

    void listen(List<String> binds, int port) throws IOException {
        cluster.host().eventLoop().listenLinks(binds, port, this::accepted);
    }

    private BusLink accepted(Client c) {
        BusLink link = new BusLink(cluster, null, true);
        link.attach(c);
        inbound.add(link);
        cluster.log().fine(() -> "Accepting cluster node connection from " + c.addr());
        return link;
    }

    /** The cron's reconnect step: an outbound link to {@code n}'s bus port. */
    void connect(ClusterNode n) {
        BusLink link = new BusLink(cluster, n, false);
        n.link = link;
        try {
            Client c = cluster.host().eventLoop().connect(n.ip, n.cport, link);
            link.attach(c);
        } catch (IOException | RuntimeException e) {
            if (n.pingSent == 0) n.pingSent = System.currentTimeMillis();
            cluster.log().fine(() -> "Unable to connect to Cluster Node [" + n.ip + "]:" + n.cport + " -> " + e.getMessage());
            link.free();
        }
    }

    /** clusterLinkConnectHandler: the first message on a new outbound link is MEET or PING. */
    void outboundConnected(BusLink link) {
        ClusterNode n = link.node;
        if (n == null) return;
        long oldPingSent = n.pingSent;
        cluster.gossip().sendPing(link, n.has(ClusterNode.MEET) ? Msg.MEET : Msg.PING);
        if (oldPingSent != 0) n.pingSent = oldPingSent;
        n.flags &= ~ClusterNode.MEET;
        cluster.log().fine(() -> "Connecting with Node " + n.name + " at " + n.ip + ":" + n.cport);
    }

    void forget(BusLink link) {
        inbound.remove(link);
    }

    /** clusterSendMessage: queued on the link (nothing when there is none), counted by type. */
    void send(BusLink link, byte[] msg) {
        if (link == null || link.freed()) return;
        link.send(msg);
        int type = Msg.u16(msg, Msg.OFF_TYPE);
        if (type < Msg.TYPES) cluster.sent[type]++;
    }

    /** clusterBroadcastMessage: to every node but myself and handshake nodes, over their outbound links. */
    void broadcast(byte[] msg) {
        for (ClusterNode n : cluster.nodeList()) {
            if (n.has(ClusterNode.MYSELF) || n.has(ClusterNode.HANDSHAKE)) continue;
            send(n.link, msg);
        }
    }

    /** Every link, inbound ones not yet tied to a node included (closed on CLUSTER RESET). */
    void freeUnidentified() {
        for (BusLink l : List.copyOf(inbound)) if (l.node == null) l.free();
    }
}
