package io.cachelab.lab;

import io.cachelab.engine.Engine;
import io.cachelab.engine.config.EngineConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import org.apache.commons.math3.distribution.ZipfDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The handbook's "10 million rows in MySQL, room for 200,000 in Redis: keep the hot ones", measured:
 * a Zipf workload over {@code universe} ids read through cache-aside (GET; on a miss SET with a TTL)
 * against a scratch engine whose {@code maxmemory} holds about {@code cacheKeys} of these keys, once
 * per eviction policy. The scratch engine is started for the run (never the service's own: a
 * maxmemory there would evict sessions and stock) and stopped after it. The same seed gives every
 * policy the same requests. The hit ratio is counted over the second half, once the cache is full.
 * Keys get a one-day TTL so the volatile-* policies have candidates (their whole difference from
 * allkeys-* is which keys may go, and here every key may).
 */
@Service
class EvictionLab {
    static final Set<String> POLICIES = Set.of("allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru",
            "volatile-lfu", "volatile-random", "volatile-ttl");
    static final int MAX_REQUESTS = 5_000_000;
    private static final int BATCH = 1_000;
    private static final String VALUE = "v".repeat(100);
    private static final Logger log = LoggerFactory.getLogger(EvictionLab.class);

    /**
     * {@code hotFreq} / {@code medianFreq}: OBJECT FREQ of the hottest id and the median of 101
     * RANDOMKEY samples at the end (LFU policies only; null otherwise).
     */
    record Result(String policy, long universe, int cacheKeys, int requests, double zipfExponent, long maxmemory,
                  long bytesPerKey, long measuredRequests, long hits, double hitRatio, double idealHitRatio,
                  long evictedKeys, long keysAtEnd, Integer hotFreq, Integer medianFreq, long elapsedMs) {
    }

    Result run(String policyName, long universe, int cacheKeys, int requests, double exponent, long seed)
            throws IOException, InterruptedException {
        String policy = policyName.trim().toLowerCase(Locale.ROOT);
        if (!POLICIES.contains(policy))
            throw new IllegalArgumentException("policy must be one of " + POLICIES.stream().sorted().toList());
        if (cacheKeys >= universe) throw new IllegalArgumentException("cacheKeys must be below universe");
        if (universe > Integer.MAX_VALUE) throw new IllegalArgumentException("universe must fit an int");
        ZipfDistribution zipf = new ZipfDistribution(new Well19937c(seed), (int) universe, exponent);
        int[] ids = zipf.sample(requests);
        long started = System.nanoTime();
        EngineConfig config = EngineConfig.defaults().set("port", "0").set("bind", "127.0.0.1").set("save", "")
                .set("appendonly", "no").set("maxmemory-policy", policy);
        Engine engine = Engine.start(config);
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", engine.port()));
        try (StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8)) {
            RedisAsyncCommands<String, String> redis = connection.async();
            var sync = connection.sync();
            // size maxmemory from what these keys cost in the server's own accounting (value, key, TTL entry,
            // dictionary slots): used_memory before and after writing a sample of them, which are then deleted
            long baseline = usedMemory(sync.info("memory"));
            int sample = Math.min(cacheKeys, 10_000);
            connection.setAutoFlushCommands(false);
            List<RedisFuture<String>> probes = new ArrayList<>(sample);
            for (int i = 0; i < sample; i++) probes.add(redis.set(key((int) universe - i), VALUE, SetArgs.Builder.ex(86_400)));
            connection.flushCommands();
            for (RedisFuture<String> f : probes) f.get(30, TimeUnit.SECONDS);
            connection.setAutoFlushCommands(true);
            long perKey = (usedMemory(sync.info("memory")) - baseline) / sample;
            connection.setAutoFlushCommands(false);
            List<RedisFuture<Long>> deletes = new ArrayList<>(sample);
            for (int i = 0; i < sample; i++) deletes.add(redis.del(key((int) universe - i)));
            connection.flushCommands();
            for (RedisFuture<Long> f : deletes) f.get(30, TimeUnit.SECONDS);
            connection.setAutoFlushCommands(true);
            long maxmemory = usedMemory(sync.info("memory")) + perKey * cacheKeys;
            sync.configSet("maxmemory", Long.toString(maxmemory));

            connection.setAutoFlushCommands(false);
            long hits = 0, measured = 0;
            int half = requests / 2;
            for (int from = 0; from < requests; from += BATCH) {
                int to = Math.min(requests, from + BATCH);
                List<RedisFuture<String>> gets = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) gets.add(redis.get(key(ids[i])));
                connection.flushCommands();
                List<RedisFuture<String>> sets = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    boolean hit = gets.get(i - from).get(30, TimeUnit.SECONDS) != null;
                    if (i >= half) {
                        measured++;
                        if (hit) hits++;
                    }
                    if (!hit) sets.add(redis.set(key(ids[i]), VALUE, SetArgs.Builder.ex(86_400)));
                }
                connection.flushCommands();
                for (RedisFuture<String> f : sets) f.get(30, TimeUnit.SECONDS);
            }
            connection.setAutoFlushCommands(true);

            Properties stats = parse(sync.info("stats"));
            long evicted = Long.parseLong(stats.getProperty("evicted_keys", "0"));
            long keys = sync.dbsize();
            Integer hot = null, median = null;
            if (policy.endsWith("lfu")) {
                hot = sync.exists(key(1)) == 1 ? sync.objectFreq(key(1)).intValue() : 0;
                int[] freqs = new int[101];
                for (int i = 0; i < freqs.length; i++) freqs[i] = sync.objectFreq(sync.randomkey()).intValue();
                Arrays.sort(freqs);
                median = freqs[50];
            }
            Result r = new Result(policy, universe, cacheKeys, requests, exponent, maxmemory, perKey, measured, hits,
                    round(hits / (double) measured), round(ideal(universe, cacheKeys, exponent)), evicted, keys, hot,
                    median, (System.nanoTime() - started) / 1_000_000);
            log.info("lab eviction: {}", r);
            return r;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the scratch engine failed: " + e.getMessage(), e);
        } finally {
            client.shutdown();
            engine.close();
        }
    }

    /** The share of requests the cacheKeys most popular ids get: what a cache holding exactly them would hit. */
    static double ideal(long universe, int cacheKeys, double exponent) {
        double top = 0, all = 0;
        for (long k = 1; k <= universe; k++) {
            double p = Math.pow(k, -exponent);
            all += p;
            if (k <= cacheKeys) top += p;
        }
        return top / all;
    }

    private static String key(int id) {
        return "row:" + id;
    }

    private static long usedMemory(String info) {
        return Long.parseLong(parse(info).getProperty("used_memory"));
    }

    private static Properties parse(String info) {
        Properties p = new Properties();
        info.lines().filter(l -> l.contains(":") && !l.startsWith("#"))
                .forEach(l -> p.setProperty(l.substring(0, l.indexOf(':')), l.substring(l.indexOf(':') + 1).trim()));
        return p;
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
