package io.cachelab.lab;

import io.cachelab.support.ApiClient;
import io.cachelab.support.AppTestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance numbers, measured through the lab endpoints on the whole app (embedded
 * engine, H2, the SQL counter): breakdown, penetration and avalanche.
 */
class LabApiTest extends AppTestBase {
    String admin;

    @BeforeEach
    void login() {
        admin = api.loginAdmin();
    }

    JsonNode lab(String name, Map<String, Object> body) {
        ApiClient.Response r = api.post("/api/lab/" + name, body, admin);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        System.out.println("lab " + name + " " + body + " -> " + r.body().replaceAll(",\"expiriesPerSecond\".*", "}"));
        return r.json();
    }

    @Test
    void breakdownMutexLoadsOnce() {
        JsonNode r = lab("breakdown", Map.of("strategy", "mutex", "concurrency", 200, "dbDelayMs", 100, "articleId", 31));
        assertThat(r.get("requests").asInt()).isEqualTo(200);
        assertThat(r.get("dbQueries").asLong()).isEqualTo(1);
        assertThat(r.get("errors").asInt()).isZero();
        // waiters wake when the value lands (single flight + fill announcement), not by polling
        assertThat(r.get("p99Ms").asDouble()).as("p99 ms, 100 ms loader").isLessThanOrEqualTo(150);
    }

    @Test
    void breakdownLogicalExpiryRebuildsOnceAndNobodyWaits() {
        // The p99 of 200 threads released at once on 2 cores is mostly how long the burst takes to get
        // through (4-12 ms in most runs, 22-37 ms in about one run in six). So the latency bound is
        // held by the best of up to three runs, and every run must rebuild once and serve everyone.
        // A reader that waited for the 100 ms loader would break the bound in every run.
        double bestP99 = Double.MAX_VALUE;
        for (int run = 0; run < 3 && bestP99 > 20; run++) {
            JsonNode r = lab("breakdown", Map.of("strategy", "logical-expiry", "concurrency", 200, "dbDelayMs", 100, "articleId", 32));
            assertThat(r.get("dbQueries").asLong()).isEqualTo(1);
            assertThat(r.get("errors").asInt()).isZero();
            assertThat(r.get("staleServed").asInt()).isPositive();
            assertThat(r.get("staleServed").asInt() + r.get("outcomes").path("HIT").asInt(0)).isEqualTo(200);
            bestP99 = Math.min(bestP99, r.get("p99Ms").asDouble());
        }
        assertThat(bestP99).as("p99 ms (best of up to 3 runs): nobody waits for the 100 ms loader").isLessThanOrEqualTo(20);
    }

    @Test
    void breakdownCacheAsideShowsTheStampede() {
        JsonNode r = lab("breakdown", Map.of("strategy", "cache-aside", "concurrency", 200, "dbDelayMs", 100, "articleId", 33));
        assertThat(r.get("dbQueries").asLong()).isGreaterThan(1);
        JsonNode none = lab("breakdown", Map.of("strategy", "none", "concurrency", 50, "dbDelayMs", 0, "articleId", 33));
        assertThat(none.get("dbQueries").asLong()).isEqualTo(50);
    }

    @Test
    void penetrationNoneNullCachingAndBloom() {
        Map<String, Object> base = Map.of("requests", 10_000, "distinctIds", 1_000);
        JsonNode none = lab("penetration", with(base, "none"));
        assertThat(none.get("dbQueries").asLong()).isEqualTo(10_000);
        JsonNode nulls = lab("penetration", with(base, "null-caching"));
        assertThat(nulls.get("dbQueries").asLong()).isEqualTo(1_000);
        assertThat(nulls.get("nullHits").asInt()).isEqualTo(9_000);
        JsonNode bloom = lab("penetration", with(base, "bloom"));
        assertThat(bloom.get("dbQueries").asLong()).isLessThanOrEqualTo(200); // at most 2% of 10,000
        assertThat(bloom.get("rejected").asInt() + bloom.get("dbQueries").asLong()
                + bloom.get("nullHits").asInt()).isEqualTo(10_000);
        assertThat(bloom.get("falsePositiveRate").asDouble()).isLessThanOrEqualTo(0.02);
        // what the filter was sized for (cachelab.cache.defaults: 1% over a million ids), next to the measured rate
        assertThat(bloom.get("configuredFalsePositiveRate").asDouble()).isEqualTo(0.01);
        assertThat(none.get("configuredFalsePositiveRate").isNull()).isTrue();
        assertThat(none.get("falsePositiveRate").isNull()).isTrue();
        JsonNode guarded = lab("penetration", with(base, "bloom+mutex"));
        assertThat(guarded.get("strategy").asString()).isEqualTo("bloom+mutex");
        assertThat(guarded.get("dbQueries").asLong()).isLessThanOrEqualTo(200);
    }

