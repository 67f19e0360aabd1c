package io.cachelab.config;

import io.cachelab.support.ApiClient;
import io.cachelab.support.AppTestBase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input over real HTTP: every 400 is a problem detail whose {@code errors} name each field or
 * parameter, where it was, the rule it broke and why, for validated parameters, validated bodies,
 * parameters of the wrong type, missing parameters, and bodies Jackson cannot read; and none of them
 * repeats what the client sent.
 */
class ProblemDetailsTest extends AppTestBase {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    static void assertProblem(ApiClient.Response r, String instance, String detail, String errors) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        JsonNode body = r.json();
        assertThat(body.get("status").asInt()).isEqualTo(400);
        assertThat(body.get("title").asString()).isEqualTo("Bad Request");
        assertThat(body.get("instance").asString()).isEqualTo(instance);
        assertThat(body.get("detail").asString()).isEqualTo(detail);
        assertThat(body.get("errors")).isEqualTo(json(errors));
    }

    @Test
    void parametersOutOfRangeNameEachParameterAndItsRule() {
        assertProblem(api.get("/api/articles?page=-1&size=100000"), "/api/articles",
                "invalid input: page: must be greater than or equal to 1; size: must be less than or equal to 100",
                """
                [{"field":"page","in":"query","rule":"Min(1)","message":"must be greater than or equal to 1"},
                 {"field":"size","in":"query","rule":"Max(100)","message":"must be less than or equal to 100"}]""");
        assertProblem(api.get("/api/articles/0"), "/api/articles/0", "invalid input: id: must be greater than 0",
                "[{\"field\":\"id\",\"in\":\"path\",\"rule\":\"Positive\",\"message\":\"must be greater than 0\"}]");
    }

    @Test
    void parametersOfTheWrongTypeAndMissingOnesAreNamed() {
        assertProblem(api.get("/api/articles?page=abc"), "/api/articles", "invalid input: page: is not a whole number",
                "[{\"field\":\"page\",\"in\":\"query\",\"rule\":\"type long\",\"message\":\"is not a whole number\"}]");
        assertProblem(api.get("/api/articles/abc"), "/api/articles/abc", "invalid input: id: is not a whole number",
                "[{\"field\":\"id\",\"in\":\"path\",\"rule\":\"type long\",\"message\":\"is not a whole number\"}]");
        assertProblem(api.post("/api/admin/articles/generate", null, api.loginAdmin()), "/api/admin/articles/generate",
                "invalid input: count: is missing",
                "[{\"field\":\"count\",\"in\":\"query\",\"rule\":\"required\",\"message\":\"is missing\"}]");
    }

    @Test
    void invalidBodiesNameEachField() {
        String admin = api.loginAdmin();
        assertProblem(api.post("/api/articles", Map.of("title", "", "content", "x"), admin), "/api/articles",
                "invalid input: author: must not be blank; title: must not be blank",
                """
                [{"field":"author","in":"body","rule":"NotBlank","message":"must not be blank"},
                 {"field":"title","in":"body","rule":"NotBlank","message":"must not be blank"}]""");
        // a body and a path variable validated together (method validation): both reported
        assertProblem(api.put("/api/articles/0", Map.of("title", "t", "content", "x", "author", "a".repeat(65)), admin),
                "/api/articles/0", "invalid input: author: size must be between 0 and 64; id: must be greater than 0",
                """
                [{"field":"author","in":"body","rule":"Size(max=64)","message":"size must be between 0 and 64"},
                 {"field":"id","in":"path","rule":"Positive","message":"must be greater than 0"}]""");
    }

    @Test
    void anInstantThatIsNotIso8601IsNamed() {
        ApiClient.Response r = api.post("/api/admin/coupons",
                "{\"title\":\"t\",\"stock\":5,\"beginAt\":\"tomorrow\",\"endAt\":\"2036-01-01T00:00:00Z\"}", api.loginAdmin());
        assertProblem(r, "/api/admin/coupons",
                "invalid input: beginAt: is not an ISO-8601 instant (e.g. 2026-01-01T00:00:00Z)",
                "[{\"field\":\"beginAt\",\"in\":\"body\",\"rule\":\"ISO-8601 instant\","
                        + "\"message\":\"is not an ISO-8601 instant (e.g. 2026-01-01T00:00:00Z)\"}]");
        assertThat(r.body()).doesNotContain("tomorrow");

        assertProblem(api.post("/api/admin/coupons",
                        "{\"title\":\"t\",\"stock\":\"many\",\"beginAt\":\"2026-01-01T00:00:00Z\",\"endAt\":\"2036-01-01T00:00:00Z\"}",
                        api.loginAdmin()), "/api/admin/coupons", "invalid input: stock: is not a whole number",
                "[{\"field\":\"stock\",\"in\":\"body\",\"rule\":\"type Integer\",\"message\":\"is not a whole number\"}]");
    }

    @Test
    void brokenJsonGivesLineAndColumn() {
        assertProblem(api.post("/api/auth/login", "{\n  \"phone\": \"13800000000\",\n  \"code\": 12 34\n}", null),
                "/api/auth/login", "invalid input: body: is not valid JSON at line 3, column 14",
                "[{\"in\":\"body\",\"rule\":\"JSON syntax\",\"message\":\"is not valid JSON at line 3, column 14\","
                        + "\"line\":3,\"column\":14}]");
        assertProblem(api.post("/api/auth/login", "{\"phone\":\"13800000000\",\"code\":", null), "/api/auth/login",
                "invalid input: body: ends before the JSON is complete at line 1, column 31",
                "[{\"in\":\"body\",\"rule\":\"JSON syntax\",\"message\":\"ends before the JSON is complete at line 1, "
                        + "column 31\",\"line\":1,\"column\":31}]");
        ApiClient.Response none = api.post("/api/auth/login", "", null);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.json().get("detail").asString()).isEqualTo("the request body is missing (a JSON body is expected)");
    }

    /** A body without a declared length is cut off at the limit; the answer says so. */
    @Test
    void aChunkedBodyOverTheLimitIsNamedAsSuch() throws Exception {
        byte[] body = ("{\"phone\":\"" + "1".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/auth/code"))
                        .header("Content-Type", "application/json")
                        // an InputStream publisher has no length: the request goes chunked
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).get("detail").asString()).isEqualTo("request body exceeds the limit of 65536 bytes");
    }

    /** Login codes and tokens are secrets: a refusal names the field, never the value. */
    @Test
    void rejectedValuesAreNeverEchoed() {
        ApiClient.Response pattern = api.post("/api/auth/login", Map.of("phone", "13800000000", "code", "98x7y6"), null);
        assertProblem(pattern, "/api/auth/login", "invalid input: code: must be 6 digits",
                "[{\"field\":\"code\",\"in\":\"body\",\"rule\":\"Pattern(regexp=\\\\d{6})\",\"message\":\"must be 6 digits\"}]");
        assertThat(pattern.body()).doesNotContain("98x7y6");

        ApiClient.Response typed = api.post("/api/auth/login", "{\"phone\":\"13800000000\",\"code\":[\"s3cr3t-c0de\"]}", null);
        assertThat(typed.status()).isEqualTo(400);
        assertThat(typed.json().get("errors")).isEqualTo(json(
                "[{\"field\":\"code\",\"in\":\"body\",\"rule\":\"type String\",\"message\":\"is not a string\"}]"));
        assertThat(typed.body()).doesNotContain("s3cr3t");

        // Jackson's own message would quote the unparsable token
        ApiClient.Response broken = api.post("/api/auth/login", "{\"phone\":\"13800000000\",\"code\":s3cr3tc0de}", null);
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().get("errors").get(0).get("rule").asString()).isEqualTo("JSON syntax");
        assertThat(broken.body()).doesNotContain("s3cr3t");
    }
}
