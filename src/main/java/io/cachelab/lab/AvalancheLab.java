package io.cachelab.lab;

import io.cachelab.cache.TtlPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisStringCommands;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.core.types.Expiration;
import org.springframework.stereotype.Service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Cache avalanche, measured: N keys written at once through the one TTL policy (base ± jitter), then
 * each key's absolute expiry asked back from Redis (PEXPIRETIME, in a script per chunk) and counted per second. What is
 * reported is what Redis holds, not what the policy meant to do. The keys are removed afterwards.
 * Pipelined in chunks, so 100,000 keys cost a few round trips, not 200,000.
 */
@Service
class AvalancheLab {
    static final int MAX_KEYS = 200_000;
    private static final int CHUNK = 5_000;
    private static final Logger log = LoggerFactory.getLogger(AvalancheLab.class);

    /** Every key comes in through KEYS; the run's hash tag keeps them in one slot. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final RedisScript<List<Long>> EXPIRE_TIMES = new DefaultRedisScript<>(
            "local r = {} for i, k in ipairs(KEYS) do r[i] = redis.call('pexpiretime', k) end return r", (Class) List.class);

    private final StringRedisTemplate redis;

    AvalancheLab(StringRedisTemplate redis) {
        this.redis = redis;
    }

    /**
     * Seconds are counted from the first expiry ({@code expiriesPerSecond} 0 is the second starting at
     * the earliest expiry), so keys that all expire within one second fall in one bucket even when the
     * writes straddled a wall-clock second; {@code spanMs} is the first-to-last distance.
     */
    record Result(int keys, long ttlSeconds, long jitterSeconds, long firstExpiryInSeconds, long spanMs, int seconds,
                  int peakCount, long peakSecond, double meanPerSecond, double peakToMean,
                  TreeMap<Long, Integer> expiriesPerSecond) {
    }

    Result run(int keys, long ttlSeconds, long jitterSeconds) {
        TtlPolicy ttl = new TtlPolicy(Duration.ofSeconds(ttlSeconds), Duration.ofSeconds(jitterSeconds), Duration.ofSeconds(1));
        String prefix = "cachelab:lab:avalanche:{" + UUID.randomUUID() + "}:";
        byte[] value = "v".getBytes(StandardCharsets.UTF_8);
        long[] expiry = new long[keys];
        long written = System.currentTimeMillis();
        try {
            for (int from = 0; from < keys; from += CHUNK) {
                int to = Math.min(keys, from + CHUNK), start = from;
                redis.executePipelined((RedisCallback<Object>) c -> {
                    for (int i = start; i < to; i++)
                        c.stringCommands().set(key(prefix, i), value, Expiration.milliseconds(ttl.nextValueTtlMillis()),
                                RedisStringCommands.SetOption.upsert());
                    return null;
                });
            }
            long wrote = System.currentTimeMillis();
            log.info("avalanche lab: wrote {} keys in {} ms", keys, wrote - written);
            for (int from = 0; from < keys; from += CHUNK) {
                List<String> chunk = new ArrayList<>(CHUNK);
                for (int i = from; i < Math.min(keys, from + CHUNK); i++) chunk.add(prefix + i);
                List<Long> expiries = redis.execute(EXPIRE_TIMES, chunk);
                for (int i = 0; i < expiries.size(); i++) expiry[from + i] = expiries.get(i);
            }
            log.info("avalanche lab: read {} expiry times in {} ms", keys, System.currentTimeMillis() - wrote);
        } finally {
            for (int from = 0; from < keys; from += CHUNK) {
                int to = Math.min(keys, from + CHUNK), start = from;
                redis.executePipelined((RedisCallback<Object>) c -> {
                    for (int i = start; i < to; i++) c.keyCommands().unlink(key(prefix, i));
                    return null;
                });
            }
        }
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
        for (long e : expiry) {
            first = Math.min(first, e);
            last = Math.max(last, e);
        }
        TreeMap<Long, Integer> perSecond = new TreeMap<>();
        for (long e : expiry) perSecond.merge((e - first) / 1000, 1, Integer::sum);
        int seconds = (int) ((last - first) / 1000 + 1);
        var peak = perSecond.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow();
        double mean = keys / (double) seconds;
        Result r = new Result(keys, ttlSeconds, jitterSeconds, (first - written) / 1000, last - first, seconds, peak.getValue(), peak.getKey(),
                Math.round(mean * 100) / 100.0, Math.round(peak.getValue() / mean * 100) / 100.0, perSecond);
        log.info("lab avalanche: {} keys, ttl {} s ± {} s → {} seconds, peak {} at +{} s ({}x the mean)",
                keys, ttlSeconds, jitterSeconds, seconds, r.peakCount(), r.peakSecond(), r.peakToMean());
        return r;
    }

    private static byte[] key(String prefix, int i) {
        return (prefix + i).getBytes(StandardCharsets.UTF_8);
    }
}
