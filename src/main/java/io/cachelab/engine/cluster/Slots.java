package io.cachelab.engine.cluster;

import java.util.BitSet;

/**
 * Slot bitmaps as the bus carries them (cluster.c bitmapTestBit): 2048 bytes, slot s is bit s&7
 * (least significant first) of byte s/8 — the same layout BitSet's byte form uses.
 */
final class Slots {
    static final int COUNT = 16384;
    static final int BITMAP_BYTES = COUNT / 8;

    private Slots() {
    }

    static byte[] toBitmap(BitSet slots) {
        byte[] out = new byte[BITMAP_BYTES];
        byte[] b = slots.toByteArray();
        System.arraycopy(b, 0, out, 0, Math.min(b.length, BITMAP_BYTES));
        return out;
    }

    static BitSet fromBitmap(byte[] buf, int off) {
        byte[] b = new byte[BITMAP_BYTES];
        System.arraycopy(buf, off, b, 0, BITMAP_BYTES);
        return BitSet.valueOf(b);
    }

    /** " 0-5460 5462" as CLUSTER NODES lists ranges (clusterGenNodeDescription). */
    static void appendRanges(StringBuilder sb, BitSet slots) {
        int start = slots.nextSetBit(0);
        while (start >= 0) {
            int end = slots.nextClearBit(start) - 1;
            sb.append(' ').append(start);
            if (end != start) sb.append('-').append(end);
            start = slots.nextSetBit(end + 1);
        }
    }
}
