package io.cachelab.lab;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Service;

import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the dashboard's live panel shows, read from one INFO of the server the service uses (the
 * embedded engine, or a real Redis): throughput, memory, keys, the keyspace hit ratio, clients, and
 * keys expired and evicted since the server started.
 */
@Service
class EngineStats {
    private static final Pattern KEYS = Pattern.compile("keys=(\\d+)");

    private final StringRedisTemplate redis;

    EngineStats(StringRedisTemplate redis) {
        this.redis = redis;
    }

    /** {@code hitRatio} is keyspace_hits / (hits + misses), null before the first lookup. */
    record Snapshot(String server, String version, long uptimeSeconds, long opsPerSecond, long usedMemory,
                    String usedMemoryHuman, long maxmemory, String maxmemoryPolicy, long keys, long keyspaceHits,
                    long keyspaceMisses, Double hitRatio, long connectedClients, long expiredKeys, long evictedKeys,
                    long totalCommands) {
    }

    Snapshot read() {
        Properties info = redis.execute((RedisCallback<Properties>) c -> c.serverCommands().info());
        if (info == null) throw new IllegalStateException("INFO answered nothing");
        long keys = 0;
        for (String name : info.stringPropertyNames()) {
            if (name.matches("db\\d+")) {
                Matcher m = KEYS.matcher(info.getProperty(name));
                if (m.find()) keys += Long.parseLong(m.group(1));
            }
        }
        long hits = number(info, "keyspace_hits"), misses = number(info, "keyspace_misses");
        Double ratio = hits + misses == 0 ? null : Math.round(hits * 10_000.0 / (hits + misses)) / 10_000.0;
        return new Snapshot(info.getProperty("executable", "redis-server").replaceAll(".*/", ""),
                info.getProperty("redis_version"), number(info, "uptime_in_seconds"),
                number(info, "instantaneous_ops_per_sec"), number(info, "used_memory"),
                info.getProperty("used_memory_human"), number(info, "maxmemory"), info.getProperty("maxmemory_policy"),
                keys, hits, misses, ratio, number(info, "connected_clients"), number(info, "expired_keys"),
                number(info, "evicted_keys"), number(info, "total_commands_processed"));
    }

    private static long number(Properties info, String name) {
        String v = info.getProperty(name);
        return v == null || v.isBlank() ? 0 : Long.parseLong(v.trim());
    }
}
