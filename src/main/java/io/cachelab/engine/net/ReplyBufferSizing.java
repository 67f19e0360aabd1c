package io.cachelab.engine.net;

/**
 * The per-client static reply buffer of Redis 7.0 (clientsCronResizeOutputBuffer): its size and
 * peak are what CLIENT LIST shows as rbs/rbp, and tests watch them grow and shrink. Our replies
 * live in one growable buffer, so this models only the numbers: the peak is the reply bytes a
 * command batch left pending (capped at the buffer size, as the static buffer overflows to a list),
 * and the cron halves-or-doubles the size exactly as Redis does, rounded to jemalloc size classes.
 */
public final class ReplyBufferSizing {
    static final int CHUNK_BYTES = 16 * 1024; // PROTO_REPLY_CHUNK_BYTES
    static final int MIN_BYTES = 1024; // PROTO_REPLY_MIN_BYTES
    public static final long DEFAULT_PEAK_RESET_MS = 5000;

    int usable = CHUNK_BYTES;
    int peak = CHUNK_BYTES;
    /** Redis 7.0 seeds this with unixtime in seconds and compares it with ms: the first cron resets the peak. */
    long peakLastResetMs = 0;

    public int size() {
        return usable;
    }

    public int peak() {
        return peak;
    }

    /** _addReplyToBuffer's peak update, with the bytes now waiting in the buffer. */
    public void notePending(int pendingBytes) {
        int inBuffer = Math.min(pendingBytes, usable);
        if (inBuffer > peak) peak = inBuffer;
    }

    /** One clientsCron step; {@code peakResetMs} < 0 means never. */
    public void cron(long nowMs, long peakResetMs, boolean resizingEnabled, int pendingBytes) {
        if (!resizingEnabled) return;
        int shrinkTarget = usable / 2;
        int expandTarget = usable * 2;
        int newSize = 0;
        if (shrinkTarget >= MIN_BYTES && peak < shrinkTarget) {
            newSize = Math.max(MIN_BYTES, peak + 1);
        } else if (expandTarget < CHUNK_BYTES * 2 && peak == usable) {
            newSize = Math.min(CHUNK_BYTES, expandTarget);
        }
        if (peakResetMs >= 0 && nowMs - peakLastResetMs >= peakResetMs) {
            peak = Math.min(pendingBytes, usable);
            peakLastResetMs = nowMs;
        }
        if (newSize != 0) usable = jemallocSizeClass(newSize);
    }

    /** zmalloc_usable's rounding: four size classes per power of two above 1 KB. */
    static int jemallocSizeClass(int n) {
        if (n <= MIN_BYTES) return MIN_BYTES;
        int group = Integer.highestOneBit(n - 1);
        int step = group / 4;
        return (n + step - 1) / step * step;
    }
}
