package io.cachelab.engine.net;

import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.Bytes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Clients blocked on keys (blocked.c). A blocking command that finds nothing calls {@link #block};
 * when a command writes a watched-for key the key is marked ready, and after that command the
 * blocked clients are served in FIFO order by re-running their command (as Redis 7.2 does), which
 * keeps every family's serving logic in one place: its own handler. Timeouts come from a priority
 * queue the event loop consults to bound its sleep.
 */
public final class Blocking {
    /** A blocked client's wait: keys, deadline, the command to run again when a key is ready. */
    static final class State {
        final Database db;
        final List<Bytes> keys;
        final long deadlineMs; // 0 = forever
        final boolean nullArrayOnTimeout;
        final byte[][] argv;
        /** For a block released from outside (WAIT): answers the timeout itself. */
        java.util.function.Consumer<Client> onTimeout;
        boolean stillBlocked;

        State(Database db, List<Bytes> keys, long deadlineMs, boolean nullArrayOnTimeout, byte[][] argv) {
            this.db = db;
            this.keys = keys;
            this.deadlineMs = deadlineMs;
            this.nullArrayOnTimeout = nullArrayOnTimeout;
            this.argv = argv;
        }
    }

    private record DbKey(Database db, Bytes key) {
    }

    private final NetHost server;
    private final Map<DbKey, ArrayDeque<Client>> waiting = new HashMap<>();
    private final Set<DbKey> ready = new LinkedHashSet<>();
    private final PriorityQueue<Client> timeouts = new PriorityQueue<>(
            (a, b) -> Long.compare(a.blockedState.deadlineMs, b.blockedState.deadlineMs));
    private final List<Client> unblocked = new ArrayList<>();
    private Client reprocessing;
    private int blockedCount;

    public Blocking(NetHost server) {
        this.server = server;
    }

    public int blockedClients() {
        return blockedCount;
    }

    public int keysWithWaiters() {
        return waiting.size();
    }

    /** The clients blocked on keys, each once: what a cron step that inspects them walks (not every client). */
    public List<Client> clientsBlockedOnKeys() {
        Set<Client> blocked = new LinkedHashSet<>();
        for (ArrayDeque<Client> q : waiting.values()) blocked.addAll(q);
        return new ArrayList<>(blocked);
    }

    /**
     * Blocks the client on {@code keys} until one is written or {@code deadlineMs} (absolute, 0 for
     * none) passes. Inside MULTI or a script it answers the timeout reply at once instead.
     */
    public void block(Client c, List<Bytes> keys, long deadlineMs, boolean nullArrayOnTimeout) {
        if (c == reprocessing) {
            c.blockedState.stillBlocked = true;
            return;
        }
        if (!c.canBlock()) {
            timeoutReply(c, nullArrayOnTimeout);
            return;
        }
        State st = new State(c.db(), new ArrayList<>(keys), deadlineMs, nullArrayOnTimeout, c.currentArgv());
        c.blockedState = st;
        blockedCount++;
        for (Bytes k : st.keys) waiting.computeIfAbsent(new DbKey(c.db(), k), x -> new ArrayDeque<>()).addLast(c);
        if (deadlineMs > 0) timeouts.add(c);
    }

    /**
     * Blocks on no key (WAIT): the caller releases the client with {@link #unblock} and answers it;
     * at the deadline (0 for none) or on CLIENT UNBLOCK, {@code onTimeout} answers.
     */
    public void blockUntilReleased(Client c, long deadlineMs, java.util.function.Consumer<Client> onTimeout) {
        State st = new State(c.db(), new ArrayList<>(), deadlineMs, false, c.currentArgv());
        st.onTimeout = onTimeout;
        c.blockedState = st;
        blockedCount++;
        if (deadlineMs > 0) timeouts.add(c);
    }

    private static void timeoutReply(State st, Client c) {
        if (st.onTimeout != null) st.onTimeout.accept(c);
        else timeoutReply(c, st.nullArrayOnTimeout);
    }

    private static void timeoutReply(Client c, boolean nullArray) {
        if (nullArray) c.addNullArray();
        else c.addNull();
    }

    /** Called for every modified key: cheap when nobody waits. */
    public void keyModified(Database db, Bytes key) {
        if (waiting.isEmpty()) return;
        DbKey dk = new DbKey(db, key);
        if (waiting.containsKey(dk)) ready.add(dk);
    }

    /** FLUSHDB, FLUSHALL, SWAPDB: any key waited on in {@code db} may have appeared, vanished or changed. */
    public void databaseReplaced(Database db) {
        if (waiting.isEmpty()) return;
        for (DbKey dk : waiting.keySet()) if (dk.db == db) ready.add(dk);
    }

    /** Serves clients blocked on keys that became ready (handleClientsBlockedOnKeys). */
    public void serveReady() {
        // the clock moves on before blocked clients are served (updateCachedTime in Redis): a key that
        // expired while the command that made it ready ran (a MULTI with DEBUG SLEEP) is gone for them
        if (!ready.isEmpty()) server.updateCommandTime();
        while (!ready.isEmpty()) {
            List<DbKey> batch = new ArrayList<>(ready);
            ready.clear();
            for (DbKey dk : batch) {
                ArrayDeque<Client> queue = waiting.get(dk);
                if (queue == null) continue;
                for (Client c : new ArrayList<>(queue)) {
                    if (c.blockedState == null) continue;
                    // A vanished key still re-runs stream readers: a blocked XREADGROUP must answer
                    // that its stream no longer exists; everyone else keeps waiting.
                    if (dk.db.peek(dk.key) == null && !isStreamGroupRead(st(c))) continue;
                    State st = c.blockedState;
                    st.stillBlocked = false;
                    reprocessing = c;
                    // the served client's command is now the running one: its invalidations follow its reply
                    Object saved = server.tracking().beginServing(c);
                    try {
                        server.runQueued(c, st.argv);
                    } finally {
                        reprocessing = null;
                        server.tracking().endServing(c, saved);
                    }
                    if (!st.stillBlocked) {
                        unblock(c);
                        c.flushSoon();
                    }
                }
            }
        }
    }

    private static State st(Client c) {
        return c.blockedState;
    }

    private static boolean isStreamGroupRead(State st) {
        byte[] name = st.argv[0];
        return name.length == 10 && (name[1] == 'r' || name[1] == 'R') && (name[0] == 'x' || name[0] == 'X');
    }

    /** The command a client blocked on keys waits to run again; null when it waits on no key (WAIT). */
    public byte[][] blockedCommand(Client c) {
        State st = c.blockedState;
        return st == null || st.keys.isEmpty() ? null : st.argv;
    }

    /** The first key a client waits on (all its keys are in one slot in cluster mode), or null. */
    public Bytes firstBlockedKey(Client c) {
        State st = c.blockedState;
        return st == null || st.keys.isEmpty() ? null : st.keys.get(0);
    }

    /** Removes the client from every wait queue (served, timed out, killed or unblocked). */
    public void unblock(Client c) {
        State st = c.blockedState;
        if (st == null) return;
        for (Bytes k : st.keys) {
            DbKey dk = new DbKey(st.db, k);
            ArrayDeque<Client> q = waiting.get(dk);
            if (q != null) {
                q.remove(c);
                if (q.isEmpty()) waiting.remove(dk);
            }
        }
        if (st.deadlineMs > 0) timeouts.remove(c);
        c.blockedState = null;
        blockedCount--;
        unblocked.add(c);
    }

    /** CLIENT UNBLOCK: TIMEOUT answers as a timeout would, ERROR with -UNBLOCKED. */
    public boolean unblockByRequest(Client c, boolean withError) {
        State st = c.blockedState;
        if (st == null) return false;
        unblock(c);
        if (withError) c.addError("UNBLOCKED client unblocked via CLIENT UNBLOCK");
        else timeoutReply(st, c);
        c.flushSoon();
        return true;
    }

    public void checkTimeouts(long nowMs) {
        while (!timeouts.isEmpty()) {
            Client c = timeouts.peek();
            State st = c.blockedState;
            if (st == null) {
                timeouts.poll();
                continue;
            }
            if (st.deadlineMs > nowMs) break;
            unblock(c);
            timeoutReply(st, c);
            c.flushSoon();
        }
    }

    public long msUntilNextTimeout(long nowMs) {
        Client c = timeouts.peek();
        if (c == null || c.blockedState == null) return Long.MAX_VALUE;
        return Math.max(0, c.blockedState.deadlineMs - nowMs);
    }

    /** Clients that were unblocked since the last call: their pending input is processed next. */
    public List<Client> drainUnblocked() {
        if (unblocked.isEmpty()) return List.of();
        List<Client> out = new ArrayList<>(unblocked);
        unblocked.clear();
        return out;
    }

    public void clientClosed(Client c) {
        if (c.blockedState != null) unblock(c);
        unblocked.remove(c);
    }

    /**
     * True when the command that just ran left the client blocked (it blocked, or a re-run found
     * nothing yet): Redis counts a blocked command's call once, when it is finally served.
     */
    public boolean leftBlocked(Client c) {
        State st = c.blockedState;
        return st != null && (c != reprocessing || st.stillBlocked);
    }

    /** Describes what the client waits on, for CLIENT LIST flags. */
    public boolean isBlocked(Client c) {
        return c.blockedState != null;
    }
}
