package io.cachelab.ping;

import io.cachelab.auth.AuthUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The floor the benchmarks measure against: requests that go through the same connector, filter
 * chain, security rules, metrics and dispatcher as every API call, and then do nothing. What an
 * article read or a claim costs above these is what the cache pattern or the claim costs; what these
 * cost is what the framework costs. {@code /api/ping/user} adds the bearer token's session lookup,
 * which every authenticated call pays.
 */
@Tag(name = "ping", description = "trivial endpoints: the framework's floor for the benchmarks")
@RestController
class PingController {

    @Operation(summary = "Answers pong (anonymous)")
    @GetMapping(value = "/api/ping", produces = MediaType.TEXT_PLAIN_VALUE)
    String ping() {
        return "pong";
    }

    @Operation(summary = "Answers pong and the caller's user id (needs a bearer token)")
    @GetMapping(value = "/api/ping/user", produces = MediaType.TEXT_PLAIN_VALUE)
    String pingUser(@AuthenticationPrincipal AuthUser user) {
        return "pong " + user.id();
    }
}
