package io.cachelab.engine.keyspace;

import io.cachelab.engine.info.Stats;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.util.Dict;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.type.RType;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.util.Bytes;

/**
 * One numbered database (db.c): the key -> value dictionary and, as in Redis, a second dictionary
 * of key -> absolute expiry (ms) holding only keys with a TTL, so the active expiry cycle samples
 * volatile keys without walking the whole keyspace. Every lookup applies lazy expiry first.
 */
public final class Database {
    private final KeyspaceHost server;
    private final int id;
    Dict<Bytes, RValue> dict = new Dict<>();
    Dict<Bytes, Long> expires = new Dict<>();
    /** The keys of each hash slot, kept in cluster mode only (null otherwise). */
    private SlotIndex slots;
    /** Where the active expiry cycle resumes scanning (Redis's db->expires_cursor). */
    long expiresCursor;
    /** Average TTL of the keys sampled by the expiry cycle, for INFO keyspace avg_ttl. */
    long avgTtl;
    /**
     * Sum of {@link RValue#accountedBytes} over the keys: HeapModel's estimate, refreshed for a key
     * when it is added, replaced or signalled as modified, so used_memory costs O(1) per write.
     */
    long datasetBytes;

    public Database(KeyspaceHost server, int id) {
        this.server = server;
        this.id = id;
        // cluster mode keeps its data in DB 0 and indexes it by slot (cluster-enabled is immutable)
        if (id == 0 && server.config().getBool("cluster-enabled")) slots = new SlotIndex();
    }

    /** The per-slot key index, or null outside cluster mode. */
    public SlotIndex slotIndex() {
        return slots;
    }

    /** dbAdd's raw part, for a loader that has checked the key is new: stores and indexes it. */
    public void putLoaded(Bytes key, RValue value) {
        dict.put(key, value);
        if (slots != null) slots.add(key);
    }

    public int id() {
        return id;
    }

    public Dict<Bytes, RValue> dict() {
        return dict;
    }

    public Dict<Bytes, Long> expires() {
        return expires;
    }

    public int size() {
        return dict.size();
    }

    public long avgTtl() {
        return avgTtl;
    }

    /** The dataset estimate of this database's keys (see MemoryModel). */
    public long datasetBytes() {
        return datasetBytes;
    }

    private void account(Bytes key, RValue v) {
        long old = v.accountedBytes();
        v.setAccountedBytes(HeapModel.entryBytes(key, v));
        datasetBytes += v.accountedBytes() - old;
    }

    private void unaccount(RValue v) {
        datasetBytes -= v.accountedBytes();
        v.setAccountedBytes(0);
    }

    /**
     * expireIfNeeded: true when the key's TTL has passed. It is then deleted, except on a replica
     * (which waits for its master's DEL) and during CLIENT PAUSE (no key may change while clients
     * are paused); there it stays, logically expired, and reads see no key.
     */
    public boolean expireIfNeeded(Bytes key) {
        return expireIfNeeded(key, false);
    }

    /**
     * {@code write}: a write lookup on a writable replica deletes the expired key
     * (EXPIRE_FORCE_DELETE_EXPIRED), so the write starts from an absent key.
     */
    private boolean expireIfNeeded(Bytes key, boolean write) {
        if (expires.isEmpty()) return false;
        Long when = expires.get(key);
        if (when == null || when > server.commandTimeMs()) return false;
        if (server.isReplica()) {
            if (server.runningMasterCommand()) return false;
            if (!write || server.readOnlyReplica()) return true;
            deleteExpired(key);
            return true;
        }
        if (server.clientsPaused()) return true;
        deleteExpired(key);
        return true;
    }

    /** deleteExpiredKeyAndPropagate: the deletion's own time is the "expire-del" latency event. */
    void deleteExpired(Bytes key) {
        long start = System.nanoTime();
        deleteRaw(key);
        server.latency().addIfNeeded(server.config().getLong("latency-monitor-threshold"), "expire-del",
                (System.nanoTime() - start) / 1_000_000);
        server.stats().increment(Stats.Counter.EXPIRED_KEYS);
        server.notifyKeyspaceEvent(Notify.EXPIRED, "expired", key, id);
        signalModified(key);
        server.propagateDeletion(this, key, server.config().getBool("lazyfree-lazy-expire"));
    }

