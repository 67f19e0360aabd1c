package io.cachelab.engine.cluster;

import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.keyspace.KeySlot;
import io.cachelab.engine.keyspace.SlotIndex;
import io.cachelab.engine.pubsub.PubSub;
import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.util.RedisError;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * A cluster node's view of the cluster (cluster.c clusterState and the transitions that change it):
 * the known nodes, who serves each of the 16384 slots, the epochs, and the cluster's own state
 * (ok/fail). The bus ({@link Bus}, {@link Packets}, {@link Gossip}), failure detection and elections
 * ({@link Failover}), nodes.conf ({@link NodesConf}) and client redirection ({@link Router}) all
 * work on this state; everything runs on the event-loop thread.
 */
public final class Cluster {
    static final int TODO_HANDLE_FAILOVER = 1;
    static final int TODO_UPDATE_STATE = 2;
    static final int TODO_SAVE_CONFIG = 4;
    static final int TODO_FSYNC_CONFIG = 8;
    static final int TODO_HANDLE_MANUALFAILOVER = 16;
    private static final long WRITABLE_DELAY = 2000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ClusterHost host;
    private final Logger log;
    private final LongSupplier nodeTimeout;
    ClusterNode myself;
    long currentEpoch;
    long lastVoteEpoch;
    boolean stateOk;
    int size = 1;
    final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
    /** CLUSTER FORGET: names not re-added from gossip until the time (seconds) given. */
    final Map<String, Long> blacklist = new HashMap<>();
    final ClusterNode[] slots = new ClusterNode[Slots.COUNT];
    final ClusterNode[] migratingTo = new ClusterNode[Slots.COUNT];
    final ClusterNode[] importingFrom = new ClusterNode[Slots.COUNT];
    /** Slots whose owner stopped claiming them in its messages (owner_not_claiming_slot). */
    final BitSet ownerNotClaiming = new BitSet(Slots.COUNT);
    private int todo;
    final long[] sent = new long[Msg.TYPES];
    final long[] received = new long[Msg.TYPES];
    long linksBufferLimitExceeded;
    /**
     * clusterPropagatePublish: PUBLISH reaches every node's subscribers; SPUBLISH only the nodes
     * serving my slots (my master, or me, and its replicas), which hold the shard channel's subscribers.
     */
    public void propagatePublish(Bytes channel, Bytes message, boolean shard) {
        byte[] msg = gossip.messages().publish(channel, message, shard);
        if (!shard) {
            bus.broadcast(msg);
            return;
        }
        ClusterNode master = myself.isReplica() && myself.slaveof != null ? myself.slaveof : myself;
        if (master != myself) bus.send(master.link, msg);
        for (ClusterNode r : master.replicas) {
            if (r != myself) bus.send(r.link, msg);
        }
    }

    /** DEBUG DROP-CLUSTER-PACKET-FILTER: a message type to ignore on receipt (-1 for none). */
    private int dropPacketFilter = -1;
    private long firstUpdateStateCall;
    private long amongMinorityTime;
    private final Bus bus;
    private final Packets packets;
    private final Gossip gossip;
    private final Failover failover;
    private final NodesConf conf;
    private final Router router;
    private final ClusterCommands views;
    private final ClusterAdmin admin;

    public Cluster(ClusterHost host) {
        this.host = host;
        this.log = host.log();
        this.nodeTimeout = host.config().live("cluster-node-timeout");
        this.bus = new Bus(this);
        this.packets = new Packets(this);
        this.gossip = new Gossip(this);
        this.failover = new Failover(this);
        this.conf = new NodesConf(this);
        this.router = new Router(this);
        this.views = new ClusterCommands(this);
        this.admin = new ClusterAdmin(this);
    }

    /** CLUSTER INFO, NODES, SLOTS... and the slot-map subcommands. */
    public ClusterCommands views() {
        return views;
    }

    /** CLUSTER MEET, FORGET, REPLICATE, RESET, FAILOVER, SETSLOT. */
    public ClusterAdmin admin() {
        return admin;
    }

    /** clusterInit: lock and load nodes.conf (or create myself), then listen on the bus port. */
    public void start(List<String> binds) throws IOException {
        EngineConfig cfg = host.config();
        if (host.port() > 55535 && cfg.getInt("cluster-port") == 0) {
            throw new IOException("Redis port number too high. Cluster communication port is 10,000 port numbers higher "
                    + "than your Redis port. Your Redis port number must be 55535 or less.");
        }
        if (!conf.load()) {
            myself = createNode(randomName(), ClusterNode.MYSELF | ClusterNode.MASTER);
            log.info("No cluster configuration found, I'm " + myself.name);
            conf.saveOrDie(true);
        }
        applyMyselfConfig();
        int cport = busPort();
        try {
            bus.listen(binds, cport);
        } catch (IOException e) {
            throw new IOException("Failed listening on port " + cport + " (cluster), aborting.", e);
        }
        registerConfigHooks();
    }

