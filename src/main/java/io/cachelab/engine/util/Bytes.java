package io.cachelab.engine.util;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A binary-safe string used for keys, hash fields and set members. Redis keys are bytes, not text,
 * so we never round-trip through String on the hot path; the hash is computed once and cached
 * because every key is hashed at least twice (keyspace and expires dictionaries).
 */
public final class Bytes implements Comparable<Bytes> {
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] data;
    private int hash;

    public Bytes(byte[] data) {
        this.data = data;
    }

    public static Bytes of(String s) {
        return new Bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The backing array; callers must not modify it. */
    public byte[] array() {
        return data;
    }

    public int length() {
        return data.length;
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = hashOf(data);
            hash = h;
        }
        return h;
    }

    /** What {@link #hashCode()} answers for a Bytes over {@code b} (never 0, the "not yet" mark). */
    public static int hashOf(byte[] b) {
        int h = hash(b, 0, b.length);
        return h == 0 ? 1 : h;
    }

    /** A well-mixed 32-bit hash (FNV-1a folded through a murmur finaliser) for power-of-two tables. */
    public static int hash(byte[] b, int off, int len) {
        int h = 0x811c9dc5;
        for (int i = off; i < off + len; i++) {
            h ^= b[i];
            h *= 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Bytes other)) return false;
        return hashCode() == other.hashCode() && Arrays.equals(data, other.data);
    }

    /** Unsigned lexicographic order, as memcmp: the order Redis uses for ZRANGEBYLEX and SORT ALPHA. */
    @Override
    public int compareTo(Bytes o) {
        return Arrays.compareUnsigned(data, o.data);
    }

    @Override
    public String toString() {
        return new String(data, StandardCharsets.UTF_8);
    }
}