    boolean isExpiredAt(Bytes key, long nowMs) {
        Long when = expires.get(key);
        return when != null && when <= nowMs;
    }

    public boolean isExpired(Bytes key) {
        Long when = expires.get(key);
        return when != null && when <= server.commandTimeMs();
    }

    /** lookupKeyRead: lazy expiry, hit/miss statistics, access clock. */
    public RValue lookupRead(Bytes key) {
        RValue v = expireIfNeeded(key) ? null : dict.get(key);
        if (v == null) {
            server.stats().increment(Stats.Counter.KEYSPACE_MISSES);
            server.notifyKeyspaceEvent(Notify.KEY_MISS, "keymiss", key, id);
            return null;
        }
        server.stats().increment(Stats.Counter.KEYSPACE_HITS);
        server.eviction().touch(v);
        return v;
    }

    /** lookupKeyRead with LOOKUP_NOTOUCH: statistics, but the access clock stays (TTL, EXISTS, TYPE). */
    public RValue lookupReadNoTouch(Bytes key) {
        RValue v = expireIfNeeded(key) ? null : dict.get(key);
        if (v == null) {
            server.stats().increment(Stats.Counter.KEYSPACE_MISSES);
            server.notifyKeyspaceEvent(Notify.KEY_MISS, "keymiss", key, id);
            return null;
        }
        server.stats().increment(Stats.Counter.KEYSPACE_HITS);
        return v;
    }

    /** lookupKeyWrite: lazy expiry, no statistics. */
    public RValue lookupWrite(Bytes key) {
        expireIfNeeded(key, true);
        RValue v = dict.get(key);
        if (v != null) server.eviction().touch(v);
        return v;
    }

    /** Looks up without side effects beyond lazy expiry (TYPE-independent probes, EXISTS). */
    public RValue peek(Bytes key) {
        return expireIfNeeded(key) ? null : dict.get(key);
    }

    /** Read lookup that throws WRONGTYPE if the key holds another type; null if absent. */
    @SuppressWarnings("unchecked")
    public <T extends RValue> T lookupRead(Bytes key, RType type) {
        RValue v = lookupRead(key);
        if (v != null && v.type() != type) throw RedisError.WRONGTYPE;
        return (T) v;
    }

    @SuppressWarnings("unchecked")
    public <T extends RValue> T lookupWrite(Bytes key, RType type) {
        RValue v = lookupWrite(key);
        if (v != null && v.type() != type) throw RedisError.WRONGTYPE;
        return (T) v;
    }

    public boolean exists(Bytes key) {
        return peek(key) != null;
    }

    /** dbAdd: the key must not exist. */
    public void add(Bytes key, RValue value) {
        server.eviction().touch(value);
        dict.put(key, value);
        if (slots != null) slots.add(key);
        value.setAccountedBytes(0);
        account(key, value);
        server.notifyKeyspaceEvent(Notify.NEW, "new", key, id);
    }

    /**
     * setKey: creates or overwrites, drops any TTL unless {@code keepTtl}, and signals the change.
     * Callers still fire their own keyspace event ("set", ...).
     */
    public void set(Bytes key, RValue value, boolean keepTtl) {
        setOver(key, lookupWrite(key), value, keepTtl);
    }

    /** set() when the caller has just looked the key up for writing ({@code old}, or null). */
    public void setOver(Bytes key, RValue old, RValue value, boolean keepTtl) {
        if (old == null) {
            add(key, value);
        } else {
            value.setLru(old.lru());
            dict.put(key, value);
            if (old != value) {
                unaccount(old);
                value.setAccountedBytes(0);
            }
            account(key, value);
        }
        if (!keepTtl && !expires.isEmpty()) expires.remove(key);
        server.keyModified(this, key); // already accounted above: no second estimate

    }

    public void set(Bytes key, RValue value) {
        set(key, value, false);
    }

