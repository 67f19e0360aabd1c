package io.cachelab.lab;

import java.util.Arrays;

/** Percentiles of a finished run's latencies (nanoseconds in, milliseconds out, nearest rank). */
record Latencies(double p50Ms, double p99Ms, double maxMs) {

    static Latencies of(long[] nanos) {
        if (nanos.length == 0) return new Latencies(0, 0, 0);
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Latencies(ms(rank(sorted, 0.50)), ms(rank(sorted, 0.99)), ms(sorted[sorted.length - 1]));
    }

    private static long rank(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
