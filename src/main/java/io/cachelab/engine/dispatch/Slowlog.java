package io.cachelab.engine.dispatch;

import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.net.Client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * SLOWLOG, as Redis's slowlog.c: commands slower than slowlog-log-slower-than microseconds are kept,
 * newest first, up to slowlog-max-len entries, with at most 32 arguments of at most 128 bytes each
 * and redacted arguments as "(redacted)".
 */
public final class Slowlog {
    private static final int MAX_ARGC = 32;
    private static final int MAX_STRING = 128;

    /** One entry as SLOWLOG GET reports it. */
    public record Entry(long id, long timestampSec, long micros, byte[][] argv, String addr, String name) {
    }

    private final LongSupplier threshold;
    private final LongSupplier maxLen;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    public Slowlog(EngineConfig config) {
        this.threshold = config.live("slowlog-log-slower-than");
        this.maxLen = config.live("slowlog-max-len");
    }

    /** slowlogPushEntryIfNeeded. */
    public void record(Client c, byte[][] argv, long micros) {
        long slower = threshold.getAsLong();
        if (slower < 0 || micros < slower) return;
        int max = Math.min(argv.length, MAX_ARGC);
        byte[][] kept = new byte[max][];
        for (int i = 0; i < max; i++) {
            if (i == max - 1 && argv.length > MAX_ARGC) {
                kept[i] = ("... (" + (argv.length - MAX_ARGC + 1) + " more arguments)").getBytes(StandardCharsets.US_ASCII);
            } else if (argv[i].length > MAX_STRING) {
                kept[i] = (new String(argv[i], 0, MAX_STRING, StandardCharsets.ISO_8859_1) + "... ("
                        + (argv[i].length - MAX_STRING) + " more bytes)").getBytes(StandardCharsets.ISO_8859_1);
            } else {
                kept[i] = argv[i];
            }
        }
        entries.addFirst(new Entry(nextId++, System.currentTimeMillis() / 1000, micros, kept, c.addr(), c.name()));
        while (entries.size() > maxLen.getAsLong()) entries.removeLast();
    }

    public Deque<Entry> entries() {
        return entries;
    }

    public void reset() {
        entries.clear();
    }
}
