package io.cachelab.engine.net;

import io.cachelab.engine.table.GetKeys;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Client-side caching support (tracking.c). Default mode remembers, per key, the ids of tracking
 * clients that read it and sends one invalidation when it is next modified; BCAST mode collects
 * modified keys per registered prefix and broadcasts them once per event-loop iteration.
 * Invalidations for the client whose command is running are held until its reply is written,
 * as Redis's tracking_pending_keys does, so a push never lands inside a reply.
 */
public final class Tracking {
    private static final byte[] INVALIDATE = "invalidate".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REDIR_BROKEN = "tracking-redir-broken".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHANNEL = "__redis__:invalidate".getBytes(StandardCharsets.US_ASCII);

    /** A BCAST prefix: the clients listening to it and the keys modified since the last broadcast (sorted, as a rax). */
    private static final class Prefix {
        final Set<Client> clients = new LinkedHashSet<>();
        final TreeMap<Bytes, Client> keys = new TreeMap<>();
    }

    private final NetHost server;
    private final Map<Bytes, Set<Long>> table = new java.util.HashMap<>();
    private long tableItems;
    private final TreeMap<Bytes, Prefix> prefixes = new TreeMap<>();
    private final Set<Client> trackingClients = new LinkedHashSet<>();
    /** The top-level client running a command, and the invalidations held for it (null = flush). */
    private Client current;
    private final List<Bytes> pending = new ArrayList<>();
    /** Inside call() (Redis's fixed_time_expire): only then are the current client's invalidations held. */
    private boolean executing;
    private boolean pendingFlush;

    public Tracking(NetHost server) {
        this.server = server;
    }

    public int clients() {
        return trackingClients.size();
    }

    public long tableKeys() {
        return table.size();
    }

    public long tableItems() {
        return tableItems;
    }

    public int prefixCount() {
        return prefixes.size();
    }

    public void enable(Client c, long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop,
                       List<Bytes> newPrefixes) {
        c.tracking().enable(redirect, bcast, optin, optout, noloop);
        trackingClients.add(c);
        if (bcast) {
            if (newPrefixes.isEmpty()) newPrefixes = List.of(Bytes.EMPTY);
            for (Bytes p : newPrefixes) {
                prefixes.computeIfAbsent(p, k -> new Prefix()).clients.add(c);
                if (!c.tracking().prefixes().contains(p)) c.tracking().prefixes().add(p);
            }
        }
    }

    public void disable(Client c) {
        if (!c.tracking().on()) return;
        if (c.tracking().bcast()) {
            for (Bytes p : c.tracking().prefixes()) {
                Prefix state = prefixes.get(p);
                if (state == null) continue;
                state.clients.remove(c);
                if (state.clients.isEmpty()) prefixes.remove(p);
            }
        }
        c.tracking().disable();
        trackingClients.remove(c);
    }

    /** checkPrefixCollisionsOrReply: null when fine, else the error text. */
    public String prefixCollision(Client c, List<Bytes> newPrefixes) {
        for (int i = 0; i < newPrefixes.size(); i++) {
            Bytes p = newPrefixes.get(i);
            for (Bytes existing : c.tracking().prefixes()) {
                if (!existing.equals(p) && (startsWith(existing, p) || startsWith(p, existing))) {
                    return "ERR Prefix '" + p + "' overlaps with an existing prefix '" + existing
                            + "'. Prefixes for a single client must not overlap.";
                }
            }
            for (int j = i + 1; j < newPrefixes.size(); j++) {
                Bytes q = newPrefixes.get(j);
                if (startsWith(p, q) || startsWith(q, p)) {
                    return "ERR Prefix '" + p + "' overlaps with another provided prefix '" + q
                            + "'. Prefixes for a single client must not overlap.";
                }
            }
        }
        return null;
    }

    private static boolean startsWith(Bytes key, Bytes prefix) {
        byte[] k = key.array();
        byte[] p = prefix.array();
        if (p.length > k.length) return false;
        for (int i = 0; i < p.length; i++) if (k[i] != p[i]) return false;
        return true;
    }

    /** trackingRememberKeys: after a read-only command of a tracking (non-BCAST) client. */
    public void remember(Client c, GetKeys.Found keys, byte[][] argv) {
        if ((c.tracking().optin() && !c.tracking().caching()) || (c.tracking().optout() && c.tracking().caching())) return;
        for (int i = 0; i < keys.count(); i++) {
            Set<Long> ids = table.computeIfAbsent(new Bytes(argv[keys.pos(i)]), k -> new HashSet<>(4));
            if (ids.add(c.id)) tableItems++;
        }
    }

    /** signalModifiedKey's tracking step; {@code by} is the client whose command changed it (or null). */
    public void invalidate(Bytes key) {
        if (trackingClients.isEmpty() && table.isEmpty()) return;
        Client by = current;
        if (!prefixes.isEmpty()) {
            for (Map.Entry<Bytes, Prefix> e : prefixes.entrySet()) {
                if (startsWith(key, e.getKey())) e.getValue().keys.put(key, by);
            }
        }
        invalidateTracked(key, by);
    }

