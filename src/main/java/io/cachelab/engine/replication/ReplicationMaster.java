package io.cachelab.engine.replication;

import io.cachelab.engine.info.InfoWriter;
import io.cachelab.engine.propagate.Propagation;
import io.cachelab.engine.net.Client;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The master side of replication.c: a {@link Propagation.Sink} that turns the propagated stream into
 * RESP (with SELECT whenever the db changes, as replicationFeedSlaves does), counts it into
 * master_repl_offset, keeps it in a ring backlog and appends it to every replica's output.
 *
 * <p>Java has no fork, so a full sync freezes the keyspace as BGSAVE does and writes the RDB into
 * memory on a thread of its own; what is propagated meanwhile waits in the replica's own buffer and
 * follows the payload. The payload is always sent as {@code $<len>\r\n} (the disk-based form every
 * replica accepts), never the diskless EOF-marker form. Nothing is registered (and the hot path
 * costs nothing) until the first replica attaches, which is also when Redis creates its backlog.
 */
public final class ReplicationMaster implements Propagation.Sink {
    private static final byte[] SELECT = ascii("SELECT");
    private static final byte[] PING = ascii("PING");
    private static final byte[][] GETACK = {ascii("REPLCONF"), ascii("GETACK"), ascii("*")};

    /** A replica's replstate: waiting for a BGSAVE to start, for its RDB, or fed the stream. */
    enum State { WAIT_BGSAVE_START, WAIT_BGSAVE_END, ONLINE }

    /** What the master knows of one replica (the client struct's repl* fields). */
    public static final class Replica {
        final Client client;
        State state = State.WAIT_BGSAVE_START;
        /** Stream produced while the RDB is written; sent right after it (a diskless one: after the first ACK). */
        Buffer pending = new Buffer(256);
        /** psync_initial_offset: the offset the RDB matches, told with +FULLRESYNC. */
        long psyncOffset;
        long waitSinceMs;
        /** repl_start_cmd_stream_on_ack: online, but the stream waits for the first REPLCONF ACK. */
        boolean streamOnAck;
        /** Progress of a diskless transfer (repl_last_partial_write): bytes the socket took, and when. */
        long lastWritten;
        long lastProgressMs;
        long ackOffset;
        long ackTimeMs;
        /** Attached with SYNC (CLIENT_PRE_PSYNC): never sends ACKs. */
        boolean prePsync;

        Replica(Client client) {
            this.client = client;
            this.ackTimeMs = System.currentTimeMillis();
        }

        boolean online() {
            return state == State.ONLINE;
        }

        /** The stream is held in {@link #pending} rather than sent. */
        boolean holdsStream() {
            return state == State.WAIT_BGSAVE_END || streamOnAck;
        }

        long ackOffset() {
            return ackOffset;
        }

        int listeningPort() {
            return client.replicaListeningPort();
        }

        String ip() {
            if (client.replicaAnnouncedIp() != null) return client.replicaAnnouncedIp();
            int colon = client.addr().lastIndexOf(':');
            return colon < 0 ? client.addr() : client.addr().substring(0, colon);
        }
    }

    /** A client blocked in WAIT. */
    private record Waiter(long offset, long numReplicas) {
    }

    private static final String NO_ID = "0000000000000000000000000000000000000000";

    private final ReplicationHost server;
    private String replid = randomId();
    /** PSYNC2: the previous history's id, valid for PSYNC up to secondOffset (replid2 / second_replid_offset). */
    private String replid2 = NO_ID;
    private long secondOffset = -1;
    private long offset;
    private Backlog backlog;
    private int seldb = -1;
    private boolean registered;
    private boolean getAckRequested;
    private long lastPingMs = System.currentTimeMillis();
    private final List<Replica> replicas = new ArrayList<>();
    private final Map<Client, Waiter> waiters = new LinkedHashMap<>();
    private final Buffer encoded = new Buffer(1024);
    private final FullSync fullSync;
    /** Diskless replicas whose first ACK arrived: their stream starts before the loop sleeps. */
    private final List<Replica> streamSoon = new ArrayList<>();
    /** A backlog made at start for the DELs of expired keys, not (yet) continued from the RDB's history. */
    private boolean startupBacklog;
    private long fullSyncs;
    private long partialSyncsOk;
    private long partialSyncsErr;

