package io.cachelab.sync;

/**
 * The port every change feed (after-commit, Canal, Kafka) delivers to. {@link CacheInvalidator} is
 * the one that matters; any other bean of this type receives the same events in the same order.
 * Implementations must be idempotent: the Canal feed redelivers a batch after a failure, so an
 * event may arrive more than once.
 */
@FunctionalInterface
public interface ChangeListener {
    void on(ChangeEvent event);
}
