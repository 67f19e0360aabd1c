package io.cachelab.auth;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Sessions as Redis hashes {@code cachelab:session:<token>} with a sliding TTL: every authenticated
 * request pushes the expiry forward, so an idle session ends after the TTL and an active one never
 * does. A hash rather than a JSON string so one field (the role) can change without rewriting the
 * whole session. Tokens are 128 random bits; nothing about the user can be read from one.
 */
@Component
public class SessionStore {
    static final String PREFIX = "cachelab:session:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StringRedisTemplate redis;
    private final Duration ttl;

    SessionStore(StringRedisTemplate redis, AuthProperties props) {
        this.redis = redis;
        this.ttl = props.sessionTtl();
    }

    String create(AuthUser user) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        String key = PREFIX + token;
        redis.opsForHash().putAll(key, Map.of(
                "id", Long.toString(user.id()), "phone", user.phone(), "role", user.role().name()));
        redis.expire(key, ttl);
        return token;
    }

    /** The session's user, sliding its TTL; empty for an unknown or expired token. */
    public Optional<AuthUser> touch(String token) {
        if (token.isEmpty() || token.length() > 64) return Optional.empty();
        String key = PREFIX + token;
        Map<Object, Object> fields = redis.opsForHash().entries(key);
        if (fields.isEmpty()) return Optional.empty();
        redis.expire(key, ttl);
        return Optional.of(new AuthUser(Long.parseLong((String) fields.get("id")), (String) fields.get("phone"),
                AuthUser.Role.valueOf((String) fields.get("role"))));
    }

    void delete(String token) {
        redis.delete(PREFIX + token);
    }

    Duration ttl() {
        return ttl;
    }
}
