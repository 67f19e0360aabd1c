package io.cachelab.support;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The HTTP API as a test sees it: real requests to a running app (no MockMvc), JSON in and out,
 * an optional bearer token. {@link #login} walks the real code + login flow, so every test that acts
 * as a user also exercises identity.
 */
public final class ApiClient {
    public static final String ADMIN_PHONE = "13800000000";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public ApiClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public record Response(int status, java.net.http.HttpHeaders headers, String body) {
        public JsonNode json() {
            return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public Response get(String path, String token) {
        return send("GET", path, null, token);
    }

    public Response get(String path) {
        return get(path, null);
    }

    public Response post(String path, Object body, String token) {
        return send("POST", path, body, token);
    }

    public Response put(String path, Object body, String token) {
        return send("PUT", path, body, token);
    }

    public Response delete(String path, String token) {
        return send("DELETE", path, null, token);
    }

    /** Body is sent as is when a String, else as JSON; headers are name, value pairs. */
    public Response send(String method, String path, Object body, String token, String... headers) {
        String payload = body == null ? "" : body instanceof String s ? s : JSON.writeValueAsString(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(payload));
        if (body != null) b.header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Logs {@code phone} in through the real endpoints and returns its bearer token. */
    public String login(String phone) {
        Response code = post("/api/auth/code", java.util.Map.of("phone", phone), null);
        if (code.status() != 200) throw new IllegalStateException("code: " + code.status() + " " + code.body());
        Response login = post("/api/auth/login",
                java.util.Map.of("phone", phone, "code", code.json().get("code").asString()), null);
        if (login.status() != 200) throw new IllegalStateException("login: " + login.status() + " " + login.body());
        return login.json().get("token").asString();
    }

    public String loginAdmin() {
        return login(ADMIN_PHONE);
    }
}
