package io.cachelab.engine;

import java.util.HashMap;
import java.util.Map;

/** Counters INFO stats reports. Plain fields: only the event-loop thread touches them. */
public final class Stats {
    public final long startMs = System.currentTimeMillis();
    public long totalConnections;
    public long rejectedConnections;
    public long totalCommands;
    public long bytesIn;
    public long bytesOut;
    public long expiredKeys;
    public long evictedKeys;
    public long evictedClients;
    /** Time spent over maxmemory in finished episodes (µs); the running one is in Evictor. */
    public long evictionExceededUs;
    public long keyspaceHits;
    public long keyspaceMisses;
    public long pubsubChannelsPublished;
    public long protocolErrors;
    public long totalErrorReplies;
    public double expiredStalePerc;
    public long expiredTimeCapReachedCount;
    public long expireCycleCpuMicros;
    public long unexpectedErrorReplies;
    /** Values Redis would have freed in its lazy-free thread (see keyspace.LazyFree). */
    public long lazyfreedObjects;
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
        totalConnections++;
    }

    public void commandProcessed() {
        totalCommands++;
    }

    public void bytesIn(long n) {
        bytesIn += n;
    }

    public void bytesOut(long n) {
        bytesOut += n;
    }

    public void protocolError() {
        protocolErrors++;
    }

    public void errorReply(String message) {
        totalErrorReplies++;
        // as Redis's afterErrorReply: the code is whatever precedes a space within the first 32 bytes
        // (scripts raise codes such as MY_ERR_CODE); without one the error counts as ERR
        int sp = message.indexOf(' ');
        String prefix = sp > 0 && sp < 32 ? message.substring(0, sp) : "ERR";
        errorsByPrefix.merge(prefix, 1L, Long::sum);
    }

    void sample(long nowMs) {
        long dt = nowMs - lastSampleMs;
        if (dt < 100) return;
        opsSamples[sampleIdx] = (totalCommands - lastOps) * 1000 / dt;
        inSamples[sampleIdx] = (bytesIn - lastIn) * 1000 / dt;
        outSamples[sampleIdx] = (bytesOut - lastOut) * 1000 / dt;
        sampleIdx = (sampleIdx + 1) % opsSamples.length;
        lastOps = totalCommands;
        lastIn = bytesIn;
        lastOut = bytesOut;
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
        totalConnections = rejectedConnections = totalCommands = 0;
        bytesIn = bytesOut = expiredKeys = evictedKeys = evictedClients = keyspaceHits = keyspaceMisses = 0;
        evictionExceededUs = 0;
        pubsubChannelsPublished = protocolErrors = totalErrorReplies = 0;
        expiredStalePerc = 0;
        expiredTimeCapReachedCount = expireCycleCpuMicros = 0;
        lazyfreedObjects = 0;
        errorsByPrefix.clear();
    }
}
