package io.cachelab.engine.info;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The latency monitor of latency.c: per event class ("command", "fast-command", "expire-cycle",
 * ...) a ring of the last 160 one-per-second samples plus the all-time maximum. Samples are only
 * taken when latency-monitor-threshold is set and reached, so the hot path costs one comparison.
 * Insertion order is kept so LATEST lists events as they first appeared.
 */
public final class LatencyMonitor {
    public static final int HISTORY_LEN = 160;
    private static final int GRAPH_COLS = 80;

    /** One event class's time series; time is in seconds, latency in milliseconds. */
    public static final class Series {
        private final long[] times = new long[HISTORY_LEN];
        private final long[] latencies = new long[HISTORY_LEN];
        private int idx;
        private long max;

        /** The sample time (s) in slot {@code i}, 0 when empty. */
        public long time(int i) {
            return times[i];
        }

        public long latency(int i) {
            return latencies[i];
        }

        /** The next slot to write (the oldest sample). */
        public int next() {
            return idx;
        }

        /** The all-time maximum (ms). */
        public long max() {
            return max;
        }

        public int last() {
            return (idx + HISTORY_LEN - 1) % HISTORY_LEN;
        }
    }

    private final Map<String, Series> events = new LinkedHashMap<>();

    /** latencyAddSampleIfNeeded: {@code thresholdMs} is latency-monitor-threshold (0 = off). */
    public void addIfNeeded(long thresholdMs, String event, long latencyMs) {
        if (thresholdMs > 0 && latencyMs >= thresholdMs) add(event, latencyMs);
    }

    public void add(String event, long latencyMs) {
        Series ts = events.computeIfAbsent(event, e -> new Series());
        long now = System.currentTimeMillis() / 1000;
        if (latencyMs > ts.max) ts.max = latencyMs;
        int prev = ts.last();
        // one sample per second: a later spike in the same second only raises it
        if (ts.times[prev] == now) {
            if (latencyMs > ts.latencies[prev]) ts.latencies[prev] = latencyMs;
            return;
        }
        ts.times[ts.idx] = now;
        ts.latencies[ts.idx] = latencyMs;
        ts.idx = (ts.idx + 1) % HISTORY_LEN;
    }

    public Map<String, Series> events() {
        return events;
    }

    public Series get(String event) {
        return events.get(event);
    }

    /** latencyResetEvent: null resets all; event names compare case-insensitively. */
    public int reset(String event) {
        int resets = 0;
        var it = events.keySet().iterator();
        while (it.hasNext()) {
            String name = it.next();
            if (event == null || name.equalsIgnoreCase(event)) {
                it.remove();
                resets++;
            }
        }
        return resets;
    }

    /** LATENCY GRAPH: the header line, a rule, then a 4-row filled sparkline with "ago" labels. */
    public static String graph(String event, Series ts) {
        int n = 0;
        long[] values = new long[HISTORY_LEN];
        String[] labels = new String[HISTORY_LEN];
        long min = 0;
        long max = 0;
        long now = System.currentTimeMillis() / 1000;
        for (int j = 0; j < HISTORY_LEN; j++) {
            int i = (ts.idx + j) % HISTORY_LEN;
            if (ts.times[i] == 0) continue;
            long v = ts.latencies[i];
            if (n == 0) {
                min = max = v;
            } else {
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
            long elapsed = now - ts.times[i];
            String label;
            if (elapsed < 60) label = elapsed + "s";
            else if (elapsed < 3600) label = (elapsed / 60) + "m";
            else if (elapsed < 3600 * 24) label = (elapsed / 3600) + "h";
            else label = (elapsed / (3600 * 24)) + "d";
            values[n] = v;
            labels[n] = label;
            n++;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s - high %d ms, low %d ms (all time high %d ms)\n", event, max, min, ts.max));
        sb.append("-".repeat(GRAPH_COLS)).append('\n');
        for (int j = 0; j < n; j += GRAPH_COLS) {
            if (j != 0) sb.append('\n');
            renderRange(sb, values, labels, min, max, j, Math.min(GRAPH_COLS, n - j));
        }
        return sb.toString();
    }

    /** sparkline.c's filled rendering: 4 rows of "_o#" steps ('|' below the top), then the labels vertically. */
    private static void renderRange(StringBuilder out, long[] values, String[] labels, long min, long max,
                                    int offset, int len) {
        final String fill = "_o#";
        final int rows = 4;
        final int steps = fill.length() * rows;
        double relmax = max - min;
        if (relmax == 0) relmax = 1;
        char[] chars = new char[len];
        int row = 0;
        boolean loop = true;
        while (loop) {
            loop = false;
            java.util.Arrays.fill(chars, ' ');
            for (int j = 0; j < len; j++) {
                double relval = values[j + offset] - min;
                int step = (int) ((int) (relval * steps) / relmax);
                if (step < 0) step = 0;
                if (step >= steps) step = steps - 1;
                if (row < rows) {
                    int charidx = step - ((rows - row - 1) * fill.length());
                    loop = true;
                    if (charidx >= 0 && charidx < fill.length()) chars[j] = fill.charAt(charidx);
                    else if (charidx >= fill.length()) chars[j] = '|';
                } else {
                    if (row - rows < 1) {
                        // one blank row between the graph and its labels
                        loop = true;
                        break;
                    }
                    String label = labels[j + offset];
                    int labelChar = row - rows - 1;
                    if (label.length() > labelChar) {
                        loop = true;
                        chars[j] = label.charAt(labelChar);
                    }
                }
            }
            if (loop) {
                row++;
                out.append(chars).append('\n');
            }
        }
    }

    /** LATENCY DOCTOR: the per-event statistics of createLatencyReport, without its advice catalogue. */
    public String doctor() {
        if (events.isEmpty()) {
            return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the "
                    + "slightest bit. I honestly think you ought to sleep tonight.\n";
        }
        StringBuilder sb = new StringBuilder("Dave, I have observed latency spikes in this Redis instance. "
                + "You don't mind talking about it, do you Dave?\n\n");
        int eventNo = 0;
        for (Map.Entry<String, Series> e : events.entrySet()) {
            Series ts = e.getValue();
            int samples = 0;
            long sum = 0;
            long minTime = Long.MAX_VALUE;
            long maxTime = 0;
            for (int i = 0; i < HISTORY_LEN; i++) {
                if (ts.times[i] == 0) continue;
                samples++;
                sum += ts.latencies[i];
                minTime = Math.min(minTime, ts.times[i]);
                maxTime = Math.max(maxTime, ts.times[i]);
            }
            if (samples == 0) continue;
            long avg = sum / samples;
            long mad = 0;
            for (int i = 0; i < HISTORY_LEN; i++) {
                if (ts.times[i] != 0) mad += Math.abs(ts.latencies[i] - avg);
            }
            mad /= samples;
            double period = samples > 1 ? (double) (maxTime - minTime) / samples : 0;
            eventNo++;
            sb.append(String.format(Locale.ROOT, "%d. %s: %d latency spikes (average %dms, mean deviation %dms, "
                    + "period %.2f sec). Worst all time event %dms.\n", eventNo, e.getKey(), samples, avg, mad, period, ts.max));
        }
        sb.append("\nI have no advice for you, Dave: look at the events above and the commands that cause them.\n");
        return sb.toString();
    }
}
