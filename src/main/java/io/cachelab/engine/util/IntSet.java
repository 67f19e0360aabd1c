package io.cachelab.engine.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Redis's intset (intset.c): sorted integers in one byte array, each 2, 4 or 8 bytes wide, the width
 * chosen by the largest magnitude so far and only ever raised (an "upgrade" rewrites every element
 * wider). Ten small integers take 20 bytes instead of a long[] of 16 slots; lookups bisect.
 */
public final class IntSet {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] data;
    private int width;
    private int count;

    public IntSet() {
        this(new byte[0], 2, 0);
    }

    private IntSet(byte[] data, int width, int count) {
        this.data = data;
        this.width = width;
        this.count = count;
    }

    public int size() {
        return count;
    }

    /** Bytes per element: 2, 4 or 8. */
    public int width() {
        return width;
    }

    /** Bytes the backing array holds (for memory accounting). */
    public int capacity() {
        return data.length;
    }

    public long get(int i) {
        int at = i * width;
        return switch (width) {
            case 2 -> (short) SHORT.get(data, at);
            case 4 -> (int) INT.get(data, at);
            default -> (long) LONG.get(data, at);
        };
    }

    private void put(int i, long v) {
        int at = i * width;
        switch (width) {
            case 2 -> SHORT.set(data, at, (short) v);
            case 4 -> INT.set(data, at, (int) v);
            default -> LONG.set(data, at, v);
        }
    }

    /** The index of {@code v}, or {@code -(insertion point) - 1}, as Arrays.binarySearch. */
    public int search(long v) {
        int lo = 0, hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long m = get(mid);
            if (m < v) lo = mid + 1;
            else if (m > v) hi = mid - 1;
            else return mid;
        }
        return -lo - 1;
    }

    public boolean contains(long v) {
        return search(v) >= 0;
    }

    /** Adds {@code v}; false when it was there already. */
    public boolean add(long v) {
        int needed = widthOf(v);
        if (needed > width) upgrade(needed);
        int at = search(v);
        if (at >= 0) return false;
        at = -at - 1;
        // exact fit, as intsetResize: a small set pays a copy per insert, not a quarter of slack forever
        if ((count + 1) * width > data.length) data = Arrays.copyOf(data, (count + 1) * width);
        System.arraycopy(data, at * width, data, (at + 1) * width, (count - at) * width);
        count++;
        put(at, v);
        return true;
    }

    /** Removes {@code v}; false when it was not there. The width stays (intset.c never downgrades). */
    public boolean remove(long v) {
        int at = search(v);
        if (at < 0) return false;
        System.arraycopy(data, (at + 1) * width, data, at * width, (count - at - 1) * width);
        count--;
        data = Arrays.copyOf(data, count * width);
        return true;
    }

    public IntSet copy() {
        return new IntSet(Arrays.copyOf(data, count * width), width, count);
    }

    static int widthOf(long v) {
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) return 2;
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) return 4;
        return 8;
    }

    private void upgrade(int newWidth) {
        long[] values = new long[count];
        for (int i = 0; i < count; i++) values[i] = get(i);
        width = newWidth;
        data = new byte[(count + 1) * newWidth];
        for (int i = 0; i < count; i++) put(i, values[i]);
    }
}
