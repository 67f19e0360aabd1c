package io.cachelab.coupon;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** ADMIN side (the /api/admin/** rule): create coupons, compare database and Redis, the queue's health. */
@Tag(name = "coupons-admin", description = "coupon creation, stock comparison, claim worker and dead letters")
@RestController
class AdminCouponController {
    private final CouponService coupons;
    private final ClaimStreamWorker worker;
    private final ClaimDeadLetters deadLetters;

    AdminCouponController(CouponService coupons, ClaimStreamWorker worker, ClaimDeadLetters deadLetters) {
        this.coupons = coupons;
        this.worker = worker;
        this.deadLetters = deadLetters;
    }

    /** The claim window is [beginAt, endAt): ISO-8601 instants, in UTC ({@code Z}) or with an offset. */
    record NewCouponRequest(@Schema(example = "Weekend 10% off") @NotBlank String title,
                            @Schema(example = "100") @NotNull @Min(0) Integer stock,
                            @Schema(description = "start of the claim window: an ISO-8601 instant, UTC (Z) or with an "
                                    + "offset (2026-01-01T08:00:00+08:00)", example = "2026-01-01T00:00:00Z")
                            @NotNull Instant beginAt,
                            @Schema(description = "end of the claim window (exclusive), an ISO-8601 instant",
                                    example = "2036-01-01T00:00:00Z")
                            @NotNull Instant endAt) {
    }

    @Operation(operationId = "createCoupon",
            summary = "Create a coupon and load its stock, window and (empty) claim stream into Redis")
    @PostMapping("/api/admin/coupons")
    @ResponseStatus(HttpStatus.CREATED)
    CouponService.AdminView create(@Valid @RequestBody NewCouponRequest r) {
        return coupons.create(new CouponService.NewCoupon(r.title(), r.stock(), r.beginAt(), r.endAt()));
    }

    @Operation(operationId = "adminCoupon",
            summary = "Database stock, Redis stock (cachedStock), persisted claims, accepted claims, queue")
    @GetMapping("/api/admin/coupons/{id}")
    CouponService.AdminView coupon(@PathVariable long id) {
        return coupons.adminView(id);
    }

    @Operation(summary = "Claims that failed max-deliveries times (newest first)")
    @GetMapping("/api/admin/claims/dead-letters")
    List<DeadLetter> deadLetters(@RequestParam(defaultValue = "100") int limit) {
        return deadLetters.latest(Math.max(1, Math.min(limit, 1000)));
    }

    @Operation(summary = "The stream worker of this instance")
    @GetMapping("/api/admin/claims/worker")
    Map<String, Object> worker() {
        return worker.status();
    }

    @Operation(summary = "Stop this instance's stream worker; entries it had read stay pending, as after a crash")
    @PostMapping("/api/admin/claims/worker/stop")
    Map<String, Object> stopWorker() {
        worker.stop();
        return worker.status();
    }

    @Operation(summary = "Start this instance's stream worker under a new consumer name")
    @PostMapping("/api/admin/claims/worker/start")
    Map<String, Object> startWorker() {
        worker.start();
        return worker.status();
    }
}
