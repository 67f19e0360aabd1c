package io.cachelab.engine.util;

import java.util.Arrays;

/**
 * Redis's listpack (listpack.c), reduced to what the small encodings here need: a sequence of byte
 * strings packed into one {@code byte[]}, each entry a length (a varint: 7 bits a byte, the high bit
 * saying "more") followed by its bytes. A small hash of ten short fields is then one array of about
 * sixty bytes instead of twenty objects with their headers and references, which is where the JVM
 * spends most of the memory of small aggregates. Entries are addressed by their offset; a walk is
 * {@code for (int o = 0; o < lp.end(); o = lp.next(o))}. Like Redis's, every operation is a linear
 * scan or a shift of the tail, so callers keep listpacks small (the *-max-listpack-* thresholds).
 */
public final class Listpack {
    private byte[] buf;
    private int used;
    private int count;

    public Listpack(int capacityBytes) {
        buf = new byte[Math.max(capacityBytes, 0)];
    }

    private Listpack(byte[] buf, int used, int count) {
        this.buf = buf;
        this.used = used;
        this.count = count;
    }

    /** Number of entries. */
    public int count() {
        return count;
    }

    /** The offset just past the last entry. */
    public int end() {
        return used;
    }

    /** The length of the entry at {@code off}. */
    public int length(int off) {
        int len = 0, shift = 0;
        byte b;
        do {
            b = buf[off++];
            len |= (b & 0x7F) << shift;
            shift += 7;
        } while (b < 0);
        return len;
    }

    /** Where the bytes of the entry at {@code off} start. */
    public int dataStart(int off) {
        while (buf[off] < 0) off++;
        return off + 1;
    }

    /** The offset of the entry after the one at {@code off}. */
    public int next(int off) {
        return dataStart(off) + length(off);
    }

    /** True when the entry at {@code off} holds exactly {@code b}. */
    public boolean equalsAt(int off, byte[] b) {
        int len = length(off);
        if (len != b.length) return false;
        int start = dataStart(off);
        return Arrays.equals(buf, start, start + len, b, 0, len);
    }

    /** Unsigned lexicographic order (memcmp) of the entry at {@code off} against {@code b}. */
    public int compareAt(int off, byte[] b) {
        int start = dataStart(off);
        return Arrays.compareUnsigned(buf, start, start + length(off), b, 0, b.length);
    }

    /**
     * The entry's first bytes (at most 8) as a big-endian long, zero-filled on the right: how a
     * fixed-width number stored with its trailing zero bytes dropped reads back.
     */
    public long leftAlignedLong(int off) {
        int start = dataStart(off), len = Math.min(length(off), 8);
        long v = 0;
        for (int i = 0; i < len; i++) v |= (buf[start + i] & 0xFFL) << (56 - 8 * i);
        return v;
    }

    /** A copy of the entry at {@code off}. */
    public byte[] get(int off) {
        int start = dataStart(off);
        return Arrays.copyOfRange(buf, start, start + length(off));
    }

    /** Appends an entry. */
    public void append(byte[] b) {
        int header = headerSize(b.length);
        ensure(used + header + b.length);
        used = writeHeader(used, b.length);
        System.arraycopy(b, 0, buf, used, b.length);
        used += b.length;
        count++;
    }

    /** Inserts an entry before the one at {@code off} ({@code end()} appends). */
    public void insert(int off, byte[] b) {
        int size = headerSize(b.length) + b.length;
        ensure(used + size);
        System.arraycopy(buf, off, buf, off + size, used - off);
        System.arraycopy(b, 0, buf, writeHeader(off, b.length), b.length);
        used += size;
        count++;
    }

    /** Replaces the entry at {@code off} with {@code b}, shifting what follows. */
    public void replace(int off, byte[] b) {
        int oldEnd = next(off), newSize = headerSize(b.length) + b.length;
        int delta = newSize - (oldEnd - off);
        ensure(used + delta);
        System.arraycopy(buf, oldEnd, buf, oldEnd + delta, used - oldEnd);
        System.arraycopy(b, 0, buf, writeHeader(off, b.length), b.length);
        used += delta;
    }

    /** Removes {@code n} consecutive entries starting at {@code off}. */
    public void remove(int off, int n) {
        int end = off;
        for (int i = 0; i < n; i++) end = next(end);
        System.arraycopy(buf, end, buf, off, used - end);
        used -= end - off;
        count -= n;
        if (buf.length > 256 && used < buf.length / 4) buf = Arrays.copyOf(buf, used * 2);
    }

    /** Bytes allocated for the entries, spare room included (memory accounting). */
    public int capacity() {
        return buf.length;
    }

    public Listpack copy() {
        return new Listpack(Arrays.copyOf(buf, used), used, count);
    }

    private static int headerSize(int len) {
        int n = 1;
        while (len >= 0x80) {
            len >>>= 7;
            n++;
        }
        return n;
    }

    private int writeHeader(int off, int len) {
        while (len >= 0x80) {
            buf[off++] = (byte) ((len & 0x7F) | 0x80);
            len >>>= 7;
        }
        buf[off++] = (byte) len;
        return off;
    }

    /** Exact fit while small (Redis reallocs a listpack on every insert); past 256 bytes grow by half. */
    private void ensure(int size) {
        if (size > buf.length) buf = Arrays.copyOf(buf, size <= 256 ? size : Math.max(size, buf.length + (buf.length >> 1)));
    }
}
