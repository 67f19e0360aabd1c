package io.cachelab.lab;

import io.cachelab.cache.CachePolicy;
import io.cachelab.cache.Strategy;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The lab's HTTP face (ADMIN only, see the security rules): each endpoint runs one experiment in
 * process, against this instance's real engine and database, and answers what it measured. Runs are
 * serialised: two experiments at once would count each other's queries.
 */
@Tag(name = "lab", description = "measure, don't claim: breakdown, penetration, avalanche, consistency, eviction (ADMIN)")
@RestController
@RequestMapping("/api/lab")
class LabController {
    private final BreakdownLab breakdown;
    private final PenetrationLab penetration;
    private final AvalancheLab avalanche;
    private final ConsistencyLab consistency;
    private final Object oneAtATime = new Object();

    private final EngineStats engine;
    private final EvictionLab eviction;

    LabController(BreakdownLab breakdown, PenetrationLab penetration, AvalancheLab avalanche, ConsistencyLab consistency,
                  EngineStats engine, EvictionLab eviction) {
        this.breakdown = breakdown;
        this.penetration = penetration;
        this.avalanche = avalanche;
        this.consistency = consistency;
        this.engine = engine;
        this.eviction = eviction;
    }

    record EvictionRequest(@Schema(example = "allkeys-lfu") @NotBlank String policy,
                           @Schema(example = "10000000") @Min(1_000) @Max(100_000_000) Long universe,
                           @Schema(example = "200000") @Min(10) @Max(1_000_000) Integer cacheKeys,
                           @Schema(example = "2000000") @Min(1_000) @Max(EvictionLab.MAX_REQUESTS) Integer requests,
                           @Schema(example = "1.0") @DecimalMin("0.1") @DecimalMax("3.0") Double zipfExponent,
                           @Schema(example = "42") Long seed) {
    }

    @Operation(summary = "Zipf reads through cache-aside against a scratch engine whose maxmemory holds cacheKeys keys; hit ratio per eviction policy",
            description = "policy: allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, volatile-lfu, volatile-random, "
                    + "volatile-ttl. Defaults: universe 10000000 ids, cacheKeys 200000, requests 2000000, zipfExponent 1.0, "
                    + "seed 42 (the same seed gives every policy the same requests). The hit ratio is over the second half.")
    @PostMapping("/eviction")
    EvictionLab.Result eviction(@Valid @RequestBody EvictionRequest r) throws Exception {
        synchronized (oneAtATime) {
            return eviction.run(r.policy(), or(r.universe(), 10_000_000L), or(r.cacheKeys(), 200_000),
                    or(r.requests(), 2_000_000), or(r.zipfExponent(), 1.0), or(r.seed(), 42L));
        }
    }

    @Operation(summary = "The Redis server the service uses, from one INFO: ops/s, memory, keys, hit ratio, clients, expired and evicted keys",
            description = "What the /lab dashboard's live panel polls every second; not serialised with the experiments.")
    @GetMapping("/engine")
    EngineStats.Snapshot engine() {
        return engine.read();
    }

    record BreakdownRequest(@Schema(example = "mutex") @NotBlank String strategy,
                            @Schema(example = "200") @Min(1) @Max(BreakdownLab.MAX_CONCURRENCY) Integer concurrency,
                            @Schema(example = "50") @Min(0) @Max(10_000) Long dbDelayMs,
                            @Schema(example = "1") @Positive Long articleId) {
    }

    record PenetrationRequest(@Schema(example = "bloom") @NotBlank String strategy,
                              @Schema(example = "10000") @Min(1) @Max(PenetrationLab.MAX_REQUESTS) Integer requests,
                              @Schema(example = "1000") @Min(1) @Max(PenetrationLab.MAX_REQUESTS) Integer distinctIds) {
    }

    record AvalancheRequest(@Schema(example = "10000") @Min(1) @Max(AvalancheLab.MAX_KEYS) Integer keys,
                            @Schema(example = "600") @Min(1) @Max(86_400) Long ttlSeconds,
                            @Schema(example = "120") @Min(0) @Max(86_399) Long jitterSeconds) {
    }

    @Operation(summary = "Expire a hot article and release N readers at once",
            description = "Defaults: concurrency 200, dbDelayMs 50, articleId 1.")
    @PostMapping("/breakdown")
    BreakdownLab.Result breakdown(@Valid @RequestBody BreakdownRequest r) throws InterruptedException {
        synchronized (oneAtATime) {
            return breakdown.run(r.strategy(), or(r.concurrency(), 200), or(r.dbDelayMs(), 50L), or(r.articleId(), 1L));
        }
    }

    @Operation(summary = "Request ids that do not exist", description = "Defaults: requests 10000, distinctIds 1000.")
    @PostMapping("/penetration")
    PenetrationLab.Result penetration(@Valid @RequestBody PenetrationRequest r) throws InterruptedException {
        synchronized (oneAtATime) {
            return penetration.run(r.strategy(), or(r.requests(), 10_000), or(r.distinctIds(), 1_000));
        }
    }

    @Operation(summary = "Write N keys at once through the TTL policy and count expiries per second",
            description = "Defaults: keys 10000, ttlSeconds 600, jitterSeconds 120.")
    @PostMapping("/avalanche")
    AvalancheLab.Result avalanche(@Valid @RequestBody AvalancheRequest r) {
        long ttl = or(r.ttlSeconds(), 600L), jitter = or(r.jitterSeconds(), 120L);
        if (jitter >= ttl) throw new IllegalArgumentException("jitterSeconds must be below ttlSeconds");
        synchronized (oneAtATime) {
            return avalanche.run(or(r.keys(), 10_000), ttl, jitter);
        }
    }

    record ConsistencyRequest(@Schema(example = "delete-after-commit") @NotBlank String mode,
                              @Schema(example = "2") @Min(1) @Max(32) Integer writers,
                              @Schema(example = "8") @Min(1) @Max(256) Integer readers,
                              @Schema(example = "3000") @Min(100) @Max(60_000) Long durationMs,
                              @Schema(example = "2") @Min(0) @Max(1_000) Long dbDelayMs,
                              @Schema(example = "20") @Min(0) @Max(1_000) Long writeHoldMs) {
    }

    @Operation(summary = "Writers change one row while readers read it through cache-aside; count stale reads",
            description = "mode: delete-after-commit, delayed-double-delete, canal (needs the Canal feed), or "
                    + "delete-then-update (the naive order, for contrast). Defaults: writers 2, readers 8, "
                    + "durationMs 3000, dbDelayMs 2 (a reader's delay between reading the row and filling the cache), "
                    + "writeHoldMs 20 (how long a write transaction stays open).")
    @PostMapping("/consistency")
    ConsistencyLab.Result consistency(@Valid @RequestBody ConsistencyRequest r) throws InterruptedException {
        synchronized (oneAtATime) {
            return consistency.run(r.mode(), or(r.writers(), 2), or(r.readers(), 8), or(r.durationMs(), 3_000L),
                    or(r.dbDelayMs(), 2L), or(r.writeHoldMs(), 20L));
        }
    }

    /** How a policy is written in a request: {@code bloom+mutex} when the filter guards another strategy. */
    static String name(CachePolicy policy) {
        boolean guarded = policy.bloom() != null && policy.strategy() != Strategy.BLOOM;
        return (guarded ? "bloom+" : "") + policy.strategy().id();
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
