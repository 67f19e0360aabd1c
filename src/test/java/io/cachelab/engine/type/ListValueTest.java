package io.cachelab.engine.type;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ListValueTest {
    private static byte[] b(int i) {
        return Integer.toString(i).getBytes();
    }

    private static List<String> contents(ListValue l) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) out.add(new String(l.get(i)));
        return out;
    }

    @Test
    void reportsQuicklistAsRedis70Does() {
        ListValue l = new ListValue();
        l.pushTail(b(1));
        assertThat(l.encoding()).isEqualTo("quicklist");
        assertThat(l.type()).isEqualTo(RType.LIST);
    }

    @Test
    void behavesLikeAnArrayListUnderRandomOperations() {
        Random rnd = new Random(42);
        for (int round = 0; round < 20; round++) {
            ListValue l = new ListValue();
            List<String> ref = new ArrayList<>();
            for (int op = 0; op < 3000; op++) {
                int v = rnd.nextInt(10);
                switch (rnd.nextInt(10)) {
                    case 0, 1 -> { l.pushHead(b(v)); ref.add(0, "" + v); }
                    case 2, 3 -> { l.pushTail(b(v)); ref.add("" + v); }
                    case 4 -> {
                        byte[] p = l.popHead();
                        assertThat(p == null ? null : new String(p)).isEqualTo(ref.isEmpty() ? null : ref.remove(0));
                    }
                    case 5 -> {
                        byte[] p = l.popTail();
                        assertThat(p == null ? null : new String(p)).isEqualTo(ref.isEmpty() ? null : ref.remove(ref.size() - 1));
                    }
                    case 6 -> {
                        int i = rnd.nextInt(ref.size() + 1);
                        l.insert(i, b(v));
                        ref.add(i, "" + v);
                    }
                    case 7 -> {
                        if (!ref.isEmpty()) {
                            int i = rnd.nextInt(ref.size());
                            assertThat(new String(l.remove(i))).isEqualTo(ref.remove(i));
                        }
                    }
                    case 8 -> {
                        long count = rnd.nextInt(5) - 2;
                        String target = "" + v;
                        int expected = 0;
                        if (count >= 0) {
                            for (int i = 0; i < ref.size(); ) {
                                if (ref.get(i).equals(target) && (count == 0 || expected < count)) { ref.remove(i); expected++; }
                                else i++;
                            }
                        } else {
                            for (int i = ref.size() - 1; i >= 0; i--) {
                                if (ref.get(i).equals(target) && expected < -count) { ref.remove(i); expected++; }
                            }
                        }
                        assertThat(l.removeMatching(b(v), count)).isEqualTo(expected);
                    }
                    default -> {
                        if (!ref.isEmpty() && rnd.nextInt(20) == 0) {
                            int s = rnd.nextInt(ref.size());
                            int e = s + rnd.nextInt(ref.size() - s);
                            l.retainRange(s, e);
                            List<String> kept = new ArrayList<>(ref.subList(s, e + 1));
                            ref.clear();
                            ref.addAll(kept);
                        } else if (!ref.isEmpty()) {
                            int i = rnd.nextInt(ref.size());
                            l.set(i, b(v));
                            ref.set(i, "" + v);
                        }
                    }
                }
                assertThat(l.size()).isEqualTo(ref.size());
            }
            assertThat(contents(l)).isEqualTo(ref);
            assertThat(contents((ListValue) l.copy())).isEqualTo(ref);
        }
    }

    @Test
    void drainsAndShrinksAfterManyPushes() {
        ListValue l = new ListValue();
        for (int i = 0; i < 10000; i++) l.pushTail(b(i));
        for (int i = 0; i < 9999; i++) assertThat(new String(l.popHead())).isEqualTo("" + i);
        assertThat(contents(l)).containsExactly("9999");
        assertThat(l.indexOf(b(9999))).isZero();
        assertThat(l.indexOf(b(1))).isEqualTo(-1);
    }
}
