package io.cachelab.engine.info;

import java.util.HashMap;
import java.util.Map;

/** Counters INFO stats reports. Plain longs: only the event-loop thread touches them. */
public final class Stats {
    public final long startMs = System.currentTimeMillis();
    /** The counters, one slot each (evictionExceededUs: time over maxmemory in finished episodes; lazyfreedObjects:
     * values Redis would have freed in its lazy-free thread, see keyspace.LazyFree). */
    public enum Counter {
        TOTAL_CONNECTIONS,
        REJECTED_CONNECTIONS,
        TOTAL_COMMANDS,
        BYTES_IN,
        BYTES_OUT,
        EXPIRED_KEYS,
        EVICTED_KEYS,
        EVICTED_CLIENTS,
        EVICTION_EXCEEDED_US,
        KEYSPACE_HITS,
        KEYSPACE_MISSES,
        PUBSUB_CHANNELS_PUBLISHED,
        PROTOCOL_ERRORS,
        TOTAL_ERROR_REPLIES,
        EXPIRED_TIME_CAP_REACHED_COUNT,
        EXPIRE_CYCLE_CPU_MICROS,
        UNEXPECTED_ERROR_REPLIES,
        LAZYFREED_OBJECTS
    }

    private final long[] counters = new long[Counter.values().length];
    private double expiredStalePerc;

    public long get(Counter c) {
        return counters[c.ordinal()];
    }

    public void add(Counter c, long n) {
        counters[c.ordinal()] += n;
    }

    public void increment(Counter c) {
        counters[c.ordinal()]++;
    }

    public double expiredStalePerc() {
        return expiredStalePerc;
    }

    public void setExpiredStalePerc(double v) {
        expiredStalePerc = v;
    }

    public final Map<String, Long> errorsByPrefix = new HashMap<>();

    // instantaneous ops/sec over a sliding window sampled by cron (as Redis's trackInstantaneousMetric)
    private final long[] opsSamples = new long[16];
    private final long[] inSamples = new long[16];
    private final long[] outSamples = new long[16];
    private int sampleIdx;
    private long lastSampleMs = System.currentTimeMillis();
    private long lastOps;
    private long lastIn;
    private long lastOut;

    public void connectionAccepted() {
        increment(Counter.TOTAL_CONNECTIONS);
    }

    public void commandProcessed() {
        increment(Counter.TOTAL_COMMANDS);
    }

    public void bytesIn(long n) {
        add(Counter.BYTES_IN, n);
    }

    public void bytesOut(long n) {
        add(Counter.BYTES_OUT, n);
    }

    public void protocolError() {
        increment(Counter.PROTOCOL_ERRORS);
    }

    public void errorReply(String message) {
        increment(Counter.TOTAL_ERROR_REPLIES);
        // as Redis's afterErrorReply: the code is whatever precedes a space within the first 32 bytes
        // (scripts raise codes such as MY_ERR_CODE); without one the error counts as ERR
        int sp = message.indexOf(' ');
        String prefix = sp > 0 && sp < 32 ? message.substring(0, sp) : "ERR";
        errorsByPrefix.merge(prefix, 1L, Long::sum);
    }

    public void sample(long nowMs) {
        long dt = nowMs - lastSampleMs;
        if (dt < 100) return;
        long ops = get(Counter.TOTAL_COMMANDS), in = get(Counter.BYTES_IN), out = get(Counter.BYTES_OUT);
        opsSamples[sampleIdx] = (ops - lastOps) * 1000 / dt;
        inSamples[sampleIdx] = (in - lastIn) * 1000 / dt;
        outSamples[sampleIdx] = (out - lastOut) * 1000 / dt;
        sampleIdx = (sampleIdx + 1) % opsSamples.length;
        lastOps = ops;
        lastIn = in;
        lastOut = out;
        lastSampleMs = nowMs;
    }

    private static long avg(long[] a) {
        long s = 0;
        for (long x : a) s += x;
        return s / a.length;
    }

    public long instantaneousOps() {
        return avg(opsSamples);
    }

    public double instantaneousInputKbps() {
        return avg(inSamples) / 1024.0;
    }

    public double instantaneousOutputKbps() {
        return avg(outSamples) / 1024.0;
    }

    public void reset() {
        java.util.Arrays.fill(counters, 0);
        expiredStalePerc = 0;
        errorsByPrefix.clear();
    }
}