    private void registerConfigHooks() {
        EngineConfig cfg = host.config();
        for (String d : List.of("cluster-announce-ip", "cluster-announce-hostname", "cluster-announce-port",
                "cluster-announce-bus-port", "cluster-announce-tls-port", "cluster-replica-no-failover")) {
            cfg.onChange(d, v -> applyMyselfConfig());
        }
    }

    /** clusterUpdateMyself*: announced address, ports, hostname and the nofailover flag from the config. */
    void applyMyselfConfig() {
        EngineConfig cfg = host.config();
        String ip = cfg.getString("cluster-announce-ip");
        if (!ip.isEmpty()) myself.ip = ip;
        myself.hostname = cfg.getString("cluster-announce-hostname");
        myself.port = announcedPort();
        myself.cport = announcedBusPort();
        myself.pport = 0;
        if (cfg.getBool("cluster-replica-no-failover")) myself.flags |= ClusterNode.NOFAILOVER;
        else myself.flags &= ~ClusterNode.NOFAILOVER;
    }

    int announcedPort() {
        int p = host.config().getInt("cluster-announce-port");
        return p != 0 ? p : host.port();
    }

    int busPort() {
        int p = host.config().getInt("cluster-port");
        return p != 0 ? p : host.port() + 10000;
    }

    int announcedBusPort() {
        int p = host.config().getInt("cluster-announce-bus-port");
        return p != 0 ? p : busPort();
    }

    // ---- accessors for the package ----

    /** DEBUG DROP-CLUSTER-PACKET-FILTER: received messages of this type are ignored (-1: none). */
    public void dropPackets(int type) {
        dropPacketFilter = type;
    }

    boolean dropped(int type) {
        return type == dropPacketFilter;
    }

    /** DEBUG CLUSTERLINK KILL to|from|all node: frees that node's outbound, inbound or both links. */
    public void killLinks(String direction, String nodeName) {
        ClusterNode n = lookup(nodeName);
        if (n == null) throw new RedisError("ERR Unknown node " + nodeName);
        boolean to = direction.equalsIgnoreCase("to") || direction.equalsIgnoreCase("all");
        boolean from = direction.equalsIgnoreCase("from") || direction.equalsIgnoreCase("all");
        if (!to && !from) throw new RedisError("ERR Unknown direction " + direction);
        if (from && n.inboundLink != null) n.inboundLink.free();
        if (to && n.link != null) n.link.free();
    }

    ClusterHost host() {
        return host;
    }

    Logger log() {
        return log;
    }

    Bus bus() {
        return bus;
    }

    Packets packets() {
        return packets;
    }

    Gossip gossip() {
        return gossip;
    }

    Failover failover() {
        return failover;
    }

    NodesConf conf() {
        return conf;
    }

    /** The redirection check the dispatcher runs before a keyed command (getNodeByQuery). */
    public Router router() {
        return router;
    }

    long nodeTimeout() {
        return nodeTimeout.getAsLong();
    }

    long maxMessageBytes() {
        return host.config().getLong("client-query-buffer-limit");
    }

    Database db0() {
        return host.db(0);
    }

    SlotIndex slotIndex() {
        return db0().slotIndex();
    }

    void todo(int flags) {
        todo |= flags;
    }

    // ---- nodes ----

