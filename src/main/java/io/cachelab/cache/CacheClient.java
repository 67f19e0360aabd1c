package io.cachelab.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RBloomFilter;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The pattern library's single entry point: {@code get(id, type, loader, policy)} reads through the
 * strategy the policy names and says how it got the value. Values are JSON strings in Redis; an empty
 * string is the "absent" marker (no JSON document is empty). Strategies are private methods of this
 * class rather than a class hierarchy because they share the same four primitives (read, write with
 * the TTL policy, lock, count) and differ only in the order they use them; the Bloom guard runs in
 * front of whichever strategy is named.
 *
 * <p>Clients are given, not created: the caller owns the Lettuce connections and Redisson, so Spring
 * wiring, tests and the lab can share them. The pub/sub connection is optional (only the two-level
 * cache needs it) and is dedicated, because a subscribed connection cannot run other commands.
 */
public final class CacheClient implements AutoCloseable {
    /** Channel on which every instance announces keys to drop from its local (Caffeine) tier. */
    public static final String EVICT_CHANNEL = "cachelab:cache:evict";

    private static final Logger log = LoggerFactory.getLogger(CacheClient.class);
    private static final String NULL_MARKER = "";
    private static final Object LOCAL_NULL = new Object();
    /** Channel on which the holder of a mutex announces the key it has just filled. */
    public static final String FILLED_CHANNEL = "cachelab:cache:filled";
    private static final long POLL_WITHOUT_PUBSUB_MS = 20;

    private final RedisClusterCommands<String, String> redis;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final RedissonClient redisson;
    private final MeterRegistry meters;
    private final JsonMapper json;
    private final MutexLock mutex;
    private final Cache<String, Object> local;
    private final ThreadPoolExecutor rebuilds;
    private final Set<String> rebuildsInFlight = ConcurrentHashMap.newKeySet();
    /** Mutex single flights of this instance: key → the leader's JSON, which its followers await. */
    private final ConcurrentMap<String, CompletableFuture<String>> flights = new ConcurrentHashMap<>();
    /** Leaders waiting for another instance's fill announcement, per key. */
    private final ConcurrentMap<String, CompletableFuture<Void>> fills = new ConcurrentHashMap<>();
    /** Logical-expiry GETs in flight on this instance, shared by readers of the same key. */
    private final ConcurrentMap<String, CompletableFuture<String>> reads = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, RBloomFilter<String>> blooms = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter[][]> requestCounters = new ConcurrentHashMap<>();

    public CacheClient(StatefulRedisConnection<String, String> connection,
                       StatefulRedisPubSubConnection<String, String> pubSub,
                       RedissonClient redisson, MeterRegistry meters) {
        this(connection.sync(), pubSub, redisson, meters, JsonMapper.builder().build(), 10_000, Duration.ofSeconds(30), 2, 256);
    }

    /**
     * {@code redis} is the synchronous API of a standalone, Sentinel or Cluster connection (Lettuce's
     * {@code RedisCommands} and {@code RedisAdvancedClusterCommands} both are one): the library
     * touches one key per command, so it runs unchanged on a Redis Cluster.
     */
    public CacheClient(RedisClusterCommands<String, String> redis,
                       StatefulRedisPubSubConnection<String, String> pubSub,
                       RedissonClient redisson, MeterRegistry meters, JsonMapper json,
                       long localMaxSize, Duration localTtl, int rebuildThreads, int rebuildQueue) {
        this.redis = redis;
        this.pubSub = pubSub;
        this.redisson = redisson;
        this.meters = meters;
        this.json = json;
        this.mutex = new MutexLock(redis);
        this.local = Caffeine.newBuilder().maximumSize(localMaxSize)
                .expireAfterWrite(localTtl).build();
        AtomicInteger n = new AtomicInteger();
        this.rebuilds = new ThreadPoolExecutor(rebuildThreads, rebuildThreads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(rebuildQueue), r -> {
                    Thread t = new Thread(r, "cache-rebuild-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.rebuilds.allowCoreThreadTimeOut(true);
        if (pubSub != null) {
            pubSub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String key) {
                    if (EVICT_CHANNEL.equals(channel)) local.invalidate(key);
                    else if (FILLED_CHANNEL.equals(channel)) filled(key);
                }
            });
            pubSub.sync().subscribe(EVICT_CHANNEL, FILLED_CHANNEL);
        }
    }

