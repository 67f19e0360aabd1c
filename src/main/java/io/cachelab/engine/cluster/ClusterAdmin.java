package io.cachelab.engine.cluster;

import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.RedisError;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * CLUSTER's topology subcommands (cluster.c clusterCommand): MEET starts a handshake, FORGET drops
 * a node for a minute, REPLICATE makes this node a replica, RESET empties the view, FAILOVER starts
 * a manual failover, SETSLOT moves a slot step by step (MIGRATING, IMPORTING, STABLE, NODE).
 */
public final class ClusterAdmin {
    private final Cluster cluster;

    public ClusterAdmin(Cluster cluster) {
        this.cluster = cluster;
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** CLUSTER MEET ip port [bus-port]. */
    public void meet(Client c, byte[][] a) {
        long port;
        long cport;
        try {
            port = Long.parseLong(str(a[3]));
        } catch (NumberFormatException e) {
            throw new RedisError("ERR Invalid TCP base port specified: " + str(a[3]));
        }
        try {
            cport = a.length == 5 ? Long.parseLong(str(a[4])) : port + 10000;
        } catch (NumberFormatException e) {
            throw new RedisError("ERR Invalid TCP bus port specified: " + str(a[4]));
        }
        String ip = normalizeIp(str(a[2]));
        if (ip == null || port <= 0 || port > 65535 || cport <= 0 || cport > 65535) {
            throw new RedisError("ERR Invalid node address specified: " + str(a[2]) + ":" + str(a[3]));
        }
        startHandshake(ip, (int) port, (int) cport);
        c.addOk();
    }

    /** inet_pton then inet_ntop: an IPv4 or IPv6 literal in canonical form, or null (names are refused). */
    static String normalizeIp(String s) {
        boolean literal = s.matches("[0-9.]+") || s.contains(":");
        if (!literal || s.isEmpty()) return null;
        try {
            String h = InetAddress.getByName(s).getHostAddress();
            return h.contains("%") ? h.substring(0, h.indexOf('%')) : h;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** clusterStartHandshake: a handshake node with a random name, unless one for that address exists. */
    void startHandshake(String ip, int port, int cport) {
        for (ClusterNode n : cluster.nodeList()) {
            if (n.has(ClusterNode.HANDSHAKE) && n.ip.equalsIgnoreCase(ip) && n.port == port && n.cport == cport) return;
        }
        ClusterNode n = cluster.createNode(Cluster.randomName(), ClusterNode.HANDSHAKE | ClusterNode.MEET);
        n.ip = ip;
        n.port = port;
        n.cport = cport;
    }

    public void forget(Client c, byte[][] a) {
        String id = str(a[2]);
        ClusterNode n = cluster.lookup(id);
        if (n == null) throw new RedisError("ERR Unknown node " + id);
        if (n == cluster.myself) throw new RedisError("ERR I tried hard but I can't forget myself...");
        if (cluster.myself.isReplica() && cluster.myself.slaveof == n) throw new RedisError("ERR Can't forget my master!");
        cluster.blacklist(n.name);
        cluster.deleteNode(n);
        cluster.todo(Cluster.TODO_UPDATE_STATE | Cluster.TODO_SAVE_CONFIG);
        c.addOk();
    }

    public void replicate(Client c, byte[][] a) {
        String id = str(a[2]);
        ClusterNode n = cluster.lookup(id);
        if (n == null) throw new RedisError("ERR Unknown node " + id);
        if (n == cluster.myself) throw new RedisError("ERR Can't replicate myself");
        if (n.isReplica()) throw new RedisError("ERR I can only replicate a master, not a replica.");
        if (cluster.myself.isMaster() && (cluster.myself.numSlots() != 0 || cluster.db0().size() != 0)) {
            throw new RedisError("ERR To set a master the node must be empty and without assigned slots.");
        }
        cluster.setMaster(n);
        cluster.todo(Cluster.TODO_UPDATE_STATE | Cluster.TODO_SAVE_CONFIG);
        c.addOk();
    }

    /** CLUSTER RESET [HARD|SOFT]. */
    public void reset(Client c, byte[][] a) {
        boolean hard = false;
        if (a.length == 3) {
            String mode = ClusterCommands.lower(a[2]);
            if (mode.equals("hard")) hard = true;
            else if (!mode.equals("soft")) throw new RedisError("ERR syntax error");
        } else if (a.length > 3) {
            throw new RedisError("ERR syntax error");
        }
        if (cluster.myself.isMaster() && c.db().size() != 0) {
            throw new RedisError("ERR CLUSTER RESET can't be called with master nodes containing keys");
        }
        reset(hard);
        c.addOk();
    }

    /** clusterReset: forget every other node and every slot; HARD also zeroes the epochs and renames myself. */
    void reset(boolean hard) {
        ClusterNode me = cluster.myself;
        if (me.isReplica()) {
            cluster.setNodeAsMaster(me);
            cluster.host().replicaLink().unsetMaster();
            cluster.host().emptyData();
        }
        cluster.closeAllSlots();
        cluster.failover().resetManualFailover();
        for (int j = 0; j < Slots.COUNT; j++) cluster.delSlot(j);
        for (ClusterNode n : cluster.nodeList()) if (n != me) cluster.deleteNode(n);
        cluster.bus().freeUnidentified();
        if (hard) {
            cluster.currentEpoch = 0;
            cluster.lastVoteEpoch = 0;
            me.configEpoch = 0;
            String old = me.name;
            cluster.renameNode(me, Cluster.randomName());
            cluster.log().info("Node hard reset, now I'm " + me.name + " (was " + old + ")");
        }
        cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE | Cluster.TODO_FSYNC_CONFIG);
    }

    /** CLUSTER FAILOVER [FORCE|TAKEOVER]. */
    public void failover(Client c, byte[][] a) {
        String mode = a.length == 3 ? ClusterCommands.lower(a[2]) : "";
        if (a.length > 3 || !(mode.isEmpty() || mode.equals("force") || mode.equals("takeover"))) {
            throw new RedisError("ERR syntax error");
        }
        ClusterNode me = cluster.myself;
        if (me.isMaster()) throw new RedisError("ERR You should send CLUSTER FAILOVER to a replica");
        if (me.slaveof == null) throw new RedisError("ERR I'm a replica but my master is unknown to me");
        if (mode.isEmpty() && (me.slaveof.failed() || me.slaveof.link == null)) {
            throw new RedisError("ERR Master is down or failed, please use CLUSTER FAILOVER FORCE");
        }
        cluster.failover().startManual(mode);
        c.addOk();
    }

    /** CLUSTER SETSLOT slot IMPORTING|MIGRATING|NODE id, or STABLE. */
    public void setslot(Client c, byte[][] a) {
        if (cluster.myself.isReplica()) throw new RedisError("ERR Please use SETSLOT only with masters.");
        int slot;
        try {
            slot = Integer.parseInt(str(a[2]));
        } catch (NumberFormatException e) {
            slot = -1;
        }
        if (slot < 0 || slot >= Slots.COUNT) throw new RedisError("ERR Invalid or out of range slot");
        String action = ClusterCommands.lower(a[3]);
        if (action.equals("migrating") && a.length == 5) migrating(slot, str(a[4]));
        else if (action.equals("importing") && a.length == 5) importing(slot, str(a[4]));
        else if (action.equals("stable") && a.length == 4) {
            cluster.importingFrom[slot] = null;
            cluster.migratingTo[slot] = null;
        } else if (action.equals("node") && a.length == 5) assign(slot, str(a[4]));
        else throw new RedisError("ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
        cluster.todo(Cluster.TODO_SAVE_CONFIG | Cluster.TODO_UPDATE_STATE);
        c.addOk();
    }

    private void migrating(int slot, String id) {
        if (cluster.slots[slot] != cluster.myself) throw new RedisError("ERR I'm not the owner of hash slot " + slot);
        ClusterNode n = cluster.lookup(id);
        if (n == null) throw new RedisError("ERR I don't know about node " + id);
        if (n.isReplica()) throw new RedisError("ERR Target node is not a master");
        cluster.migratingTo[slot] = n;
    }

    private void importing(int slot, String id) {
        if (cluster.slots[slot] == cluster.myself) throw new RedisError("ERR I'm already the owner of hash slot " + slot);
        ClusterNode n = cluster.lookup(id);
        if (n == null) throw new RedisError("ERR I don't know about node " + id);
        if (n.isReplica()) throw new RedisError("ERR Target node is not a master");
        cluster.importingFrom[slot] = n;
    }

    private void assign(int slot, String id) {
        ClusterNode n = cluster.lookup(id);
        ClusterNode me = cluster.myself;
        if (n == null) throw new RedisError("ERR Unknown node " + id);
        if (n.isReplica()) throw new RedisError("ERR Target node is not a master");
        boolean wasMine = cluster.slots[slot] == me;
        if (wasMine && n != me && cluster.keysInSlot(slot) != 0) {
            throw new RedisError("ERR Can't assign hashslot " + slot + " to a different node while I still hold keys for this hash slot.");
        }
        if (cluster.keysInSlot(slot) == 0 && cluster.migratingTo[slot] != null) cluster.migratingTo[slot] = null;
        cluster.delSlot(slot);
        cluster.addSlot(n, slot);
        if (wasMine && n != me && me.numSlots() == 0 && cluster.host().config().getBool("cluster-allow-replica-migration")) {
            cluster.log().warning("Configuration change detected. Reconfiguring myself as a replica of " + n.name);
            cluster.setMaster(n);
            cluster.todo(Cluster.TODO_FSYNC_CONFIG);
        }
        if (n == me && cluster.importingFrom[slot] != null) {
            if (cluster.bumpEpochWithoutConsensus()) {
                cluster.log().warning("configEpoch updated after importing slot " + slot);
            }
            cluster.importingFrom[slot] = null;
            cluster.gossip().broadcastPong(false);
        }
    }
}
