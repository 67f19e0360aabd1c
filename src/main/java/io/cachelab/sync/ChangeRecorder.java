package io.cachelab.sync;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What a feature's write path calls inside its {@code @Transactional} method:
 * {@code recorder.changed(event)}. The mode decides what happens, so features never code a
 * consistency strategy themselves:
 * <ul>
 * <li>delete-after-commit: a TransactionSynchronization evicts after the commit, never inside the
 * transaction (an eviction inside it lets a concurrent reader cache the old row again before the
 * commit); nothing happens on rollback; without a transaction it evicts at once.</li>
 * <li>delayed-double-delete: evict now, then once more {@code double-delete-delay} after the commit,
 * on a one-thread scheduler, to remove a stale value a reader cached between the two.</li>
 * <li>canal: nothing; the binlog carries the change to {@link CanalChangeFeed}.</li>
 * </ul>
 * An eviction that fails after commit cannot undo the commit: it is logged and counted
 * ({@code cachelab.sync.invalidation.failures}), and the entry's TTL bounds the staleness.
 */
@Component
public class ChangeRecorder {
    private static final Logger log = LoggerFactory.getLogger(ChangeRecorder.class);

    private final ConsistencyProperties props;
    private final CacheInvalidator invalidator;
    private final MeterRegistry meters;
    private final ScheduledExecutorService scheduler;

    public ChangeRecorder(ConsistencyProperties props, CacheInvalidator invalidator, MeterRegistry meters) {
        this.props = props;
        this.invalidator = invalidator;
        this.meters = meters;
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "double-delete");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        this.scheduler = s;
        log.info("consistency mode {}{}", props.mode(), props.mode() == ConsistencyMode.DELAYED_DOUBLE_DELETE
                ? " (second delete after " + props.doubleDeleteDelay().toMillis() + " ms)" : "");
    }

    public ConsistencyMode mode() {
        return props.mode();
    }

    public void changed(ChangeEvent event) {
        changed(event, props.mode());
    }

    /**
     * The same, under a mode named by the caller rather than the configured one: the consistency lab
     * compares the modes side by side through this very code.
     */
    public void changed(ChangeEvent event, ConsistencyMode mode) {
        switch (mode) {
            case DELETE_AFTER_COMMIT -> afterCommit(() -> evict(event, "after-commit"));
            case DELAYED_DOUBLE_DELETE -> {
                invalidator.on(event);
                afterCommit(() -> scheduler.schedule(() -> evict(event, "second-delete"),
                        props.doubleDeleteDelay().toMillis(), TimeUnit.MILLISECONDS));
            }
            case CANAL -> log.trace("canal mode: {} {} left to the binlog", event.table(), event.id());
        }
    }

    private static void afterCommit(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }

    private void evict(ChangeEvent event, String phase) {
        try {
            invalidator.on(event);
        } catch (RuntimeException e) {
            meters.counter("cachelab.sync.invalidation.failures", "phase", phase).increment();
            log.warn("{} eviction of {} id={} failed; the entry's TTL bounds the staleness", phase, event.table(), event.id(), e);
        }
    }

    @PreDestroy
    void shutdown() {
        scheduler.shutdownNow();
    }
}
