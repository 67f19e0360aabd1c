package io.cachelab.coupon;

import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RStream;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.AutoClaimResult;
import org.redisson.api.stream.PendingEntry;
import org.redisson.api.stream.StreamCreateGroupArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.api.stream.StreamReadGroupArgs;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumes each coupon's claim stream through a consumer group: XREADGROUP BLOCK for new entries,
 * XACK only after the entry was handled (persisted, or in the Kafka variant acknowledged by Kafka).
 * An entry whose handling failed, or whose consumer died, stays in the pending list; every consumer
 * periodically takes over entries idle longer than {@code reclaim-idle} with XAUTOCLAIM (its own
 * failed ones included, which makes that the retry), and an entry delivered more than
 * {@code max-deliveries} times goes to the dead letters instead.
 *
 * <p>One consumer thread per coupon, because each coupon has its own stream (its keys share a hash
 * tag so the claim script stays single-slot) and a blocking read is per connection anyway. Redisson's
 * RStream is used rather than Spring Data Redis's stream operations: it has XAUTOCLAIM and XPENDING
 * with delivery counts, and it runs blocking reads on its pooled connections, so a blocked reader
 * never stalls the shared Lettuce connection the request path uses.
 *
 * <p>A coupon's consumer retires once its claim window closed and its group has nothing pending, so
 * the threads follow the sales that are running, not every coupon ever created.
 *
 * <p>{@link #stop()} behaves like a crash for entries already read: they are left pending under the
 * old consumer name, and each {@link #start()} uses a new name, so they can only come back through
 * the reclaim path, as they would after a real crash.
 */
@Component
class ClaimStreamWorker implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ClaimStreamWorker.class);
    private static final StreamMessageId ZERO = new StreamMessageId(0, 0);
    private static final String INSTANCE = ManagementFactory.getRuntimeMXBean().getName().replace('@', '-');

    /** What happens to a claim before it is acknowledged in the stream. */
    interface Handler {
        void handle(Claim claim) throws Exception;
    }

    private final RedissonClient redisson;
    private final ClaimsProperties props;
    private final ClaimDeadLetters deadLetters;
    private final CouponService coupons;
    private final MeterRegistry meters;
    private final Handler handler;
    private final String source;
    private final Map<Long, Thread> consumers = new ConcurrentHashMap<>();
    private final AtomicInteger generation = new AtomicInteger();
    /** The last failure per claim, for the dead letter's error column (lost on restart: then a generic text). */
    private final Map<String, String> lastErrors = new ConcurrentHashMap<>();
    private volatile boolean running;

    ClaimStreamWorker(RedissonClient redisson, ClaimsProperties props, ClaimDeadLetters deadLetters, CouponService coupons,
                      MeterRegistry meters, ClaimPersister persister, Optional<KafkaClaimRelay> relay) {
        this.redisson = redisson;
        this.props = props;
        this.deadLetters = deadLetters;
        this.coupons = coupons;
        this.meters = meters;
        if (props.getQueue() == ClaimsProperties.Queue.KAFKA) {
            this.handler = relay.orElseThrow(() -> new IllegalStateException("cachelab.claims.queue=kafka but no Kafka relay"))::send;
            this.source = "kafka-relay";
        } else {
            this.handler = persister::persist;
            this.source = "redis";
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public synchronized void start() {
        if (running || !props.isWorkerEnabled()) return;
        running = true;
        int gen = generation.incrementAndGet();
        List<Long> active = coupons.activeCouponIds(Instant.now(), Duration.ofDays(1));
        log.info("claim worker {} started (queue {}, consumer {}), {} active coupons", gen, props.getQueue(),
                consumerName(gen), active.size());
        active.forEach(this::watch);
    }

    /** Stops reading; entries read but not handled stay pending (see the class comment). */
    @Override
    public synchronized void stop() {
        if (!running) return;
        running = false;
        long waitMs = props.getBlock().toMillis() + 5_000;
        for (Thread t : consumers.values()) {
            try {
                t.join(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        consumers.clear();
        log.info("claim worker {} stopped", generation.get());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts after the web server is up and stops before it (and before Redisson) goes down. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }

    @EventListener
    void couponCreated(CouponService.CouponCreated e) {
        watch(e.id());
    }

    synchronized void watch(long couponId) {
        RStream<String, String> stream = stream(couponId);
        try {
            stream.createGroup(StreamCreateGroupArgs.name(props.getGroup()).id(StreamMessageId.ALL).makeStream());
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) throw e;
        }
        if (!running) return;
        int gen = generation.get();
        consumers.computeIfAbsent(couponId, id -> {
            Thread t = new Thread(() -> consume(id, gen), "claim-worker-" + id);
            t.setDaemon(true);
            t.start();
            return t;
        });
    }

    private RStream<String, String> stream(long couponId) {
        return redisson.getStream(CouponKeys.stream(couponId), StringCodec.INSTANCE);
    }

    private static String consumerName(int gen) {
        return INSTANCE + "-" + gen;
    }

    // ---------------------------------------------------------------- the loop

    private void consume(long couponId, int gen) {
        RStream<String, String> stream = stream(couponId);
        String me = consumerName(gen);
        long reclaimEvery = Math.max(100, props.getReclaimIdle().toMillis() / 2);
        long nextReclaim = 0, nextRetireCheck = 0;
        while (running && generation.get() == gen) {
            try {
                if (System.currentTimeMillis() >= nextReclaim) {
                    reclaim(stream, me, gen);
                    nextReclaim = System.currentTimeMillis() + reclaimEvery;
                }
                Map<StreamMessageId, Map<String, String>> batch = stream.readGroup(props.getGroup(), me,
                        StreamReadGroupArgs.neverDelivered().count(props.getBatch()).timeout(props.getBlock()));
                if (batch.isEmpty() && System.currentTimeMillis() >= nextRetireCheck) {
                    nextRetireCheck = System.currentTimeMillis() + reclaimEvery;
                    if (finished(couponId, stream)) {
                        consumers.remove(couponId, Thread.currentThread());
                        log.info("claim worker for coupon {} retired: the claim window closed and nothing is pending", couponId);
                        return;
                    }
                }
                for (Map.Entry<StreamMessageId, Map<String, String>> e : batch.entrySet()) {
                    if (!running || generation.get() != gen) return; // crash-like: the rest stays pending
                    handle(stream, e.getKey(), e.getValue(), 1);
                }
            } catch (RuntimeException e) {
                if (!running) return;
                log.warn("claim worker for coupon {} failed to read its stream, retrying: {}", couponId, e.toString());
                sleep(500);
            }
        }
    }

    /**
     * True once the coupon's window closed more than reclaim-idle ago (no claim can still be on its
     * way into the stream) and its group has nothing pending: its consumer thread can end. Unknown
     * windows (Redis lost the keys) keep the consumer, since a reload may follow.
     */
    private boolean finished(long couponId, RStream<String, String> stream) {
        String end = redisson.<String, String>getMap(CouponKeys.window(couponId), StringCodec.INSTANCE).get("end");
        if (end == null || System.currentTimeMillis() <= Long.parseLong(end) + props.getReclaimIdle().toMillis())
            return false;
        return stream.getPendingInfo(props.getGroup()).getTotal() == 0;
    }

    /** Takes over entries idle past reclaim-idle (a dead consumer's, or our own failed ones). */
    private void reclaim(RStream<String, String> stream, String me, int gen) {
        StreamMessageId from = ZERO;
        for (int round = 0; round < 100 && running && generation.get() == gen; round++) {
            AutoClaimResult<String, String> r = stream.autoClaim(props.getGroup(), me,
                    props.getReclaimIdle().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS, from, props.getBatch());
            if (!r.getMessages().isEmpty())
                log.info("consumer {} took over {} entries of {} idle for more than {} (XAUTOCLAIM)", me,
                        r.getMessages().size(), stream.getName(), props.getReclaimIdle());
            for (Map.Entry<StreamMessageId, Map<String, String>> e : r.getMessages().entrySet()) {
                if (!running || generation.get() != gen) return;
                meters.counter("cachelab.claims.worker", "result", "reclaimed").increment();
                List<PendingEntry> p = stream.listPending(props.getGroup(), e.getKey(), e.getKey(), 1);
                int deliveries = p.isEmpty() ? 1 : (int) p.get(0).getDeliveryCount();
                handle(stream, e.getKey(), e.getValue(), deliveries);
            }
            from = r.getNextId();
            if (from == null || ZERO.equals(from)) return;
        }
    }

    private void handle(RStream<String, String> stream, StreamMessageId id, Map<String, String> fields, int deliveries) {
        Claim claim;
        try {
            claim = Claim.of(fields);
        } catch (RuntimeException malformed) {
            log.error("stream entry {} of {} is not a claim; acknowledged and dropped: {}", id, stream.getName(), fields);
            stream.ack(props.getGroup(), id);
            return;
        }
        if (deliveries > props.getMaxDeliveries()) {
            String error = lastErrors.remove(claim.claimNo());
            deadLetters.record(claim, deliveries - 1, source, error != null ? error
                    : "failed " + (deliveries - 1) + " deliveries; see earlier logs");
            stream.ack(props.getGroup(), id);
            return;
        }
        try {
            handler.handle(claim);
            stream.ack(props.getGroup(), id);
            if (deliveries > 1) lastErrors.remove(claim.claimNo());
            meters.counter("cachelab.claims.worker", "result", "processed").increment();
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            meters.counter("cachelab.claims.worker", "result", "failed").increment();
            lastErrors.put(claim.claimNo(), e.toString());
            log.warn("claim {} failed on delivery {} of {}; left pending for a retry after {}: {}", claim.claimNo(),
                    deliveries, props.getMaxDeliveries(), props.getReclaimIdle(), e.toString());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Map<String, Object> status() {
        return Map.of("running", running, "queue", props.getQueue().name().toLowerCase(), "consumer",
                consumerName(generation.get()), "coupons", consumers.keySet());
    }
}
