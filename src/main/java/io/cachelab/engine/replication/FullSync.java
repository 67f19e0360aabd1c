package io.cachelab.engine.replication;

import io.cachelab.engine.net.Client;
import io.cachelab.engine.persistence.Persistence;
import io.cachelab.engine.replication.ReplicationMaster.Replica;
import io.cachelab.engine.replication.ReplicationMaster.State;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A master's full syncs, as replication.c runs them: syncCommand's three cases (attach to a
 * running disk BGSAVE, wait for the next one, or start one), replicationStartPendingFork (a
 * diskless sync waits {@code repl-diskless-sync-delay} seconds, or for
 * {@code repl-diskless-sync-max-replicas}, to serve several replicas with one RDB),
 * startBgsaveForReplication (the socket target when diskless and every replica takes
 * {@code capa eof}), rdbPipeReadHandler (the RDB goes to every attached replica at the pace of the
 * slowest), and updateSlavesWaitingBgsave (the file, or the EOF mark, then the stream; a diskless
 * replica gets the stream after its first ACK).
 */
final class FullSync {
    /** The pipe hands out a chunk only when every replica's socket has taken the previous ones. */
    private static final int PIPE_LOW_WATER = 128 * 1024;
    private static final int EOF_MARK_SIZE = 40;

    private final ReplicationHost server;
    private final ReplicationMaster master;
    /** The running socket-target BGSAVE's pipe and the replicas it writes to (rdb_pipe_conns). */
    private RdbPipe pipe;
    private byte[] eofMark;
    private final List<Replica> piped = new ArrayList<>();
    private boolean pipeEof;

