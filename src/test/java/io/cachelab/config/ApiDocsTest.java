package io.cachelab.config;

import io.cachelab.support.ApiClient;
import io.cachelab.support.AppTestBase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document over real HTTP: who the API is (name and the build's version), the bearer
 * scheme behind Swagger UI's Authorize button, the access every operation documents checked against
 * what the server does with anonymous, user and admin callers, and request examples the API accepts.
 */
class ApiDocsTest extends AppTestBase {
    private static final AtomicLong PHONES = new AtomicLong(13700000000L);

    JsonNode doc() {
        ApiClient.Response r = api.get("/v3/api-docs");
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    @Test
    void infoNamesTheServiceItsBuildVersionAndWhereToReadOn() throws Exception {
        JsonNode info = doc().get("info");
        assertThat(info.get("title").asString()).isEqualTo("CacheLab");
        assertThat(info.get("version").asString()).isEqualTo(pomVersion());
        String description = info.get("description").asString();
        assertThat(description)
                .startsWith("Redis caching patterns in Java, measured, with an embedded Redis-compatible engine\n")
                .contains("`POST /api/auth/code` with `{\"phone\":\"13800000000\"}`")
                .contains("**Authorize**")
                .contains("`README.md`").contains("`docs/walkthroughs/`");
        // the project has no licence file and names no contact: the document invents neither
        assertThat(Files.exists(Path.of("LICENSE"))).isFalse();
        assertThat(info.has("license")).isFalse();
        assertThat(info.has("contact")).isFalse();
    }

    /** The project's own version, read from pom.xml (the first version after the artifactId). */
    static String pomVersion() throws Exception {
        Matcher m = Pattern.compile("<artifactId>cachelab</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    void declaresTheBearerScheme() {
        JsonNode scheme = doc().get("components").get("securitySchemes").get("bearerAuth");
        assertThat(scheme.get("type").asString()).isEqualTo("http");
        assertThat(scheme.get("scheme").asString()).isEqualTo("bearer");
    }

    @Test
    void operationsNameTheRoleTheyNeed() {
        JsonNode paths = doc().get("paths");
        JsonNode create = paths.get("/api/admin/coupons").get("post");
        assertThat(create.get("security").toString()).isEqualTo("[{\"bearerAuth\":[]}]");
        assertThat(create.get("x-required-role").asString()).isEqualTo("ADMIN");
        assertThat(create.get("description").asString())
                .startsWith("**Requires role ADMIN** (a bearer token of an admin phone).");
        assertThat(names(create.get("responses"))).containsExactly("201", "400", "401", "403");

        JsonNode claim = paths.get("/api/coupons/{id}/claims").get("post");
        assertThat(claim.get("security").toString()).isEqualTo("[{\"bearerAuth\":[]}]");
        assertThat(claim.get("x-required-role").asString()).isEqualTo("USER");
        // 202, what the server answers (the document said 200 while the controller returned a typed body),
        // and the refusals it answers with a problem detail
        assertThat(names(claim.get("responses"))).containsExactly("202", "409", "429", "400", "401");
        assertThat(claim.at("/responses/202/content/application~1json/schema/$ref").asString()).endsWith("/Accepted");
        assertThat(claim.at("/responses/409/content/application~1problem+json/schema/$ref").asString())
                .endsWith("/ProblemDetail");
        assertThat(claim.at("/responses/429/content/application~1problem+json/schema/$ref").asString())
                .endsWith("/ProblemDetail");

        JsonNode page = paths.get("/api/articles").get("get");
        assertThat(page.has("security")).isFalse();
        assertThat(page.has("x-required-role")).isFalse();
        assertThat(names(page.get("responses"))).containsExactly("200", "400");
    }

    /**
     * Every operation of the document, called for real: one that documents no role answers an
     * anonymous caller (with a 0 id and no body, so nothing changes), one that documents a role
     * refuses anonymous callers with 401, one that needs ADMIN refuses a user with 403, and one
     * that needs a user lets a user through.
     */
    @Test
    void everyOperationDocumentsTheAccessTheServerEnforces() {
        JsonNode paths = doc().get("paths");
        List<String> checked = new ArrayList<>();
        String userToken = newUser();
        for (String path : names(paths)) {
            for (String method : names(paths.get(path))) {
                JsonNode op = paths.get(path).get(method);
                String url = path.replaceAll("\\{[^}]+}", "0");
                String verb = method.toUpperCase();
                String role = op.has("x-required-role") ? op.get("x-required-role").asString() : "none";
                assertThat(op.has("security")).as("%s %s: security iff a role", verb, path).isEqualTo(!role.equals("none"));
                assertThat(ApiAccessRules.accessFor(org.springframework.http.HttpMethod.valueOf(verb), path).name())
                        .isEqualTo(role.equals("none") ? "PUBLIC" : role);
                int anonymous = api.send(verb, url, null, null).status();
                switch (role) {
                    case "none" -> assertThat(anonymous).as("%s %s anonymous", verb, url).isNotIn(401, 403);
                    case "USER" -> {
                        assertThat(anonymous).as("%s %s anonymous", verb, url).isEqualTo(401);
                        // a fresh user each time: one of these operations is logout
                        assertThat(api.send(verb, url, null, newUser()).status()).as("%s %s as a user", verb, url)
                                .isNotIn(401, 403);
                    }
                    case "ADMIN" -> {
                        assertThat(anonymous).as("%s %s anonymous", verb, url).isEqualTo(401);
                        assertThat(api.send(verb, url, null, userToken).status()).as("%s %s as a user", verb, url)
                                .isEqualTo(403);
                    }
                    default -> throw new AssertionError(verb + " " + path + ": unknown role " + role);
                }
                checked.add(verb + " " + path + " " + role);
            }
        }
        assertThat(checked).hasSize(43)
                .contains("GET /api/ping none", "GET /api/ping/user USER", "POST /api/auth/code none", "GET /api/auth/me USER", "POST /api/auth/logout USER",
                        "GET /api/articles/{id} none", "PUT /api/articles/{id} ADMIN", "POST /api/articles/{id}/views none",
                        "POST /api/articles/{id}/likes USER", "PUT /api/coupons/{id}/stock ADMIN",
                        "GET /api/claims/{claimId} USER", "POST /api/lab/breakdown ADMIN",
                        "PUT /api/users/me/following/{id} USER", "GET /api/users/{id}/common-following none",
                        "POST /api/users/me/sign-ins USER");
    }

    /** The coupon example of the document, posted as it stands: the window's instants are accepted. */
    @Test
    void requestExamplesAreAccepted() {
        JsonNode schemas = doc().get("components").get("schemas");
        ObjectNode coupon = example(schemas.get("NewCouponRequest"));
        assertThat(coupon.toString()).isEqualTo("{\"title\":\"Weekend 10% off\",\"stock\":100,"
                + "\"beginAt\":\"2026-01-01T00:00:00Z\",\"endAt\":\"2036-01-01T00:00:00Z\"}");
        String admin = api.loginAdmin();
        ApiClient.Response created = api.post("/api/admin/coupons", coupon.toString(), admin);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("beginAt").asString()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(created.json().get("endAt").asString()).isEqualTo("2036-01-01T00:00:00Z");
        assertThat(created.json().get("stock").asInt()).isEqualTo(100);

        // the offset form the description mentions is the same instant
        ApiClient.Response offset = api.post("/api/admin/coupons", Map.of("title", "offset", "stock", 1,
                "beginAt", "2026-01-01T08:00:00+08:00", "endAt", "2036-01-01T00:00:00Z"), admin);
        assertThat(offset.status()).isEqualTo(201);
        assertThat(offset.json().get("beginAt").asString()).isEqualTo("2026-01-01T00:00:00Z");

        ObjectNode article = example(schemas.get("ArticleRequest"));
        ApiClient.Response written = api.post("/api/articles", article.toString(), admin);
        assertThat(written.status()).as(written.body()).isEqualTo(201);
        assertThat(written.json().get("title").asString()).isEqualTo("Cache-aside in five lines");

        ObjectNode code = example(schemas.get("CodeRequest"));
        assertThat(code.toString()).isEqualTo("{\"phone\":\"13800000000\"}");
        assertThat(api.post("/api/auth/code", code.toString(), null).status()).isEqualTo(200);
    }

    /** A body made of each property's example, in the schema's order. */
    static ObjectNode example(JsonNode schema) {
        ObjectNode body = JsonMapper.builder().build().createObjectNode();
        JsonNode properties = schema.get("properties");
        for (String name : names(properties)) {
            assertThat(properties.get(name).has("example")).as("example of %s", name).isTrue();
            body.set(name, properties.get(name).get("example"));
        }
        return body;
    }

    static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.propertyNames().forEach(names::add);
        return names;
    }

    String newUser() {
        return api.login(Long.toString(PHONES.incrementAndGet()));
    }
}
