package io.cachelab.engine.type;

import java.util.Arrays;

/**
 * A list value: one growable circular array of elements. Redis keeps lists in a quicklist (a
 * linked list of listpacks) to save memory; in Java an array of references already gives what the
 * commands need — O(1) push/pop at both ends (queues and BLPOP), O(1) LINDEX/LSET, and cheap
 * LRANGE/LTRIM — so the array is the whole structure and only {@link #encoding()} speaks Redis's
 * vocabulary. Redis 7.0 reports every list as "quicklist" (the plain-listpack list encoding arrived
 * in 7.2; verified on redis-server 7.0.15), so there is no size threshold to track.
 */
public final class ListValue extends RValue {
    private static final int MIN_CAPACITY = 8;

    private byte[][] items;
    private int head;
    private int size;
    /** Sum of element lengths, kept by every mutator so memory accounting is O(1). */
    private long elementBytes;

    public ListValue() {
        items = new byte[MIN_CAPACITY][];
    }

    private ListValue(byte[][] items, int size, long elementBytes) {
        this.items = items;
        this.size = size;
        this.elementBytes = elementBytes;
    }

    @Override
    public RType type() {
        return RType.LIST;
    }

    @Override
    public String encoding() {
        return "quicklist";
    }

    @Override
    public RValue copy() {
        byte[][] copy = new byte[Math.max(MIN_CAPACITY, size)][];
        for (int i = 0; i < size; i++) copy[i] = get(i);
        return new ListValue(copy, size, elementBytes);
    }

    /** Element slots allocated (the ring buffer's length), for memory accounting. */
    public int capacity() {
        return items.length;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public long elementBytes() {
        return elementBytes;
    }

    private int physical(int index) {
        int p = head + index;
        return p >= items.length ? p - items.length : p;
    }

    /** Element at {@code index} (0-based from the head); the caller checks bounds. */
    public byte[] get(int index) {
        return items[physical(index)];
    }

    public void set(int index, byte[] value) {
        int p = physical(index);
        elementBytes += value.length - items[p].length;
        items[p] = value;
    }

    private void growIfFull() {
        if (size < items.length) return;
        byte[][] bigger = new byte[items.length << 1][];
        int firstPart = Math.min(size, items.length - head);
        System.arraycopy(items, head, bigger, 0, firstPart);
        System.arraycopy(items, 0, bigger, firstPart, size - firstPart);
        items = bigger;
        head = 0;
    }

    /** Halves the array when it is mostly empty so a drained queue gives its memory back. */
    private void shrinkIfSparse() {
        if (items.length <= MIN_CAPACITY || size > items.length >> 2) return;
        byte[][] smaller = new byte[Math.max(MIN_CAPACITY, items.length >> 1)][];
        for (int i = 0; i < size; i++) smaller[i] = get(i);
        items = smaller;
        head = 0;
    }

    public void pushHead(byte[] value) {
        growIfFull();
        head = head == 0 ? items.length - 1 : head - 1;
        items[head] = value;
        size++;
        elementBytes += value.length;
    }

    public void pushTail(byte[] value) {
        growIfFull();
        items[physical(size)] = value;
        size++;
        elementBytes += value.length;
    }

    /** Removes and returns the head, or null when empty. */
    public byte[] popHead() {
        if (size == 0) return null;
        byte[] v = items[head];
        items[head] = null;
        head = head + 1 == items.length ? 0 : head + 1;
        size--;
        elementBytes -= v.length;
        shrinkIfSparse();
        return v;
    }

    /** Removes and returns the tail, or null when empty. */
    public byte[] popTail() {
        if (size == 0) return null;
        int p = physical(size - 1);
        byte[] v = items[p];
        items[p] = null;
        size--;
        elementBytes -= v.length;
        shrinkIfSparse();
        return v;
    }

    /** Inserts so the new element ends up at {@code index} (0..size), moving the shorter side. */
    public void insert(int index, byte[] value) {
        if (index == 0) {
            pushHead(value);
            return;
        }
        if (index == size) {
            pushTail(value);
            return;
        }
        growIfFull();
        if (index < size / 2) {
            head = head == 0 ? items.length - 1 : head - 1;
            for (int i = 0; i < index; i++) items[physical(i)] = items[physical(i + 1)];
        } else {
            for (int i = size; i > index; i--) items[physical(i)] = items[physical(i - 1)];
        }
        items[physical(index)] = value;
        size++;
        elementBytes += value.length;
    }

    /** Removes the element at {@code index}, moving the shorter side, and returns it. */
    public byte[] remove(int index) {
        byte[] v = get(index);
        if (index < size / 2) {
            for (int i = index; i > 0; i--) items[physical(i)] = items[physical(i - 1)];
            items[head] = null;
            head = head + 1 == items.length ? 0 : head + 1;
        } else {
            for (int i = index; i < size - 1; i++) items[physical(i)] = items[physical(i + 1)];
            items[physical(size - 1)] = null;
        }
        size--;
        elementBytes -= v.length;
        shrinkIfSparse();
        return v;
    }

    /** Keeps only indexes {@code start..end} inclusive (already clamped, start <= end < size), as LTRIM. */
    public void retainRange(int start, int end) {
        if (start > end || start >= size) {
            clear();
            return;
        }
        for (int i = 0; i < start; i++) {
            elementBytes -= items[physical(i)].length;
            items[physical(i)] = null;
        }
        for (int i = end + 1; i < size; i++) {
            elementBytes -= items[physical(i)].length;
            items[physical(i)] = null;
        }
        head = physical(start);
        size = end - start + 1;
        shrinkIfSparse();
    }

    public void clear() {
        items = new byte[MIN_CAPACITY][];
        head = 0;
        size = 0;
        elementBytes = 0;
    }

    /**
     * LREM: removes elements equal to {@code value}, at most |count| of them (all when 0), scanning
     * from the head when count >= 0 and from the tail otherwise, in one compaction pass.
     */
    public int removeMatching(byte[] value, long count) {
        long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
        int removed = 0;
        if (count >= 0) {
            int write = 0;
            for (int read = 0; read < size; read++) {
                byte[] e = get(read);
                if (removed < limit && Arrays.equals(e, value)) {
                    removed++;
                } else {
                    if (write != read) items[physical(write)] = e;
                    write++;
                }
            }
            for (int i = write; i < size; i++) items[physical(i)] = null;
        } else {
            int write = size - 1;
            for (int read = size - 1; read >= 0; read--) {
                byte[] e = get(read);
                if (removed < limit && Arrays.equals(e, value)) {
                    removed++;
                } else {
                    if (write != read) items[physical(write)] = e;
                    write--;
                }
            }
            for (int i = 0; i <= write; i++) items[physical(i)] = null;
            head = physical(write + 1);
        }
        size -= removed;
        elementBytes -= (long) removed * value.length;
        shrinkIfSparse();
        return removed;
    }

    /** First index of {@code value}, or -1. */
    public int indexOf(byte[] value) {
        for (int i = 0; i < size; i++) {
            if (Arrays.equals(get(i), value)) return i;
        }
        return -1;
    }
}
