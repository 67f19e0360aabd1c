package io.cachelab.engine.util;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** intset.c's behaviour: sorted, 2/4/8-byte widths raised by the widest member and never lowered. */
class IntSetTest {

    @Test
    void widthGrowsWithTheWidestMemberAndStays() {
        byte[] s = IntSet.empty();
        for (long v : new long[] {5, -3, 300}) s = IntSet.add(s, v);
        assertThat(IntSet.width(s)).isEqualTo(2);
        // exactly the width byte and three 2-byte integers
        assertThat(s).hasSize(7);
        s = IntSet.add(s, 70_000);
        assertThat(IntSet.width(s)).isEqualTo(4);
        s = IntSet.add(s, Long.MIN_VALUE);
        assertThat(IntSet.width(s)).isEqualTo(8);
        byte[] before = s;
        s = IntSet.remove(s, Long.MIN_VALUE);
        assertThat(s).isNotSameAs(before);
        assertThat(IntSet.width(s)).isEqualTo(8);
        assertThat(IntSet.size(s)).isEqualTo(4);
        assertThat(new long[] {IntSet.get(s, 0), IntSet.get(s, 1), IntSet.get(s, 2), IntSet.get(s, 3)})
                .containsExactly(-3, 5, 300, 70_000);
        // unchanged sets come back as the same array: that is how a caller learns nothing changed
        assertThat(IntSet.add(s, 5)).isSameAs(s);
        assertThat(IntSet.remove(s, 6)).isSameAs(s);
    }

    @Test
    void randomOperationsAgreeWithATreeSet() {
        Random random = new Random(7);
        byte[] s = IntSet.empty();
        TreeSet<Long> model = new TreeSet<>();
        for (int step = 0; step < 20_000; step++) {
            long v = switch (random.nextInt(3)) {
                case 0 -> random.nextInt(200) - 100;
                case 1 -> random.nextInt();
                default -> random.nextLong();
            };
            byte[] before = s;
            if (random.nextInt(3) == 0) {
                s = IntSet.remove(s, v);
                assertThat(s != before).isEqualTo(model.remove(v));
            } else {
                s = IntSet.add(s, v);
                assertThat(s != before).isEqualTo(model.add(v));
            }
        }
        assertThat(IntSet.size(s)).isEqualTo(model.size());
        int i = 0;
        for (long v : model) assertThat(IntSet.get(s, i++)).isEqualTo(v);
        for (long v : model) assertThat(IntSet.contains(s, v)).isTrue();
    }
}
