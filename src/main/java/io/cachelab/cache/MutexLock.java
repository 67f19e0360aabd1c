package io.cachelab.cache;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

import java.time.Duration;
import java.util.UUID;

/**
 * A Redis lock on {@code lock:<cache key>}: SET NX PX with a random owner token, so the lease is
 * bounded (a crashed holder cannot block the key forever), and release by compare-and-delete in one
 * Lua script, so a holder whose lease ran out cannot delete the lock a successor now holds (the bug of
 * a plain DEL). The key travels in KEYS, never built inside the script, to stay cluster-safe.
 */
final class MutexLock {
    private static final String RELEASE =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private final RedisClusterCommands<String, String> redis;

    MutexLock(RedisClusterCommands<String, String> redis) {
        this.redis = redis;
    }

    static String lockKey(String cacheKey) {
        return "lock:" + cacheKey;
    }

    /** The owner token if acquired, else null. */
    String tryAcquire(String cacheKey, Duration lease) {
        String token = UUID.randomUUID().toString();
        String ok = redis.set(lockKey(cacheKey), token, SetArgs.Builder.nx().px(lease.toMillis()));
        return "OK".equals(ok) ? token : null;
    }

    /** True when this token still owned the lock and it was removed. */
    boolean release(String cacheKey, String token) {
        Long n = redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {lockKey(cacheKey)}, token);
        return n != null && n == 1L;
    }
}
