package io.cachelab.engine.cluster;

import io.cachelab.engine.keyspace.KeySlot;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.util.RedisError;

import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * CLUSTER's subcommands (cluster.c clusterCommand) with Redis 7.0's replies and error texts: the
 * views (INFO, NODES, SLOTS, SHARDS, LINKS, MYID, REPLICAS), the slot map (ADDSLOTS(RANGE),
 * DELSLOTS(RANGE), FLUSHSLOTS, SETSLOT), topology (MEET, FORGET, REPLICATE, RESET, FAILOVER) and
 * epochs (BUMPEPOCH, SET-CONFIG-EPOCH). The command family binds each name to a method here.
 */
public final class ClusterCommands {
    private final Cluster cluster;

    public ClusterCommands(Cluster cluster) {
        this.cluster = cluster;
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static long integer(byte[] b) {
        try {
            return Long.parseLong(str(b));
        } catch (NumberFormatException e) {
            throw new RedisError("ERR value is not an integer or out of range");
        }
    }

    private ClusterNode node(String id, String prefix) {
        ClusterNode n = cluster.lookup(id);
        if (n == null) throw new RedisError("ERR " + prefix + id);
        return n;
    }

    // ---- views ----

    public void info(Client c) {
        StringBuilder sb = new StringBuilder();
        int assigned = 0, ok = 0, pfail = 0, fail = 0;
        for (ClusterNode n : cluster.slots) {
            if (n == null) continue;
            assigned++;
            if (n.failed()) fail++;
            else if (n.timedOut()) pfail++;
            else ok++;
        }
        ClusterNode master = cluster.myMaster();
        line(sb, "cluster_state", cluster.stateOk ? "ok" : "fail");
        line(sb, "cluster_slots_assigned", assigned);
        line(sb, "cluster_slots_ok", ok);
        line(sb, "cluster_slots_pfail", pfail);
        line(sb, "cluster_slots_fail", fail);
        line(sb, "cluster_known_nodes", cluster.nodes.size());
        line(sb, "cluster_size", cluster.size);
        line(sb, "cluster_current_epoch", cluster.currentEpoch);
        line(sb, "cluster_my_epoch", master.configEpoch);
        stats(sb, cluster.sent, "sent");
        stats(sb, cluster.received, "received");
        line(sb, "total_cluster_links_buffer_limit_exceeded", cluster.linksBufferLimitExceeded);
        c.addVerbatim(sb.toString());
    }

    private static void line(StringBuilder sb, String k, Object v) {
        sb.append(k).append(':').append(v).append("\r\n");
    }

    private static void stats(StringBuilder sb, long[] counts, String dir) {
        long total = 0;
        for (int t = 0; t < counts.length; t++) {
            if (counts[t] == 0) continue;
            line(sb, "cluster_stats_messages_" + Msg.typeName(t) + "_" + dir, counts[t]);
            total += counts[t];
        }
        line(sb, "cluster_stats_messages_" + dir, total);
    }

    public void nodes(Client c) {
        StringBuilder sb = new StringBuilder();
        for (ClusterNode n : cluster.nodeList()) sb.append(cluster.conf().describe(n)).append('\n');
        c.addVerbatim(sb.toString());
    }

    public void myid(Client c) {
        c.addBulk(cluster.myself.name.getBytes(StandardCharsets.US_ASCII));
    }

    public void replicas(Client c, byte[][] a) {
        ClusterNode n = node(str(a[2]), "Unknown node ");
        if (!n.isMaster()) throw new RedisError("ERR The specified node is not a master");
        c.addArrayLen(n.replicas.size());
        for (ClusterNode r : n.replicas) c.addBulk(cluster.conf().describe(r).getBytes(StandardCharsets.UTF_8));
    }

    /** CLUSTER SLOTS: each run of slots with its master and available replicas. */
    public void slots(Client c) {
        int mark = c.reply().deferredLen();
        int entries = 0;
        int start = -1;
        for (int j = 0; j <= Slots.COUNT; j++) {
            ClusterNode owner = j < Slots.COUNT ? cluster.slots[j] : null;
            if (start >= 0 && (j == Slots.COUNT || owner != cluster.slots[start])) {
                slotsEntry(c, start, j - 1, cluster.slots[start]);
                entries++;
                start = -1;
            }
            if (start < 0 && owner != null) start = j;
        }
        c.reply().setDeferredArrayLen(mark, entries);
    }

    private void slotsEntry(Client c, int start, int end, ClusterNode master) {
        List<ClusterNode> available = new ArrayList<>();
        for (ClusterNode r : master.replicas) {
            long off = r == cluster.myself ? cluster.replicationOffset() : r.replOffset;
            if (!r.failed() && off != 0) available.add(r);
        }
        c.addArrayLen(3 + available.size());
        c.addInteger(start);
        c.addInteger(end);
        slotsNode(c, master);
        for (ClusterNode r : available) slotsNode(c, r);
    }

    private void slotsNode(Client c, ClusterNode n) {
        String type = cluster.host().config().getString("cluster-preferred-endpoint-type");
        c.addArrayLen(4);
        if (type.equals("unknown-endpoint")) c.addNull();
        else c.addBulk(cluster.router().endpoint(n).getBytes(StandardCharsets.UTF_8));
        c.addInteger(n.port);
        c.addBulk(n.name.getBytes(StandardCharsets.US_ASCII));
        int fields = (!type.equals("ip") ? 1 : 0) + (!type.equals("hostname") && !n.hostname.isEmpty() ? 1 : 0);
        c.addMapLen(fields);
        if (!type.equals("ip")) {
            c.addBulk("ip".getBytes(StandardCharsets.US_ASCII));
            c.addBulk(n.ip.getBytes(StandardCharsets.UTF_8));
        }
        if (!type.equals("hostname") && !n.hostname.isEmpty()) {
            c.addBulk("hostname".getBytes(StandardCharsets.US_ASCII));
            c.addBulk(n.hostname.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** CLUSTER SHARDS: each master with its slot ranges and its nodes. */
    public void shards(Client c) {
        List<ClusterNode> masters = new ArrayList<>();
        for (ClusterNode n : cluster.nodeList()) if (n.isMaster()) masters.add(n);
        c.addArrayLen(masters.size());
        for (ClusterNode m : masters) {
            c.addMapLen(2);
            c.addBulk("slots".getBytes(StandardCharsets.US_ASCII));
            int mark = c.reply().deferredLen();
            int n = 0;
            int start = m.slots.nextSetBit(0);
            while (start >= 0) {
                int end = m.slots.nextClearBit(start) - 1;
                c.addInteger(start);
                c.addInteger(end);
                n += 2;
                start = m.slots.nextSetBit(end + 1);
            }
            c.reply().setDeferredArrayLen(mark, n);
            c.addBulk("nodes".getBytes(StandardCharsets.US_ASCII));
            c.addArrayLen(1 + m.replicas.size());
            shardNode(c, m);
            for (ClusterNode r : m.replicas) shardNode(c, r);
        }
    }

    private void shardNode(Client c, ClusterNode n) {
        boolean hostname = !n.hostname.isEmpty();
        c.addMapLen(6 + (n.port != 0 ? 1 : 0) + (hostname ? 1 : 0));
        field(c, "id", n.name);
        if (n.port != 0) {
            c.addBulk("port".getBytes(StandardCharsets.US_ASCII));
            c.addInteger(n.port);
        }
        field(c, "ip", n.ip);
        field(c, "endpoint", cluster.router().endpoint(n));
        if (hostname) field(c, "hostname", n.hostname);
        field(c, "role", n.isMaster() ? "master" : "replica");
        long off = n == cluster.myself ? cluster.replicationOffset() : n.replOffset;
        c.addBulk("replication-offset".getBytes(StandardCharsets.US_ASCII));
        c.addInteger(off);
        field(c, "health", n.failed() ? "fail" : n.isReplica() && off == 0 ? "loading" : "online");
    }

    private static void field(Client c, String k, String v) {
        c.addBulk(k.getBytes(StandardCharsets.US_ASCII));
        c.addBulk(v.getBytes(StandardCharsets.UTF_8));
    }

    /** CLUSTER LINKS: per node its outbound link, then its inbound one. */
    public void links(Client c) {
        List<BusLink> links = new ArrayList<>();
        for (ClusterNode n : cluster.nodeList()) {
            if (n.link != null) links.add(n.link);
            if (n.inboundLink != null) links.add(n.inboundLink);
        }
        c.addArrayLen(links.size());
        for (BusLink l : links) {
            c.addMapLen(6);
            field(c, "direction", l.inbound() ? "from" : "to");
            field(c, "node", l.node.name);
            c.addBulk("create-time".getBytes(StandardCharsets.US_ASCII));
            c.addInteger(l.ctime());
            field(c, "events", l.pendingBytes() > 0 ? "rw" : "r");
            c.addBulk("send-buffer-allocated".getBytes(StandardCharsets.US_ASCII));
            c.addInteger(l.allocatedBytes());
            c.addBulk("send-buffer-used".getBytes(StandardCharsets.US_ASCII));
            c.addInteger(l.pendingBytes());
        }
    }

    // ---- keys and slots ----

    public void keyslot(Client c, byte[][] a) {
        c.addInteger(KeySlot.slot(a[2]));
    }

    public void countkeysinslot(Client c, byte[][] a) {
        long slot = integer(a[2]);
        if (slot < 0 || slot >= Slots.COUNT) throw new RedisError("ERR Invalid slot");
        c.addInteger(cluster.keysInSlot((int) slot));
    }

    public void getkeysinslot(Client c, byte[][] a) {
        long slot = integer(a[2]);
        long max = integer(a[3]);
        if (slot < 0 || slot >= Slots.COUNT || max < 0) throw new RedisError("ERR Invalid slot or number of keys");
        List<Bytes> keys = cluster.slotIndex().keys((int) slot, max);
        c.addArrayLen(keys.size());
        for (Bytes k : keys) c.addBulk(k);
    }

    private static int slotArg(byte[] b) {
        long s;
        try {
            s = Long.parseLong(str(b));
        } catch (NumberFormatException e) {
            s = -1;
        }
        if (s < 0 || s >= Slots.COUNT) throw new RedisError("ERR Invalid or out of range slot");
        return (int) s;
    }

    /** ADDSLOTS / DELSLOTS: all arguments valid, none busy (or unassigned), none twice; then applied. */
    public void addOrDelSlots(Client c, byte[][] a, boolean add) {
        BitSet chosen = new BitSet(Slots.COUNT);
        int[] parsed = new int[a.length - 2];
        for (int i = 2; i < a.length; i++) parsed[i - 2] = slotArg(a[i]);
        for (int slot : parsed) checkSlot(slot, add, chosen);
        applySlots(chosen, add);
        c.addOk();
    }

    public void addOrDelSlotsRange(Client c, byte[][] a, boolean add) {
        if (a.length % 2 == 1) {
            throw new RedisError("ERR wrong number of arguments for 'cluster|" + (add ? "addslotsrange" : "delslotsrange") + "' command");
        }
        BitSet chosen = new BitSet(Slots.COUNT);
        for (int i = 2; i < a.length; i += 2) {
            int start = slotArg(a[i]);
            int end = slotArg(a[i + 1]);
            if (start > end) throw new RedisError("ERR start slot number " + start + " is greater than end slot number " + end);
            for (int j = start; j <= end; j++) checkSlot(j, add, chosen);
        }
        applySlots(chosen, add);
        c.addOk();
    }

    private void checkSlot(int slot, boolean add, BitSet chosen) {
        if (!add && cluster.slots[slot] == null) throw new RedisError("ERR Slot " + slot + " is already unassigned");
        if (add && cluster.slots[slot] != null) throw new RedisError("ERR Slot " + slot + " is already busy");
        if (chosen.get(slot)) throw new RedisError("ERR Slot " + slot + " specified multiple times");
        chosen.set(slot);
    }

    private void applySlots(BitSet chosen, boolean add) {
        for (int j = chosen.nextSetBit(0); j >= 0; j = chosen.nextSetBit(j + 1)) {
            cluster.importingFrom[j] = null;
            if (add) cluster.addSlot(cluster.myself, j);
            else cluster.delSlot(j);
        }
        cluster.todo(Cluster.TODO_UPDATE_STATE | Cluster.TODO_SAVE_CONFIG);
    }

    public void flushslots(Client c) {
        if (cluster.db0().size() != 0) throw new RedisError("ERR DB must be empty to perform CLUSTER FLUSHSLOTS.");
        cluster.delNodeSlots(cluster.myself);
        cluster.todo(Cluster.TODO_UPDATE_STATE | Cluster.TODO_SAVE_CONFIG);
        c.addOk();
    }

    public void countFailureReports(Client c, byte[][] a) {
        ClusterNode n = node(str(a[2]), "Unknown node ");
        c.addInteger(cluster.gossip().validReports(n));
    }

    public void bumpepoch(Client c) {
        boolean bumped = cluster.bumpEpochWithoutConsensus();
        c.addSimple((bumped ? "BUMPED " : "STILL ") + cluster.myself.configEpoch);
    }

    public void setConfigEpoch(Client c, byte[][] a) {
        long epoch = integer(a[2]);
        if (epoch < 0) throw new RedisError("ERR Invalid config epoch specified: " + epoch);
        if (cluster.nodes.size() > 1) {
            throw new RedisError("ERR The user can assign a config epoch only when the node does not know any other node.");
        }
        if (cluster.myself.configEpoch != 0) throw new RedisError("ERR Node config epoch is already non-zero");
        cluster.myself.configEpoch = epoch;
        cluster.log().warning("configEpoch set to " + epoch + " via CLUSTER SET-CONFIG-EPOCH");
        if (cluster.currentEpoch < epoch) cluster.currentEpoch = epoch;
        cluster.todo(Cluster.TODO_UPDATE_STATE | Cluster.TODO_SAVE_CONFIG);
        c.addOk();
    }

    public void saveconfig(Client c) {
        try {
            cluster.conf().save(true);
        } catch (IOException e) {
            throw new RedisError("ERR error saving the cluster node config: " + e.getMessage());
        }
        c.addOk();
    }

    static String lower(byte[] b) {
        return str(b).toLowerCase(Locale.ROOT);
    }
}
