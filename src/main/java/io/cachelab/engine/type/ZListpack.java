package io.cachelab.engine.type;

import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.util.Listpack;

/**
 * The listpack encoding of a small sorted set, after t_zset.c's zzl* functions: member, score,
 * member, score... in one {@link Listpack}, ordered by (score, member), so a set of ten short
 * members is one array of about sixty bytes instead of ten skiplist nodes, a dict and their
 * boxes. Every operation is a linear walk, as in Redis, which is why the set converts to the
 * skiplist past zset-max-listpack-entries / -value.
 *
 * <p>A score is stored as its IEEE 754 bits, big-endian, with the trailing zero bytes dropped:
 * small integers and simple fractions take two bytes, any double stays exact. (Redis stores an
 * integral score as a listpack integer and others as text; this reads back without parsing.)
 *
 * <p>Readers that walk nodes get a detached snapshot ({@link #nodes}): level-1 nodes linked both
 * ways, valid after the set changes, so the skiplist's callers work on both encodings.
 */
final class ZListpack {
    private ZListpack() {
    }

    static byte[] encodeScore(double score) {
        long bits = Double.doubleToRawLongBits(score);
        int len = 8 - Long.numberOfTrailingZeros(bits) / 8;
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) (bits >>> (56 - 8 * i));
        return b;
    }

    /** The score stored at {@code off}, the offset of a score entry. */
    static double scoreAt(Listpack lp, int off) {
        return Double.longBitsToDouble(lp.leftAlignedLong(off));
    }

    /** The offset of the member's entry, or -1 (zzlFind). */
    static int find(Listpack lp, byte[] member) {
        for (int o = 0; o < lp.end(); o = lp.next(lp.next(o))) {
            if (lp.equalsAt(o, member)) return o;
        }
        return -1;
    }

    static Double score(Listpack lp, byte[] member) {
        int o = find(lp, member);
        return o < 0 ? null : scoreAt(lp, lp.next(o));
    }

    /** Inserts a member that is not present at its place in (score, member) order (zzlInsert). */
    static void insert(Listpack lp, byte[] member, double score) {
        int o = 0;
        while (o < lp.end()) {
            int s = lp.next(o);
            double at = scoreAt(lp, s);
            if (at > score || (at == score && lp.compareAt(o, member) > 0)) break;
            o = lp.next(s);
        }
        lp.insert(o, member);
        lp.insert(lp.next(o), encodeScore(score));
    }

    /** Removes the member and its score; false when absent (zzlDelete). */
    static boolean delete(Listpack lp, byte[] member) {
        int o = find(lp, member);
        if (o < 0) return false;
        lp.remove(o, 2);
        return true;
    }

    /** The member's 0-based ascending rank, or -1. */
    static long rank(Listpack lp, byte[] member) {
        long rank = 0;
        for (int o = 0; o < lp.end(); o = lp.next(lp.next(o)), rank++) {
            if (lp.equalsAt(o, member)) return rank;
        }
        return -1;
    }

    /** The members as detached level-1 nodes in ascending order, linked both ways. */
    static ZSetValue.Node[] nodes(Listpack lp) {
        ZSetValue.Node[] out = new ZSetValue.Node[lp.count() / 2];
        int i = 0;
        for (int o = 0; o < lp.end(); i++) {
            int s = lp.next(o);
            ZSetValue.Node n = new ZSetValue.Node(1, scoreAt(lp, s), new Bytes(lp.get(o)));
            if (i > 0) {
                out[i - 1].forward[0] = n;
                n.backward = out[i - 1];
            }
            out[i] = n;
            o = lp.next(s);
        }
        return out;
    }
}
