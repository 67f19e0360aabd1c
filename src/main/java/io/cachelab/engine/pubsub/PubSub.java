package io.cachelab.engine.pubsub;

import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.util.Glob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Channels, patterns and shard channels (pubsub.c). Messages are written into subscribers' reply
 * buffers as pushes (RESP3 '>' frames, RESP2 arrays) and flushed with the event loop's next batch.
 * Redisson's lock waiters depend on this: a contended lock waits for an unlock message here.
 */
public final class PubSub {
    private static final byte[] MESSAGE = bytes("message");
    private static final byte[] PMESSAGE = bytes("pmessage");
    private static final byte[] SMESSAGE = bytes("smessage");

    private final Map<Bytes, Set<Client>> channels = new HashMap<>();
    private final Map<Bytes, Set<Client>> patterns = new LinkedHashMap<>();
    private final Map<Bytes, Set<Client>> shardChannels = new HashMap<>();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    public enum Kind {
        CHANNEL("subscribe", "unsubscribe"), PATTERN("psubscribe", "punsubscribe"), SHARD("ssubscribe", "sunsubscribe");

        final byte[] subscribe;
        final byte[] unsubscribe;

        Kind(String s, String u) {
            subscribe = bytes(s);
            unsubscribe = bytes(u);
        }
    }

    private Map<Bytes, Set<Client>> registry(Kind k) {
        return switch (k) {
            case CHANNEL -> channels;
            case PATTERN -> patterns;
            case SHARD -> shardChannels;
        };
    }

    private static Set<Bytes> clientSet(Client c, Kind k) {
        return switch (k) {
            case CHANNEL -> c.channels;
            case PATTERN -> c.patterns;
            case SHARD -> c.shardChannels;
        };
    }

    private static long countFor(Client c, Kind k) {
        return k == Kind.SHARD ? c.shardChannels.size() : c.subscriptionCount();
    }

    public void subscribe(Client c, Kind kind, Bytes name) {
        if (clientSet(c, kind).add(name)) {
            registry(kind).computeIfAbsent(name, x -> new LinkedHashSet<>()).add(c);
        }
        c.addPushLen(3);
        c.reply().bulk(kind.subscribe);
        c.addBulk(name);
        c.addInteger(countFor(c, kind));
    }

    /** Unsubscribes and confirms; notify=false when a client is going away. */
    public boolean unsubscribe(Client c, Kind kind, Bytes name, boolean notify) {
        boolean removed = clientSet(c, kind).remove(name);
        if (removed) {
            Set<Client> subs = registry(kind).get(name);
            if (subs != null) {
                subs.remove(c);
                if (subs.isEmpty()) registry(kind).remove(name);
            }
        }
        if (notify) {
            c.addPushLen(3);
            c.reply().bulk(kind.unsubscribe);
            c.addBulk(name);
            c.addInteger(countFor(c, kind));
        }
        return removed;
    }

    /** UNSUBSCRIBE with no arguments: all of a kind; a single null confirmation if there were none. */
    public void unsubscribeAll(Client c, Kind kind, boolean notify) {
        List<Bytes> names = new ArrayList<>(clientSet(c, kind));
        for (Bytes n : names) unsubscribe(c, kind, n, notify);
        if (notify && names.isEmpty()) {
            c.addPushLen(3);
            c.reply().bulk(kind.unsubscribe);
            c.addNull();
            c.addInteger(countFor(c, kind));
        }
    }

    public void clientGone(Client c) {
        for (Kind k : Kind.values()) unsubscribeAll(c, k, false);
    }

    /** PUBLISH: returns how many clients received the message. */
    public long publish(Bytes channel, Bytes message) {
        long receivers = 0;
        Set<Client> subs = channels.get(channel);
        if (subs != null) {
            for (Client c : subs) {
                c.addPushLen(3);
                c.reply().bulk(MESSAGE);
                c.addBulk(channel);
                c.addBulk(message);
                c.flushSoon();
                receivers++;
            }
        }
        if (!patterns.isEmpty()) {
            for (Map.Entry<Bytes, Set<Client>> e : patterns.entrySet()) {
                if (!Glob.matches(e.getKey().array(), channel.array(), false)) continue;
                for (Client c : e.getValue()) {
                    c.addPushLen(4);
                    c.reply().bulk(PMESSAGE);
                    c.addBulk(e.getKey());
                    c.addBulk(channel);
                    c.addBulk(message);
                    c.flushSoon();
                    receivers++;
                }
            }
        }
        return receivers;
    }

    public long publishShard(Bytes channel, Bytes message) {
        Set<Client> subs = shardChannels.get(channel);
        if (subs == null) return 0;
        for (Client c : subs) {
            c.addPushLen(3);
            c.reply().bulk(SMESSAGE);
            c.addBulk(channel);
            c.addBulk(message);
            c.flushSoon();
        }
        return subs.size();
    }

    /**
     * removeChannelsInSlot's step for one channel: every subscriber is unsubscribed and told so
     * (a node no longer serving the channel's slot).
     */
    public void removeChannel(Kind kind, Bytes name) {
        Set<Client> subs = registry(kind).get(name);
        if (subs == null) return;
        for (Client c : new ArrayList<>(subs)) {
            unsubscribe(c, kind, name, true);
            c.flushSoon();
        }
    }

    public boolean hasSubscribers() {
        return !channels.isEmpty() || !patterns.isEmpty();
    }

    public List<Bytes> channels(Kind kind, byte[] pattern) {
        List<Bytes> out = new ArrayList<>();
        for (Bytes ch : registry(kind).keySet()) {
            if (pattern == null || Glob.matches(pattern, ch.array(), false)) out.add(ch);
        }
        return out;
    }

    public int subscribers(Kind kind, Bytes name) {
        Set<Client> s = registry(kind).get(name);
        return s == null ? 0 : s.size();
    }

    public int patternCount() {
        return patterns.size();
    }

    public int channelCount() {
        return channels.size();
    }

    public int shardChannelCount() {
        return shardChannels.size();
    }
}
