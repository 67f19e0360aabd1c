package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.replication.ReplicaLink;
import io.cachelab.engine.replication.ReplicationMaster;

/**
 * SYNC, PSYNC, REPLCONF, WAIT and ROLE: the commands of replication.c's master side. They only parse
 * and answer argument errors; the state they act on lives in {@link ReplicationMaster}.
 */
final class ReplicationCommands {
    private ReplicationCommands() {
    }

    static void register(Commands t) {
        t.bind("sync", (c, a) -> server(c).replication().sync(c, a, false));
        t.bind("psync", (c, a) -> server(c).replication().sync(c, a, true));
        t.bind("replconf", ReplicationCommands::replconf);
        t.bind("wait", ReplicationCommands::waitCmd);
        t.bind("role", (c, a) -> {
            server(c).replication().role(c);
        });
        t.bind("replicaof", ReplicationCommands::replicaof);
        t.bind("failover", ReplicationCommands::failover);
        t.bind("slaveof", ReplicationCommands::replicaof);
    }

    /** failoverCommand: FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]. */
    private static void failover(Client c, byte[][] a) {
        var f = server(c).replicaLink().failover();
        if (server(c).config().getBool("cluster-enabled")) {
            throw new RedisError("ERR FAILOVER not allowed in cluster mode. Use CLUSTER FAILOVER command instead.");
        }
        if (a.length == 2 && Args.lower(a[1]).equals("abort")) {
            String err = f.abortByUser();
            if (err != null) throw new RedisError(err);
            c.addOk();
            return;
        }
        long timeout = 0;
        boolean force = false;
        String host = null;
        long port = 0;
        for (int j = 1; j < a.length; j++) {
            String o = Args.lower(a[j]);
            if (o.equals("timeout") && j + 1 < a.length && timeout == 0) {
                timeout = Args.toLong(a[++j]);
                if (timeout <= 0) throw new RedisError("ERR FAILOVER timeout must be greater than 0");
            } else if (o.equals("to") && j + 2 < a.length && host == null) {
                port = Args.toLong(a[j + 2]);
                host = Args.str(a[j + 1]);
                j += 2;
            } else if (o.equals("force") && !force) {
                force = true;
            } else {
                throw RedisError.SYNTAX;
            }
        }
        String err = f.start(host, (int) port, timeout, force);
        if (err != null) throw new RedisError(err);
        c.addOk();
    }

    /** replicaofCommand: NO ONE promotes, host port follows a master (cached state kept for PSYNC). */
    private static void replicaof(Client c, byte[][] a) {
        ReplicaLink link = server(c).replicaLink();
        if (server(c).config().getBool("cluster-enabled")) throw new RedisError("ERR REPLICAOF not allowed in cluster mode.");
        if (!server(c).failoverState().equals("no-failover")) throw new RedisError("ERR REPLICAOF not allowed while failing over.");
        if (Args.lower(a[1]).equals("no") && Args.lower(a[2]).equals("one")) {
            if (link.isReplica()) {
                link.unsetMaster();
                server(c).log().info("MASTER MODE enabled (user request from '" + Families.clientInfo(c) + "')");
            }
            c.addOk();
            return;
        }
        if (c.isReplica()) throw new RedisError("ERR Command is not valid when client is a replica.");
        long port;
        try {
            port = Long.parseLong(new String(a[2], java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new RedisError("ERR Invalid master port");
        }
        if (port < 0 || port > 65535) throw new RedisError("ERR Invalid master port");
        String host = new String(a[1], java.nio.charset.StandardCharsets.UTF_8);
        if (link.isReplica() && link.masterHost().equalsIgnoreCase(host) && link.masterPort() == port) {
            server(c).log().info("REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.");
            c.addSimple("OK Already connected to specified master");
            return;
        }
        link.setMaster(host, (int) port);
        server(c).log().info("REPLICAOF " + host + ":" + port + " enabled (user request from '" + Families.clientInfo(c) + "')");
        c.addOk();
    }

    /** replconfCommand: options come in pairs; ACK and GETACK answer nothing. */
    private static void replconf(Client c, byte[][] a) {
        if (a.length % 2 == 0) throw RedisError.SYNTAX;
        ReplicationMaster repl = server(c).replication();
        for (int j = 1; j < a.length; j += 2) {
            String opt = Args.lower(a[j]);
            switch (opt) {
                case "listening-port" -> {
                    long port = Args.toLong(a[j + 1]);
                    c.setReplicaListeningPort((int) port);
                }
                case "ip-address" -> {
                    String ip = new String(a[j + 1], java.nio.charset.StandardCharsets.ISO_8859_1);
                    if (ip.length() >= 46) {
                        throw new RedisError("ERR REPLCONF ip-address provided by replica instance is too long: " + ip.length() + " bytes");
                    }
                    c.setReplicaAnnouncedIp(ip);
                }
                case "capa" -> {
                    if (Args.lower(a[j + 1]).equals("eof")) c.setReplicaCapaEof(true);
                }
                case "rdb-only" -> {
                    // the replica still gets the stream after the RDB (redis-cli --rdb closes the link)
                }
                case "ack" -> {
                    if (!c.isReplica()) return;
                    long offset;
                    try {
                        offset = Long.parseLong(new String(a[j + 1], java.nio.charset.StandardCharsets.US_ASCII));
                    } catch (NumberFormatException e) {
                        return;
                    }
                    repl.ack(c, offset);
                    return;
                }
                case "getack" -> {
                    // only a replica answers GETACK (with an ACK to its master, once this command is done)
                    if (c.isMaster()) server(c).replicaLink().requestAck();
                    return;
                }
                default -> throw new RedisError("ERR Unrecognized REPLCONF option: " + new String(a[j], java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        c.addOk();
    }

    private static void waitCmd(Client c, byte[][] a) {
        if (server(c).isReplica()) {
            throw new RedisError("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 "
                    + "if a replica is configured to be writable (which is not the default) writes to replicas are just "
                    + "local and are not propagated.");
        }
        long timeout;
        try {
            timeout = Long.parseLong(new String(a[2], java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new RedisError("ERR timeout is not an integer or out of range");
        }
        if (timeout < 0) throw new RedisError("ERR timeout is negative");
        long numReplicas = Args.toLong(a[1]);
        server(c).replication().await(c, numReplicas, timeout);
    }
}