    public ReplicationMaster(ReplicationHost server) {
        this.server = server;
        this.fullSync = new FullSync(server, this);
        // resizeReplicationBacklog: the history that still fits is kept
        server.config().onChange("repl-backlog-size", v -> {
            if (backlog != null) backlog.resize(server.config().getLong("repl-backlog-size"), oldestNeeded());
        });
    }

    private static String randomId() {
        byte[] b = new byte[20];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    public String replid() {
        return replid;
    }

    public String replid2() {
        return replid2;
    }

    public long secondOffset() {
        return secondOffset;
    }

    /** master_repl_offset moved by the replica side (a new master's offset); Server's copy follows. */
    private void setOffset(long newOffset) {
        server.advanceReplOffset(newOffset - offset);
        offset = newOffset;
    }

    /**
     * shiftReplicationId: on promotion the inherited id stays valid, as replid2, for PSYNC up to
     * the current offset + 1, and a new history starts.
     */
    public void shiftReplicationId() {
        replid2 = replid;
        secondOffset = offset + 1;
        replid = randomId();
        server.log().warning("Setting secondary replication ID to " + replid2 + ", valid up to offset: "
                + secondOffset + ". New replication ID is " + replid);
    }

    /** DEBUG CHANGE-REPL-ID: a new id, and no secondary one. */
    public void changeReplicationId() {
        replid = randomId();
        clearReplid2();
    }

    /** clearReplicationId2: a full sync starts a history with no past. */
    private void clearReplid2() {
        replid2 = NO_ID;
        secondOffset = -1;
    }

    /**
     * A full sync from a master finished: its id and offset are ours (the stream continues them),
     * the backlog starts there, and the sub-replicas were already told to resync.
     */
    public void adoptMaster(String masterReplid, long masterOffset) {
        replid = masterReplid;
        setOffset(masterOffset);
        clearReplid2();
        backlog = newBacklog(offset);
        seldb = -1;
    }

    /** +CONTINUE with a new id: the old one becomes replid2 up to offset + 1, so sub-replicas can follow. */
    public void masterIdChanged(String newReplid) {
        replid2 = replid;
        secondOffset = offset + 1;
        replid = newReplid;
        disconnectReplicas();
    }

    /**
     * loadDataFromDisk on a master: a backlog from the start, fed a DEL (UNLINK with
     * lazyfree-lazy-expire) for each key the RDB holds already expired, so replicas that resync
     * partially after the restart delete them too. Returns that feed for the loader.
     */
    public java.util.function.ObjIntConsumer<io.cachelab.engine.util.Bytes> backlogForStartup() {
        ensureBacklog();
        startupBacklog = true;
        return (key, dbid) -> {
            byte[] verb = ascii(server.config().getBool("lazyfree-lazy-expire") ? "UNLINK" : "DEL");
            feed(dbid, new byte[][] {verb, key.array()});
        };
    }

    /**
     * Restores the id and offset a master saved in its RDB (loadDataFromDisk, PSYNC after
     * restart): the saved id becomes replid2 up to the saved offset + 1, and the offset and the
     * backlog (with the DELs fed while loading) are rebased onto the saved offset.
     */
    public void restoreAsMaster(String savedReplid, long savedOffset) {
        replid2 = savedReplid;
        secondOffset = savedOffset + 1;
        setOffset(offset + savedOffset);
        if (backlog == null) backlog = newBacklog(offset);
        else backlog.rebase(savedOffset);
        startupBacklog = false;
    }

    /**
     * After loadDataFromDisk: a backlog made for the load's DELs is dropped again when the RDB
     * had no replication info to continue (nobody could PSYNC from it).
     */
    public void startupLoaded() {
        if (startupBacklog) backlog = null;
        startupBacklog = false;
    }

    /** Restores the id and offset a replica saved in its RDB, to PSYNC with its master after a restart. */
    public void restoreAsReplica(String savedReplid, long savedOffset) {
        replid = savedReplid;
        setOffset(savedOffset);
    }

    private Backlog newBacklog(long at) {
        return new Backlog(server.config().getLong("repl-backlog-size"), at);
    }

    /**
     * The oldest stream offset a replica still needs (its ref_repl_buf_node): what a replica waiting
     * for its RDB holds since +FULLRESYNC, or what an online one was not sent yet.
     */
    private long oldestNeeded() {
        long oldest = offset + 1;
        for (Replica r : replicas) {
            if (r.state == State.WAIT_BGSAVE_START) continue;
            long need = r.holdsStream() ? r.psyncOffset + 1 : offset + 1 - r.client.reply().pending();
            oldest = Math.min(oldest, need);
        }
        return oldest;
    }

    /** incrementalTrimReplicationBacklog: history beyond repl-backlog-size that no replica needs goes. */
    private void trimBacklog() {
        if (backlog != null && backlog.overSize()) backlog.trim(oldestNeeded());
    }

    /** Makes the backlog if there is none (createReplicationBacklog), e.g. after a partial resync. */
    public void ensureBacklog() {
        if (backlog == null) backlog = newBacklog(offset);
    }

    /** disconnectSlaves: every replica reconnects (and learns the new id). */
    public void disconnectReplicas() {
        for (Replica r : new ArrayList<>(replicas)) server.eventLoop().closeClient(r.client);
    }

    /**
     * replicationFeedStreamFromMasterStream: a replica passes its master's stream on byte for byte,
     * so its replicas see the same ids and offsets and can PSYNC from either.
     */
    public void proxy(byte[] b, int off, int n) {
        if (n == 0) return;
        ensureBacklog();
        Buffer chunk = new Buffer(0);
        chunk.data = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + n);
        chunk.length = n;
        append(chunk);
    }

