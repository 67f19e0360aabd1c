package io.cachelab.coupon;

import io.cachelab.auth.AuthUser;
import io.cachelab.cache.CacheResult;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** The public and user side of coupons: reading a coupon and its stock, claiming, claim status. */
@Tag(name = "coupons", description = "coupon stock under a read-write lock; oversell-free claiming")
@RestController
class CouponController {
    private final CouponService coupons;
    private final ClaimService claims;

    /** The application's JSON mapper, with Spring's mix-in that writes a problem detail's properties inline. */
    private final JsonMapper json;

    CouponController(CouponService coupons, ClaimService claims, JsonMapper json) {
        this.coupons = coupons;
        this.claims = claims;
        this.json = json.rebuild().addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class).build();
    }

    record StockChange(@Schema(example = "50") @NotNull @Min(0) Integer stock) {
    }

    @Operation(summary = "A coupon's fields, cached through the pattern library (X-Cache tells how)")
    @GetMapping("/api/coupons/{id}")
    ResponseEntity<CouponService.CouponView> coupon(@PathVariable long id) {
        CacheResult<CouponService.CouponView> r = coupons.view(id);
        return ResponseEntity.ok().header("X-Cache", r.outcome().name()).body(r.value());
    }

    @Operation(summary = "The stock claims are decided on (Redis), read under the coupon's read lock")
    @GetMapping("/api/coupons/{id}/stock")
    Map<String, Long> stock(@PathVariable long id) {
        return Map.of("id", id, "stock", coupons.stock(id));
    }

    @Operation(summary = "ADMIN: set the remaining stock under the write lock (database, then Redis)")
    @PutMapping("/api/coupons/{id}/stock")
    Map<String, Long> setStock(@PathVariable long id, @Valid @RequestBody StockChange change) {
        return Map.of("id", id, "stock", coupons.setStock(id, change.stock()));
    }

    @Operation(summary = "Claim a coupon: 202 with the claim id; 409 sold out / already claimed / outside the window; 429 too fast")
    @PostMapping(value = "/api/coupons/{id}/claims",
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    @ApiResponse(responseCode = "202", description = "accepted: queued for persistence",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = ClaimService.Accepted.class)))
    @ApiResponse(responseCode = "409", description = "sold out, already claimed, or outside the claim window",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "429", description = "more claim requests than the per-user rate allows",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    void claim(@PathVariable long id, @AuthenticationPrincipal AuthUser user, HttpServletResponse response)
            throws IOException {
        // Written here, with its length, rather than returned: nearly every answer of a flash sale is
        // a refusal, and Spring's return value handling (content negotiation, a chunked answer flushed
        // in two writes) cost more than deciding the claim in a profile of bench/claims.sh.
        // produces= above refuses, with 406 and before any claim is decided, a client that cannot
        // read either answer.
        ClaimService.Decision d = claims.claim(id, user);
        if (d instanceof ClaimService.Refused r) {
            r.problem().setInstance(URI.create("/api/coupons/" + id + "/claims"));
            write(response, r.status().value(), MediaType.APPLICATION_PROBLEM_JSON_VALUE, r.problem());
            return;
        }
        ClaimService.Accepted a = (ClaimService.Accepted) d;
        response.setHeader(HttpHeaders.LOCATION, "/api/claims/" + a.claimId());
        write(response, HttpStatus.ACCEPTED.value(), MediaType.APPLICATION_JSON_VALUE, a);
    }

    private void write(HttpServletResponse response, int status, String contentType, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    @Operation(summary = "A claim's status: PENDING (queued), CLAIMED (persisted) or FAILED (dead-lettered)")
    @GetMapping("/api/claims/{claimId}")
    ClaimService.Status claimStatus(@PathVariable String claimId, @AuthenticationPrincipal AuthUser user) {
        return claims.status(claimId, user);
    }

    @Operation(summary = "The current user's persisted claims, newest first (at most 100)")
    @GetMapping("/api/users/me/claims")
    List<ClaimService.Status> myClaims(@AuthenticationPrincipal AuthUser user) {
        return claims.mine(user);
    }
}