    // ---------------------------------------------------------------- public API

    public <T> CacheResult<T> get(String id, Class<T> type, Supplier<T> loader, CachePolicy policy) {
        Found f = read(id, type, loader, policy);
        count(policy, f.outcome());
        return new CacheResult<>(f.value(type, json), f.outcome());
    }

    /**
     * The same read, answering the value's JSON text as it is cached (null when absent) instead of an
     * object: a caller that only forwards the value (an HTTP answer) skips decoding the cached text and
     * encoding the object again. The text is what {@code json} writes for the loader's value.
     */
    public <T> CacheResult<String> getJson(String id, Supplier<T> loader, CachePolicy policy) {
        Found f = read(id, null, loader, policy);
        count(policy, f.outcome());
        return new CacheResult<>(f.text(json), f.outcome());
    }

    /** Writes a value (or the absent marker for null) with the policy's TTL, as a loader result would be. */
    public <T> void put(String id, T value, CachePolicy policy) {
        String key = policy.key(id);
        if (policy.strategy() == Strategy.LOGICAL_EXPIRY && value != null) writeLogical(key, value, policy);
        else write(key, value, policy);
    }

    /**
     * Drops an entry everywhere, whatever strategy wrote it: both Redis formats, this instance's local
     * tier, and (through pub/sub) every other instance's local tier. Callers run it after their
     * transaction commits.
     */
    public void evict(String id, CachePolicy policy) {
        String key = CachePolicy.plainKey(policy.cache(), id);
        // two commands, not DEL k1 k2: the keys may live in different cluster slots
        redis.del(key);
        redis.del(CachePolicy.logicalKey(policy.cache(), id));
        local.invalidate(key);
        redis.publish(EVICT_CHANNEL, key);
    }

    /**
     * Makes the entry behave as if its time had run out, for the lab and tests of breakdown: a logical
     * entry keeps its value with an expireAt in the past (what readers find when a logical TTL ends),
     * any other entry is deleted from Redis and from this instance's local tier (what Redis's TTL does).
     * Returns false when nothing was cached.
     */
    public boolean expireNow(String id, CachePolicy policy) {
        String key = policy.key(id);
        if (policy.strategy() == Strategy.LOGICAL_EXPIRY) {
            String raw = redis.get(key);
            if (raw == null || raw.equals(NULL_MARKER)) return false;
            redis.set(key, Envelope.format(System.currentTimeMillis() - 1, Envelope.parse(raw, json).value()));
            return true;
        }
        local.invalidate(key);
        return redis.del(key) == 1;
    }

    /** Records an id that exists, so the Bloom filter of this cache lets it through. */
    public void bloomAdd(CachePolicy policy, String id) {
        bloom(policy).add(id);
    }

    /** Bulk variant for filling the filter from the database at start. */
    public void bloomAddAll(CachePolicy policy, java.util.Collection<String> ids) {
        bloom(policy).add(ids);
    }

    /** True when the local (Caffeine) tier holds the key; for tests and the lab. */
    public boolean locallyCached(String id, CachePolicy policy) {
        return local.getIfPresent(policy.key(id)) != null;
    }

