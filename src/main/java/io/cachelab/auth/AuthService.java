package io.cachelab.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ResponseStatusException;

import java.security.SecureRandom;
import java.time.Duration;

/**
 * Phone + one-time code login, Redis's seed use case: the code is a string key with a 2-minute TTL
 * (Redis forgets it, no cleanup job), wrong guesses are an INCR counter whose TTL is set by the first
 * wrong guess (a fixed 10-minute window, so guessing cannot extend it), and the session is a hash
 * (see {@link SessionStore}). The counter is checked before the code, so after the limit even the
 * right code is refused until the window ends: otherwise the limit would not stop a brute force.
 */
@Service
class AuthService {
    static final String CODE_PREFIX = "cachelab:auth:code:";
    static final String WRONG_PREFIX = "cachelab:auth:wrong:";
    private static final Logger log = LoggerFactory.getLogger(AuthService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StringRedisTemplate redis;
    private final AppUserMapper users;
    private final SessionStore sessions;
    private final AuthProperties props;

    AuthService(StringRedisTemplate redis, AppUserMapper users, SessionStore sessions, AuthProperties props) {
        this.redis = redis;
        this.users = users;
        this.sessions = sessions;
        this.props = props;
    }

    record Code(String phone, long expiresInSeconds, String code) {
    }

    record Session(String token, long expiresInSeconds) {
    }

    Code sendCode(String phone) {
        String code = String.format("%06d", RANDOM.nextInt(1_000_000));
        redis.opsForValue().set(CODE_PREFIX + phone, code, props.codeTtl());
        // stands in for the SMS gateway; the code itself is never logged
        log.info("login code issued for phone {}", mask(phone));
        return new Code(phone, props.codeTtl().toSeconds(), props.exposeCode() ? code : null);
    }

    Session login(String phone, String code) {
        String wrongKey = WRONG_PREFIX + phone;
        String wrong = redis.opsForValue().get(wrongKey);
        if (wrong != null && Long.parseLong(wrong) >= props.maxWrongCodes()) {
            Long ttl = redis.getExpire(wrongKey);
            throw new ResponseStatusException(HttpStatus.TOO_MANY_REQUESTS, "too many wrong codes for this phone; "
                    + "try again in " + (ttl == null || ttl < 0 ? props.wrongCodeWindow().toSeconds() : ttl) + " s");
        }
        String expected = redis.opsForValue().get(CODE_PREFIX + phone);
        if (expected == null || !expected.equals(code)) {
            countWrongCode(wrongKey);
            throw new ResponseStatusException(HttpStatus.UNAUTHORIZED,
                    expected == null ? "no valid code for this phone (expired or never sent)" : "wrong code");
        }
        // one use only: a code that logged in once cannot log in again
        redis.delete(CODE_PREFIX + phone);
        redis.delete(wrongKey);
        AuthUser user = findOrCreate(phone);
        String token = sessions.create(user);
        log.info("user {} logged in as {}", user.id(), user.role());
        return new Session(token, sessions.ttl().toSeconds());
    }

    void logout(String token) {
        sessions.delete(token);
    }

    private void countWrongCode(String wrongKey) {
        Long n = redis.opsForValue().increment(wrongKey);
        if (n != null && n == 1) redis.expire(wrongKey, props.wrongCodeWindow());
        else if (redis.getExpire(wrongKey) == -1) redis.expire(wrongKey, props.wrongCodeWindow()); // lost EXPIRE
    }

    private AuthUser findOrCreate(String phone) {
        AppUser row = users.findByPhone(phone);
        if (row == null) {
            try {
                row = new AppUser(phone, "user" + phone.substring(phone.length() - 4), "USER");
                users.insert(row);
            } catch (DuplicateKeyException raced) {
                row = users.findByPhone(phone); // another login of the same phone created it first
            }
        }
        AuthUser.Role role = props.adminPhones().contains(phone) || "ADMIN".equals(row.getRole())
                ? AuthUser.Role.ADMIN : AuthUser.Role.USER;
        return new AuthUser(row.getId(), phone, role);
    }

    static String mask(String phone) {
        return phone.length() <= 4 ? "****" : "*".repeat(phone.length() - 4) + phone.substring(phone.length() - 4);
    }

    Duration codeTtl() {
        return props.codeTtl();
    }
}
