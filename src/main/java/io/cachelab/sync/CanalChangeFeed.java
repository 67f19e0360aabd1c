package io.cachelab.sync;

import com.alibaba.otter.canal.client.CanalConnector;
import com.alibaba.otter.canal.protocol.CanalEntry;
import com.alibaba.otter.canal.protocol.Message;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Canal client loop, on one thread because a Canal destination hands batches to one client in
 * order: getWithoutAck(batch) → convert rows → dispatch to every {@link ChangeListener} → ack.
 *
 * <p>A listener failure rolls the batch back, so Canal redelivers it from the last ack (earlier
 * events of the batch run again: listeners are idempotent). Failures are counted per binlog
 * position; when one event has failed {@code max-retries + 1} times it becomes a dead letter and the
 * loop moves past it, so a poisoned row can never stall the feed. Connection failures end the
 * session: disconnect, wait a backoff that doubles from {@code reconnect-backoff} up to
 * {@code reconnect-backoff-max}, reconnect; the server resumes from the last acked position.
 *
 * <p>Lag is measured when an event is handled: handling time minus the binlog entry's execute time.
 * MySQL binlog headers carry whole seconds, so the lag has a one-second grain; the it suite measures
 * commit-to-eviction latency from the outside for the finer number.
 */
public class CanalChangeFeed implements SmartLifecycle {
    public enum State { STOPPED, CONNECTING, CONNECTED, BACKOFF }

    static final String SOURCE = "canal";
    private static final Logger log = LoggerFactory.getLogger(CanalChangeFeed.class);

    private final CanalProperties props;
    private final Supplier<CanalConnector> connectors;
    private final List<ChangeListener> listeners;
    private final DeadLetters deadLetters;
    private final Counter handled;
    private final Map<String, Integer> failures = new HashMap<>();

    private volatile boolean running;
    private volatile Thread thread;
    private volatile State state = State.STOPPED;
    private volatile Instant lastBatchAt;
    private volatile Instant connectedAt;
    private volatile long lagMillis = -1;
    private volatile String lastError;
    private volatile long deadLettered;

    public CanalChangeFeed(CanalProperties props, Supplier<CanalConnector> connectors, List<ChangeListener> listeners,
                           DeadLetters deadLetters, MeterRegistry meters) {
        this.props = props;
        this.connectors = connectors;
        this.listeners = List.copyOf(listeners);
        this.deadLetters = deadLetters;
        this.handled = meters.counter("cachelab.sync.events", "source", SOURCE);
        Gauge.builder("cachelab.sync.lag", this, f -> f.lagMillis).tag("source", SOURCE).baseUnit("milliseconds")
                .description("handling time minus the binlog execute time of the last event handled").register(meters);
    }

    @Override
    public synchronized void start() {
        if (running) return;
        running = true;
        Thread t = new Thread(this::loop, "canal-feed-" + props.destination());
        t.setDaemon(true);
        thread = t;
        t.start();
        log.info("canal feed started: {}:{} destination {} filter {}", props.host(), props.port(), props.destination(), props.filter());
    }

    @Override
    public synchronized void stop() {
        running = false;
        Thread t = thread;
        if (t == null) return;
        t.interrupt();
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
        state = State.STOPPED;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    public State state() {
        return state;
    }

    public Instant lastBatchAt() {
        return lastBatchAt;
    }

    public Instant connectedAt() {
        return connectedAt;
    }

    /** Milliseconds between the binlog execute time and the handling of the last event; -1 before the first. */
    public long lagMillis() {
        return lagMillis;
    }

    public String lastError() {
        return lastError;
    }

    public double eventsHandled() {
        return handled.count();
    }

    public long deadLettered() {
        return deadLettered;
    }

    // ---------------------------------------------------------------- the loop

    private void loop() {
        long backoff = props.reconnectBackoff().toMillis();
        while (running) {
            CanalConnector connector = null;
            try {
                state = State.CONNECTING;
                connector = connectors.get();
                connector.connect();
                connector.subscribe(props.filter());
                // drop batches a previous session fetched but never acked, so they are delivered again
                connector.rollback();
                state = State.CONNECTED;
                connectedAt = Instant.now();
                backoff = props.reconnectBackoff().toMillis();
                log.info("canal feed connected to {}:{} destination {}", props.host(), props.port(), props.destination());
                session(connector);
            } catch (RuntimeException e) {
                if (!running) break;
                lastError = e.toString();
                log.warn("canal session to {}:{} failed ({}); reconnecting in {} ms", props.host(), props.port(), e, backoff);
            } finally {
                disconnectQuietly(connector);
            }
            if (!running) break;
            state = State.BACKOFF;
            if (!pause(backoff)) break;
            backoff = Math.min(backoff * 2, props.reconnectBackoffMax().toMillis());
        }
        state = State.STOPPED;
        log.info("canal feed stopped");
    }

    private void session(CanalConnector connector) {
        while (running) {
            Message message = connector.getWithoutAck(props.batchSize());
            long batchId = message.getId();
            List<CanalEntry.Entry> entries = message.getEntries();
            if (batchId == -1 || entries.isEmpty()) {
                if (batchId != -1) connector.ack(batchId);
                if (!pause(props.idlePause().toMillis())) return;
                continue;
            }
            ListenerFailure failure = handle(entries);
            if (failure == null) {
                connector.ack(batchId);
                failures.clear();
                lastBatchAt = Instant.now();
            } else {
                connector.rollback(batchId);
                lastError = failure.getCause().toString();
                log.warn("batch {} rolled back: {}", batchId, failure.getMessage(), failure.getCause());
                if (!pause(Math.min(100L * failure.attempt, 1_000))) return;
            }
        }
    }

    /** Dispatches a batch; null when every event was handled or dead-lettered. */
    private ListenerFailure handle(List<CanalEntry.Entry> entries) {
        for (CanalEntry.Entry entry : entries) {
            for (CanalEntries.Row row : CanalEntries.rows(entry)) {
                try {
                    for (ChangeListener l : listeners) l.on(row.event());
                } catch (RuntimeException e) {
                    int attempt = failures.merge(row.position(), 1, Integer::sum);
                    if (attempt <= props.maxRetries())
                        return new ListenerFailure(row, attempt, e);
                    failures.remove(row.position());
                    deadLettered++;
                    deadLetters.record(SOURCE, row.event(), row.position(), e);
                    continue;
                }
                handled.increment();
                lagMillis = Math.max(0, System.currentTimeMillis() - row.executeTime());
            }
        }
        return null;
    }

    private static final class ListenerFailure extends RuntimeException {
        final int attempt;

        ListenerFailure(CanalEntries.Row row, int attempt, RuntimeException cause) {
            super(row.event().table() + " " + row.event().kind() + " id=" + row.event().id() + " at " + row.position()
                    + " failed (attempt " + attempt + ")", cause, false, false);
            this.attempt = attempt;
        }
    }

    private boolean pause(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
            return running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void disconnectQuietly(CanalConnector c) {
        if (c == null) return;
        try {
            c.disconnect();
        } catch (RuntimeException e) {
            log.debug("disconnect failed", e);
        }
    }
}
