package io.cachelab.config;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * At most one warning line per interval for a condition every request meets while it lasts (Redis
 * unavailable during a failover: in a CI run of EngineClusterFailoverIT, 66,000 lines in 30 s, one
 * per refused request, on the two cores the cluster's election also needed). The first occurrence
 * is logged at once; those within the interval after a logged one are counted, and the next line
 * says how many were left out.
 */
final class WarningThrottle {
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong nextLine;
    private final AtomicLong skipped = new AtomicLong();

    WarningThrottle(Duration interval) {
        this(interval, System::nanoTime);
    }

    WarningThrottle(Duration interval, LongSupplier nanoTime) {
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.nextLine = new AtomicLong(nanoTime.getAsLong());
    }

    /**
     * -1: leave this occurrence out of the log; otherwise log it, saying the returned number of
     * occurrences were left out since the last line.
     */
    long admit() {
        long now = nanoTime.getAsLong();
        long next = nextLine.get();
        if (now - next < 0 || !nextLine.compareAndSet(next, now + intervalNanos)) {
            skipped.incrementAndGet();
            return -1;
        }
        return skipped.getAndSet(0);
    }
}
