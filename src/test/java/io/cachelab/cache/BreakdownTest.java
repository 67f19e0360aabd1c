package io.cachelab.cache;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cache breakdown (a hot key expires under load): 200 readers released at once by a latch on a key
 * whose value is gone (or logically expired), against a loader that takes 50 ms and counts its
 * calls. The numbers are exact where the pattern promises them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BreakdownTest {
    static final int READERS = 200;
    static final long LOADER_MS = 100;
    static final CacheFixture FIX = new CacheFixture();
    static final TtlPolicy TTL = TtlPolicy.of(Duration.ofSeconds(600), Duration.ofSeconds(120));

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final CacheClient client = FIX.newClient(meters);
    final AtomicInteger loads = new AtomicInteger();
    final Supplier<String> slowLoader = () -> {
        loads.incrementAndGet();
        sleep(LOADER_MS);
        return "fresh";
    };

    record Answer(CacheResult<String> result, long nanos) {}

    @BeforeEach
    void flush() {
        FIX.flush();
    }

    @AfterAll
    static void stop() {
        FIX.close();
    }

    @Test
    void mutexLetsExactlyOneReaderLoadAndEveryoneGetsTheValue() throws Exception {
        CachePolicy policy = CachePolicy.of("hot", Strategy.MUTEX, TTL);
        List<Answer> answers = stampede("1", policy);
        assertThat(loads.get()).isEqualTo(1);
        assertThat(p99Ms(answers)).as("p99 reader latency, ms (loader %d ms)", LOADER_MS).isLessThanOrEqualTo(LOADER_MS * 3 / 2);
        assertThat(answers).hasSize(READERS).allSatisfy(a -> assertThat(a.result().value()).isEqualTo("fresh"));
        assertThat(answers.stream().filter(a -> a.result().outcome() == CacheOutcome.MISS)).hasSize(1);
        assertThat(FIX.admin.sync().exists("lock:cachelab:hot:1")).isZero();
        assertThat(meters.get("cachelab.cache.requests").tags("cache", "hot", "strategy", "mutex", "outcome", "hit")
                .counter().count()).isEqualTo(READERS - 1);
    }

    /**
     * Two instances (two clients, each with its own connections, single flight and pub/sub) share the
     * stampede: one of them loads under the Redis lock, the other's leader waits for the fill
     * announcement instead of polling, so the readers of both answer within the loader's time plus
     * a margin.
     */
    @Test
    void mutexAcrossTwoInstancesLoadsOnceAndTheOtherWakesOnTheFill() throws Exception {
        CachePolicy policy = CachePolicy.of("hot", Strategy.MUTEX, TTL);
        CacheClient other = FIX.newClient(new SimpleMeterRegistry());
        stampede("warm", policy, () -> "w", client, other); // the new client's connections and code path
        List<Answer> answers = stampede("2", policy, slowLoader, client, other);
        assertThat(loads.get()).isEqualTo(1);
        assertThat(answers).hasSize(READERS).allSatisfy(a -> assertThat(a.result().value()).isEqualTo("fresh"));
        assertThat(answers.stream().filter(a -> a.result().outcome() == CacheOutcome.MISS)).hasSize(1);
        assertThat(p99Ms(answers)).as("p99 reader latency, ms (loader %d ms)", LOADER_MS).isLessThanOrEqualTo(LOADER_MS * 3 / 2);
        assertThat(FIX.admin.sync().exists("lock:cachelab:hot:2")).isZero();
    }

    /** A holder that dies without writing: after its lease the waiting leader takes the lock and loads. */
    @Test
    void aWaiterTakesOverWhenTheHolderNeverFills() {
        CachePolicy policy = CachePolicy.of("hot", Strategy.MUTEX, TTL).withLock(Duration.ofMillis(300), Duration.ofSeconds(3));
        FIX.admin.sync().set("lock:cachelab:hot:3", "a-dead-holder", io.lettuce.core.SetArgs.Builder.px(300));
        long t0 = System.nanoTime();
        CacheResult<String> r = client.get("3", String.class, slowLoader, policy);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r).isEqualTo(new CacheResult<>("fresh", CacheOutcome.MISS));
        assertThat(loads.get()).isEqualTo(1);
        assertThat(ms).as("waited for the dead holder's lease, then loaded").isBetween(250L, 300L + LOADER_MS + 500);
    }

    /**
     * The rebuild's loader cannot finish before every reader has answered (it waits for them, then
     * sleeps 50 ms), so a reader that waited for the loader would deadlock the test: all 200 answers
     * being STALE is the proof that nobody waited; the latency is reported on top.
     */
    @Test
    void logicalExpiryRebuildsOnceAndNobodyWaitsForTheLoader() throws Exception {
        CachePolicy policy = CachePolicy.of("hot", Strategy.LOGICAL_EXPIRY, TTL);
        warmUp(policy);
        // present but logically expired a second ago; no Redis TTL
        FIX.admin.sync().set("cachelab:hot:logical:1", "{\"e\":" + (System.currentTimeMillis() - 1000) + ",\"v\":\"old\"}");
        CountDownLatch allAnswered = new CountDownLatch(1);
        AtomicInteger rebuilds = new AtomicInteger();
        Supplier<String> gatedLoader = () -> {
            rebuilds.incrementAndGet();
            try {
                allAnswered.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sleep(LOADER_MS);
            return "fresh";
        };

        double staleBefore = staleCount();
        List<Answer> answers = stampede("1", policy, gatedLoader);
        allAnswered.countDown();
        long[] ms = answers.stream().mapToLong(a -> a.nanos() / 1_000_000).sorted().toArray();

        assertThat(answers).hasSize(READERS).allSatisfy(a ->
                assertThat(a.result()).isEqualTo(new CacheResult<>("old", CacheOutcome.STALE)));
        assertThat(staleCount() - staleBefore).isEqualTo(READERS);
        assertThat(ms[ms.length * 99 / 100]).as("p99 reader latency, ms").isLessThan(LOADER_MS);
        awaitValue("1", policy, "fresh");
        assertThat(rebuilds.get()).isEqualTo(1);
        assertThat(loads.get()).isZero();
        assertThat(FIX.admin.sync().ttl("cachelab:hot:logical:1")).isEqualTo(-1L);
        System.out.println("logical-expiry: reader latency p50 " + ms[ms.length / 2] + " ms, p99 "
                + ms[ms.length * 99 / 100] + " ms, max " + ms[ms.length - 1] + " ms; rebuilds " + rebuilds.get());
    }

    @Test
    void logicalExpiryColdMissLoadsSynchronously() {
        CachePolicy policy = CachePolicy.of("hot", Strategy.LOGICAL_EXPIRY, TTL);
        CacheResult<String> r = client.get("cold", String.class, slowLoader, policy);
        assertThat(r).isEqualTo(new CacheResult<>("fresh", CacheOutcome.MISS));
        assertThat(client.get("cold", String.class, slowLoader, policy).outcome()).isEqualTo(CacheOutcome.HIT);
        assertThat(loads.get()).isEqualTo(1);
    }

    @Test
    void logicalExpiryCountsAFailedRebuildAndKeepsServingStale() throws Exception {
        CachePolicy policy = CachePolicy.of("broken", Strategy.LOGICAL_EXPIRY, TTL);
        FIX.admin.sync().set("cachelab:broken:logical:1", "{\"e\":1,\"v\":\"old\"}");
        CacheResult<String> r = client.get("1", String.class, () -> { throw new IllegalStateException("db down"); }, policy);
        assertThat(r).isEqualTo(new CacheResult<>("old", CacheOutcome.STALE));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (client.rebuildFailures("broken") < 1 && System.nanoTime() < until) Thread.sleep(10);
        assertThat(client.rebuildFailures("broken")).isEqualTo(1.0);
        assertThat(client.get("1", String.class, slowLoader, policy).outcome()).isIn(CacheOutcome.STALE);
    }

    @Test
    void switchingStrategyNeverReadsTheOtherFormatAndEvictClearsBoth() {
        CachePolicy logical = CachePolicy.of("mixed", Strategy.LOGICAL_EXPIRY, TTL);
        CachePolicy plain = logical.withStrategy(Strategy.CACHE_ASIDE);
        assertThat(client.get("1", String.class, () -> "a", logical).outcome()).isEqualTo(CacheOutcome.MISS);
        assertThat(client.get("1", String.class, () -> "b", plain)).isEqualTo(new CacheResult<>("b", CacheOutcome.MISS));
        assertThat(client.get("1", String.class, () -> "c", logical)).isEqualTo(new CacheResult<>("a", CacheOutcome.HIT));
        client.evict("1", plain);
        assertThat(FIX.admin.sync().exists("cachelab:mixed:1", "cachelab:mixed:logical:1")).isZero();
    }

    @Test
    void cacheAsideLetsTheStampedeThrough() throws Exception {
        CachePolicy policy = CachePolicy.of("hot", Strategy.CACHE_ASIDE, TTL);
        List<Answer> answers = stampede("1", policy);
        assertThat(answers).hasSize(READERS).allSatisfy(a -> assertThat(a.result().value()).isEqualTo("fresh"));
        assertThat(loads.get()).isGreaterThan(1);
        System.out.println("cache-aside: " + loads.get() + " loader calls for " + READERS + " readers");
    }

    private double staleCount() {
        return meters.get("cachelab.cache.requests").tags("cache", "hot", "strategy", "logical-expiry", "outcome", "stale")
                .counter().count();
    }

    /** Runs the stale path a few hundred times first, so the measured readers do not pay for the JIT. */
    private void warmUp(CachePolicy policy) {
        for (int i = 0; i < 300; i++) {
            FIX.admin.sync().set("cachelab:hot:logical:warm" + (i % 10), "{\"e\":1,\"v\":\"w\"}");
            client.get("warm" + (i % 10), String.class, () -> "w", policy);
        }
    }

    private void awaitValue(String id, CachePolicy policy, String expected) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < until) {
            if (expected.equals(client.get(id, String.class, () -> "unexpected load", policy).value())) return;
            Thread.sleep(10);
        }
    }

    private List<Answer> stampede(String id, CachePolicy policy) throws Exception {
        return stampede(id, policy, slowLoader);
    }

    private static long p99Ms(List<Answer> answers) {
        long[] ms = answers.stream().mapToLong(a -> a.nanos() / 1_000_000).sorted().toArray();
        return ms[ms.length * 99 / 100];
    }

    private List<Answer> stampede(String id, CachePolicy policy, Supplier<String> loader) throws Exception {
        return stampede(id, policy, loader, client);
    }

    /** READERS readers released at once; reader i reads through {@code clients[i % clients.length]}. */
    private List<Answer> stampede(String id, CachePolicy policy, Supplier<String> loader, CacheClient... clients)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        try {
            CountDownLatch ready = new CountDownLatch(READERS), go = new CountDownLatch(1);
            List<Future<Answer>> futures = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                CacheClient reader = clients[i % clients.length];
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    long t0 = System.nanoTime();
                    CacheResult<String> r = reader.get(id, String.class, loader, policy);
                    return new Answer(r, System.nanoTime() - t0);
                }));
            }
            ready.await();
            go.countDown();
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> f : futures) answers.add(f.get(30, TimeUnit.SECONDS));
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
