package io.cachelab.engine.util;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** intset.c's behaviour: sorted, 2/4/8-byte widths raised by the widest member and never lowered. */
class IntSetTest {

    @Test
    void widthGrowsWithTheWidestMemberAndStays() {
        IntSet s = new IntSet();
        for (long v : new long[] {5, -3, 300}) s.add(v);
        assertThat(s.width()).isEqualTo(2);
        assertThat(s.capacity()).isLessThanOrEqualTo(8);
        s.add(70_000);
        assertThat(s.width()).isEqualTo(4);
        s.add(Long.MIN_VALUE);
        assertThat(s.width()).isEqualTo(8);
        assertThat(s.remove(Long.MIN_VALUE)).isTrue();
        assertThat(s.width()).isEqualTo(8);
        assertThat(s.size()).isEqualTo(4);
        assertThat(new long[] {s.get(0), s.get(1), s.get(2), s.get(3)}).containsExactly(-3, 5, 300, 70_000);
        assertThat(s.add(5)).isFalse();
        assertThat(s.remove(6)).isFalse();
    }

    @Test
    void randomOperationsAgreeWithATreeSet() {
        Random random = new Random(7);
        IntSet s = new IntSet();
        TreeSet<Long> model = new TreeSet<>();
        for (int step = 0; step < 20_000; step++) {
            long v = switch (random.nextInt(3)) {
                case 0 -> random.nextInt(200) - 100;
                case 1 -> random.nextInt();
                default -> random.nextLong();
            };
            if (random.nextInt(3) == 0) assertThat(s.remove(v)).isEqualTo(model.remove(v));
            else assertThat(s.add(v)).isEqualTo(model.add(v));
        }
        assertThat(s.size()).isEqualTo(model.size());
        int i = 0;
        for (long v : model) assertThat(s.get(i++)).isEqualTo(v);
        IntSet copy = s.copy();
        for (long v : model) assertThat(copy.contains(v)).isTrue();
    }
}