    public long offset() {
        return offset;
    }

    public List<Replica> replicas() {
        return replicas;
    }

    // ---------------- the stream ----------------

    @Override
    public boolean replication() {
        return true;
    }

    @Override
    public void feed(int dbid, byte[][] argv) {
        if (backlog == null && replicas.isEmpty()) return;
        if (server.isReplica()) return;
        if (dbid != seldb && dbid >= 0) {
            encoded.reset();
            encodeCommand(encoded, new byte[][] {SELECT, ascii(Integer.toString(dbid))});
            append(encoded);
            seldb = dbid;
        }
        encoded.reset();
        encodeCommand(encoded, argv);
        append(encoded);
    }

    static void encodeCommand(Buffer out, byte[][] argv) {
        out.put((byte) '*');
        out.putLong(argv.length);
        out.crlf();
        for (byte[] a : argv) {
            out.put((byte) '$');
            out.putLong(a.length);
            out.crlf();
            out.put(a, 0, a.length);
            out.crlf();
        }
    }

    private void append(Buffer b) {
        offset += b.length;
        server.advanceReplOffset(b.length);
        if (backlog != null) backlog.append(b.data, 0, b.length);
        List<Client> overLimit = null;
        for (Replica r : replicas) {
            int held;
            if (r.state == State.WAIT_BGSAVE_START) continue;
            if (r.holdsStream()) {
                r.pending.put(b.data, 0, b.length);
                held = r.pending.length;
            } else {
                r.client.reply().raw(b.data, 0, b.length);
                r.client.flushSoon();
                held = r.client.reply().pending();
            }
            if (held > server.outputLimitFor(r.client)) {
                if (overLimit == null) overLimit = new ArrayList<>();
                overLimit.add(r.client);
            }
        }
        trimBacklog();
        if (overLimit != null) {
            for (Client c : overLimit) {
                server.log().warning("Client " + c + " scheduled to be closed ASAP for overcoming of output buffer limits.");
                server.eventLoop().closeClient(c);
            }
        }
    }