    private void invalidateTracked(Bytes key, Client by) {
        Set<Long> ids = table.remove(key);
        if (ids == null) return;
        tableItems -= ids.size();
        for (long id : ids) {
            Client target = byId(id);
            if (target == null || !target.tracking().on() || target.tracking().bcast()) continue;
            if (target.tracking().noloop() && target == by) continue;
            if (target == by && executing) {
                pending.add(key);
            } else {
                send(target, List.of(key), false);
            }
        }
    }

    /** trackingInvalidateKeysOnFlush: every tracking client gets a null invalidation; the table empties. */
    public void flushed() {
        for (Client c : new ArrayList<>(trackingClients)) {
            if (c == current && executing) pendingFlush = true;
            else send(c, null, true);
        }
        table.clear();
        tableItems = 0;
    }

    public void executing(boolean now) {
        executing = now;
    }

    public Client current() {
        return current;
    }

    private record Saved(Client current, List<Bytes> pending, boolean pendingFlush, boolean executing) {
    }

    /** A blocked client's command runs now: it becomes the current one until {@link #endServing}. */
    public Object beginServing(Client c) {
        Saved saved = new Saved(current, new ArrayList<>(pending), pendingFlush, executing);
        pending.clear();
        pendingFlush = false;
        current = c;
        return saved;
    }

    public void endServing(Client c, Object state) {
        commandEnds(c);
        Saved saved = (Saved) state;
        current = saved.current();
        pending.addAll(saved.pending());
        pendingFlush = saved.pendingFlush();
        executing = saved.executing();
    }

    /** Marks the top-level client whose command starts. */
    public void commandStarts(Client c) {
        current = c;
    }

    /** trackingHandlePendingKeyInvalidations, after the command's reply. */
    public void commandEnds(Client c) {
        current = null;
        if (pending.isEmpty() && !pendingFlush) return;
        if (!pending.isEmpty()) {
            for (Bytes k : pending) send(c, List.of(k), false);
            pending.clear();
        }
        if (pendingFlush) {
            pendingFlush = false;
            send(c, null, true);
        }
    }

    /**
     * trackingLimitUsedSlots: over tracking-table-max-keys, keys leave the table (their clients
     * get an invalidation, as if the key changed) until it fits again.
     */
    private void limitUsedSlots() {
        long max = server.config().getLong("tracking-table-max-keys");
        if (max <= 0 || table.size() <= max) return;
        List<Bytes> victims = new ArrayList<>();
        var it = table.keySet().iterator();
        long excess = table.size() - max;
        while (it.hasNext() && victims.size() < excess) victims.add(it.next());
        for (Bytes key : victims) invalidateTracked(key, null);
    }

    /** trackingBroadcastInvalidationMessages, once per event-loop iteration. */
    public void broadcast() {
        limitUsedSlots();
        if (prefixes.isEmpty()) return;
        for (Prefix p : prefixes.values()) {
            if (p.keys.isEmpty()) continue;
            for (Client c : p.clients) {
                List<Bytes> keys = new ArrayList<>(p.keys.size());
                for (Map.Entry<Bytes, Client> e : p.keys.entrySet()) {
                    if (c.tracking().noloop() && e.getValue() == c) continue;
                    keys.add(e.getKey());
                }
                if (!keys.isEmpty()) send(c, keys, false);
            }
            p.keys.clear();
        }
    }

    public void clientGone(Client c) {
        disable(c);
    }

    private Client byId(long id) {
        for (Client c : server.eventLoop().clients()) if (c.id == id && !c.isClosed()) return c;
        return null;
    }

    /** sendTrackingMessage: keys == null sends the flush form (a null instead of the key array). */
    private void send(Client c, List<Bytes> keys, boolean nullPayload) {
        int nullResp = c.resp();
        Client to = c;
        boolean redirected = false;
        if (c.tracking().redirect() != 0) {
            Client r = byId(c.tracking().redirect());
            if (r == null) {
                c.tracking().redirectBroken();
                if (c.resp() > 2) {
                    c.addPushLen(2);
                    c.addBulk(REDIR_BROKEN);
                    c.addInteger(c.tracking().redirect());
                    c.flushSoon();
                }
                return;
            }
            to = r;
            redirected = true;
        }
        if (to.resp() > 2) {
            to.addPushLen(2);
            to.addBulk(INVALIDATE);
        } else if (redirected && to.isSubscribed()) {
            to.addPushLen(3);
            to.addBulk(MESSAGE);
            to.addBulk(CHANNEL);
        } else {
            return;
        }
        if (nullPayload) {
            // shared.null of the tracking client's protocol, written as is
            if (nullResp > 2) to.reply().raw("_\r\n".getBytes(StandardCharsets.US_ASCII));
            else to.reply().raw("$-1\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            to.addArrayLen(keys.size());
            for (Bytes k : keys) to.addBulk(k);
        }
        to.flushSoon();
    }
}
