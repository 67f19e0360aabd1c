package io.cachelab.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sessions as Redis hashes {@code cachelab:session:<token>} with a sliding TTL: an idle session ends
 * after the TTL and an active one never does. A hash rather than a JSON string so one field (the role)
 * can change without rewriting the whole session. Tokens are 128 random bits; nothing about the user
 * can be read from one.
 *
 * <p>Every authenticated request needs its session, so the lookup is kept off the round-trip budget:
 * one script reads the hash and slides its TTL (one round trip, not HGETALL then PEXPIRE), and its
 * answer is kept locally for {@code local-ttl} (5 s by default), so a busy user costs one lookup per
 * 5 s per instance and the TTL still slides. A logout deletes the hash and announces the token on
 * {@link #ENDED_CHANNEL}, which every instance hears and drops from its local copy; the local TTL
 * bounds what a lost message can cost (a role change, too, reaches instances within it).
 */
@Component
public class SessionStore implements MessageListener {
    static final String PREFIX = "cachelab:session:";
    /** Channel on which an ended session's token is announced to every instance. */
    static final String ENDED_CHANNEL = "cachelab:session:ended";
    private static final SecureRandom RANDOM = new SecureRandom();
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> TOUCH = RedisScript.of(
            "local f = redis.call('HGETALL', KEYS[1]) "
                    + "if #f > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
                    + "return f", List.class);

    private final StringRedisTemplate redis;
    private final Duration ttl;
    private final Cache<String, AuthUser> recent;

    SessionStore(StringRedisTemplate redis, AuthProperties props) {
        this.redis = redis;
        this.ttl = props.sessionTtl();
        this.recent = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(props.sessionLocalTtl()).build();
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
        AuthUser known = recent.getIfPresent(token);
        if (known != null) return Optional.of(known);
        List<?> fields = redis.execute(TOUCH, List.of(PREFIX + token), Long.toString(ttl.toMillis()));
        if (fields == null || fields.isEmpty()) return Optional.empty();
        AuthUser user = user(fields);
        recent.put(token, user);
        return Optional.of(user);
    }

    /** HGETALL's flat answer, field, value, field, value, ... */
    private static AuthUser user(List<?> flat) {
        String id = null, phone = null, role = null;
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            String value = String.valueOf(flat.get(i + 1));
            switch (String.valueOf(flat.get(i))) {
                case "id" -> id = value;
                case "phone" -> phone = value;
                case "role" -> role = value;
                default -> { }
            }
        }
        if (id == null || role == null) throw new IllegalStateException("session hash without id or role: " + flat);
        return new AuthUser(Long.parseLong(id), phone, AuthUser.Role.valueOf(role));
    }

    void delete(String token) {
        redis.delete(PREFIX + token);
        recent.invalidate(token);
        redis.convertAndSend(ENDED_CHANNEL, token);
    }

    /** Another instance (or this one) ended a session: forget the local copy. */
    @Override
    public void onMessage(Message message, byte[] pattern) {
        recent.invalidate(new String(message.getBody(), StandardCharsets.UTF_8));
    }

    boolean locallyKnown(String token) {
        return recent.getIfPresent(token) != null;
    }

    Duration ttl() {
        return ttl;
    }
}
