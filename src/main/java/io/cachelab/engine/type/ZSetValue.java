package io.cachelab.engine.type;

import io.cachelab.engine.util.Dict;
import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.util.Listpack;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A sorted set with Redis 7.0's two encodings (t_zset.c). While small it is a listpack
 * ({@link ZListpack}: members and scores packed in (score, member) order in one array). Past
 * zset-max-listpack-entries, or once a member longer than zset-max-listpack-value is added, it
 * becomes the skiplist + dict: the dict answers ZSCORE and membership in O(1), the skiplist keeps
 * the order with a span per level link so ZRANK and rank ranges cost O(log n). Only a freshly
 * built result converts back ({@link #fitEncoding}), as zsetConvertToListpackIfNeeded.
 *
 * <p>Both encodings answer through {@link Node}s: the skiplist's own, or a listpack's detached
 * snapshot, so the commands walk either the same way.
 */
public final class ZSetValue extends RValue {
    static final int MAX_LEVEL = 32;
    private static final int P_THRESHOLD = (int) (0.25 * 0xFFFF);

    /** One skiplist node; level[0] links give the ordered walk used by range replies. */
    public static final class Node {
        final Bytes member;
        double score;
        Node backward;
        final Node[] forward;
        final long[] span;

        Node(int level, double score, Bytes member) {
            this.member = member;
            this.score = score;
            this.forward = new Node[level];
            this.span = new long[level];
        }

        public Bytes member() {
            return member;
        }

        public double score() {
            return score;
        }

        /** The next node in ascending order, or null. */
        public Node next() {
            return forward[0];
        }

        /** The previous node in ascending order, or null. */
        public Node prev() {
            return backward;
        }
    }

    /** A score interval; {@code minEx}/{@code maxEx} make the bound exclusive, as "(1.5". */
    public record ScoreRange(double min, boolean minEx, double max, boolean maxEx) {
        public boolean aboveMin(double v) {
            return minEx ? v > min : v >= min;
        }

        public boolean belowMax(double v) {
            return maxEx ? v < max : v <= max;
        }

        /** zslIsInRange: false when the interval is empty by construction. */
        boolean nonEmpty() {
            return !(min > max || (min == max && (minEx || maxEx)));
        }
    }

    /**
     * A lex interval over members. A null bound with {@code *Inf} set is "-" or "+"; otherwise the
     * bound is the bytes after "[" (inclusive) or "(" (exclusive).
     */
    public record LexRange(byte[] min, boolean minEx, boolean minNegInf, boolean minPosInf,
                           byte[] max, boolean maxEx, boolean maxNegInf, boolean maxPosInf) {

        /** Parses "[a", "(a", "-", "+" as ZRANGEBYLEX does; null when malformed. */
        public static LexRange parse(byte[] min, byte[] max) {
            Bound lo = Bound.parse(min);
            Bound hi = Bound.parse(max);
            if (lo == null || hi == null) return null;
            return new LexRange(lo.value, lo.exclusive, lo.negInf, lo.posInf, hi.value, hi.exclusive, hi.negInf, hi.posInf);
        }

        private record Bound(byte[] value, boolean exclusive, boolean negInf, boolean posInf) {
            static Bound parse(byte[] b) {
                if (b.length == 0) return null;
                if (b.length == 1 && b[0] == '-') return new Bound(null, false, true, false);
                if (b.length == 1 && b[0] == '+') return new Bound(null, false, false, true);
                if (b[0] == '[') return new Bound(Arrays.copyOfRange(b, 1, b.length), false, false, false);
                if (b[0] == '(') return new Bound(Arrays.copyOfRange(b, 1, b.length), true, false, false);
                return null;
            }
        }

        public boolean aboveMin(Bytes m) {
            if (minNegInf) return true;
            if (minPosInf) return false;
            int c = Arrays.compareUnsigned(m.array(), min);
            return minEx ? c > 0 : c >= 0;
        }

        public boolean belowMax(Bytes m) {
            if (maxPosInf) return true;
            if (maxNegInf) return false;
            int c = Arrays.compareUnsigned(m.array(), max);
            return maxEx ? c < 0 : c <= 0;
        }

        boolean nonEmpty() {
            if (minPosInf || maxNegInf) return false;
            if (minNegInf || maxPosInf) return true;
            int c = Arrays.compareUnsigned(min, max);
            return !(c > 0 || (c == 0 && (minEx || maxEx)));
        }
    }

    /** The listpack encoding; null once a skiplist. */
    private Listpack lp;
    /** The skiplist encoding (header, tail, level, dict); header and dict are null while a listpack. */
    private Node header;
    private Node tail;
    private int level = 1;
    private Dict<Bytes, Double> dict;
    private int maxListpackEntries;
    private int maxListpackValue;
    /** Sum of member lengths, kept by insert/remove so memory accounting is O(1). */
    private long memberBytes;

    /** An empty set that reports "listpack" until it outgrows the given config thresholds. */
    public ZSetValue(int maxListpackEntries, int maxListpackValue) {
        this.maxListpackEntries = maxListpackEntries;
        this.maxListpackValue = maxListpackValue;
        if (maxListpackEntries > 0) lp = new Listpack(0);
        else initSkiplist();
    }

    private void initSkiplist() {
        header = new Node(MAX_LEVEL, 0, null);
        tail = null;
        level = 1;
        dict = new Dict<>();
    }

    /** With Redis 7.0's defaults (128 entries, 64 bytes). */
    public ZSetValue() {
        this(128, 64);
    }

    @Override
    public RType type() {
        return RType.ZSET;
    }

    @Override
    public String encoding() {
        return lp != null ? "listpack" : "skiplist";
    }

    /**
     * Follows CONFIG SET of zset-max-listpack-*: Redis checks the live values on every add, so a
     * command refreshes them before adding (only a listpack set can still convert).
     */
    public void setLimits(int maxEntries, int maxValue) {
        this.maxListpackEntries = maxEntries;
        this.maxListpackValue = maxValue;
    }

    public boolean isListpack() {
        return lp != null;
    }

    /** Forces the skiplist encoding (ZADD on a new key whose first member is too long, as Redis does). */
    public void convertToSkiplist() {
        if (lp == null) return;
        Node[] nodes = ZListpack.nodes(lp);
        lp = null;
        initSkiplist();
        for (Node n : nodes) {
            dict.put(n.member, n.score);
            skiplistInsert(n.score, n.member);
        }
    }

    /**
     * Recomputes the encoding of a freshly built set from its final contents, as Redis does for
     * the destination of ZUNIONSTORE/ZRANGESTORE (zsetConvertToListpackIfNeeded).
     */
    public void fitEncoding() {
        boolean fits = size() <= maxListpackEntries;
        for (Node n = first(); fits && n != null; n = n.next()) fits = n.member.length() <= maxListpackValue;
        if (!fits) {
            convertToSkiplist();
            return;
        }
        if (lp != null) return;
        Listpack packed = new Listpack(0);
        // a listpack holds no negative zero: a stored result's -0 scores become 0, as in Redis
        for (Node n = first(); n != null; n = n.next()) {
            packed.append(n.member.array());
            packed.append(ZListpack.encodeScore(n.score == 0 ? 0.0 : n.score));
        }
        lp = packed;
        header = null;
        tail = null;
        level = 1;
        dict = null;
    }

    @Override
    public RValue copy() {
        ZSetValue z = new ZSetValue(maxListpackEntries, maxListpackValue);
        if (lp != null) {
            z.lp = lp.copy();
            z.memberBytes = memberBytes;
            return z;
        }
        z.convertToSkiplist();
        for (Node n = first(); n != null; n = n.next()) z.insert(n.member, n.score);
        return z;
    }

    public int size() {
        return lp != null ? lp.count() / 2 : dict.size();
    }

    public long memberBytes() {
        return memberBytes;
    }

    /** The skiplist encoding's dict (ZSCAN, DEBUG HTSTATS-KEY); null while a listpack. */
    public Dict<Bytes, Double> dict() {
        return dict;
    }

    /** The listpack encoding's bytes allocated, 0 once a skiplist (memory accounting). */
    public int listpackCapacity() {
        return lp == null ? 0 : lp.capacity();
    }

    /** The member's score, or null when absent. */
    public Double score(Bytes member) {
        return lp != null ? ZListpack.score(lp, member.array()) : dict.get(member);
    }

    public Node first() {
        if (lp == null) return header.forward[0];
        return lp.count() == 0 ? null : ZListpack.nodes(lp)[0];
    }

    /** Every member as a node, ascending: the listpack's snapshot, or the skiplist's nodes. */
    public Node[] nodes() {
        if (lp != null) return ZListpack.nodes(lp);
        Node[] out = new Node[size()];
        int i = 0;
        for (Node n = first(); n != null; n = n.next()) out[i++] = n;
        return out;
    }

    public Node last() {
        if (lp == null) return tail;
        Node[] nodes = ZListpack.nodes(lp);
        return nodes.length == 0 ? null : nodes[nodes.length - 1];
    }

    private static int randomLevel() {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int lvl = 1;
        while (lvl < MAX_LEVEL && (rnd.nextInt() & 0xFFFF) < P_THRESHOLD) lvl++;
        return lvl;
    }

    private static int compare(double s1, Bytes m1, double s2, Bytes m2) {
        if (s1 < s2) return -1;
        if (s1 > s2) return 1;
        return m1.compareTo(m2);
    }

    /** Adds a member that is not yet present. */
    public void insert(Bytes member, double score) {
        if (lp != null && (size() + 1 > maxListpackEntries || member.length() > maxListpackValue)) convertToSkiplist();
        if (lp != null) {
            // Redis's listpack stores scores as text via d2string, which turns -0 into 0
            ZListpack.insert(lp, member.array(), score == 0 ? 0.0 : score);
            memberBytes += member.length();
            return;
        }
        dict.put(member, score);
        memberBytes += member.length();
        skiplistInsert(score, member);
    }

    private Node skiplistInsert(double score, Bytes member) {
        int lvl = randomLevel();
        // scratch sized to the levels in use, not MAX_LEVEL: most sets are a few levels tall
        int height = Math.max(level, lvl);
        Node[] update = new Node[height];
        long[] rank = new long[height];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            while (x.forward[i] != null && compare(x.forward[i].score, x.forward[i].member, score, member) < 0) {
                rank[i] += x.span[i];
                x = x.forward[i];
            }
            update[i] = x;
        }
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                update[i].span[i] = size() - 1;
            }
            level = lvl;
        }
        x = new Node(lvl, score, member);
        for (int i = 0; i < lvl; i++) {
            x.forward[i] = update[i].forward[i];
            update[i].forward[i] = x;
            x.span[i] = update[i].span[i] - (rank[0] - rank[i]);
            update[i].span[i] = (rank[0] - rank[i]) + 1;
        }
        for (int i = lvl; i < level; i++) update[i].span[i]++;
        x.backward = update[0] == header ? null : update[0];
        if (x.forward[0] != null) x.forward[0].backward = x;
        else tail = x;
        return x;
    }

    private void unlink(Node x, Node[] update) {
        for (int i = 0; i < level; i++) {
            if (update[i].forward[i] == x) {
                update[i].span[i] += x.span[i] - 1;
                update[i].forward[i] = x.forward[i];
            } else {
                update[i].span[i] -= 1;
            }
        }
        if (x.forward[0] != null) x.forward[0].backward = x.backward;
        else tail = x.backward;
        while (level > 1 && header.forward[level - 1] == null) level--;
    }

    /** Finds the node (score, member) filling {@code update}; returns it or null. */
    private Node find(double score, Bytes member, Node[] update) {
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && compare(x.forward[i].score, x.forward[i].member, score, member) < 0) {
                x = x.forward[i];
            }
            update[i] = x;
        }
        x = x.forward[0];
        return x != null && x.score == score && x.member.equals(member) ? x : null;
    }

    /** Removes a member; false when it was absent. */
    public boolean remove(Bytes member) {
        if (lp != null) {
            if (!ZListpack.delete(lp, member.array())) return false;
            memberBytes -= member.length();
            return true;
        }
        Double score = dict.remove(member);
        if (score == null) return false;
        memberBytes -= member.length();
        Node[] update = new Node[level];
        Node x = find(score, member, update);
        unlink(x, update);
        return true;
    }

    /**
     * Changes a present member's score. The node stays in place when the order would not change
     * (zslUpdateScore's fast path), otherwise it is unlinked and reinserted.
     */
    public void updateScore(Bytes member, double newScore) {
        if (lp != null) {
            ZListpack.delete(lp, member.array());
            ZListpack.insert(lp, member.array(), newScore == 0 ? 0.0 : newScore);
            return;
        }
        Double old = dict.get(member);
        Node[] update = new Node[level];
        Node x = find(old, member, update);
        dict.put(member, newScore);
        boolean afterPrev = x.backward == null || compare(x.backward.score, x.backward.member, newScore, member) < 0;
        boolean beforeNext = x.forward[0] == null || compare(x.forward[0].score, x.forward[0].member, newScore, member) > 0;
        if (afterPrev && beforeNext) {
            x.score = newScore;
            return;
        }
        unlink(x, update);
        skiplistInsert(newScore, member);
    }

    /** 0-based rank ascending (or descending when {@code reverse}), or -1 when absent. */
    public long rank(Bytes member, boolean reverse) {
        if (lp != null) {
            long r = ZListpack.rank(lp, member.array());
            return r < 0 || !reverse ? r : size() - 1 - r;
        }
        Double score = dict.get(member);
        if (score == null) return -1;
        long rank = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && compare(x.forward[i].score, x.forward[i].member, score, member) <= 0) {
                rank += x.span[i];
                x = x.forward[i];
            }
            if (x.member != null && x.member.equals(member)) break;
        }
        return reverse ? size() - rank : rank - 1;
    }

    /** The node at 0-based ascending rank, or null when out of range. */
    public Node byRank(long rank0) {
        if (rank0 < 0 || rank0 >= size()) return null;
        if (lp != null) return ZListpack.nodes(lp)[(int) rank0];
        long target = rank0 + 1;
        long traversed = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && traversed + x.span[i] <= target) {
                traversed += x.span[i];
                x = x.forward[i];
            }
            if (traversed == target) return x;
        }
        return null;
    }

    /** First node with a score inside the range, or null. */
    public Node firstInRange(ScoreRange r) {
        if (lp != null) {
            if (!r.nonEmpty()) return null;
            for (Node n : ZListpack.nodes(lp)) if (r.aboveMin(n.score)) return r.belowMax(n.score) ? n : null;
            return null;
        }
        if (!r.nonEmpty() || tail == null || !r.aboveMin(tail.score) || !r.belowMax(first().score)) return null;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && !r.aboveMin(x.forward[i].score)) x = x.forward[i];
        }
        x = x.forward[0];
        return x != null && r.belowMax(x.score) ? x : null;
    }

    /** Last node with a score inside the range, or null. */
    public Node lastInRange(ScoreRange r) {
        if (lp != null) {
            if (!r.nonEmpty()) return null;
            Node[] nodes = ZListpack.nodes(lp);
            for (int i = nodes.length - 1; i >= 0; i--) if (r.belowMax(nodes[i].score)) return r.aboveMin(nodes[i].score) ? nodes[i] : null;
            return null;
        }
        if (!r.nonEmpty() || tail == null || !r.aboveMin(tail.score) || !r.belowMax(first().score)) return null;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && r.belowMax(x.forward[i].score)) x = x.forward[i];
        }
        return x != header && r.aboveMin(x.score) ? x : null;
    }

    public Node firstInRange(LexRange r) {
        if (lp != null) {
            if (!r.nonEmpty()) return null;
            for (Node n : ZListpack.nodes(lp)) if (r.aboveMin(n.member)) return r.belowMax(n.member) ? n : null;
            return null;
        }
        if (!r.nonEmpty() || tail == null || !r.aboveMin(tail.member) || !r.belowMax(first().member)) return null;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && !r.aboveMin(x.forward[i].member)) x = x.forward[i];
        }
        x = x.forward[0];
        return x != null && r.belowMax(x.member) ? x : null;
    }

    public Node lastInRange(LexRange r) {
        if (lp != null) {
            if (!r.nonEmpty()) return null;
            Node[] nodes = ZListpack.nodes(lp);
            for (int i = nodes.length - 1; i >= 0; i--) if (r.belowMax(nodes[i].member)) return r.aboveMin(nodes[i].member) ? nodes[i] : null;
            return null;
        }
        if (!r.nonEmpty() || tail == null || !r.aboveMin(tail.member) || !r.belowMax(first().member)) return null;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && r.belowMax(x.forward[i].member)) x = x.forward[i];
        }
        return x != header && r.aboveMin(x.member) ? x : null;
    }

    /** 0-based rank of a node known to be in the set. */
    public long rankOf(Node n) {
        return rank(n.member, false);
    }

    /** Number of members with a score in range (ZCOUNT) in O(log n). */
    public long count(ScoreRange r) {
        Node f = firstInRange(r);
        if (f == null) return 0;
        return rankOf(lastInRange(r)) - rankOf(f) + 1;
    }

    /** Number of members in a lex range (ZLEXCOUNT). */
    public long count(LexRange r) {
        Node f = firstInRange(r);
        if (f == null) return 0;
        return rankOf(lastInRange(r)) - rankOf(f) + 1;
    }

    /** Removes the members at 0-based ranks start..end inclusive (clamped by the caller); returns the count. */
    public long removeRangeByRank(long start, long end) {
        long removed = 0;
        Node n = byRank(start);
        while (n != null && removed < end - start + 1) {
            Node next = n.next();
            remove(n.member);
            removed++;
            n = next;
        }
        return removed;
    }

    public long removeRange(ScoreRange r) {
        long removed = 0;
        Node n = firstInRange(r);
        while (n != null && r.belowMax(n.score)) {
            Node next = n.next();
            remove(n.member);
            removed++;
            n = next;
        }
        return removed;
    }

    public long removeRange(LexRange r) {
        long removed = 0;
        Node n = firstInRange(r);
        while (n != null && r.belowMax(n.member)) {
            Node next = n.next();
            remove(n.member);
            removed++;
            n = next;
        }
        return removed;
    }
}