    static String randomName() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** verifyClusterNodeId: 40 characters of [a-z0-9]. */
    static boolean validName(String s) {
        if (s == null || s.length() != Msg.NAME) return false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) return false;
        }
        return true;
    }

    ClusterNode lookup(String name) {
        return validName(name) ? nodes.get(name) : null;
    }

    ClusterNode createNode(String name, int flags) {
        ClusterNode n = new ClusterNode(name, flags);
        nodes.put(name, n);
        return n;
    }

    /** clusterDelNode: its slots' migrating/importing marks, its reports about others, its links go. */
    void deleteNode(ClusterNode n) {
        for (int j = 0; j < Slots.COUNT; j++) {
            if (importingFrom[j] == n) importingFrom[j] = null;
            if (migratingTo[j] == n) migratingTo[j] = null;
            if (slots[j] == n) delSlot(j);
        }
        for (ClusterNode other : nodes.values()) other.failReports.remove(n);
        if (n.slaveof != null) n.slaveof.removeReplica(n);
        for (ClusterNode r : n.replicas) if (r.slaveof == n) r.slaveof = null;
        if (n.link != null) n.link.free();
        if (n.inboundLink != null) n.inboundLink.free();
        nodes.remove(n.name);
    }

    /** clusterRenameNode: a handshake node learns its real name from the first PONG. */
    void renameNode(ClusterNode n, String name) {
        log.fine(() -> "Renaming node " + n.name + " into " + name);
        nodes.remove(n.name);
        n.name = name;
        nodes.put(name, n);
    }

    void blacklist(String name) {
        long now = System.currentTimeMillis() / 1000;
        blacklist.values().removeIf(t -> t < now);
        blacklist.put(name, now + 60);
    }

    boolean blacklisted(String name) {
        long now = System.currentTimeMillis() / 1000;
        blacklist.values().removeIf(t -> t < now);
        return blacklist.containsKey(name);
    }

    /** myself's master if a replica, else myself (clusterNodeGetMaster for the sender's view). */
    ClusterNode myMaster() {
        return myself.isReplica() && myself.slaveof != null ? myself.slaveof : myself;
    }

    // ---- slots ----

    boolean addSlot(ClusterNode n, int slot) {
        if (slots[slot] != null) return false;
        // clusterNodeSetSlotBit: a master's first slot makes it a migration target if any master has replicas
        if (n.slots.isEmpty() && someMasterHasReplicas()) n.flags |= ClusterNode.MIGRATE_TO;
        n.slots.set(slot);
        slots[slot] = n;
        return true;
    }

    private boolean someMasterHasReplicas() {
        for (ClusterNode x : nodes.values()) if (x.isMaster() && !x.replicas.isEmpty()) return true;
        return false;
    }

    /** clusterDelSlot: also ends the shard channels of that slot for a node of the shard that served it. */
    boolean delSlot(int slot) {
        ClusterNode n = slots[slot];
        if (n == null) return false;
        if (n == myself || n == myself.slaveof) removeShardChannels(slot);
        n.slots.clear(slot);
        slots[slot] = null;
        ownerNotClaiming.clear(slot);
        return true;
    }

    int delNodeSlots(ClusterNode n) {
        int deleted = 0;
        for (int j = n.slots.nextSetBit(0); j >= 0; j = n.slots.nextSetBit(j + 1)) {
            delSlot(j);
            deleted++;
        }
        return deleted;
    }

    boolean slotUnclaimed(int slot) {
        return slots[slot] == null || ownerNotClaiming.get(slot);
    }

    private void removeShardChannels(int slot) {
        for (Bytes ch : host.pubsub().channels(PubSub.Kind.SHARD, null)) {
            if (KeySlot.slot(ch.array(), 0, ch.length()) == slot) {
                host.pubsub().removeChannel(PubSub.Kind.SHARD, ch);
            }
        }
    }

    /** delKeysInSlot: every key of the slot goes (a slot lost to a node with a newer config). */
    int deleteKeysInSlot(int slot) {
        int n = 0;
        for (Bytes key : slotIndex().all(slot)) {
            if (db0().delete(key)) n++;
        }
        return n;
    }

    long keysInSlot(int slot) {
        return slotIndex().count(slot);
    }

    // ---- roles ----

    /** clusterSetNodeAsMaster. */
    void setNodeAsMaster(ClusterNode n) {
        if (n.isMaster()) return;
        if (n.slaveof != null) {
            n.slaveof.removeReplica(n);
            if (n != myself) n.flags |= ClusterNode.MIGRATE_TO;
        }
        n.flags &= ~ClusterNode.SLAVE;
        n.flags |= ClusterNode.MASTER;
        n.slaveof = null;
        todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE);
    }

    /** clusterSetMaster: myself becomes a replica of {@code n} (replicationSetMaster). */
    void setMaster(ClusterNode n) {
        if (myself.isMaster()) {
            myself.flags &= ~(ClusterNode.MASTER | ClusterNode.MIGRATE_TO);
            myself.flags |= ClusterNode.SLAVE;
            closeAllSlots();
        } else if (myself.slaveof != null) {
            myself.slaveof.removeReplica(myself);
        }
        myself.slaveof = n;
        n.addReplica(myself);
        host.replicaLink().setMaster(n.ip, n.port);
        failover.resetManualFailover();
    }

    void closeAllSlots() {
        Arrays.fill(migratingTo, null);
        Arrays.fill(importingFrom, null);
    }

    /** clusterGetMaxEpoch. */
    long maxEpoch() {
        long max = currentEpoch;
        for (ClusterNode n : nodes.values()) max = Math.max(max, n.configEpoch);
        return max;
    }

    /** clusterBumpConfigEpochWithoutConsensus: true when the epoch moved. */
    boolean bumpEpochWithoutConsensus() {
        long max = maxEpoch();
        if (myself.configEpoch == 0 || myself.configEpoch != max) {
            currentEpoch++;
            myself.configEpoch = currentEpoch;
            todo(TODO_SAVE_CONFIG | TODO_FSYNC_CONFIG);
            log.info("New configEpoch set to " + myself.configEpoch);
            return true;
        }
        return false;
    }

    /** The offset this node announces: master_repl_offset, or what a replica processed. */
    long replicationOffset() {
        return myself.isMaster() ? host.replication().offset() : host.replicaLink().processedOffset();
    }

    // ---- state ----

    /** clusterUpdateState: ok when every slot is served (if required) and a majority of masters is reachable. */
    void updateState() {
        todo &= ~TODO_UPDATE_STATE;
        long now = System.currentTimeMillis();
        if (firstUpdateStateCall == 0) firstUpdateStateCall = now;
        if (myself.isMaster() && !stateOk && now - firstUpdateStateCall < WRITABLE_DELAY) return;
        boolean ok = true;
        if (host.config().getBool("cluster-require-full-coverage")) {
            for (ClusterNode n : slots) {
                if (n == null || n.failed()) {
                    ok = false;
                    break;
                }
            }
        }
        int reachable = 0;
        size = 0;
        for (ClusterNode n : nodes.values()) {
            if (n.isMaster() && n.numSlots() > 0) {
                size++;
                if (!n.failed() && !n.timedOut()) reachable++;
            }
        }
        if (reachable < size / 2 + 1) {
            ok = false;
            amongMinorityTime = now;
        }
        if (ok != stateOk) {
            long rejoinDelay = Math.max(500, Math.min(5000, nodeTimeout()));
            if (ok && myself.isMaster() && now - amongMinorityTime < rejoinDelay) return;
            log.warning("Cluster state changed: " + (ok ? "ok" : "fail"));
            stateOk = ok;
        }
    }

    // ---- timers ----

    private long lastCron;

    /** Called from serverCron; runs clusterCron every 100 ms. */
    public void cron(long now) {
        if (now - lastCron < 100) return;
        lastCron = now;
        gossip.cron(now);
    }

    /** clusterBeforeSleep: the work messages and commands scheduled. */
    public void beforeSleep() {
        if ((todo & TODO_HANDLE_MANUALFAILOVER) != 0) {
            todo &= ~TODO_HANDLE_MANUALFAILOVER;
            if (myself.isReplica()) {
                failover.handleManualFailover();
                failover.handleReplicaFailover();
            }
        } else if ((todo & TODO_HANDLE_FAILOVER) != 0) {
            failover.handleReplicaFailover();
        }
        if ((todo & TODO_UPDATE_STATE) != 0) updateState();
        if ((todo & TODO_SAVE_CONFIG) != 0) {
            boolean fsync = (todo & TODO_FSYNC_CONFIG) != 0;
            todo &= ~(TODO_SAVE_CONFIG | TODO_FSYNC_CONFIG);
            conf.saveOrDie(fsync);
        }
    }

    /** verifyClusterConfigWithData: keys in slots nobody serves are claimed, in slots of others imported. */
    public void verifyWithData() {
        if (myself.isReplica()) return;
        for (int i = 1; i < host.config().getInt("databases"); i++) {
            if (host.db(i).size() > 0) {
                throw new IllegalStateException("You can't have keys in a DB different than DB 0 when in Cluster mode. Exiting.");
            }
        }
        boolean changed = false;
        for (var it = slotIndex().nonEmptySlots(); it.hasNext(); ) {
            int j = it.next();
            if (slots[j] == myself || importingFrom[j] != null) continue;
            changed = true;
            if (slots[j] == null) {
                log.warning("I have keys for unassigned slot " + j + ". Taking responsibility for it.");
                addSlot(myself, j);
            } else {
                log.warning("I have keys for slot " + j + ", but the slot is assigned to another node. Setting it to importing state.");
                importingFrom[j] = slots[j];
            }
        }
        if (changed) conf.saveOrDie(true);
    }

    /** Nodes in the order CLUSTER NODES and the gossip walk see them. */
    List<ClusterNode> nodeList() {
        return new ArrayList<>(nodes.values());
    }
}