    @Test
    void avalancheJitterSpreadsExpiriesAndNoJitterPilesThemUp() {
        JsonNode spread = lab("avalanche", Map.of("keys", 10_000, "ttlSeconds", 600, "jitterSeconds", 120));
        assertThat(spread.get("seconds").asInt()).isBetween(230, 245); // 2 × 120 s, plus the time the writes took
        assertThat(spread.get("peakToMean").asDouble()).isLessThanOrEqualTo(3.0);
        JsonNode piled = lab("avalanche", Map.of("keys", 10_000, "ttlSeconds", 600, "jitterSeconds", 0));
        assertThat(piled.get("seconds").asInt()).isEqualTo(1);
        assertThat(piled.get("peakCount").asInt()).isEqualTo(10_000);
        assertThat(piled.get("spanMs").asLong()).isLessThan(1000);
    }

    @Test
    void consistencyModesMeasuredSideBySide() {
        JsonNode naive = lab("consistency", Map.of("mode", "delete-then-update", "writers", 2, "readers", 8, "durationMs", 2000));
        JsonNode afterCommit = lab("consistency", Map.of("mode", "delete-after-commit", "writers", 2, "readers", 8, "durationMs", 2000));
        JsonNode doubleDelete = lab("consistency", Map.of("mode", "delayed-double-delete", "writers", 2, "readers", 8, "durationMs", 2000));
        for (JsonNode r : new JsonNode[] {naive, afterCommit, doubleDelete}) {
            assertThat(r.get("writes").asLong()).isPositive();
            assertThat(r.get("reads").asLong()).isGreaterThan(r.get("writes").asLong());
        }
        // evicting before the write lets readers refill the cache with the old row while the write is open
        assertThat(naive.get("staleReads").asLong()).isPositive();
        assertThat(naive.get("staleReads").asLong()).isGreaterThan(afterCommit.get("staleReads").asLong());
        // the second delete removes whatever a slow reader put back: nothing stale is left behind
        assertThat(doubleDelete.get("staleAtEnd").asBoolean()).isFalse();
        assertThat(api.post("/api/lab/consistency", Map.of("mode", "canal"), admin).status()).isEqualTo(400);
    }

    /**
     * The handbook's LRU-vs-LFU question at a small scale (100,000 ids, room for about 2,000): under a
     * Zipf workload LFU keeps the hot ids far better than sampled LRU or random eviction, none beats
     * the ideal (the 2,000 most popular ids held for ever), and the hottest id's LFU counter is far
     * above a typical key's.
     */
    @Test
    void evictionPoliciesUnderAZipfWorkload() {
        Map<String, Object> base = Map.of("universe", 100_000, "cacheKeys", 2_000, "requests", 200_000, "zipfExponent", 1.0, "seed", 7);
        JsonNode lfu = lab("eviction", with(base, "policy", "allkeys-lfu"));
        JsonNode lru = lab("eviction", with(base, "policy", "allkeys-lru"));
        JsonNode random = lab("eviction", with(base, "policy", "allkeys-random"));
        JsonNode ttl = lab("eviction", with(base, "policy", "volatile-ttl"));
        for (JsonNode r : new JsonNode[] {lfu, lru, random, ttl}) {
            assertThat(r.get("measuredRequests").asLong()).isEqualTo(100_000);
            assertThat(r.get("hitRatio").asDouble()).isEqualTo(Math.round(r.get("hits").asLong() / 10.0) / 10_000.0);
            assertThat(r.get("evictedKeys").asLong()).isPositive();
            // about cacheKeys: the pipelined clients' buffers take some of maxmemory too
            assertThat(r.get("keysAtEnd").asLong()).isBetween(1_500L, 2_200L);
            assertThat(r.get("hitRatio").asDouble()).isLessThanOrEqualTo(r.get("idealHitRatio").asDouble() + 0.01);
        }
        // H(2000)/H(100000) for exponent 1: the ideal is the same number for every policy
        assertThat(lfu.get("idealHitRatio").asDouble()).isEqualTo(0.6764);
        // LFU keeps the popular ids; sampled LRU and random eviction come out close to each other under Zipf
        assertThat(lfu.get("hitRatio").asDouble()).isGreaterThan(lru.get("hitRatio").asDouble() + 0.1);
        assertThat(lfu.get("hitRatio").asDouble()).isGreaterThan(random.get("hitRatio").asDouble() + 0.1);
        assertThat(lfu.get("hotFreq").asInt()).isGreaterThan(lfu.get("medianFreq").asInt());
        assertThat(lru.get("hotFreq").isNull()).isTrue();
        assertThat(api.post("/api/lab/eviction", Map.of("policy", "noeviction"), admin).status()).isEqualTo(400);
        ApiClient.Response bad = api.post("/api/lab/eviction", Map.of("policy", "allkeys-lru", "zipfExponent", 0), admin);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors").get(0).get("rule").asString()).isEqualTo("DecimalMin(0.1)");
    }