    // ---------------- SYNC / PSYNC ----------------

    /** syncCommand: attaches the client as a replica, by partial resync if it can continue, else in full. */
    public void sync(Client c, byte[][] argv, boolean psync) {
        if (c.isReplica()) return;
        if (psync && argv.length > 3 && new String(argv[3], StandardCharsets.ISO_8859_1).equalsIgnoreCase("failover")) {
            String err = Failover.acceptPsyncFailover(server, c, new String(argv[1], StandardCharsets.ISO_8859_1));
            if (err != null) {
                c.addError(err);
                return;
            }
        }
        if (server.replicaLink().failover().active()) {
            c.addError("NOMASTERLINK Can't SYNC while failing over");
            return;
        }
        if (server.isReplica() && !server.replicaLink().connected()) {
            c.addError("NOMASTERLINK Can't SYNC while not connected with my master");
            return;
        }
        if (c.pendingReplyBytes() > 0) {
            c.addError("ERR SYNC and PSYNC are invalid with pending output");
            return;
        }
        server.log().info("Replica " + replicaName(c) + " asks for synchronization");
        // repl-disable-tcp-nodelay: fewer, bigger packets to replicas, at the price of latency
        if (server.config().getBool("repl-disable-tcp-nodelay")) c.setTcpNoDelay(false);
        if (psync) {
            String askedId = new String(argv[1], StandardCharsets.ISO_8859_1);
            long askedOffset;
            try {
                askedOffset = Long.parseLong(new String(argv[2], StandardCharsets.ISO_8859_1));
            } catch (NumberFormatException e) {
                server.log().warning("Replica " + replicaName(c) + " asks for synchronization but with a wrong offset");
                c.addError("ERR value is not an integer or out of range");
                return;
            }
            if (tryPartial(c, askedId, askedOffset)) return;
            if (!askedId.equals("?")) partialSyncsErr++;
        }
        Replica r = new Replica(c);
        r.prePsync = !psync;
        c.markReplica();
        replicas.add(r);
        if (replicas.size() == 1 && backlog == null) {
            // a backlog made from scratch has no past history: a new replication ID
            if (!server.isReplica()) {
                replid = randomId();
                clearReplid2();
            }
            backlog = newBacklog(offset);
        }
        registerSink();
        fullSyncs++;
        fullSync.request(r);
    }

    /** masterTryPartialResynchronization: our id (or replid2 up to its offset) and the bytes still in the backlog. */
    /** The stream is produced from the first replica on (the hot path costs nothing before). */
    private void registerSink() {
        if (registered) return;
        server.propagation().addSink(this);
        registered = true;
    }

    /** replicationGetSlaveName: ip:listening-port, or the peer address before REPLCONF. */
    static String replicaName(Client c) {
        if (c.replicaListeningPort() == 0) return c.addr();
        String ip = c.replicaAnnouncedIp();
        if (ip == null) {
            int colon = c.addr().lastIndexOf(':');
            ip = colon < 0 ? c.addr() : c.addr().substring(0, colon);
        }
        return ip + ":" + c.replicaListeningPort();
    }

