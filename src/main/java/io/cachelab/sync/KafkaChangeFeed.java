package io.cachelab.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;

import java.util.List;

/**
 * The change feed for Canal's Kafka mode: each record is one flatMessage (one binlog entry, one or
 * more rows), dispatched to every {@link ChangeListener} like the TCP feed does. Retries and dead
 * letters are Spring Kafka's DefaultErrorHandler (configured in {@link SyncConfiguration}): a
 * failing record is redelivered {@code max-retries} times from its offset, then {@link #recover}
 * records the failing event as a dead letter and still dispatches the rows after it, so one poisoned
 * row costs neither the feed nor its neighbours. Malformed payloads are dead-lettered without retries.
 */
class KafkaChangeFeed {
    static final String SOURCE = "kafka";
    private static final Logger log = LoggerFactory.getLogger(KafkaChangeFeed.class);

    private final List<ChangeListener> listeners;
    private final DeadLetters deadLetters;
    private final FlatMessages parser = new FlatMessages();
    private final Counter handled;
    private volatile long lagMillis = -1;

    KafkaChangeFeed(List<ChangeListener> listeners, DeadLetters deadLetters, MeterRegistry meters) {
        this.listeners = List.copyOf(listeners);
        this.deadLetters = deadLetters;
        this.handled = meters.counter("cachelab.sync.events", "source", SOURCE);
        Gauge.builder("cachelab.sync.lag", this, f -> f.lagMillis).tag("source", SOURCE).baseUnit("milliseconds")
                .description("handling time minus the binlog execute time (es) of the last message handled").register(meters);
    }

    @KafkaListener(id = "cachelab-sync-kafka", topics = "${cachelab.sync.kafka.topic:cachelab-binlog}",
            groupId = "${cachelab.sync.kafka.group-id:cachelab-sync}", containerFactory = "syncKafkaListenerContainerFactory")
    void on(ConsumerRecord<String, String> record) {
        FlatMessages.Parsed parsed = parser.parse(record.value());
        List<ChangeEvent> events = parsed.events();
        for (int i = 0; i < events.size(); i++) {
            try {
                dispatch(events.get(i));
            } catch (RuntimeException e) {
                throw new EventFailed(i, e);
            }
        }
        if (parsed.executeTime() > 0) lagMillis = Math.max(0, System.currentTimeMillis() - parsed.executeTime());
    }

    /** Called by the error handler once retries are spent (or at once for a malformed payload). */
    void recover(ConsumerRecord<?, ?> record, Exception error) {
        String position = record.topic() + "-" + record.partition() + "@" + record.offset();
        EventFailed failed = find(error, EventFailed.class);
        if (failed == null) {
            deadLetters.record(SOURCE, String.valueOf(record.value()), position, rootOf(error));
            return;
        }
        List<ChangeEvent> events = parser.parse(String.valueOf(record.value())).events();
        deadLetters.record(SOURCE, events.get(failed.index), position + "#" + failed.index, failed.getCause());
        for (int i = failed.index + 1; i < events.size(); i++) {
            try {
                dispatch(events.get(i));
            } catch (RuntimeException e) {
                deadLetters.record(SOURCE, events.get(i), position + "#" + i, e);
            }
        }
    }

    public long lagMillis() {
        return lagMillis;
    }

    public double eventsHandled() {
        return handled.count();
    }

    private void dispatch(ChangeEvent e) {
        for (ChangeListener l : listeners) l.on(e);
        handled.increment();
        log.debug("kafka feed handled {} {} id={}", e.table(), e.kind(), e.id());
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) if (type.isInstance(c)) return type.cast(c);
        return null;
    }

    private static Throwable rootOf(Throwable t) {
        FlatMessages.Malformed m = find(t, FlatMessages.Malformed.class);
        return m != null ? m : t;
    }

    /** Which event of the record failed, so recovery dead-letters that one and dispatches the rest. */
    static final class EventFailed extends RuntimeException {
        final int index;

        EventFailed(int index, RuntimeException cause) {
            super("event " + index + " of the record failed: " + cause, cause, false, false);
            this.index = index;
        }
    }
}
