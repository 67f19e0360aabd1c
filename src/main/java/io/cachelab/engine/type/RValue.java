package io.cachelab.engine.type;


/**
 * A value stored under a key. Like Redis's robj it carries the access clock used by eviction
 * (24-bit LRU seconds, or LFU minutes + log counter) so the keyspace needs no side table.
 */
public abstract class RValue {
    /** LRU clock or (LFU decrement time << 8 | counter); see keyspace.Eviction. */
    private int lru;
    /**
     * What this key counts for in its database's dataset estimate (keyspace.MemoryModel), in 8-byte
     * units (the JVM's object alignment) so an int covers 16 GB; kept by Database.
     */
    private int memAccounted;

    /** The access clock: LRU seconds, or LFU decrement minutes << 8 | log counter (robj.lru). */
    public int lru() {
        return lru;
    }

    public void setLru(int lru) {
        this.lru = lru;
    }

    /** The bytes this value is counted for in its database's dataset estimate (0 when not counted). */
    public long accountedBytes() {
        return memAccounted * 8L;
    }

    /**
     * Database's bookkeeping: the value is now counted for {@code bytes}, rounded up to 8 (read it
     * back through {@link #accountedBytes()} to add what was stored).
     */
    public void setAccountedBytes(long bytes) {
        memAccounted = (int) Math.min((bytes + 7) >>> 3, Integer.MAX_VALUE);
    }

    public abstract RType type();

    /** What OBJECT ENCODING answers, following Redis 7.0's thresholds. */
    public abstract String encoding();

    /** A deep copy (COPY, and copy-on-write for snapshots). */
    public abstract RValue copy();
}
