package io.cachelab.engine.dispatch;

/**
 * One command's statistics (Redis keeps them in struct redisCommand; here they sit beside the table,
 * so the table stays immutable data): INFO commandstats' calls, usec, rejected and failed calls, and
 * LATENCY HISTOGRAM's power-of-two buckets.
 */
public final class CommandStats {
    public static final int LATENCY_BUCKETS = 21;

    private long calls;
    private long usec;
    private long rejectedCalls;
    private long failedCalls;
    /** Counts of durations up to 1024 ns << i, as Redis reports its HdrHistogram; null until first used. */
    private long[] latencyBuckets;
    private long latencyCount;

    public void called(long micros, boolean countCall) {
        if (countCall) calls++;
        usec += micros;
    }

    public void rejected() {
        rejectedCalls++;
    }

    public void failed() {
        failedCalls++;
    }

    /** updateCommandLatencyHistogram: durations are clamped to [1 us, 1 s] as Redis does. */
    public void recordLatency(long nanos) {
        long v = Math.max(1024, Math.min(1_000_000_000L, nanos));
        int k = v <= 1024 ? 0 : 64 - Long.numberOfLeadingZeros((v - 1) >> 10);
        if (latencyBuckets == null) latencyBuckets = new long[LATENCY_BUCKETS];
        latencyBuckets[Math.min(k, LATENCY_BUCKETS - 1)]++;
        latencyCount++;
    }

    public long calls() {
        return calls;
    }

    public long usec() {
        return usec;
    }

    public long rejectedCalls() {
        return rejectedCalls;
    }

    public long failedCalls() {
        return failedCalls;
    }

    public boolean hasLatency() {
        return latencyBuckets != null;
    }

    /** Count in bucket k (durations up to 1024 ns << k). */
    public long latencyBucket(int k) {
        return latencyBuckets == null ? 0 : latencyBuckets[k];
    }

    public long latencyCount() {
        return latencyCount;
    }

    public boolean isEmpty() {
        return calls == 0 && failedCalls == 0 && rejectedCalls == 0;
    }

    public void reset() {
        calls = usec = rejectedCalls = failedCalls = 0;
        latencyBuckets = null;
        latencyCount = 0;
    }
}
