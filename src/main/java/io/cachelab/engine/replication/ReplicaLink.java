package io.cachelab.engine.replication;

import io.cachelab.engine.info.InfoWriter;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.net.Link;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The replica side of replication.c: REPLICAOF's state machine (replicationSetMaster,
 * connectWithMaster, syncWithMaster, readSyncBulkPayload, replicationCron's replica half) run on
 * the event loop without blocking it. The handshake is PING, AUTH, REPLCONF listening-port /
 * ip-address / capa eof psync2, then PSYNC with the cached master's id and offset (or {@code ? -1});
 * +FULLRESYNC receives the RDB ({@link RdbTransfer}, both the {@code $<len>} and the diskless
 * {@code $EOF:<mark>} forms), +CONTINUE keeps the dataset. The socket then becomes the master
 * client, whose commands are applied unanswered (see {@link #apply}); the offset advances by each
 * command's bytes, which are passed on unchanged to this node's own replicas.
 *
 * <p>Losing the link keeps the master's id and offset as the "cached master" so the next PSYNC can
 * continue; becoming a replica of another node caches our own id and offset the same way, which
 * is how PSYNC2 lets the replicas of a failed master continue with the promoted one.
 */
public final class ReplicaLink implements Link {
    /** repl_state. */
    public enum State {
        NONE("none"), CONNECT("connect"), CONNECTING("connecting"), RECEIVE_PING_REPLY("handshake"),
        RECEIVE_AUTH_REPLY("handshake"), RECEIVE_PORT_REPLY("handshake"), RECEIVE_IP_REPLY("handshake"),
        RECEIVE_CAPA_REPLY("handshake"), RECEIVE_PSYNC_REPLY("handshake"), RECEIVE_SYNC_REPLY("handshake"),
        TRANSFER("sync"), CONNECTED("connected");

        final String role;

        State(String role) {
            this.role = role;
        }

        boolean handshake() {
            return ordinal() >= RECEIVE_PING_REPLY.ordinal() && ordinal() <= RECEIVE_SYNC_REPLY.ordinal();
        }
    }

    /** What a PSYNC continues from: a former master's id and our offset in its stream, and its db. */
    private record Cached(String replid, long offset, int db) {
    }

    private final ReplicationHost server;
    private final ReplicationMaster repl;
    private String host;
    private int port;
    private State state = State.NONE;
    /** The socket to the master: the handshake link, then the master client. */
    private Client conn;
    private Client master;
    private Cached cached;
    private long lastIoMs;
    private long downSinceMs;
    private long lastConnectMs;
    private long lastAckMs;
    private String masterReplid;
    private long masterInitialOffset = -1;
    /** CLIENT_PRE_PSYNC: the master only understood SYNC, so it gets no REPLCONF ACK. */
    private boolean prePsyncMaster;
    /** master->reploff: the stream applied so far. */
    private long reploff;
    private boolean applying;
    private boolean ackRequested;
    /** The master's commands inside MULTI, passed on at EXEC as Redis does. */
    private final ReplicationMaster.Buffer heldStream = new ReplicationMaster.Buffer(0);
    private final LineReader lines = new LineReader();
    private RdbTransfer transfer;
    private final Failover failover;

    public ReplicaLink(ReplicationHost server, ReplicationMaster repl) {
        this.server = server;
        this.repl = repl;
        this.failover = new Failover(server, repl, this);
    }

    /** FAILOVER's state (coordinated by the master side, carried out through this link). */
    public Failover failover() {
        return failover;
    }

    public boolean isReplica() {
        return host != null;
    }

    public boolean connected() {
        return state == State.CONNECTED;
    }

    public String masterHost() {
        return host;
    }

    public int masterPort() {
        return port;
    }

    /** True while a command from the master runs (expiry then leaves keys alone, as expireIfNeeded). */
    public boolean applying() {
        return applying;
    }

    public Client master() {
        return master;
    }

    /** replicationGetSlaveOffset: what was processed from the master (0 before the first sync). */
    public long processedOffset() {
        return master != null ? reploff : cached != null ? cached.offset() : 0;
    }

    /** repl_down_since: when the master link went down (0 while it is up or never was). */
    public long downSinceMs() {
        return downSinceMs;
    }

    // ---------------- REPLICAOF ----------------

    /** replicationSetMaster. */
    public void setMaster(String newHost, int newPort) {
        boolean wasMaster = host == null;
        host = null;
        if (master != null) server.eventLoop().closeClient(master);
        server.disconnectBlockedClients();
        host = newHost;
        port = newPort;
        cancelHandshake();
        if (wasMaster) {
            cached = null;
            server.log().info("Before turning into a replica, using my own master parameters to synthesize a cached "
                    + "master: I may be able to synchronize with the new master with just a partial transfer.");
            cached = new Cached(repl.replid(), repl.offset(), -1);
        }
        state = State.CONNECT;
        server.log().info("Connecting to MASTER " + host + ":" + port);
        connect();
    }

    /** The replicaof directive: the master is known at start; replicationCron connects (as Redis does). */
    public void configure(String masterHost, int masterPort) {
        host = masterHost;
        port = masterPort;
        state = State.CONNECT;
    }

    /** replicationUnsetMaster: a master again, with a new history (the old id stays valid as replid2). */
    public void unsetMaster() {
        if (host == null) return;
        host = null;
        if (master != null) server.eventLoop().closeClient(master);
        discardCached();
        cancelHandshake();
        repl.shiftReplicationId();
        repl.disconnectReplicas();
        repl.resetSelectedDb();
        state = State.NONE;
        downSinceMs = 0;
        server.replicationRoleChanged();
    }

    private void discardCached() {
        if (cached == null) return;
        server.log().info("Discarding previously cached master state.");
        cached = null;
    }

    // ---------------- connecting and the handshake ----------------

    private void connect() {
        lastConnectMs = System.currentTimeMillis();
        try {
            conn = server.eventLoop().connect(host, port, this);
        } catch (IOException | RuntimeException e) {
            server.log().warning("Unable to connect to MASTER: " + e.getMessage());
            conn = null;
            return;
        }
        lastIoMs = System.currentTimeMillis();
        if (state == State.CONNECT) state = State.CONNECTING;
        server.log().info("MASTER <-> REPLICA sync started");
    }

    /** cancelReplicationHandshake: drops a link that is not yet the master client; retried by the cron. */
    private void cancelHandshake() {
        if (transfer != null) transfer.discard();
        transfer = null;
        lines.reset();
        if (conn != null && conn != master) {
            Client c = conn;
            conn = null;
            server.eventLoop().closeClient(c);
        }
        if (state != State.CONNECTED && state != State.NONE) state = State.CONNECT;
    }

    @Override
    public void connected(Client c) {
        if (c != conn) return;
        server.log().info("Non blocking connect for SYNC fired the event.");
        state = State.RECEIVE_PING_REPLY;
        lastIoMs = System.currentTimeMillis();
        send(c, "PING");
    }

    @Override
    public void failed(Client c, String error) {
        if (c != conn) return;
        server.log().warning("Error condition on socket for SYNC: " + error);
        conn = null;
        state = State.CONNECT;
    }

    private static void send(Client c, String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        ReplicationMaster.Buffer b = new ReplicationMaster.Buffer(64);
        ReplicationMaster.encodeCommand(b, argv);
        c.reply().raw(b.data, 0, b.length);
        c.flushSoon();
    }

    @Override
    public void input(Client c, byte[] buf, int off, int len) {
        if (c != conn) return;
        lastIoMs = System.currentTimeMillis();
        if (transfer != null) {
            receivePayload(buf, off, len);
            return;
        }
        lines.feed(buf, off, len);
        String line;
        while (conn == c && transfer == null && (line = lines.next()) != null) {
            handshakeReply(c, line);
        }
        if (conn == c && transfer != null && lines.remaining() > 0) {
            byte[] rest = lines.drain();
            receivePayload(rest, 0, rest.length);
        }
    }

    /** syncWithMaster, one reply at a time. */
    private void handshakeReply(Client c, String reply) {
        switch (state) {
            case RECEIVE_PING_REPLY -> pingReply(c, reply);
            case RECEIVE_AUTH_REPLY -> {
                if (reply.startsWith("-")) {
                    server.log().warning("Unable to AUTH to MASTER: " + reply);
                    cancelHandshake();
                    return;
                }
                state = State.RECEIVE_PORT_REPLY;
            }
            case RECEIVE_PORT_REPLY -> {
                if (reply.startsWith("-")) {
                    server.log().info("(Non critical) Master does not understand REPLCONF listening-port: " + reply);
                }
                state = server.config().getString("replica-announce-ip").isEmpty() ? State.RECEIVE_CAPA_REPLY : State.RECEIVE_IP_REPLY;
            }
            case RECEIVE_IP_REPLY -> {
                if (reply.startsWith("-")) {
                    server.log().info("(Non critical) Master does not understand REPLCONF ip-address: " + reply);
                }
                state = State.RECEIVE_CAPA_REPLY;
            }
            case RECEIVE_CAPA_REPLY -> {
                if (reply.startsWith("-")) {
                    server.log().info("(Non critical) Master does not understand REPLCONF capa: " + reply);
                }
                sendPsync(c);
            }
            case RECEIVE_PSYNC_REPLY -> psyncReply(c, reply);
            case RECEIVE_SYNC_REPLY -> startTransfer(reply);
            default -> {
            }
        }
    }

    private void pingReply(Client c, String reply) {
        if (reply.isEmpty()) return;
        if (reply.charAt(0) != '+' && !reply.startsWith("-NOAUTH") && !reply.startsWith("-NOPERM")
                && !reply.startsWith("-ERR operation not permitted")) {
            server.log().warning("Error reply to PING from master: '" + reply + "'");
            cancelHandshake();
            return;
        }
        server.log().info("Master replied to PING, replication can continue...");
        String auth = server.config().getString("masterauth");
        String user = server.config().getString("masteruser");
        if (!auth.isEmpty()) {
            if (user.isEmpty()) send(c, "AUTH", auth);
            else send(c, "AUTH", user, auth);
        }
        int announcePort = server.config().getInt("replica-announce-port");
        send(c, "REPLCONF", "listening-port", Integer.toString(announcePort != 0 ? announcePort : server.port()));
        String announceIp = server.config().getString("replica-announce-ip");
        if (!announceIp.isEmpty()) send(c, "REPLCONF", "ip-address", announceIp);
        send(c, "REPLCONF", "capa", "eof", "capa", "psync2");
        state = auth.isEmpty() ? State.RECEIVE_PORT_REPLY : State.RECEIVE_AUTH_REPLY;
    }

    /** slaveTryPartialResynchronization's writing half. */
    private void sendPsync(Client c) {
        masterInitialOffset = -1;
        prePsyncMaster = false;
        if (cached != null) {
            String offset = Long.toString(cached.offset() + 1);
            server.log().info("Trying a partial resynchronization (request " + cached.replid() + ":" + offset + ").");
            if (failover.inProgress()) send(c, "PSYNC", cached.replid(), offset, "FAILOVER");
            else send(c, "PSYNC", cached.replid(), offset);
        } else {
            server.log().info("Partial resynchronization not possible (no cached master)");
            send(c, "PSYNC", "?", "-1");
        }
        state = State.RECEIVE_PSYNC_REPLY;
    }

    /** slaveTryPartialResynchronization's reading half. */
    private void psyncReply(Client c, String reply) {
        if (reply.isEmpty()) return; // the master's newlines while it prepares
        if (reply.startsWith("+FULLRESYNC")) {
            String[] parts = reply.split(" ");
            if (parts.length == 3 && parts[1].length() == 40) {
                masterReplid = parts[1];
                masterInitialOffset = parseLong(parts[2], -1);
                server.log().info("Full resync from master: " + masterReplid + ":" + masterInitialOffset);
            } else {
                server.log().warning("Master replied with wrong +FULLRESYNC syntax.");
                masterReplid = "0000000000000000000000000000000000000000";
            }
            // the cached master stays until the RDB is about to load (replicationAttachToNewMaster):
            // if this transfer fails, a PSYNC to the old master can still continue
            state = State.TRANSFER;
            transfer = RdbTransfer.awaitingPreamble(server);
            failover.psyncAnswered(true);
            return;
        }
        if (reply.startsWith("+CONTINUE")) {
            failover.psyncAnswered(true);
            continuePartial(c, reply);
            return;
        }
        if (failover.inProgress()) {
            failover.psyncAnswered(false);
            return;
        }
        if (reply.startsWith("-NOMASTERLINK") || reply.startsWith("-LOADING")) {
            server.log().info("Master is currently unable to PSYNC but should be in the future: " + reply);
            cancelHandshake();
            return;
        }
        if (reply.startsWith("-ERR")) {
            server.log().info("Master does not support PSYNC or is in error state (reply: " + reply + ")");
        } else {
            server.log().warning("Unexpected reply to PSYNC from master: " + reply);
        }
        // the cached master stays until a payload replaces it: a master refusing us (NOAUTH) does
        // not erase the offset this replica reports (a cluster keeps showing it in CLUSTER SLOTS)
        server.log().info("Retrying with SYNC...");
        send(c, "SYNC");
        prePsyncMaster = true;
        masterReplid = "0000000000000000000000000000000000000000";
        masterInitialOffset = -1;
        state = State.RECEIVE_SYNC_REPLY;
    }

    private void startTransfer(String preamble) {
        state = State.TRANSFER;
        transfer = RdbTransfer.awaitingPreamble(server);
        byte[] line = (preamble + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        receivePayload(line, 0, line.length);
    }

    private static long parseLong(String s, long dflt) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /** +CONTINUE [replid]: the cached master comes back to life on this socket (replicationResurrectCachedMaster). */
    private void continuePartial(Client c, String reply) {
        server.log().info("Successful partial resynchronization with master.");
        String newId = reply.length() > 10 ? reply.substring(10).trim() : "";
        if (newId.length() == 40 && !newId.equals(cached.replid())) {
            server.log().warning("Master replication ID changed to " + newId);
            repl.masterIdChanged(newId);
        }
        byte[] rest = lines.drain();
        becomeMasterClient(c, cached.offset(), cached.db());
        cached = null;
        repl.ensureBacklog();
        server.log().info("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
        streamInput(c, rest, 0, rest.length);
    }

    private void becomeMasterClient(Client c, long offset, int db) {
        c.setLink(null);
        c.becomeMaster();
        c.parser().keepRequestBytes(true);
        if (db >= 0 && db < server.databaseCount()) c.select(server.db(db));
        master = c;
        reploff = offset;
        heldStream.reset();
        state = State.CONNECTED;
        downSinceMs = 0;
        lastAckMs = 0;
        server.eventLoop().adopt(c);
    }

    private void streamInput(Client c, byte[] b, int off, int n) {
        if (n == 0) return;
        c.parser().feed(b, off, n);
        server.eventLoop().processInput(c);
    }

    // ---------------- the RDB payload ----------------

    private void receivePayload(byte[] buf, int off, int len) {
        RdbTransfer t = transfer;
        int used;
        try {
            used = t.receive(buf, off, len);
        } catch (RdbTransfer.TransferError e) {
            server.log().warning(e.getMessage());
            cancelHandshake();
            return;
        }
        if (t.started()) t.beginLoading(this::beforeLoad, repl.replid().equals(masterReplid));
        if (!t.complete()) return;
        transfer = null;
        Client c = conn;
        // the master's own connection is not read meanwhile (its bytes after the payload wait)
        int db = t.loadInto(this::beforeLoad, () -> server.eventLoop().processEventsWhileBlocked(c));
        if (db == Integer.MIN_VALUE) {
            cancelHandshake();
            return;
        }
        becomeMasterClient(c, masterInitialOffset, db);
        repl.adoptMaster(masterReplid, Math.max(0, masterInitialOffset));
        server.log().info("MASTER <-> REPLICA sync: Finished with success");
        server.replicationRoleChanged();
        if (t.usedEofMark()) sendAck(reploff);
        streamInput(c, buf, off + used, len - used);
    }

    /** replicationAttachToNewMaster: the old dataset and our own replicas go before the new data comes. */
    private void beforeLoad() {
        discardCached();
        repl.disconnectReplicas();
    }

    // ---------------- the master's stream ----------------

    /**
     * Runs one command from the master: never answered, the offset advances by its bytes, and
     * the bytes go on to our replicas (a transaction's at its EXEC).
     */
    public void apply(Client c, byte[][] argv, Runnable dispatch) {
        int mark = c.reply().length();
        long before = reploff;
        applying = true;
        try {
            dispatch.run();
        } finally {
            applying = false;
        }
        c.reply().truncate(mark);
        int n = c.lastRequestLength();
        if (ackRequested) {
            ackRequested = false;
            sendAck(before);
        }
        if (c != master) return;
        reploff += n;
        heldStream.put(c.parser().buffer(), c.parser().lastRequestStart(), n);
        if (!c.multi().active()) {
            repl.proxy(heldStream.data, 0, heldStream.length);
            heldStream.reset();
        }
    }

    /** REPLCONF GETACK from the master: answered once the command is done. */
    public void requestAck() {
        if (master != null) ackRequested = true;
    }

    private void sendAck(long offset) {
        Client c = master;
        if (c == null || c.isClosing()) return;
        send(c, "REPLCONF", "ACK", Long.toString(offset));
        lastAckMs = System.currentTimeMillis();
    }

    /** freeClient of the master link: its state is cached for PSYNC, and we reconnect at once. */
    public void clientClosed(Client c) {
        if (c == conn && c != master) {
            conn = null;
            if (state != State.NONE && state != State.CONNECTED) state = State.CONNECT;
            if (transfer != null) {
                server.log().warning("I/O error trying to sync with MASTER: connection lost");
                transfer.discard();
                transfer = null;
            }
            return;
        }
        if (c != master) return;
        master = null;
        conn = null;
        server.log().warning("Connection with master lost.");
        server.log().info("Caching the disconnected master state.");
        cached = new Cached(repl.replid(), reploff, c.db().id());
        heldStream.reset();
        state = State.CONNECT;
        downSinceMs = System.currentTimeMillis();
        if (host == null) return;
        server.log().info("Reconnecting to MASTER " + host + ":" + port);
        connect();
    }

    // ---------------- cron ----------------

    /** replicationCron's replica half: timeouts, reconnecting, and an ACK every second. */
    public void cron(long now) {
        failover.update();
        if (host == null) return;
        long timeoutMs = server.config().getLong("repl-timeout") * 1000;
        if ((state == State.CONNECTING || state.handshake()) && now - lastIoMs > timeoutMs) {
            server.log().warning("Timeout connecting to the MASTER...");
            cancelHandshake();
        }
        if (state == State.TRANSFER && now - lastIoMs > timeoutMs) {
            server.log().warning("Timeout receiving bulk data from MASTER... If the problem persists try to set the "
                    + "'repl-timeout' parameter in redis.conf to a larger value.");
            cancelHandshake();
        }
        if (state == State.CONNECTED && master != null && now - master.lastInteractionMs() > timeoutMs) {
            server.log().warning("MASTER timeout: no data nor PING received...");
            server.eventLoop().closeClient(master);
        }
        if (state == State.CONNECT && conn == null && now - lastConnectMs >= 1000) {
            server.log().info("Connecting to MASTER " + host + ":" + port);
            connect();
        }
        if (master != null && !prePsyncMaster && now - lastAckMs >= 1000) sendAck(reploff);
    }

    // ---------------- INFO / ROLE / RDB ----------------

    public void info(InfoWriter out) {
        long now = System.currentTimeMillis();
        long applied = master != null ? reploff : cached != null ? cached.offset() : 1;
        long read = master != null ? reploff + master.queryBufferLength() : applied;
        out.field("master_host", host);
        out.field("master_port", Integer.toString(port));
        out.field("master_link_status", state == State.CONNECTED ? "up" : "down");
        out.field("master_last_io_seconds_ago", master != null ? Long.toString((now - master.lastInteractionMs()) / 1000) : "-1");
        out.field("master_sync_in_progress", state == State.TRANSFER ? "1" : "0");
        out.field("slave_read_repl_offset", Long.toString(read));
        out.field("slave_repl_offset", Long.toString(applied));
        if (state == State.TRANSFER && transfer != null) transfer.info(out, now - lastIoMs);
        if (state != State.CONNECTED) {
            out.field("master_link_down_since_seconds", downSinceMs == 0 ? "-1" : Long.toString((now - downSinceMs) / 1000));
        }
        out.field("slave_priority", server.config().getString("replica-priority"));
        out.field("slave_read_only", server.config().getBool("replica-read-only") ? "1" : "0");
        out.field("replica_announced", server.config().getBool("replica-announced") ? "1" : "0");
    }

    /** ROLE on a replica: slave, master host and port, link state, applied offset. */
    public void role(Client c) {
        c.addArrayLen(5);
        c.addBulk("slave");
        c.addBulk(host);
        c.addInteger(port);
        c.addBulk(state.role);
        c.addInteger(master != null ? reploff : -1);
    }

    /** rdbPopulateSaveInfo on a replica: the master client's db, or the cached one's; null without either. */
    public String[] saveInfo() {
        if (master != null) return new String[] {Integer.toString(master.db().id()), repl.replid(), Long.toString(reploff)};
        if (cached != null) return new String[] {Integer.toString(Math.max(0, cached.db())), cached.replid(), Long.toString(cached.offset())};
        return null;
    }

    /** loadDataFromDisk on a replica: the RDB's replication info becomes the cached master to PSYNC from. */
    public void restoreFromRdb(String replid, long offset, int db) {
        repl.restoreAsReplica(replid, offset);
        cached = new Cached(replid, offset, db);
    }

    public State state() {
        return state;
    }
}
