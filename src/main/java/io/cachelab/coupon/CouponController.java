package io.cachelab.coupon;

import io.cachelab.auth.AuthUser;
import io.cachelab.cache.CacheResult;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** The public and user side of coupons: reading a coupon and its stock, claiming, claim status. */
@Tag(name = "coupons", description = "coupon stock under a read-write lock; oversell-free claiming")
@RestController
class CouponController {
    private final CouponService coupons;
    private final ClaimService claims;

    CouponController(CouponService coupons, ClaimService claims) {
        this.coupons = coupons;
        this.claims = claims;
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
    @PostMapping("/api/coupons/{id}/claims")
    @ApiResponse(responseCode = "202", description = "accepted: queued for persistence",
            content = @Content(schema = @Schema(implementation = ClaimService.Accepted.class)))
    ResponseEntity<Object> claim(@PathVariable long id, @AuthenticationPrincipal AuthUser user) {
        ClaimService.Decision d = claims.claim(id, user);
        if (d instanceof ClaimService.Refused r) {
            r.problem().setInstance(URI.create("/api/coupons/" + id + "/claims"));
            return ResponseEntity.status(r.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(r.problem());
        }
        ClaimService.Accepted a = (ClaimService.Accepted) d;
        return ResponseEntity.status(HttpStatus.ACCEPTED).header("Location", "/api/claims/" + a.claimId()).body(a);
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
