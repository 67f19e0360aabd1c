package io.cachelab.engine.command;

import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.replication.ReplicationMaster;

/**
 * SYNC, PSYNC, REPLCONF, WAIT and ROLE: the commands of replication.c's master side. They only parse
 * and answer argument errors; the state they act on lives in {@link ReplicationMaster}.
 */
final class ReplicationCommands {
    private ReplicationCommands() {
    }

    static void register(Commands t) {
        t.bind("sync", (c, a) -> c.server().replication().sync(c, a, false));
        t.bind("psync", (c, a) -> c.server().replication().sync(c, a, true));
        t.bind("replconf", ReplicationCommands::replconf);
        t.bind("wait", ReplicationCommands::waitCmd);
        t.bind("role", (c, a) -> {
            c.server().replication().role(c);
        });
    }

    /** replconfCommand: options come in pairs; ACK and GETACK answer nothing. */
    private static void replconf(Client c, byte[][] a) {
        if (a.length % 2 == 0) throw RedisError.SYNTAX;
        ReplicationMaster repl = c.server().replication();
        for (int j = 1; j < a.length; j += 2) {
            String opt = Args.lower(a[j]);
            switch (opt) {
                case "listening-port" -> {
                    long port = Args.toLong(a[j + 1]);
                    c.replicaListeningPort = (int) port;
                }
                case "ip-address" -> {
                    String ip = new String(a[j + 1], java.nio.charset.StandardCharsets.ISO_8859_1);
                    if (ip.length() >= 46) {
                        throw new RedisError("ERR REPLCONF ip-address provided by replica instance is too long: " + ip.length() + " bytes");
                    }
                    c.replicaAnnouncedIp = ip;
                }
                case "capa", "rdb-only" -> {
                    // we always send the RDB with its length, which every replica accepts
                }
                case "ack" -> {
                    if (!c.replica) return;
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
                    // only a replica answers GETACK (with an ACK to its master); a master ignores it
                    return;
                }
                default -> throw new RedisError("ERR Unrecognized REPLCONF option: " + new String(a[j], java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        c.addOk();
    }

    private static void waitCmd(Client c, byte[][] a) {
        long timeout;
        try {
            timeout = Long.parseLong(new String(a[2], java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new RedisError("ERR timeout is not an integer or out of range");
        }
        if (timeout < 0) throw new RedisError("ERR timeout is negative");
        long numReplicas = Args.toLong(a[1]);
        c.server().replication().await(c, numReplicas, timeout);
    }
}
