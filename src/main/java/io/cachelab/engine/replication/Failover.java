package io.cachelab.engine.replication;

import io.cachelab.engine.net.Client;

/**
 * FAILOVER, Redis 7.0's coordinated failover (replication.c's failoverCommand and
 * updateFailoverStatus): the master pauses writes, waits until a replica (the one named by TO, or
 * any) has acknowledged its whole offset, then becomes a replica of it and sends
 * {@code PSYNC <replid> <offset> FAILOVER}, which makes the target promote itself before it
 * answers +CONTINUE. The old master keeps its data and history, so nothing is lost and only one
 * node accepts writes at any moment: writes stay paused until the target answered.
 */
public final class Failover {
    /** failover_state. */
    enum State {
        NO_FAILOVER("no-failover"), WAIT_FOR_SYNC("waiting-for-sync"), IN_PROGRESS("failover-in-progress");

        final String text;

        State(String text) {
            this.text = text;
        }
    }

    private final ReplicationHost server;
    private final ReplicationMaster repl;
    private final ReplicaLink link;
    private State state = State.NO_FAILOVER;
    private String targetHost;
    private int targetPort;
    private long endTimeMs;
    private boolean force;

    public Failover(ReplicationHost server, ReplicationMaster repl, ReplicaLink link) {
        this.server = server;
        this.repl = repl;
        this.link = link;
    }

    public String stateName() {
        return state.text;
    }

    public boolean active() {
        return state != State.NO_FAILOVER;
    }

    boolean inProgress() {
        return state == State.IN_PROGRESS;
    }

    /** FAILOVER [TO host port] [FORCE] [TIMEOUT ms], after parsing; the error to answer, or null. */
    public String start(String host, int port, long timeoutMs, boolean forceFlag) {
        if (state != State.NO_FAILOVER) return "ERR FAILOVER already in progress.";
        if (server.isReplica()) return "ERR FAILOVER is not valid when server is a replica.";
        if (repl.replicas().isEmpty()) return "ERR FAILOVER requires connected replicas.";
        if (forceFlag && (timeoutMs == 0 || host == null)) {
            return "ERR FAILOVER with force option requires both a timeout and target HOST and IP.";
        }
        if (host != null) {
            ReplicationMaster.Replica r = repl.findReplica(host, port);
            if (r == null) return "ERR FAILOVER target HOST and PORT is not a replica.";
            if (!r.online()) return "ERR FAILOVER target replica is not online.";
            targetHost = host;
            targetPort = port;
            server.log().info("FAILOVER requested to " + host + ":" + port + ".");
        } else {
            server.log().info("FAILOVER requested to any replica.");
        }
        endTimeMs = timeoutMs == 0 ? 0 : System.currentTimeMillis() + timeoutMs;
        force = forceFlag;
        state = State.WAIT_FOR_SYNC;
        server.pauseWritesForFailover(true);
        repl.requestAcks();
        return null;
    }

    /** FAILOVER ABORT. */
    public String abortByUser() {
        if (state == State.NO_FAILOVER) return "ERR No failover in progress.";
        abort("Failover manually aborted");
        return null;
    }

    void abort(String why) {
        if (state == State.NO_FAILOVER) return;
        if (targetHost != null) server.log().info("FAILOVER to " + targetHost + ":" + targetPort + " aborted: " + why);
        else server.log().info("FAILOVER to any replica aborted: " + why);
        if (state == State.IN_PROGRESS) link.unsetMaster();
        clear();
    }

    void clear() {
        endTimeMs = 0;
        force = false;
        targetHost = null;
        targetPort = 0;
        state = State.NO_FAILOVER;
        server.pauseWritesForFailover(false);
    }

    /** updateFailoverStatus: from the cron and on every ACK while waiting for the target to catch up. */
    public void update() {
        if (state != State.WAIT_FOR_SYNC) return;
        if (endTimeMs != 0 && endTimeMs <= System.currentTimeMillis()) {
            if (force) {
                server.log().info("FAILOVER to " + targetHost + ":" + targetPort + " time out exceeded, failing over.");
                state = State.IN_PROGRESS;
                link.setMaster(targetHost, targetPort);
            } else {
                abort("Replica never caught up before timeout");
            }
            return;
        }
        ReplicationMaster.Replica target = targetHost != null ? repl.findReplica(targetHost, targetPort) : repl.caughtUpReplica();
        if (target == null || target.ackOffset() != repl.offset()) return;
        if (targetHost == null) {
            targetHost = target.ip();
            targetPort = target.listeningPort();
        }
        state = State.IN_PROGRESS;
        server.log().info("Failover target " + targetHost + ":" + targetPort + " is synced, failing over.");
        link.setMaster(targetHost, targetPort);
    }

    /** The target answered our PSYNC ... FAILOVER: done if it accepted, else we are the master again. */
    void psyncAnswered(boolean accepted) {
        if (state != State.IN_PROGRESS) return;
        if (accepted) clear();
        else abort("Failover target rejected psync request");
    }

    /**
     * syncCommand's FAILOVER form, on the target: a replica whose replid matches promotes itself
     * and then serves the PSYNC as any master would. The error to answer, or null.
     */
    public static String acceptPsyncFailover(ReplicationHost server, Client c, String replid) {
        server.log().warning("Failover request received for replid " + replid + ".");
        if (!server.isReplica()) return "ERR PSYNC FAILOVER can't be sent to a master.";
        if (!replid.equalsIgnoreCase(server.replication().replid())) return "ERR PSYNC FAILOVER replid must match my replid.";
        server.replicaLink().unsetMaster();
        server.log().info("MASTER MODE enabled (failover request from '" + c.addr() + "')");
        return null;
    }
}
