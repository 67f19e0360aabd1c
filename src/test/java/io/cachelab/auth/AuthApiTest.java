package io.cachelab.auth;

import io.cachelab.support.ApiClient;
import io.cachelab.support.AppTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Identity over real HTTP against the embedded engine: codes, counters, sessions and the access rules. */
class AuthApiTest extends AppTestBase {
    private static final AtomicLong PHONES = new AtomicLong(13900000000L);

    @Autowired
    StringRedisTemplate redis;
    @Autowired
    SessionStore sessions;

    static String newPhone() {
        return Long.toString(PHONES.incrementAndGet());
    }

    @Test
    void codeIsStoredWithATwoMinuteTtlAndLogsInOnce() {
        String phone = newPhone();
        ApiClient.Response code = api.post("/api/auth/code", Map.of("phone", phone), null);
        assertThat(code.status()).isEqualTo(200);
        assertThat(code.json().get("phone").asString()).isEqualTo(phone);
        assertThat(code.json().get("expiresInSeconds").asLong()).isEqualTo(120);
        String value = code.json().get("code").asString();
        assertThat(value).matches("\\d{6}");
        assertThat(redis.opsForValue().get("cachelab:auth:code:" + phone)).isEqualTo(value);
        assertThat(redis.getExpire("cachelab:auth:code:" + phone)).isBetween(115L, 120L);

        ApiClient.Response login = api.post("/api/auth/login", Map.of("phone", phone, "code", value), null);
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.json().get("expiresInSeconds").asLong()).isEqualTo(1800);
        String token = login.json().get("token").asString();
        assertThat(redis.opsForHash().get("cachelab:session:" + token, "phone")).isEqualTo(phone);

        ApiClient.Response me = api.get("/api/auth/me", token);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("role").asString()).isEqualTo("USER");
        assertThat(me.json().get("id").asLong()).isPositive();

        // the code was used up
        ApiClient.Response again = api.post("/api/auth/login", Map.of("phone", phone, "code", value), null);
        assertThat(again.status()).isEqualTo(401);
    }

    @Test
    void sessionTtlSlidesOnEveryAuthenticatedRequest() {
        String token = api.login(newPhone());
        String key = "cachelab:session:" + token;
        redis.expire(key, java.time.Duration.ofSeconds(100));
        assertThat(api.get("/api/auth/me", token).status()).isEqualTo(200);
        assertThat(redis.getExpire(key)).isBetween(1795L, 1800L);
    }

    @Test
    void fiveWrongCodesGive401ThenEvenTheRightCodeGets429() {
        String phone = newPhone();
        String right = api.post("/api/auth/code", Map.of("phone", phone), null).json().get("code").asString();
        String wrong = right.equals("000000") ? "111111" : "000000";
        for (int i = 1; i <= 5; i++) {
            ApiClient.Response r = api.post("/api/auth/login", Map.of("phone", phone, "code", wrong), null);
            assertThat(r.status()).as("wrong code %d", i).isEqualTo(401);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(redis.opsForValue().get("cachelab:auth:wrong:" + phone)).isEqualTo("5");
        assertThat(redis.getExpire("cachelab:auth:wrong:" + phone)).isBetween(595L, 600L);
        ApiClient.Response blocked = api.post("/api/auth/login", Map.of("phone", phone, "code", right), null);
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.json().get("detail").asString()).contains("too many wrong codes");
    }

    @Test
    void adminPhonesGetAdmin() {
        String token = api.loginAdmin();
        assertThat(api.get("/api/auth/me", token).json().get("role").asString()).isEqualTo("ADMIN");
    }

    @Test
    void missingUnknownAndExpiredTokensAre401() {
        ApiClient.Response none = api.get("/api/auth/me");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("status").asInt()).isEqualTo(401);

        assertThat(api.get("/api/auth/me", "deadbeef").status()).isEqualTo(401);

        String token = api.login(newPhone());
        redis.delete("cachelab:session:" + token); // what the TTL does after 30 idle minutes
        ApiClient.Response expired = api.get("/api/auth/me", token);
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.json().get("detail").asString()).contains("expired");
    }

    /**
     * An instance keeps a session it looked up for session-local-ttl (5 s): a second request costs no
     * round trip (the TTL is not slid again), and a logout ends it at once all the same.
     */
    @Test
    void aLookedUpSessionIsKeptLocallyAndALogoutStillEndsItAtOnce() {
        String token = api.login(newPhone());
        String key = "cachelab:session:" + token;
        assertThat(api.get("/api/ping/user", token).status()).isEqualTo(200);
        assertThat(sessions.locallyKnown(token)).isTrue();
        redis.expire(key, java.time.Duration.ofSeconds(100));
        assertThat(api.get("/api/ping/user", token).status()).isEqualTo(200);
        assertThat(redis.getExpire(key)).as("served from the local copy, Redis not asked").isBetween(95L, 100L);
        assertThat(api.post("/api/auth/logout", null, token).status()).isEqualTo(204);
        assertThat(sessions.locallyKnown(token)).isFalse();
        assertThat(redis.hasKey(key)).isFalse();
        assertThat(api.get("/api/ping/user", token).status()).isEqualTo(401);
    }

    @Test
    void logoutEndsTheSession() {
        String token = api.login(newPhone());
        assertThat(api.post("/api/auth/logout", null, token).status()).isEqualTo(204);
        assertThat(api.get("/api/auth/me", token).status()).isEqualTo(401);
    }

    @Test
    void usersGet403OnAdminRoutesAnonymousGet401() {
        String user = api.login(newPhone());
        ApiClient.Response forbidden = api.post("/api/admin/articles/generate?count=1", null, user);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.header("Content-Type")).startsWith("application/problem+json");
        assertThat(api.post("/api/lab/breakdown", Map.of(), user).status()).isEqualTo(403);
        assertThat(api.post("/api/lab/breakdown", Map.of(), null).status()).isEqualTo(401);
    }

    @Test
    void malformedPhonesAndOversizedBodiesAre400() {
        ApiClient.Response bad = api.post("/api/auth/code", Map.of("phone", "abc"), null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.header("Content-Type")).startsWith("application/problem+json");
        ApiClient.Response broken = api.post("/api/auth/code", "{\"phone\": ", null);
        assertThat(broken.status()).isEqualTo(400);
        ApiClient.Response huge = api.post("/api/auth/code", "{\"phone\":\"" + "1".repeat(100_000) + "\"}", null);
        assertThat(huge.status()).isEqualTo(400);
        assertThat(huge.json().get("detail").asString()).contains("exceeds the limit");
    }

    @Test
    void healthAndPrometheusArePublic() {
        assertThat(api.get("/actuator/health").status()).isEqualTo(200);
        assertThat(api.get("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(api.get("/actuator/metrics").status()).isEqualTo(401);
    }
}
