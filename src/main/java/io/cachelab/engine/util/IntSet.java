package io.cachelab.engine.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Redis's intset (intset.c): sorted integers in one byte array, each 2, 4 or 8 bytes wide, the width
 * chosen by the largest magnitude so far and only ever raised (an "upgrade" rewrites every element
 * wider). As intset.c's functions take an {@code intset*} and return the reallocated one, these
 * take the array and return its successor: byte 0 holds the width (intset's header), the elements
 * follow, and the array is always exactly as long as they need, so the count is implied. A set of
 * ten small integers is then one 40-byte array with no object around it; lookups bisect.
 */
public final class IntSet {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int HEADER = 1;

    private IntSet() {
    }

    /** An empty intset of 2-byte width (intsetNew). */
    public static byte[] empty() {
        return new byte[] {2};
    }

    public static int size(byte[] is) {
        return (is.length - HEADER) / is[0];
    }

    /** Bytes per element: 2, 4 or 8. */
    public static int width(byte[] is) {
        return is[0];
    }

    public static long get(byte[] is, int i) {
        int at = HEADER + i * is[0];
        return switch (is[0]) {
            case 2 -> (short) SHORT.get(is, at);
            case 4 -> (int) INT.get(is, at);
            default -> (long) LONG.get(is, at);
        };
    }

    private static void put(byte[] is, int i, long v) {
        int at = HEADER + i * is[0];
        switch (is[0]) {
            case 2 -> SHORT.set(is, at, (short) v);
            case 4 -> INT.set(is, at, (int) v);
            default -> LONG.set(is, at, v);
        }
    }

    /** The index of {@code v}, or {@code -(insertion point) - 1}, as Arrays.binarySearch. */
    public static int search(byte[] is, long v) {
        int lo = 0, hi = size(is) - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long m = get(is, mid);
            if (m < v) lo = mid + 1;
            else if (m > v) hi = mid - 1;
            else return mid;
        }
        return -lo - 1;
    }

    public static boolean contains(byte[] is, long v) {
        return search(is, v) >= 0;
    }

    /** intsetAdd: the set with {@code v} added, or {@code is} itself when v was there already. */
    public static byte[] add(byte[] is, long v) {
        if (widthOf(v) > is[0]) is = upgrade(is, widthOf(v));
        int at = search(is, v);
        if (at >= 0) return is;
        at = -at - 1;
        int w = is[0], n = size(is);
        // exact fit, as intsetResize: a small set pays a copy per insert, not a quarter of slack forever
        byte[] out = Arrays.copyOf(is, HEADER + (n + 1) * w);
        System.arraycopy(is, HEADER + at * w, out, HEADER + (at + 1) * w, (n - at) * w);
        put(out, at, v);
        return out;
    }

    /** intsetRemove: the set without {@code v}, or {@code is} itself when v was not there. The width stays. */
    public static byte[] remove(byte[] is, long v) {
        int at = search(is, v);
        if (at < 0) return is;
        int w = is[0], n = size(is);
        byte[] out = Arrays.copyOf(is, HEADER + (n - 1) * w);
        System.arraycopy(is, HEADER + (at + 1) * w, out, HEADER + at * w, (n - at - 1) * w);
        return out;
    }

    static int widthOf(long v) {
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) return 2;
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) return 4;
        return 8;
    }

    private static byte[] upgrade(byte[] is, int newWidth) {
        int n = size(is);
        byte[] out = new byte[HEADER + n * newWidth];
        out[0] = (byte) newWidth;
        for (int i = 0; i < n; i++) put(out, i, get(is, i));
        return out;
    }
}