    /** The dashboard's live panel: one INFO of the engine, read back against INFO asked directly. */
    @Test
    void engineStatsAreTheEnginesInfo() throws InterruptedException {
        JsonNode before = api.get("/api/lab/engine", admin).json();
        try (Jedis jedis = new Jedis("127.0.0.1", enginePort())) {
            String key = "lab-test:" + System.nanoTime();
            jedis.set(key, "v");
            for (int i = 0; i < 3; i++) jedis.get(key);
            for (int i = 0; i < 5; i++) jedis.psetex(key + ":short:" + i, 1, "v");
            Thread.sleep(50);
            for (int i = 0; i < 5; i++) assertThat(jedis.get(key + ":short:" + i)).isNull(); // lazily expired here
            ApiClient.Response r = api.get("/api/lab/engine", admin);
            assertThat(r.status()).isEqualTo(200);
            JsonNode after = r.json();
            String info = jedis.info();
            assertThat(after.get("server").asString()).isEqualTo("cachelab-engine").isEqualTo(field(info, "executable"));
            assertThat(after.get("version").asString()).isEqualTo(field(info, "redis_version"));
            assertThat(after.get("maxmemoryPolicy").asString()).isEqualTo(field(info, "maxmemory_policy"));
            assertThat(after.get("evictedKeys").asLong()).isZero(); // no maxmemory: nothing is ever evicted
            assertThat(after.get("keyspaceHits").asLong()).isGreaterThanOrEqualTo(before.get("keyspaceHits").asLong() + 3);
            assertThat(after.get("keyspaceMisses").asLong()).isGreaterThanOrEqualTo(before.get("keyspaceMisses").asLong() + 5);
            assertThat(after.get("expiredKeys").asLong()).isGreaterThanOrEqualTo(before.get("expiredKeys").asLong() + 5);
            long hits = after.get("keyspaceHits").asLong(), misses = after.get("keyspaceMisses").asLong();
            assertThat(after.get("hitRatio").asDouble()).isCloseTo(hits / (double) (hits + misses), org.assertj.core.data.Offset.offset(0.0001));
            assertThat(after.get("keys").asLong()).isPositive();
            assertThat(after.get("connectedClients").asLong()).isGreaterThanOrEqualTo(2); // the service's and this one
            assertThat(after.get("usedMemory").asLong()).isGreaterThan(876_032); // an empty server's baseline
            jedis.del(key);
        }
        assertThat(api.get("/api/lab/engine", null).status()).isEqualTo(401);
        assertThat(api.get("/api/lab/engine", api.login("13700009999")).status()).isEqualTo(403);
    }

    static String field(String info, String name) {
        return info.lines().filter(l -> l.startsWith(name + ":")).findFirst().orElseThrow().substring(name.length() + 1);
    }

    @Test
    void badLabRequestsAre400() {
        assertThat(api.post("/api/lab/breakdown", Map.of("strategy", "nope"), admin).status()).isEqualTo(400);
        assertThat(api.post("/api/lab/breakdown", Map.of("strategy", "mutex", "concurrency", 100_000), admin).status()).isEqualTo(400);
        assertThat(api.post("/api/lab/breakdown", Map.of("strategy", "mutex", "articleId", 99_999_999), admin).status()).isEqualTo(400);
        assertThat(api.post("/api/lab/avalanche", Map.of("ttlSeconds", 10, "jitterSeconds", 10), admin).status()).isEqualTo(400);
        assertThat(api.post("/api/lab/penetration", Map.of("strategy", "none", "requests", 10, "distinctIds", 20), admin).status()).isEqualTo(400);
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }

    private static Map<String, Object> with(Map<String, Object> base, String strategy) {
        Map<String, Object> m = new java.util.HashMap<>(base);
        m.put("strategy", strategy);
        return m;
    }
}
