package io.cachelab.config;

import io.cachelab.support.ApiClient;
import io.cachelab.support.AppTestBase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/health} for anonymous callers (the compose and image healthchecks): the status
 * and each component's status, nothing else; the details (disk path and space, database, engine
 * port) only with an ADMIN token.
 */
class HealthExposureTest extends AppTestBase {
    static final List<String> COMPONENTS =
            List.of("db", "diskSpace", "engine", "livenessState", "ping", "readinessState", "redis", "ssl");

    @Test
    void anonymousCallersGetStatusesWithoutDetails() {
        ApiClient.Response r = api.get("/actuator/health");
        assertThat(r.status()).isEqualTo(200);
        JsonNode health = r.json();
        assertThat(names(health)).containsExactly("components", "groups", "status");
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(names(health.get("components"))).containsExactlyElementsOf(COMPONENTS);
        for (String c : COMPONENTS) {
            assertThat(health.get("components").get(c).toString()).as(c).isEqualTo("{\"status\":\"UP\"}");
        }
        assertThat(r.body()).doesNotContain("details", "free", "path");

        ApiClient.Response engine = api.get("/actuator/health/engine");
        assertThat(engine.status()).isEqualTo(200);
        assertThat(engine.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void aUserIsAnonymousHereButAnAdminGetsTheDetails() {
        ApiClient.Response user = api.get("/actuator/health", api.login("13600000001"));
        assertThat(user.status()).isEqualTo(200);
        assertThat(user.body()).doesNotContain("details");

        ApiClient.Response admin = api.get("/actuator/health", api.loginAdmin());
        assertThat(admin.status()).isEqualTo(200);
        JsonNode components = admin.json().get("components");
        assertThat(components.get("diskSpace").get("details").get("path").asString()).isNotEmpty();
        assertThat(components.get("diskSpace").get("details").get("free").asLong()).isPositive();
        assertThat(components.get("db").get("details").get("database").asString()).isEqualTo("H2");
        assertThat(components.get("engine").get("details").get("port").asInt()).isEqualTo(enginePort());
        assertThat(components.get("engine").get("details").get("mode").asString()).isEqualTo("embedded");
    }

    static List<String> names(JsonNode object) {
        return new ArrayList<>(object.propertyNames());
    }
}