    /** Overwrites a key's value in place keeping its TTL and access clock (no signal). */
    public void replaceValue(Bytes key, RValue value) {
        RValue old = dict.get(key);
        if (old != null) value.setLru(old.lru());
        dict.put(key, value);
        if (old == null && slots != null) slots.add(key);
        if (old != null && old != value) unaccount(old);
        if (old != value) value.setAccountedBytes(0);
        account(key, value);
    }

    /** dbDelete: true if the key existed. Does not signal: callers do (DEL signals, RENAME too). */
    public boolean deleteRaw(Bytes key) {
        RValue old = dict.remove(key);
        if (old == null) return false;
        if (slots != null) slots.remove(key);
        unaccount(old);
        expires.remove(key);
        return true;
    }

    /** Deletes a live key and signals it; false if absent or already expired. */
    public boolean delete(Bytes key) {
        expireIfNeeded(key);
        if (!deleteRaw(key)) return false;
        signalModified(key);
        return true;
    }

    /** Absolute expiry in ms, or -1 for none. */
    public long getExpire(Bytes key) {
        Long when = expires.get(key);
        return when == null ? -1 : when;
    }

    public void setExpire(Bytes key, long whenMs) {
        Bytes k = dictKey(key);
        expires.put(k, whenMs);
        // rememberSlaveKeyWithExpire: only a writable replica's own keys (replica-read-only no)
        if (server.isReplica() && !server.readOnlyReplica() && server.inCommand() && !server.runningMasterCommand()) {
            server.replicaExpires().remember(this, k);
        }
    }

    /** The exact key object stored in the main dict (shared by the expires dict, as Redis does). */
    private Bytes dictKey(Bytes key) {
        Dict.Entry<Bytes, RValue> e = dict.getEntry(key);
        return e == null ? key : e.key();
    }

    public boolean removeExpire(Bytes key) {
        return expires.remove(key) != null;
    }

    /** signalModifiedKey: invalidates WATCH and marks the key ready for blocked clients. */
    public void signalModified(Bytes key) {
        RValue v = dict.get(key);
        if (v != null) account(key, v);
        server.keyModified(this, key);
    }

    /**
     * Re-estimates a value's memory after a change that Redis does not signal (a stream's consumer
     * groups and PELs: XREADGROUP, XACK, XCLAIM change no data a WATCH or a blocked client sees).
     */
    public void reaccount(Bytes key) {
        RValue v = dict.get(key);
        if (v != null) account(key, v);
    }

    /** Empties the database; returns how many keys it held. */
    public long flush() {
        long n = dict.size();
        dict = new Dict<>();
        expires = new Dict<>();
        if (slots != null) slots = new SlotIndex();
        expiresCursor = 0;
        avgTtl = 0;
        datasetBytes = 0;
        server.databaseReplaced(this);
        return n;
    }

    /** SWAPDB: exchanges contents (not ids) with another database. */
    public void swapWith(Database other) {
        Dict<Bytes, RValue> d = dict;
        dict = other.dict;
        other.dict = d;
        SlotIndex si = slots;
        slots = other.slots;
        other.slots = si;
        Dict<Bytes, Long> e = expires;
        expires = other.expires;
        other.expires = e;
        long c = expiresCursor;
        expiresCursor = other.expiresCursor;
        other.expiresCursor = c;
        long a = avgTtl;
        avgTtl = other.avgTtl;
        other.avgTtl = a;
        long b = datasetBytes;
        datasetBytes = other.datasetBytes;
        other.datasetBytes = b;
        server.databaseReplaced(this);
        server.databaseReplaced(other);
    }

    /** A random live key (RANDOMKEY), skipping expired ones a bounded number of times. */
    public Bytes randomKey() {
        for (int tries = 0; tries < 100 && !dict.isEmpty(); tries++) {
            Dict.Entry<Bytes, RValue> e = dict.randomEntry();
            Bytes k = e.key();
            if (!expires.isEmpty() && isExpired(k)) {
                if (dict.size() == expires.size() && tries >= 99) return k;
                expireIfNeeded(k);
                continue;
            }
            return k;
        }
        return null;
    }
}
