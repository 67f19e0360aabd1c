package io.cachelab.engine.keyspace;

import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.type.RValue;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Access clocks for eviction (evict.c): a 24-bit LRU clock in seconds, or for the LFU policies a
 * 16-bit minutes timestamp plus an 8-bit logarithmic counter that grows with probability
 * 1/((counter-5)*lfu-log-factor+1) and decays by one per lfu-decay-time minutes idle. OBJECT
 * IDLETIME and OBJECT FREQ read these.
 */
public final class Eviction {
    public static final int LRU_CLOCK_MAX = (1 << 24) - 1;
    public static final int LFU_INIT_VAL = 5;

    private final EngineConfig config;

    /** Cached: read on every key access. */
    private boolean lfu;

    public Eviction(EngineConfig config) {
        this.config = config;
        this.lfu = config.getString("maxmemory-policy").contains("lfu");
        config.onChange("maxmemory-policy", v -> lfu = v.contains("lfu"));
    }

    public boolean lfu() {
        return lfu;
    }

    public static int lruClock() {
        return (int) ((System.currentTimeMillis() / 1000) & LRU_CLOCK_MAX);
    }

    /** Updates the access clock of a value just read or written. */
    public void touch(RValue v) {
        if (lfu()) {
            if (v.lru() == 0) {
                v.setLru((lfuTimeInMinutes() << 8) | LFU_INIT_VAL);
                return;
            }
            int counter = lfuDecrAndReturn(v);
            counter = lfuLogIncr(counter);
            v.setLru((lfuTimeInMinutes() << 8) | counter);
        } else {
            v.setLru(lruClock());
        }
    }

    /** Seconds since last access under LRU. */
    public long idleSeconds(RValue v) {
        int now = lruClock();
        long ticks = now >= v.lru() ? now - v.lru() : (LRU_CLOCK_MAX - v.lru()) + now;
        return ticks;
    }

    public int frequency(RValue v) {
        return lfuDecrAndReturn(v);
    }

    static int lfuTimeInMinutes() {
        return (int) ((System.currentTimeMillis() / 1000 / 60) & 65535);
    }

    private int lfuDecrAndReturn(RValue v) {
        int ldt = v.lru() >>> 8;
        int counter = v.lru() & 255;
        long period = config.getLong("lfu-decay-time");
        int now = lfuTimeInMinutes();
        int elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
        long periods = period > 0 ? elapsed / period : 0;
        if (periods > 0) counter = (int) (periods > counter ? 0 : counter - periods);
        return counter;
    }

    private int lfuLogIncr(int counter) {
        if (counter == 255) return 255;
        double r = ThreadLocalRandom.current().nextDouble();
        double baseval = counter - LFU_INIT_VAL;
        if (baseval < 0) baseval = 0;
        double p = 1.0 / (baseval * config.getLong("lfu-log-factor") + 1);
        return r < p ? counter + 1 : counter;
    }
}
