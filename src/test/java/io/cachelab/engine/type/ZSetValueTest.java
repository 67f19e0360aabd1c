package io.cachelab.engine.type;

import io.cachelab.engine.util.Bytes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class ZSetValueTest {
    record Entry(double score, Bytes member) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparingDouble(Entry::score).thenComparing(Entry::member);

    /** A reference model: TreeSet in (score, member) order plus a member -> score map. */
    static final class Model {
        final TreeSet<Entry> order = new TreeSet<>(ORDER);
        final Map<Bytes, Double> scores = new HashMap<>();

        void put(Bytes m, double s) {
            Double old = scores.put(m, s);
            if (old != null) order.remove(new Entry(old, m));
            order.add(new Entry(s, m));
        }

        void remove(Bytes m) {
            Double old = scores.remove(m);
            if (old != null) order.remove(new Entry(old, m));
        }

        List<Entry> list() {
            return new ArrayList<>(order);
        }
    }

    private static List<Entry> walk(ZSetValue z) {
        List<Entry> out = new ArrayList<>();
        for (ZSetValue.Node n = z.first(); n != null; n = n.next()) out.add(new Entry(n.score(), n.member()));
        List<Entry> back = new ArrayList<>();
        for (ZSetValue.Node n = z.last(); n != null; n = n.prev()) back.add(0, new Entry(n.score(), n.member()));
        assertThat(back).isEqualTo(out);
        return out;
    }

    private static Bytes m(int i) {
        return Bytes.of("m" + i);
    }

    @Test
    void matchesTreeSetModelUnderRandomOperations() {
        randomRounds(128, 4000);
    }

    @Test
    void listpackEncodingMatchesModelUnderRandomOperations() {
        // never outgrows the listpack: every operation runs on the packed encoding
        randomRounds(1000, 1500);
    }

    @Test
    void skiplistEncodingMatchesModelUnderRandomOperations() {
        randomRounds(0, 1500);
    }

    private static void randomRounds(int maxListpackEntries, int ops) {
        Random rnd = new Random(7);
        for (int round = 0; round < 10; round++) {
            ZSetValue z = new ZSetValue(maxListpackEntries, 64);
            Model ref = new Model();
            for (int op = 0; op < ops; op++) {
                Bytes member = m(rnd.nextInt(300));
                double score = rnd.nextInt(50) / 2.0;
                switch (rnd.nextInt(8)) {
                    case 0, 1, 2 -> {
                        if (z.score(member) == null) z.insert(member, score);
                        else z.updateScore(member, score);
                        ref.put(member, score);
                    }
                    case 3 -> {
                        if (z.score(member) != null) {
                            double nudged = z.score(member) + (rnd.nextBoolean() ? 1e-9 : -1e-9);
                            z.updateScore(member, nudged);
                            ref.put(member, nudged);
                        }
                    }
                    case 4 -> {
                        assertThat(z.remove(member)).isEqualTo(ref.scores.containsKey(member));
                        ref.remove(member);
                    }
                    case 5 -> {
                        List<Entry> l = ref.list();
                        int idx = l.indexOf(new Entry(ref.scores.getOrDefault(member, 0.0), member));
                        assertThat(z.rank(member, false)).isEqualTo(ref.scores.containsKey(member) ? idx : -1);
                        assertThat(z.rank(member, true)).isEqualTo(ref.scores.containsKey(member) ? l.size() - 1 - idx : -1);
                        if (!l.isEmpty()) {
                            int r = rnd.nextInt(l.size());
                            assertThat(z.byRank(r).member()).isEqualTo(l.get(r).member());
                        }
                        assertThat(z.byRank(l.size())).isNull();
                    }
                    case 6 -> checkScoreRange(z, ref, rnd);
                    default -> {
                        if (rnd.nextInt(30) == 0) {
                            double lo = rnd.nextInt(50) / 2.0;
                            double hi = lo + rnd.nextInt(6);
                            var range = new ZSetValue.ScoreRange(lo, rnd.nextBoolean(), hi, rnd.nextBoolean());
                            List<Entry> gone = ref.list().stream().filter(e -> range.aboveMin(e.score()) && range.belowMax(e.score())).toList();
                            assertThat(z.removeRange(range)).isEqualTo(gone.size());
                            gone.forEach(e -> ref.remove(e.member()));
                        } else if (rnd.nextInt(30) == 0 && !ref.scores.isEmpty()) {
                            int s = rnd.nextInt(ref.scores.size());
                            int e = Math.min(ref.scores.size() - 1, s + rnd.nextInt(5));
                            List<Entry> gone = ref.list().subList(s, e + 1);
                            List<Entry> copy = new ArrayList<>(gone);
                            assertThat(z.removeRangeByRank(s, e)).isEqualTo(copy.size());
                            copy.forEach(x -> ref.remove(x.member()));
                        }
                    }
                }
                assertThat(z.size()).isEqualTo(ref.scores.size());
            }
            assertThat(walk(z)).isEqualTo(ref.list());
            assertThat(walk((ZSetValue) z.copy())).isEqualTo(ref.list());
            for (Bytes k : ref.scores.keySet()) assertThat(z.score(k)).isEqualTo(ref.scores.get(k));
            if (maxListpackEntries >= 300) assertThat(z.encoding()).isEqualTo("listpack");
            if (maxListpackEntries == 0) assertThat(z.encoding()).isEqualTo("skiplist");
        }
    }

    @Test
    void listpackKeepsEveryScoreExactlyAndTurnsNegativeZeroIntoZero() {
        double[] scores = {Double.NEGATIVE_INFINITY, -1e300, -2.5, -0.0, 0.1, 1, 2, 1.5, 1234567890.123,
                Double.MIN_VALUE, Double.MAX_VALUE, Double.POSITIVE_INFINITY};
        ZSetValue z = new ZSetValue();
        for (int i = 0; i < scores.length; i++) z.insert(m(i), scores[i]);
        assertThat(z.encoding()).isEqualTo("listpack");
        for (int i = 0; i < scores.length; i++) {
            double expected = scores[i] == 0 ? 0.0 : scores[i];
            assertThat(Double.doubleToRawLongBits(z.score(m(i)))).isEqualTo(Double.doubleToRawLongBits(expected));
        }
        assertThat(z.first().score()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(z.last().score()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(z.rank(m(3), false)).isEqualTo(3);
        // two bytes for a small integral score, one length byte each
        assertThat(z.listpackCapacity()).isLessThan(scores.length * (1 + 3 + 1 + 8));
        z.convertToSkiplist();
        assertThat(z.encoding()).isEqualTo("skiplist");
        for (int i = 0; i < scores.length; i++) assertThat(z.score(m(i))).isEqualTo(scores[i] == 0 ? 0.0 : scores[i]);
        assertThat(z.size()).isEqualTo(scores.length);
    }

    private static void checkScoreRange(ZSetValue z, Model ref, Random rnd) {
        double lo = rnd.nextInt(54) / 2.0 - 1;
        double hi = lo + rnd.nextInt(8) / 2.0 - 1;
        var range = new ZSetValue.ScoreRange(lo, rnd.nextBoolean(), hi, rnd.nextBoolean());
        List<Entry> in = ref.list().stream().filter(e -> range.aboveMin(e.score()) && range.belowMax(e.score())).toList();
        ZSetValue.Node f = z.firstInRange(range);
        ZSetValue.Node l = z.lastInRange(range);
        if (in.isEmpty()) {
            assertThat(f).isNull();
            assertThat(l).isNull();
        } else {
            assertThat(f.member()).isEqualTo(in.get(0).member());
            assertThat(l.member()).isEqualTo(in.get(in.size() - 1).member());
        }
        assertThat(z.count(range)).isEqualTo(in.size());
    }

    @Test
    void lexRangesFollowRedisSyntax() {
        ZSetValue z = new ZSetValue();
        for (String s : new String[]{"a", "b", "c", "d", "e", "f", "g"}) z.insert(Bytes.of(s), 0);
        assertThat(z.count(ZSetValue.LexRange.parse("-".getBytes(), "+".getBytes()))).isEqualTo(7);
        assertThat(z.count(ZSetValue.LexRange.parse("[b".getBytes(), "[d".getBytes()))).isEqualTo(3);
        assertThat(z.count(ZSetValue.LexRange.parse("(b".getBytes(), "(d".getBytes()))).isEqualTo(1);
        assertThat(z.count(ZSetValue.LexRange.parse("(b".getBytes(), "(b".getBytes()))).isZero();
        assertThat(z.count(ZSetValue.LexRange.parse("+".getBytes(), "-".getBytes()))).isZero();
        assertThat(z.count(ZSetValue.LexRange.parse("[e".getBytes(), "+".getBytes()))).isEqualTo(3);
        assertThat(z.firstInRange(ZSetValue.LexRange.parse("(cc".getBytes(), "+".getBytes())).member()).isEqualTo(Bytes.of("d"));
        assertThat(z.lastInRange(ZSetValue.LexRange.parse("-".getBytes(), "(cc".getBytes())).member()).isEqualTo(Bytes.of("c"));
        assertThat(ZSetValue.LexRange.parse("b".getBytes(), "+".getBytes())).isNull();
        assertThat(z.removeRange(ZSetValue.LexRange.parse("[b".getBytes(), "(e".getBytes()))).isEqualTo(3);
        assertThat(walk(z).stream().map(e -> e.member().toString()).toList()).containsExactly("a", "e", "f", "g");
    }

    @Test
    void encodingConvertsOneWayByConfiguredThresholds() {
        ZSetValue z = new ZSetValue(3, 5);
        z.insert(Bytes.of("a"), 1);
        z.insert(Bytes.of("b"), 2);
        z.insert(Bytes.of("c"), 3);
        assertThat(z.encoding()).isEqualTo("listpack");
        z.insert(Bytes.of("d"), 4);
        assertThat(z.encoding()).isEqualTo("skiplist");
        z.remove(Bytes.of("d"));
        z.remove(Bytes.of("c"));
        assertThat(z.encoding()).isEqualTo("skiplist");
        z.fitEncoding();
        assertThat(z.encoding()).isEqualTo("listpack");

        ZSetValue longMember = new ZSetValue(3, 5);
        longMember.insert(Bytes.of("abcdef"), 1);
        assertThat(longMember.encoding()).isEqualTo("skiplist");
        assertThat(new ZSetValue(0, 64).encoding()).isEqualTo("skiplist");
    }

    @Test
    void inPlaceScoreUpdateKeepsRanks() {
        ZSetValue z = new ZSetValue();
        z.insert(Bytes.of("a"), 1);
        z.insert(Bytes.of("b"), 2);
        z.insert(Bytes.of("c"), 3);
        z.updateScore(Bytes.of("b"), 2.5);
        assertThat(z.rank(Bytes.of("b"), false)).isEqualTo(1);
        z.updateScore(Bytes.of("b"), 10);
        assertThat(z.rank(Bytes.of("b"), false)).isEqualTo(2);
        assertThat(z.last().member()).isEqualTo(Bytes.of("b"));
        assertThat(z.score(Bytes.of("b"))).isEqualTo(10.0);
    }
}