    /**
     * Waits until this instance has no logical-expiry rebuild in flight, up to {@code timeout}; true
     * when none is left. For the lab, which reports database queries only once the rebuild it caused
     * has run.
     */
    public boolean awaitRebuilds(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!rebuildsInFlight.isEmpty()) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
        return true;
    }

    /** Rebuilds of logically expired entries that failed or could not be queued, per cache. */
    public double rebuildFailures(String cache) {
        Counter c = meters.find("cachelab.cache.rebuilds").tags("cache", cache, "result", "failed").counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        rebuilds.shutdownNow();
        if (pubSub != null) pubSub.sync().unsubscribe(EVICT_CHANNEL, FILLED_CHANNEL);
    }

    private void filled(String key) {
        CompletableFuture<Void> waiting = fills.remove(key);
        if (waiting != null) waiting.complete(null);
    }

    // ---------------------------------------------------------------- strategies

    /**
     * What a strategy found: the value's JSON text (null when absent, or when nothing was stored for a
     * loaded value), how it was obtained, and the value as an object when the strategy already holds
     * one (the loader's result on a miss, a decoded local entry), so neither kind of caller pays for a
     * conversion it does not need.
     */
    private record Found(String json, CacheOutcome outcome, Object object) {
        static final Found REJECTED = new Found(null, CacheOutcome.REJECTED, null);
        static final Found NULL = new Found(null, CacheOutcome.NULL, null);

        <T> T value(Class<T> type, JsonMapper mapper) {
            if (type.isInstance(object)) return type.cast(object);
            return json == null ? null : mapper.readValue(json, type);
        }

        String text(JsonMapper mapper) {
            return json != null || object == null ? json : mapper.writeValueAsString(object);
        }
    }

    /** A local (Caffeine) entry: the JSON text, and the object once a typed caller has decoded it. */
    private record Local(String json, Object object) {
    }

    private <T> Found read(String id, Class<T> type, Supplier<T> loader, CachePolicy policy) {
        if (policy.bloom() != null && !bloom(policy).contains(id)) return Found.REJECTED;
        String key = policy.key(id);
        return switch (policy.strategy()) {
            case NONE -> loaded(loader.get(), null);
            case CACHE_ASIDE -> cacheAside(key, loader, policy, false);
            case NULL_CACHING, BLOOM -> cacheAside(key, loader, policy, true);
            case MUTEX -> mutex(key, loader, policy);
            case LOGICAL_EXPIRY -> logicalExpiry(key, loader, policy);
            case TWO_LEVEL -> twoLevel(key, type, loader, policy);
        };
    }

    /** A MISS with the loader's value and the JSON stored for it (null when nothing was stored). */
    private static Found loaded(Object value, String stored) {
        return new Found(value == null ? null : stored, CacheOutcome.MISS, value);
    }

    private <T> Found cacheAside(String key, Supplier<T> loader, CachePolicy policy, boolean cacheNulls) {
        Found cached = cached(redis.get(key));
        if (cached != null) return cached;
        T value = loader.get();
        String stored = value != null || cacheNulls ? write(key, value, policy) : null;
        return loaded(value, stored);
    }

    /**
     * One loader per key across all instances, and waiters that wake instead of polling. Within this
     * instance a per-key single flight lets one thread (the leader) go to Redis while the others wait
     * for its answer; across instances the leader takes the Redis lock, and a leader that finds the
     * lock held waits for the holder's announcement on {@link #FILLED_CHANNEL}, published right after
     * the value is written. A lost announcement costs at most one lease: then the leader tries the
     * lock again (the holder may have died). Followers get the leader's JSON and decode it themselves
     * if they want an object, so no two callers share one mutable object.
     */
    private <T> Found mutex(String key, Supplier<T> loader, CachePolicy policy) {
        String raw = redis.get(key);
        if (raw != null) return cached(raw);
        long deadline = System.nanoTime() + policy.lockWait().toNanos();
        CompletableFuture<String> flight = new CompletableFuture<>();
        CompletableFuture<String> leader = flights.putIfAbsent(key, flight);
        if (leader != null) return cached(follow(leader, key, deadline, policy));
        try {
            Led led = lead(key, loader, policy, deadline);
            flight.complete(led.raw());
            return led.found();
        } catch (RuntimeException e) {
            flight.completeExceptionally(e);
            throw e;
        } finally {
            flights.remove(key, flight);
        }
    }

    /** What the leader of a flight got, and the stored text its followers read. */
    private record Led(Found found, String raw) {
    }

    private <T> Led lead(String key, Supplier<T> loader, CachePolicy policy, long deadline) {
        while (true) {
            String token = mutex.tryAcquire(key, policy.lockLease());
            if (token != null) {
                try {
                    String again = redis.get(key);
                    if (again != null) return new Led(cached(again), again);
                    T value = loader.get();
                    String raw = write(key, value, policy);
                    if (pubSub != null) redis.publish(FILLED_CHANNEL, key);
                    return new Led(loaded(value, value == null ? null : raw), raw);
                } finally {
                    mutex.release(key, token);
                }
            }
            String raw = awaitFill(key, deadline, policy);
            if (raw != null) return new Led(cached(raw), raw);
        }
    }

    /**
     * Waits for another instance to fill {@code key}: the value, or null when the wait ended without
     * one (the lease may have run out; the caller tries the lock again). The key is read again after
     * the waiter is registered, so a fill that landed between the miss and the registration is not
     * waited for. Without a pub/sub connection the wait is a re-read every {@link #POLL_WITHOUT_PUBSUB_MS}.
     */
    private String awaitFill(String key, long deadline, CachePolicy policy) {
        CompletableFuture<Void> signal = fills.computeIfAbsent(key, k -> new CompletableFuture<>());
        try {
            String raw = redis.get(key);
            if (raw != null) return raw;
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new CacheLockTimeoutException(key, policy.lockWait());
            long slice = pubSub == null ? TimeUnit.MILLISECONDS.toNanos(POLL_WITHOUT_PUBSUB_MS) : policy.lockLease().toNanos();
            signal.get(Math.min(left, slice), TimeUnit.NANOSECONDS);
            return redis.get(key);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException("fill signal failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a cache fill", e);
        } finally {
            fills.remove(key, signal);
        }
    }

    /** A follower waits for its leader's JSON (or its failure), within the mutex's wait bound. */
    private String follow(CompletableFuture<String> leader, String key, long deadline, CachePolicy policy) {
        try {
            return leader.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new CacheLockTimeoutException(key, policy.lockWait());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException("the load of " + key + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a cache lock", e);
        }
    }

    /**
     * The value lives with its own expireAt and no Redis TTL, so it never disappears under load: an
     * expired entry is served (flagged STALE) while one rebuild runs on the bounded executor. "One" is
     * held twice: per instance by an in-flight set (no lock round trip per reader) and across
     * instances by the {@code lock:} key; the rebuild re-reads first, as the mutex does. Only a key
     * that was never written (a cold miss) makes the reader wait for the loader.
     */
    private <T> Found logicalExpiry(String key, Supplier<T> loader, CachePolicy policy) {
        String raw = coalescedGet(key);
        if (raw == null) {
            T value = loader.get();
            if (value == null) write(key, null, policy);
            return loaded(value, value == null ? null : writeLogical(key, value, policy));
        }
        if (raw.equals(NULL_MARKER)) return Found.NULL;
        Envelope e = Envelope.parse(raw, json);
        if (e.expireAt() > System.currentTimeMillis()) return new Found(e.value(), CacheOutcome.HIT, null);
        scheduleRebuild(key, loader, policy);
        return new Found(e.value(), CacheOutcome.STALE, null);
    }

    /**
     * GET, shared by the readers of one key that arrive while it is in flight on this instance (request
     * collapsing): 200 readers of a hot key cost a handful of round trips, not 200. A collapsed reader
     * may get an answer whose GET started just before it arrived, i.e. miss a write that finished in
     * between; only logical expiry uses this, whose readers accept a stale value by design.
     */
    private String coalescedGet(String key) {
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> inFlight = reads.putIfAbsent(key, mine);
        if (inFlight != null) {
            try {
                return inFlight.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            String raw = redis.get(key);
            mine.complete(raw);
            return raw;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            reads.remove(key, mine);
        }
    }

    private <T> void scheduleRebuild(String key, Supplier<T> loader, CachePolicy policy) {
        if (!rebuildsInFlight.add(key)) return;
        String token = null;
        try {
            token = mutex.tryAcquire(key, policy.lockLease());
            if (token == null) {
                rebuildsInFlight.remove(key);
                return;
            }
            String owned = token;
            rebuilds.execute(() -> rebuild(key, loader, policy, owned));
        } catch (RejectedExecutionException e) {
            rebuildsInFlight.remove(key);
            mutex.release(key, token);
            rebuildFailed(policy, key, e);
        } catch (RuntimeException e) {
            rebuildsInFlight.remove(key);
            throw e;
        }
    }

    private <T> void rebuild(String key, Supplier<T> loader, CachePolicy policy, String token) {
        try {
            String raw = redis.get(key);
            if (raw != null && !raw.equals(NULL_MARKER) && Envelope.parse(raw, json).expireAt() > System.currentTimeMillis())
                return;
            T value = loader.get();
            if (value == null) write(key, null, policy);
            else writeLogical(key, value, policy);
            meters.counter("cachelab.cache.rebuilds", "cache", policy.cache(), "result", "ok").increment();
        } catch (RuntimeException e) {
            rebuildFailed(policy, key, e);
        } finally {
            rebuildsInFlight.remove(key);
            try {
                mutex.release(key, token);
            } catch (RuntimeException e) {
                log.warn("could not release rebuild lock of {} (the lease will end it)", key, e);
            }
        }
    }

    private void rebuildFailed(CachePolicy policy, String key, Exception e) {
        meters.counter("cachelab.cache.rebuilds", "cache", policy.cache(), "result", "failed").increment();
        log.warn("rebuild of {} failed; the stale value stays served", key, e);
    }

    /**
     * Caffeine in front of Redis. The local tier holds the JSON text and, once a typed caller has
     * decoded it, the object (so a hit costs no parsing either way); callers must treat returned
     * objects as read-only. Changes reach other instances only through {@link #evict}, which every
     * instance hears on {@link #EVICT_CHANNEL}; the local TTL (30 s by default) bounds what a lost
     * message can cost.
     */
    private <T> Found twoLevel(String key, Class<T> type, Supplier<T> loader, CachePolicy policy) {
        Object held = local.getIfPresent(key);
        if (held == LOCAL_NULL) return Found.NULL;
        if (held instanceof Local l) {
            if (l.object() == null && type != null) { // a typed caller: decode once, keep the object
                T decoded = json.readValue(l.json(), type);
                local.put(key, new Local(l.json(), decoded));
                return new Found(l.json(), CacheOutcome.HIT, decoded);
            }
            return new Found(l.json(), CacheOutcome.HIT, l.object());
        }
        Found f = cacheAside(key, loader, policy, true);
        local.put(key, f.json() == null ? LOCAL_NULL : new Local(f.json(), f.object()));
        return f;
    }

    // ---------------------------------------------------------------- primitives

    /** A cached outcome (HIT, or NULL for the absent marker), or null when Redis has nothing. */
    private static Found cached(String raw) {
        if (raw == null) return null;
        if (raw.equals(NULL_MARKER)) return Found.NULL;
        return new Found(raw, CacheOutcome.HIT, null);
    }

    /** Writes the value (or the absent marker) with the policy's TTL; returns the string stored. */
    private String write(String key, Object value, CachePolicy policy) {
        if (value == null) {
            redis.set(key, NULL_MARKER, SetArgs.Builder.px(policy.ttl().nextNullTtlMillis()));
            return NULL_MARKER;
        }
        String raw = json.writeValueAsString(value);
        redis.set(key, raw, SetArgs.Builder.px(policy.ttl().nextValueTtlMillis()));
        return raw;
    }

    /** Envelope {"e": expireAt ms, "v": value}, written without a Redis TTL on purpose; returns the value's JSON. */
    private String writeLogical(String key, Object value, CachePolicy policy) {
        long expireAt = System.currentTimeMillis() + policy.ttl().nextValueTtlMillis();
        String valueJson = json.writeValueAsString(value);
        redis.set(key, Envelope.format(expireAt, valueJson));
        return valueJson;
    }

    private RBloomFilter<String> bloom(CachePolicy policy) {
        if (redisson == null) throw new IllegalStateException("a Bloom filter needs a RedissonClient");
        BloomSpec spec = policy.bloom();
        if (spec == null) throw new IllegalArgumentException("cache " + policy.cache() + " has no Bloom filter in its policy");
        return blooms.computeIfAbsent(policy.cache(), c -> {
            RBloomFilter<String> f = redisson.getBloomFilter("cachelab:bloom:" + c);
            f.tryInit(spec.expectedInsertions(), spec.falsePositiveRate());
            return f;
        });
    }

    private void count(CachePolicy policy, CacheOutcome outcome) {
        // per cache a [strategy][outcome] table, so counting a request builds no string and no tags
        Counter[][] table = requestCounters.computeIfAbsent(policy.cache(),
                c -> new Counter[Strategy.values().length][CacheOutcome.values().length]);
        Strategy strategy = policy.strategy();
        Counter c = table[strategy.ordinal()][outcome.ordinal()];
        if (c == null) { // a race registers the same meter twice: Micrometer answers the one it has
            c = Counter.builder("cachelab.cache.requests").tag("cache", policy.cache())
                    .tag("strategy", strategy.id()).tag("outcome", outcome.tag()).register(meters);
            table[strategy.ordinal()][outcome.ordinal()] = c;
        }
        c.increment();
    }

}
