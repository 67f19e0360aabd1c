package io.cachelab.engine.keyspace;

import io.cachelab.engine.info.Stats;
import io.cachelab.engine.util.Dict;
import io.cachelab.engine.util.Bytes;

import java.util.ArrayList;
import java.util.List;

/**
 * The active expiry cycle of Redis 7 (expire.c). Lazy expiry alone would keep never-read keys
 * forever, so the server also samples keys that have a TTL: per database, up to 20 keys per loop
 * (scaled by active-expire-effort), repeating while more than 10% of a sample was expired. The slow
 * cycle runs at hz within 25% of CPU time; a fast cycle of at most 1 ms runs before the loop sleeps
 * when the last cycle left many stale keys. The cycle resumes where it stopped, scanning the
 * expires dictionary with a cursor, so every volatile key is reached eventually.
 */
public final class ActiveExpiry {
    private static final int KEYS_PER_LOOP = 20;
    private static final int FAST_DURATION_US = 1000;
    private static final int SLOW_TIME_PERC = 25;
    private static final int ACCEPTABLE_STALE = 10;

    public enum Cycle { SLOW, FAST }

    private final KeyspaceHost server;
    private int currentDb;
    private boolean timelimitExit;
    private long lastFastCycleUs;

    public ActiveExpiry(KeyspaceHost server) {
        this.server = server;
    }

    public void run(Cycle type) {
        int effort = server.config().getInt("active-expire-effort") - 1;
        int keysPerLoop = KEYS_PER_LOOP + KEYS_PER_LOOP / 4 * effort;
        long fastDuration = FAST_DURATION_US + FAST_DURATION_US / 4 * effort;
        int slowPerc = SLOW_TIME_PERC + 2 * effort;
        int acceptableStale = ACCEPTABLE_STALE - effort;

        long startUs = System.nanoTime() / 1000;
        if (type == Cycle.FAST) {
            // only when the previous cycle hit its time limit or left too many stale keys
            if (!timelimitExit && server.stats().expiredStalePerc() < acceptableStale) return;
            if (startUs < lastFastCycleUs + fastDuration * 2) return;
            lastFastCycleUs = startUs;
        }
        int hz = Math.max(1, server.hz());
        long timelimitUs = type == Cycle.FAST ? fastDuration : 1_000_000L * slowPerc / hz / 100;
        if (timelimitUs <= 0) timelimitUs = 1;
        timelimitExit = false;

        int dbs = server.databaseCount();
        long totalSampled = 0;
        long totalExpired = 0;
        long now = System.currentTimeMillis();
        int iteration = 0;
        for (int j = 0; j < dbs && !timelimitExit; j++) {
            Database db = server.db(currentDb % dbs);
            currentDb++;
            long expired;
            long sampled;
            do {
                long[] r = sampleAndExpire(db, keysPerLoop, now);
                if (r == null) break;
                sampled = r[0];
                expired = r[1];
                totalExpired += expired;
                totalSampled += sampled;
                if ((++iteration & 0xf) == 0) {
                    long elapsed = System.nanoTime() / 1000 - startUs;
                    if (elapsed > timelimitUs) {
                        timelimitExit = true;
                        server.stats().increment(Stats.Counter.EXPIRED_TIME_CAP_REACHED_COUNT);
                        break;
                    }
                }
            } while (sampled == 0 || expired * 100 / sampled > acceptableStale);
        }
        long elapsedUs = System.nanoTime() / 1000 - startUs;
        server.stats().add(Stats.Counter.EXPIRE_CYCLE_CPU_MICROS, elapsedUs);
        server.latency().addIfNeeded(server.config().getLong("latency-monitor-threshold"), "expire-cycle", elapsedUs / 1000);
        double currentPerc = totalSampled > 0 ? (double) totalExpired / totalSampled : 0;
        server.stats().setExpiredStalePerc(currentPerc * 0.05 + server.stats().expiredStalePerc() * 0.95);
    }

    /**
     * One sampling loop over a database's volatile keys (activeExpireCycle's inner loop): up to
     * keysPerLoop keys from the expires cursor, the expired ones deleted, the average TTL updated.
     * Returns {sampled, expired}, or null when the database has no volatile keys.
     */
    private static long[] sampleAndExpire(Database db, int keysPerLoop, long now) {
        Dict<Bytes, Long> expires = db.expires;
        if (expires.isEmpty()) {
            db.avgTtl = 0;
            return null;
        }
        long expired = 0;
        long sampled = 0;
        long ttlSum = 0;
        long ttlSamples = 0;
        int num = Math.min(expires.size(), keysPerLoop);
        int maxBuckets = num * 20;
        int checkedBuckets = 0;
        List<Bytes> toExpire = new ArrayList<>();
        while (sampled < num && checkedBuckets < maxBuckets) {
            List<Bytes> keys = new ArrayList<>();
            List<Long> whens = new ArrayList<>();
            db.expiresCursor = expires.scan(db.expiresCursor, (k, w) -> {
                keys.add(k);
                whens.add(w);
            });
            checkedBuckets++;
            for (int i = 0; i < keys.size(); i++) {
                sampled++;
                long ttl = whens.get(i) - now;
                if (ttl <= 0) toExpire.add(keys.get(i));
                else {
                    ttlSum += ttl;
                    ttlSamples++;
                }
            }
            if (db.expiresCursor == 0) break;
        }
        for (Bytes k : toExpire) {
            if (db.isExpiredAt(k, now)) {
                db.deleteExpired(k);
                expired++;
            }
        }
        if (ttlSamples > 0) {
            long avg = ttlSum / ttlSamples;
            db.avgTtl = db.avgTtl == 0 ? avg : (db.avgTtl / 50) * 49 + (avg / 50);
        }
        return new long[] {sampled, expired};
    }
}
