package io.cachelab.ping;

import io.cachelab.support.ApiClient;
import io.cachelab.support.AppTestBase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmarks' floor: the same chain as every API call, then nothing. */
class PingApiTest extends AppTestBase {

    @Test
    void anonymousPingAnswersPongAsText() {
        ApiClient.Response r = api.get("/api/ping");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("pong");
        assertThat(r.header("Content-Type")).startsWith("text/plain");
    }

    @Test
    void theUserPingNeedsATokenAndNamesItsUser() {
        assertThat(api.get("/api/ping/user").status()).isEqualTo(401);
        assertThat(api.get("/api/ping/user", "not-a-session").status()).isEqualTo(401);
        String token = api.login("13911112222");
        long id = api.get("/api/auth/me", token).json().get("id").asLong();
        ApiClient.Response r = api.get("/api/ping/user", token);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("pong " + id);
    }
}
