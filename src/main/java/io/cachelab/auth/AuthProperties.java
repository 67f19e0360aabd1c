package io.cachelab.auth;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.List;

/**
 * {@code cachelab.auth.*}. {@code exposeCode} is on by default because no SMS gateway exists: the
 * code comes back in the response so the API can be tried by hand; a deployment with a gateway turns
 * it off (CACHELAB_AUTH_EXPOSE_CODE=false). {@code sessionLocalTtl} is how long an instance trusts
 * its own copy of a session (0 asks Redis on every request).
 */
@ConfigurationProperties("cachelab.auth")
public record AuthProperties(
        Boolean exposeCode,
        List<String> adminPhones,
        Duration codeTtl,
        Duration sessionTtl,
        Duration sessionLocalTtl,
        Integer maxWrongCodes,
        Duration wrongCodeWindow) {

    public AuthProperties {
        if (exposeCode == null) exposeCode = true;
        if (adminPhones == null) adminPhones = List.of("13800000000");
        if (codeTtl == null) codeTtl = Duration.ofMinutes(2);
        if (sessionTtl == null) sessionTtl = Duration.ofMinutes(30);
        if (sessionLocalTtl == null) sessionLocalTtl = Duration.ofSeconds(5);
        if (sessionLocalTtl.isNegative() || sessionLocalTtl.compareTo(sessionTtl) > 0)
            throw new IllegalArgumentException("cachelab.auth.session-local-ttl must be between 0 and session-ttl, was " + sessionLocalTtl);
        if (maxWrongCodes == null) maxWrongCodes = 5;
        if (wrongCodeWindow == null) wrongCodeWindow = Duration.ofMinutes(10);
    }
}
