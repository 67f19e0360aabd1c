package io.cachelab.engine.command;

import io.cachelab.engine.cluster.Cluster;
import io.cachelab.engine.dispatch.CommandHandler;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.RedisError;

import java.util.List;
import java.util.function.BiConsumer;

import static io.cachelab.engine.command.Families.server;

/**
 * CLUSTER, ASKING, READONLY and READWRITE (cluster.c): each subcommand runs on the node's
 * {@link Cluster}; with cluster-enabled no they answer as Redis does, "cluster support disabled".
 */
final class ClusterCommand {
    private static final String DISABLED = "ERR This instance has cluster support disabled";

    private ClusterCommand() {
    }

    static void register(Commands t) {
        CommandSpec cluster = t.container("cluster");
        sub(cluster, "info", (k, c) -> k.views().info(c));
        sub(cluster, "nodes", (k, c) -> k.views().nodes(c));
        sub(cluster, "myid", (k, c) -> k.views().myid(c));
        sub(cluster, "slots", (k, c) -> k.views().slots(c));
        sub(cluster, "shards", (k, c) -> k.views().shards(c));
        sub(cluster, "links", (k, c) -> k.views().links(c));
        sub(cluster, "flushslots", (k, c) -> k.views().flushslots(c));
        sub(cluster, "bumpepoch", (k, c) -> k.views().bumpepoch(c));
        sub(cluster, "saveconfig", (k, c) -> k.views().saveconfig(c));
        subArgs(cluster, "replicas", (k, c, a) -> k.views().replicas(c, a));
        subArgs(cluster, "slaves", (k, c, a) -> k.views().replicas(c, a));
        subArgs(cluster, "keyslot", (k, c, a) -> k.views().keyslot(c, a));
        subArgs(cluster, "countkeysinslot", (k, c, a) -> k.views().countkeysinslot(c, a));
        subArgs(cluster, "getkeysinslot", (k, c, a) -> k.views().getkeysinslot(c, a));
        subArgs(cluster, "addslots", (k, c, a) -> k.views().addOrDelSlots(c, a, true));
        subArgs(cluster, "delslots", (k, c, a) -> k.views().addOrDelSlots(c, a, false));
        subArgs(cluster, "addslotsrange", (k, c, a) -> k.views().addOrDelSlotsRange(c, a, true));
        subArgs(cluster, "delslotsrange", (k, c, a) -> k.views().addOrDelSlotsRange(c, a, false));
        subArgs(cluster, "count-failure-reports", (k, c, a) -> k.views().countFailureReports(c, a));
        subArgs(cluster, "set-config-epoch", (k, c, a) -> k.views().setConfigEpoch(c, a));
        subArgs(cluster, "meet", (k, c, a) -> k.admin().meet(c, a));
        subArgs(cluster, "forget", (k, c, a) -> k.admin().forget(c, a));
        subArgs(cluster, "replicate", (k, c, a) -> k.admin().replicate(c, a));
        subArgs(cluster, "reset", (k, c, a) -> k.admin().reset(c, a));
        subArgs(cluster, "failover", (k, c, a) -> k.admin().failover(c, a));
        subArgs(cluster, "setslot", (k, c, a) -> k.admin().setslot(c, a));
        cluster.sub("help", (c, a) -> {
            if (server(c).cluster() == null) throw new RedisError(DISABLED);
            c.addBulkArray(List.of());
        });
        t.bind("asking", enabled((k, c) -> {
            c.setAsking(true);
            c.addOk();
        }));
        t.bind("readonly", enabled((k, c) -> {
            c.setReadOnlyCluster(true);
            c.addOk();
        }));
        t.bind("readwrite", enabled((k, c) -> {
            c.setReadOnlyCluster(false);
            c.addOk();
        }));
    }

    @FunctionalInterface
    private interface Sub {
        void run(Cluster k, Client c, byte[][] a);
    }

    private static void sub(CommandSpec container, String name, BiConsumer<Cluster, Client> body) {
        container.sub(name, enabled(body));
    }

    private static void subArgs(CommandSpec container, String name, Sub body) {
        container.sub(name, (c, a) -> body.run(cluster(c), c, a));
    }

    private static CommandHandler enabled(BiConsumer<Cluster, Client> body) {
        return (c, a) -> body.accept(cluster(c), c);
    }

    private static Cluster cluster(Client c) {
        Cluster k = server(c).cluster();
        if (k == null) throw new RedisError(DISABLED);
        return k;
    }
}