    private boolean tryPartial(Client c, String askedId, long askedOffset) {
        boolean idOk = askedId.equalsIgnoreCase(replid)
                || (askedId.equalsIgnoreCase(replid2) && askedOffset <= secondOffset);
        if (!idOk) {
            if (askedId.equals("?")) {
                server.log().info("Full resync requested by replica " + replicaName(c));
            } else if (!askedId.equalsIgnoreCase(replid2)) {
                server.log().info("Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '"
                        + askedId + "', my replication IDs are '" + replid + "' and '" + replid2 + "')");
            } else {
                server.log().info("Partial resynchronization not accepted: Requested offset for second ID was "
                        + askedOffset + ", but I can reply up to " + secondOffset);
            }
            return false;
        }
        if (backlog == null || askedOffset < backlog.firstOffset() || askedOffset > offset + 1) {
            server.log().info("Unable to partial resync with replica " + replicaName(c)
                    + " for lack of backlog (Replica request was: " + askedOffset + ").");
            return false;
        }
        Replica r = new Replica(c);
        r.state = State.ONLINE;
        r.pending = null;
        c.markReplica();
        replicas.add(r);
        registerSink();
        partialSyncsOk++;
        c.addSimple("CONTINUE " + replid);
        long sent = offset + 1 - askedOffset;
        backlog.copyFrom(askedOffset, c);
        c.flushSoon();
        server.log().info("Partial resynchronization request from " + replicaName(c) + " accepted. Sending " + sent
                + " bytes of backlog starting from offset " + askedOffset + ".");
        return true;
    }

    // ---------------- cron ----------------

    /** replicationCron's share: finished RDBs go out, replicas get their PING, lost ones are dropped. */
    public void cron() {
        long now = System.currentTimeMillis();
        fullSync.cron(now);
        trimBacklog();
        long period = server.config().getLong("repl-ping-replica-period") * 1000;
        if (replicas.isEmpty()) {
            lastPingMs = now;
        } else if (now - lastPingMs >= period) {
            lastPingMs = now;
            feed(seldb, new byte[][] {PING});
        }
        long timeoutMs = server.config().getLong("repl-timeout") * 1000;
        for (Replica r : new ArrayList<>(replicas)) {
            if (r.state == State.ONLINE && !r.prePsync && now - r.ackTimeMs > timeoutMs) {
                server.log().warning("Disconnecting timedout replica (streaming sync): " + replicaName(r.client));
                server.eventLoop().closeClient(r.client);
            }
        }
    }

    /** replicaStartCommandStream: what was held while the RDB went out follows it; the replica is in sync. */
    void startStream(Replica r) {
        Client c = r.client;
        c.reply().raw(r.pending.data, 0, r.pending.length);
        r.pending = null;
        r.streamOnAck = false;
        c.flushSoon();
        server.log().info("Synchronization with replica " + replicaName(c) + " succeeded");
    }

    /** updateSlavesWaitingBgsave: Persistence tells how a BGSAVE ended (wired by the engine's root). */
    public void bgsaveDone(boolean ok, boolean socket) {
        fullSync.bgsaveDone(ok, socket);
    }

    /** beforeSleep's share: one REPLCONF GETACK for every WAIT that blocked since the last loop. */
    public void beforeSleep() {
        fullSync.pump();
        if (!streamSoon.isEmpty()) {
            for (Replica r : streamSoon) if (r.streamOnAck && replicas.contains(r)) startStream(r);
            streamSoon.clear();
        }
        if (!getAckRequested) return;
        getAckRequested = false;
        feed(seldb, GETACK);
    }

    public void clientClosed(Client c) {
        waiters.remove(c);
        if (!c.isReplica()) return;
        for (Replica r : replicas) if (r.client == c) fullSync.replicaGone(r);
        replicas.removeIf(r -> r.client == c);
        trimBacklog();
        server.log().info("Connection with replica " + c.addr() + " lost.");
    }

    // ---------------- REPLCONF ----------------

    public Replica replicaOf(Client c) {
        if (!c.isReplica()) return null;
        for (Replica r : replicas) if (r.client == c) return r;
        return null;
    }

