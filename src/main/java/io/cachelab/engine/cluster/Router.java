package io.cachelab.engine.cluster;

import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.dispatch.Redirector;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.keyspace.KeySlot;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.table.CommandFlag;
import io.cachelab.engine.table.GetKeys;
import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.util.RedisError;

import java.util.Arrays;
import java.util.List;

/**
 * Where a command's keys live (cluster.c getNodeByQuery, clusterRedirectClient): all keys in one
 * slot, served here, or the client is told where to go — MOVED to the slot's owner, ASK to the
 * node importing a migrating slot for keys already moved, TRYAGAIN for a multi-key command caught
 * half-way, CLUSTERDOWN while the cluster is down or the slot unassigned. A replica serves reads
 * of its master's slots to READONLY clients.
 */
public final class Router implements Redirector {
    private final Cluster cluster;
    private final GetKeys.Found found = new GetKeys.Found();

    Router(Cluster cluster) {
        this.cluster = cluster;
    }

    /** What the walk over a command's keys found. */
    private static final class Walk {
        byte[] firstKey;
        int slot;
        ClusterNode node;
        boolean migrating;
        boolean importing;
        boolean multipleKeys;
        int missing;
        int existing;
        String error;
    }

    @Override
    public String redirect(Client c, CommandSpec spec, byte[][] argv, boolean write) {
        boolean exec = spec.fullName().equals("exec");
        if (exec && !c.multi().active()) return null;
        List<byte[][]> commands = exec ? c.multi().queued() : List.<byte[][]>of(argv);
        String name = spec.fullName();
        boolean shard = isShardCommand(name);
        Walk w = walk(commands, spec, exec, shard);
        if (w.error != null) return w.error;
        if (w.node == null) return null;
        return verdict(c, spec, w, write, shard);
    }

    @Override
    public int scriptSlot(Client caller, CommandSpec spec, byte[][] argv) {
        if (caller.mustObey() || caller.isMaster()) return -1;
        String name = spec.fullName();
        boolean shard = isShardCommand(name);
        List<byte[][]> commands = List.<byte[][]>of(argv);
        Walk w = walk(commands, spec, false, shard);
        String verdict = w.error != null ? w.error : w.node == null ? null : verdict(caller, spec, w, spec.has(CommandFlag.WRITE), shard);
        if (verdict == null) return w.firstKey == null ? -1 : w.slot;
        if (verdict.startsWith("CLUSTERDOWN The cluster is down and only")) {
            throw new RedisError("ERR Script attempted to execute a write command while the cluster is down and readonly");
        }
        if (verdict.startsWith("CLUSTERDOWN The cluster is down")) {
            throw new RedisError("ERR Script attempted to execute a command while the cluster is down");
        }
        throw new RedisError("ERR Script attempted to access a non local key in a cluster node");
    }

    /** is_pubsubshard: the shard channel routes like a key, and replicas serve it to any client. */
    private static boolean isShardCommand(String name) {
        return name.equals("ssubscribe") || name.equals("sunsubscribe") || name.equals("spublish");
    }

    /** getNodeByQuery after the key walk: down state, migration, ASK, TRYAGAIN, replica reads, MOVED. */
    private String verdict(Client c, CommandSpec spec, Walk w, boolean write, boolean shard) {
        String name = spec.fullName();
        String down = downState(shard, write);
        if (down != null) return down;
        if ((w.migrating || w.importing) && name.equals("migrate")) return null;
        if (w.migrating && w.missing > 0) {
            if (w.existing > 0) return "TRYAGAIN Multiple keys request during rehashing of slot";
            return "ASK " + w.slot + " " + address(cluster.migratingTo[w.slot]);
        }
        if (w.importing && (c.asking() || spec.has(CommandFlag.ASKING))) {
            if (w.multipleKeys && w.missing > 0) return "TRYAGAIN Multiple keys request during rehashing of slot";
            return null;
        }
        ClusterNode me = cluster.myself;
        if ((c.readOnlyCluster() || shard) && !write && me.isReplica() && me.slaveof == w.node) return null;
        if (w.node != me) return "MOVED " + w.slot + " " + address(w.node);
        return null;
    }

    /**
     * clusterRedirectBlockedClientIfNeeded: a client blocked on a key whose slot went elsewhere (and
     * is not being imported here) is told where; while the cluster is down it gets CLUSTERDOWN, since
     * the write that would serve it may never come. Null: it keeps waiting.
     */
    public String blockedRedirect(Client c, byte[] key, boolean write) {
        if (!cluster.stateOk) return "CLUSTERDOWN The cluster is down";
        int slot = KeySlot.slot(key);
        ClusterNode node = cluster.slots[slot];
        ClusterNode me = cluster.myself;
        if (c.readOnlyCluster() && !write && me.isReplica() && me.slaveof == node) node = me;
        if (node == me || cluster.importingFrom[slot] != null) return null;
        return node == null ? "CLUSTERDOWN Hash slot not served" : "MOVED " + slot + " " + address(node);
    }

    private Walk walk(List<byte[][]> commands, CommandSpec top, boolean exec, boolean shard) {
        Walk w = new Walk();
        Commands table = cluster.host().dispatcher().table();
        Database db = cluster.db0();
        for (byte[][] argv : commands) {
            CommandSpec spec = exec ? table.resolve(argv) : top;
            if (spec == null) continue;
            GetKeys.keys(spec.def(), argv, found, true);
            for (int i = 0; i < found.count(); i++) {
                byte[] key = argv[found.pos(i)];
                int slot = KeySlot.slot(key);
                if (w.firstKey == null) {
                    w.firstKey = key;
                    w.slot = slot;
                    w.node = cluster.slots[slot];
                    if (w.node == null) {
                        w.error = "CLUSTERDOWN Hash slot not served";
                        return w;
                    }
                    if (w.node == cluster.myself && cluster.migratingTo[slot] != null) w.migrating = true;
                    else if (cluster.importingFrom[slot] != null) w.importing = true;
                } else if (!Arrays.equals(key, w.firstKey)) {
                    if (slot != w.slot) {
                        w.error = "CROSSSLOT Keys in request don't hash to the same slot";
                        return w;
                    }
                    w.multipleKeys = true;
                }
                if ((w.migrating || w.importing) && !shard) {
                    Bytes k = new Bytes(key);
                    if (db.peek(k) == null || db.isExpired(k)) w.missing++;
                    else w.existing++;
                }
            }
        }
        return w;
    }

    private String downState(boolean shard, boolean write) {
        if (cluster.stateOk) return null;
        var cfg = cluster.host().config();
        if (shard) {
            return cfg.getBool("cluster-allow-pubsubshard-when-down") ? null : "CLUSTERDOWN The cluster is down";
        }
        if (!cfg.getBool("cluster-allow-reads-when-down")) return "CLUSTERDOWN The cluster is down";
        if (write) return "CLUSTERDOWN The cluster is down and only accepts read commands";
        return null;
    }

    /** getPreferredEndpoint and the port: what MOVED and ASK name. */
    String address(ClusterNode n) {
        return endpoint(n) + ":" + n.port;
    }

    String endpoint(ClusterNode n) {
        return switch (cluster.host().config().getString("cluster-preferred-endpoint-type")) {
            case "hostname" -> n.hostname.isEmpty() ? "?" : n.hostname;
            case "unknown-endpoint" -> "";
            default -> n.ip;
        };
    }
}