    FullSync(ReplicationHost server, ReplicationMaster master) {
        this.server = server;
        this.master = master;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private boolean disklessSync() {
        return server.config().getBool("repl-diskless-sync");
    }

    /** syncCommand's full-sync half: the replica waits in WAIT_BGSAVE_START unless it can be served now. */
    void request(Replica r) {
        Persistence p = server.persistence();
        r.state = State.WAIT_BGSAVE_START;
        r.waitSinceMs = System.currentTimeMillis();
        if (p.bgsaveInProgress() && !p.bgsaveToSocket()) {
            Replica peer = null;
            for (Replica o : master.replicas()) if (o != r && o.state == State.WAIT_BGSAVE_END) peer = o;
            if (peer != null && (!peer.client.replicaCapaEof() || r.client.replicaCapaEof())) {
                r.pending.put(peer.pending.data, 0, peer.pending.length);
                setup(r, peer.psyncOffset);
                server.log().info("Waiting for end of BGSAVE for SYNC");
            } else {
                server.log().info("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
            }
        } else if (p.bgsaveInProgress()) {
            server.log().info("Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC");
        } else if (disklessSync() && r.client.replicaCapaEof() && server.config().getLong("repl-diskless-sync-delay") > 0) {
            server.log().info("Delay next BGSAVE for diskless SYNC");
        } else if (server.aof().rewriteInProgress()) {
            server.log().info("No BGSAVE in progress, but another BG operation is active. BGSAVE for replication delayed");
        } else {
            start();
        }
    }

    /** replicationSetupSlaveForFullResync: +FULLRESYNC with the offset the RDB matches; the stream is held from here. */
    private void setup(Replica r, long offset) {
        r.state = State.WAIT_BGSAVE_END;
        r.psyncOffset = offset;
        master.resetSelectedDb();
        if (!r.prePsync) {
            r.client.addSimple("FULLRESYNC " + master.replid() + " " + offset);
            r.client.flushSoon();
        }
    }

    /** startBgsaveForReplication for every replica in WAIT_BGSAVE_START. */
    private void start() {
        List<Replica> waiting = new ArrayList<>();
        boolean eof = true;
        for (Replica r : master.replicas()) {
            if (r.state != State.WAIT_BGSAVE_START) continue;
            waiting.add(r);
            eof &= r.client.replicaCapaEof();
        }
        if (waiting.isEmpty()) return;
        boolean socket = disklessSync() && eof;
        server.log().info("Starting BGSAVE for SYNC with target: " + (socket ? "replicas sockets" : "disk"));
        boolean started = socket ? startPipe(waiting) : server.persistence().bgsave();
        if (!started) {
            server.log().warning("BGSAVE for replication failed");
            for (Replica r : waiting) {
                r.client.addError("ERR BGSAVE failed, replication can't continue");
                server.eventLoop().closeAsync(r.client);
            }
            return;
        }
        if (!socket) for (Replica r : waiting) setup(r, master.offset());
    }

    /** rdbSaveToSlavesSockets: the snapshot is frozen at this offset, after the $EOF preamble. */
    private boolean startPipe(List<Replica> waiting) {
        RdbPipe p = new RdbPipe(server.eventLoop()::wakeup);
        long offset = master.offset();
        if (!server.persistence().bgsaveToReplicas(p)) return false;
        pipe = p;
        pipeEof = false;
        eofMark = ascii(HexFormat.of().formatHex(randomBytes(EOF_MARK_SIZE / 2)));
        long now = System.currentTimeMillis();
        for (Replica r : waiting) {
            setup(r, offset);
            r.client.reply().raw(ascii("$EOF:"));
            r.client.reply().raw(eofMark);
            r.client.reply().raw(ascii("\r\n"));
            r.client.flushSoon();
            r.lastWritten = r.client.reply().written();
            r.lastProgressMs = now;
            piped.add(r);
        }
        return true;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** rdbPipeReadHandler: chunks go to every piped replica while each has taken the last ones. */
    void pump() {
        if (pipe == null || pipeEof) return;
        if (piped.isEmpty()) {
            server.log().warning("Diskless rdb transfer, last replica dropped, killing fork child.");
            endPipe();
            server.persistence().killBgsave();
            return;
        }
        while (slowestPending() < PIPE_LOW_WATER) {
            byte[] chunk = pipe.poll();
            if (chunk == null) break;
            for (Replica r : piped) {
                r.client.reply().raw(chunk);
                r.client.flushSoon();
            }
        }
        if (pipe.atEof() && slowestPending() == 0) {
            pipeEof = true;
            server.log().warning("Diskless rdb transfer, done reading from pipe, " + piped.size() + " replicas still up.");
            pipe.release();
        }
    }

    private int slowestPending() {
        int max = 0;
        for (Replica r : piped) max = Math.max(max, r.client.reply().pending());
        return max;
    }

    private void endPipe() {
        if (pipe != null) pipe.cancel();
        pipe = null;
        piped.clear();
    }

    /**
     * replicationStartPendingFork and the full-sync timeout: replicas waiting for a BGSAVE get one
     * once nothing runs (a diskless one after the delay or enough replicas); a piped replica that
     * took nothing for repl-timeout seconds is dropped.
     */
    void cron(long now) {
        long timeoutMs = server.config().getLong("repl-timeout") * 1000;
        for (Replica r : new ArrayList<>(piped)) {
            long written = r.client.reply().written();
            if (written != r.lastWritten || r.client.reply().pending() == 0) {
                r.lastWritten = written;
                r.lastProgressMs = now;
            } else if (now - r.lastProgressMs > timeoutMs) {
                server.log().warning("Disconnecting timedout replica (full sync): " + ReplicationMaster.replicaName(r.client));
                server.eventLoop().closeClient(r.client);
            }
        }
        if (server.persistence().bgsaveInProgress() || server.aof().rewriteInProgress()) return;
        int waiting = 0;
        long maxIdleMs = 0;
        for (Replica r : master.replicas()) {
            if (r.state != State.WAIT_BGSAVE_START) continue;
            waiting++;
            maxIdleMs = Math.max(maxIdleMs, now - r.waitSinceMs);
        }
        if (waiting == 0) return;
        long maxReplicas = server.config().getLong("repl-diskless-sync-max-replicas");
        if (!disklessSync() || (maxReplicas > 0 && waiting >= maxReplicas)
                || maxIdleMs >= server.config().getLong("repl-diskless-sync-delay") * 1000) {
            start();
        }
    }

    /** updateSlavesWaitingBgsave: a BGSAVE ended; its replicas get their RDB, the waiting ones the next BGSAVE. */
    void bgsaveDone(boolean ok, boolean socket) {
        List<Replica> ended = new ArrayList<>();
        for (Replica r : master.replicas()) if (r.state == State.WAIT_BGSAVE_END) ended.add(r);
        if (socket) endPipe();
        byte[] file = null;
        if (ok && !socket && !ended.isEmpty()) {
            try {
                file = Files.readAllBytes(server.persistence().rdbPath());
            } catch (IOException | OutOfMemoryError e) {
                server.log().warning("Can't open the RDB file " + server.config().getString("dbfilename")
                        + " (in server root dir " + server.config().getString("dir") + ") for saving: " + e.getMessage());
                ok = false;
            }
        }
        for (Replica r : ended) {
            if (!ok) {
                server.log().warning("SYNC failed. BGSAVE child returned an error");
                server.eventLoop().closeAsync(r.client);
            } else if (socket) {
                finishPiped(r);
            } else {
                sendFile(r, file);
            }
        }
        if (!server.persistence().bgsaveInProgress()) cron(System.currentTimeMillis());
    }

    /** The streamed RDB ends with its mark; the stream waits for the replica's first ACK (it may still be loading). */
    private void finishPiped(Replica r) {
        Client c = r.client;
        c.reply().raw(eofMark);
        c.flushSoon();
        r.state = State.ONLINE;
        r.streamOnAck = true;
        r.ackTimeMs = System.currentTimeMillis();
        server.log().info("Streamed RDB transfer with replica " + ReplicationMaster.replicaName(c)
                + " succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming");
    }

    /** A disk-based sync: $len and the file, then what was held, and the replica is online. */
    private void sendFile(Replica r, byte[] file) {
        Client c = r.client;
        c.reply().raw(ascii("$" + file.length + "\r\n"));
        c.reply().raw(file);
        r.state = State.ONLINE;
        r.ackTimeMs = System.currentTimeMillis();
        master.startStream(r);
    }

    /** freeClient of a replica: it leaves the pipe; a disk BGSAVE nobody needs any more is stopped. */
    void replicaGone(Replica r) {
        piped.remove(r);
        if (r.state != State.WAIT_BGSAVE_END || server.persistence().bgsaveToSocket()) return;
        if (!server.persistence().bgsaveInProgress() || server.persistence().hasSavePoints()) return;
        for (Replica o : master.replicas()) if (o != r && o.state == State.WAIT_BGSAVE_END) return;
        server.persistence().killBgsave();
    }
}