    /** REPLCONF ACK: no reply; clients in WAIT that are now satisfied are released. */
    public void ack(Client c, long ackOffset) {
        Replica r = replicaOf(c);
        if (r == null) return;
        if (ackOffset > r.ackOffset) r.ackOffset = ackOffset;
        r.ackTimeMs = System.currentTimeMillis();
        // replicaStartCommandStream only queues the replica for writing: the stream goes out before
        // the loop sleeps, not as part of this command (which must not answer on a replica link)
        if (r.streamOnAck && !streamSoon.contains(r)) streamSoon.add(r);
        releaseWaiters();
        server.replicaLink().failover().update();
    }

    // ---------------- WAIT ----------------

    /** replicationCountAcksByOffset. */
    public int acked(long upTo) {
        int n = 0;
        for (Replica r : replicas) if (r.state == State.ONLINE && r.ackOffset >= upTo) n++;
        return n;
    }

    /** waitCommand: answers at once when enough replicas acknowledged, else blocks and asks them. */
    public void await(Client c, long numReplicas, long timeoutMs) {
        long target = c.writeOffset();
        int acked = acked(target);
        if (acked >= numReplicas || c.multi().active() || !c.canBlock()) {
            c.addInteger(acked);
            return;
        }
        waiters.put(c, new Waiter(target, numReplicas));
        long deadline = timeoutMs == 0 ? 0 : System.currentTimeMillis() + timeoutMs;
        server.blocking().blockUntilReleased(c, deadline, timedOut -> {
            Waiter w = waiters.remove(timedOut);
            timedOut.addInteger(w == null ? 0 : acked(w.offset));
        });
        getAckRequested = true;
    }

    private void releaseWaiters() {
        if (waiters.isEmpty()) return;
        List<Client> done = new ArrayList<>();
        for (Map.Entry<Client, Waiter> e : waiters.entrySet()) {
            int n = acked(e.getValue().offset);
            if (n >= e.getValue().numReplicas) done.add(e.getKey());
        }
        for (Client c : done) {
            Waiter w = waiters.remove(c);
            server.blocking().unblock(c);
            c.addInteger(acked(w.offset));
            c.flushSoon();
        }
    }

    /** Replicas that acknowledged within min-replicas-max-lag seconds (refreshGoodSlavesCount). */
    public int goodReplicas() {
        long maxLag = server.config().getLong("min-replicas-max-lag");
        long now = System.currentTimeMillis();
        int good = 0;
        for (Replica r : replicas) {
            if (r.state == State.ONLINE && (now - r.ackTimeMs) / 1000 <= maxLag) good++;
        }
        return good;
    }

    // ---------------- INFO / ROLE ----------------

    public void info(InfoWriter out) {
        ReplicaLink link = server.replicaLink();
        out.field("role", link.isReplica() ? "slave" : "master");
        if (link.isReplica()) link.info(out);
        out.field("connected_slaves", Integer.toString(replicas.size()));
        if (server.config().getLong("min-replicas-to-write") != 0 && server.config().getLong("min-replicas-max-lag") != 0) {
            out.field("min_slaves_good_slaves", Integer.toString(goodReplicas()));
        }
        long now = System.currentTimeMillis();
        int id = 0;
        for (Replica r : replicas) {
            String state = r.state == State.ONLINE ? "online" : "wait_bgsave";  // the file goes out at once: no send_bulk
            long lag = r.state == State.ONLINE ? (now - r.ackTimeMs) / 1000 : 0;
            out.field("slave" + id++, "ip=" + r.ip() + ",port=" + r.client.replicaListeningPort() + ",state=" + state
                    + ",offset=" + r.ackOffset + ",lag=" + lag);
        }
        out.field("master_failover_state", server.failoverState());
        out.field("master_replid", replid);
        out.field("master_replid2", replid2);
        out.field("master_repl_offset", Long.toString(offset));
        out.field("second_repl_offset", Long.toString(secondOffset));
        out.field("repl_backlog_active", backlog == null ? "0" : "1");
        out.field("repl_backlog_size", server.config().getString("repl-backlog-size"));
        out.field("repl_backlog_first_byte_offset", backlog == null ? "0" : Long.toString(backlog.firstOffset()));
        out.field("repl_backlog_histlen", backlog == null ? "0" : Long.toString(backlog.histlen()));
    }

