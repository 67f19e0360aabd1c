package io.cachelab.engine.memory;

import io.cachelab.engine.info.Stats;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.keyspace.MemoryModel;
import io.cachelab.engine.keyspace.HeapModel;
import io.cachelab.engine.util.Dict;
import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.util.Bytes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * maxmemory enforcement, as evict.c: before a command runs, while used_memory is above maxmemory,
 * pick keys by policy and delete them. LRU, LFU and volatile-ttl sample maxmemory-samples keys
 * per database into a pool of 16 candidates kept sorted by "idleness" across calls, and evict the
 * best one still present; the random policies pick a random key, visiting databases round-robin.
 * Each round stops after a time budget derived from maxmemory-eviction-tenacity and continues
 * from the event loop (Redis's evictionTimeProc), so one command never stalls the server.
 *
 * <p>used_memory is {@link HeapModel}'s estimate of the keys as the JVM holds them (plus
 * {@link MemoryModel#BASELINE} and client buffers): computed, so what gets evicted depends only on
 * the commands and the sampling, not on the garbage collector, and close to the heap, so maxmemory
 * bounds it.
 */
public final class Evictor {
    public enum Result { OK, RUNNING, FAIL }

    public static final String OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";
    private static final int POOL_SIZE = 16;

    private final EvictorHost server;
    private final EngineConfig config;
    private final LongSupplier maxmemory;
    private final LongSupplier maxmemoryClients;
    private final PoolEntry[] pool = new PoolEntry[POOL_SIZE];
    private int nextDb;
    private boolean running;
    private long peak;
    /**
     * Client query and reply buffers (Redis counts them in used_memory too). Summing them walks
     * every client, so it is done by cron, when a client goes away, and while maxmemory is set at
     * most once a millisecond before an eviction decision rather than on every command.
     */
    private long clientsMemory;
    private boolean clientsChanged;
    private long clientsSampledNs;
    /** When used_memory first exceeded maxmemory (ns), 0 while under it. */
    private long exceededSinceNs;
    /** The OOM state computed before the current top-level command (server.pre_command_oom_state). */
    private boolean preCommandOom;

    private record PoolEntry(Bytes key, long idle, int dbid) {
    }

    public Evictor(EvictorHost server) {
        this.server = server;
        this.config = server.config();
        this.maxmemory = config.live("maxmemory");
        this.maxmemoryClients = config.live("maxmemory-clients");
        config.onChange("maxmemory", v -> {
            if (config.getLong("maxmemory") != 0 && usedMemory() > config.getLong("maxmemory")) performEvictions();
        });
        config.onChange("maxmemory-policy", v -> java.util.Arrays.fill(pool, null));
    }

    // ---- accounting ----

    /** used_memory: baseline + dataset + dictionary tables + client buffers, the dataset as the JVM holds it (HeapModel). */
    public long usedMemory() {
        if (clientsChanged) sumClients();
        long used = MemoryModel.BASELINE + clientsMemory;
        for (Database db : server.databases()) used += db.datasetBytes() + HeapModel.databaseOverhead(db);
        if (used > peak) peak = used;
        return used;
    }

    public long dataset() {
        long sum = 0;
        for (Database db : server.databases()) sum += db.datasetBytes();
        return sum;
    }

    public long peak() {
        usedMemory();
        return peak;
    }

    public long clientsMemory() {
        return clientsMemory;
    }

    /** Replica and AOF buffers, which Redis leaves out of the eviction decision: none here yet. */
    public long notCountedForEvict() {
        return 0;
    }

    public long totalExceededMs() {
        return (server.stats().get(Stats.Counter.EVICTION_EXCEEDED_US) + currentExceededUs()) / 1000;
    }

    public long currentExceededMs() {
        return currentExceededUs() / 1000;
    }

    private long currentExceededUs() {
        return exceededSinceNs == 0 ? 0 : (System.nanoTime() - exceededSinceNs) / 1000;
    }

    /** serverCron: refresh the client-buffer total and the peak. */
    public void cron() {
        evictClients(null);
        sumClients();
        usedMemory();
    }

    /** A client closed: its buffers no longer count (summed again lazily, once per batch of closes). */
    public void clientClosed() {
        if (clientsMemory != 0) clientsChanged = true;
    }

    private void sumClients() {
        clientsChanged = false;
        clientsSampledNs = System.nanoTime();
        long sum = 0;
        for (Client c : server.eventLoop().clients()) {
            // a replica's output is the replication buffer, which Redis does not count for eviction
            if (!c.isClosed() && !c.isReplica()) sum += c.parser().heldBytes() + c.pendingReplyBytes();
        }
        clientsMemory = sum;
    }

    public boolean running() {
        return running;
    }

    /** evictionTimeProc: continue an eviction round that ran out of time budget. */
    public void continueRunning() {
        if (running && performEvictions() != Result.RUNNING) running = false;
    }

    // ---- client eviction (maxmemory-clients) ----

    /** What a client's buffers hold: input not yet executed and replies not yet written. */
    private static long clientMemory(Client c) {
        return c.parser().heldBytes() + c.pendingReplyBytes();
    }

    /**
     * evictClients (networking.c): while normal and pub/sub clients together hold maxmemory-clients
     * or more, close the biggest ones, CLIENT NO-EVICT excepted. Redis keeps clients in memory
     * buckets to find them; here they are summed and sorted, which costs O(clients) per command
     * but only while maxmemory-clients is set. The client whose command is being processed is
     * spared (Redis closes it and drops the command).
     */
    /** getClientEvictionLimit: bytes, a percentage of maxmemory ("10%" is kept as -10), floored at 128 KB; 0 = off. */
    public long clientEvictionLimit() {
        long configured = maxmemoryClients.getAsLong();
        long maxmemory = this.maxmemory.getAsLong();
        long limit;
        if (configured < 0 && maxmemory > 0) limit = (long) ((double) maxmemory * -(double) configured / 100);
        else if (configured > 0) limit = configured;
        else return 0;
        return Math.max(limit, 1024 * 128);
    }

    public void evictClients(Client current) {
        long limit = clientEvictionLimit();
        if (limit <= 0) return;
        List<Client> all = server.eventLoop().clients();
        long total = 0;
        for (Client c : all) if (!c.isClosed() && !c.isReplica()) total += clientMemory(c);
        if (total < limit) return;
        List<Client> candidates = new ArrayList<>();
        for (Client c : all) {
            if (c != current && !c.isClosed() && !c.noEvict() && !c.isReplica() && c.hasSocket() && !c.scriptClient()) candidates.add(c);
        }
        candidates.sort(Comparator.comparingLong(Evictor::clientMemory).reversed());
        for (Client c : candidates) {
            if (total < limit) break;
            total -= clientMemory(c);
            server.log().info(() -> "Evicting client: " + c);
            server.eventLoop().closeClient(c);
            server.stats().increment(Stats.Counter.EVICTED_CLIENTS);
        }
        if (total >= limit) server.log().fine("Over client maxmemory after evicting all evictable clients");
    }

    // ---- the OOM decision for a command ----

    /**
     * processCommand's maxmemory step. At top level it evicts and remembers the outcome; nested
     * calls (a script's first write, a function's allow-oom check) reuse that outcome, as
     * scriptVerifyOOM reads pre_command_oom_state. Returns the OOM error or null.
     */
    public String check(boolean denyoom, boolean topLevel) {
        if (maxmemory.getAsLong() == 0) return null;
        if (topLevel) preCommandOom = performEvictions() == Result.FAIL;
        return preCommandOom && denyoom ? OOM_ERROR : null;
    }

    // ---- performEvictions ----

    private long timeLimitUs() {
        int tenacity = config.getInt("maxmemory-eviction-tenacity");
        if (tenacity <= 10) return 50L * tenacity;
        if (tenacity < 100) return (long) (500.0 * Math.pow(1.15, tenacity - 10.0));
        return Long.MAX_VALUE;
    }

    public Result performEvictions() {
        if (server.scriptBusy() || server.clientsPaused() || server.isReplica()) return Result.OK;
        long maxmemory = config.getLong("maxmemory");
        Result result = evict(maxmemory);
        if (result == Result.OK) {
            if (exceededSinceNs != 0) {
                server.stats().add(Stats.Counter.EVICTION_EXCEEDED_US, currentExceededUs());
                exceededSinceNs = 0;
            }
        } else if (exceededSinceNs == 0) {
            exceededSinceNs = System.nanoTime();
        }
        return result;
    }

    private Result evict(long maxmemory) {
        if (maxmemory == 0) return Result.OK;
        if (System.nanoTime() - clientsSampledNs > 1_000_000) sumClients();
        long used = usedMemory() - notCountedForEvict();
        if (used <= maxmemory) return Result.OK;
        String policy = config.getString("maxmemory-policy");
        if (policy.equals("noeviction")) return Result.FAIL;
        boolean allKeys = policy.startsWith("allkeys");
        boolean random = policy.endsWith("random");
        long toFree = used - maxmemory;
        long freed = 0;
        long limitUs = timeLimitUs();
        long start = System.nanoTime();
        int keysFreed = 0;
        while (freed < toFree) {
            Database db;
            Bytes key;
            if (random) {
                db = null;
                key = null;
                int n = server.databaseCount();
                for (int i = 0; i < n; i++) {
                    nextDb = (nextDb + 1) % n;
                    Database candidate = server.db(nextDb);
                    Dict<Bytes, ?> dict = allKeys ? candidate.dict() : candidate.expires();
                    if (dict.size() != 0) {
                        db = candidate;
                        key = dict.randomEntry().key();
                        break;
                    }
                }
            } else {
                PoolEntry best = bestFromPool(policy, allKeys);
                db = best == null ? null : server.db(best.dbid);
                key = best == null ? null : best.key;
            }
            if (key == null) return Result.FAIL;
            long before = usedMemory();
            evictKey(db, key);
            freed += before - usedMemory();
            keysFreed++;
            if (keysFreed % 16 == 0 && (System.nanoTime() - start) / 1000 > limitUs) {
                running = true;
                return Result.RUNNING;
            }
        }
        return running ? Result.RUNNING : Result.OK;
    }

    private void evictKey(Database db, Bytes key) {
        db.deleteRaw(key);
        server.stats().increment(Stats.Counter.EVICTED_KEYS);
        db.signalModified(key);
        server.notifyKeyspaceEvent(Notify.EVICTED, "evicted", key, db.id());
        server.propagation().deletion(db, key, server.config().getBool("lazyfree-lazy-eviction"));
    }

    /** Fills the pool from every database and takes the best candidate still present, or null. */
    private PoolEntry bestFromPool(String policy, boolean allKeys) {
        while (true) {
            long totalKeys = 0;
            for (Database db : server.databases()) {
                Dict<Bytes, ?> dict = allKeys ? db.dict() : db.expires();
                if (dict.size() == 0) continue;
                populate(db, dict, policy);
                totalKeys += dict.size();
            }
            if (totalKeys == 0) return null;
            for (int k = POOL_SIZE - 1; k >= 0; k--) {
                PoolEntry e = pool[k];
                if (e == null) continue;
                pool[k] = null;
                Database db = server.db(e.dbid);
                boolean present = allKeys ? db.dict().containsKey(e.key) : db.expires().containsKey(e.key);
                if (present) return e;
            }
        }
    }

    /** evictionPoolPopulate: samples keys and inserts them by ascending idleness, best last. */
    private void populate(Database db, Dict<Bytes, ?> sampled, String policy) {
        List<? extends Dict.Entry<Bytes, ?>> samples = sampled.sample(config.getInt("maxmemory-samples"));
        boolean lfu = policy.endsWith("lfu");
        boolean ttl = policy.equals("volatile-ttl");
        for (Dict.Entry<Bytes, ?> s : samples) {
            Bytes key = s.key();
            long idle;
            if (ttl) {
                idle = Long.MAX_VALUE - (Long) s.value();
            } else {
                RValue v = s.value() instanceof RValue rv ? rv : db.dict().get(key);
                if (v == null) continue;
                idle = lfu ? 255 - server.eviction().frequency(v) : server.eviction().idleSeconds(v) * 1000;
            }
            insert(new PoolEntry(key, idle, db.id()));
        }
    }

    private void insert(PoolEntry entry) {
        int k = 0;
        while (k < POOL_SIZE && pool[k] != null && pool[k].idle < entry.idle) k++;
        if (k == 0 && pool[POOL_SIZE - 1] != null) return; // worse than everything in a full pool
        if (k < POOL_SIZE && pool[k] == null) {
            pool[k] = entry;
            return;
        }
        if (pool[POOL_SIZE - 1] == null) {
            System.arraycopy(pool, k, pool, k + 1, POOL_SIZE - k - 1);
        } else {
            k--;
            System.arraycopy(pool, 1, pool, 0, k);
        }
        pool[k] = entry;
    }
}