    /** What the backlog holds: Redis 7.0 counts the shared replication buffer as it fills, not its limit. */
    public long replicationBuffers() {
        return backlog == null ? 0 : backlog.memory();
    }

    public long backlogMemory() {
        return backlog == null ? 0 : backlog.histlen();
    }

    /** CONFIG RESETSTAT: sync_full, sync_partial_ok and sync_partial_err start again from 0. */
    public void resetStats() {
        fullSyncs = 0;
        partialSyncsOk = 0;
        partialSyncsErr = 0;
    }

    public long fullSyncs() {
        return fullSyncs;
    }

    public long partialSyncsOk() {
        return partialSyncsOk;
    }

    public long partialSyncsErr() {
        return partialSyncsErr;
    }


    /** ROLE: master, offset, and [ip, port, acked offset] per online replica. */
    public void role(Client c) {
        if (server.replicaLink().isReplica()) {
            server.replicaLink().role(c);
            return;
        }
        List<Replica> online = new ArrayList<>();
        for (Replica r : replicas) if (r.state == State.ONLINE) online.add(r);
        c.addArrayLen(3);
        c.addBulk("master");
        c.addInteger(offset);
        c.addArrayLen(online.size());
        for (Replica r : online) {
            c.addArrayLen(3);
            c.addBulk(r.ip());
            c.addBulk(Integer.toString(r.client.replicaListeningPort()));
            c.addBulk(Long.toString(r.ackOffset));
        }
    }

    // ---------------- buffers ----------------

    /** findReplica: the replica announcing this ip and listening port. */
    Replica findReplica(String host, int port) {
        for (Replica r : replicas) if (r.ip().equalsIgnoreCase(host) && r.listeningPort() == port) return r;
        return null;
    }

    /** Any replica that acknowledged the whole stream (FAILOVER without TO). */
    Replica caughtUpReplica() {
        for (Replica r : replicas) if (r.online() && r.ackOffset == offset) return r;
        return null;
    }

    /** The next beforeSleep sends REPLCONF GETACK to every replica. */
    void requestAcks() {
        getAckRequested = true;
    }

    /** REPLICAOF NO ONE: the next command we feed starts with SELECT. */
    public void resetSelectedDb() {
        seldb = -1;
    }

    /** rdbPopulateSaveInfo on a master: the stream's db, our id and offset once there is a backlog; else null. */
    public String[] saveInfo() {
        if (backlog == null) return null;
        return new String[] {Integer.toString(Math.max(seldb, 0)), replid, Long.toString(offset)};
    }

    /** A growable byte buffer that formats numbers without a String. */
    static final class Buffer {
        byte[] data;
        int length;

        Buffer(int capacity) {
            data = new byte[capacity];
        }

        void reset() {
            length = 0;
        }

        void ensure(int extra) {
            if (length + extra > data.length) data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, length + extra));
        }

        void put(byte b) {
            ensure(1);
            data[length++] = b;
        }

        void put(byte[] b, int off, int n) {
            ensure(n);
            System.arraycopy(b, off, data, length, n);
            length += n;
        }

        void crlf() {
            ensure(2);
            data[length++] = '\r';
            data[length++] = '\n';
        }

        void putLong(long v) {
            if (v == 0) {
                put((byte) '0');
                return;
            }
            ensure(20);
            int start = length;
            while (v > 0) {
                data[length++] = (byte) ('0' + v % 10);
                v /= 10;
            }
            for (int i = start, j = length - 1; i < j; i++, j--) {
                byte t = data[i];
                data[i] = data[j];
                data[j] = t;
            }
        }
    }
}
