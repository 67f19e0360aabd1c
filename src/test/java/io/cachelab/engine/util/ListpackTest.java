package io.cachelab.engine.util;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The packed entries: appends, replaces that grow and shrink, removals, long entries, against a list. */
class ListpackTest {

    static List<String> entries(Listpack lp) {
        List<String> out = new ArrayList<>();
        for (int o = 0; o < lp.end(); o = lp.next(o)) out.add(new String(lp.get(o), StandardCharsets.ISO_8859_1));
        return out;
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void shortEntriesTakeOneLengthByteEach() {
        Listpack lp = new Listpack(8);
        lp.append(b("f1"));
        lp.append(b("v1"));
        lp.append(b(""));
        assertThat(lp.count()).isEqualTo(3);
        assertThat(lp.end()).isEqualTo(3 + 3 + 1);
        assertThat(entries(lp)).containsExactly("f1", "v1", "");
        assertThat(lp.equalsAt(0, b("f1"))).isTrue();
        assertThat(lp.equalsAt(0, b("f"))).isFalse();
    }

    @Test
    void lengthsAbove127TakeMoreBytes() {
        Listpack lp = new Listpack(8);
        String big = "x".repeat(300), huge = "y".repeat(20_000);
        lp.append(b(big));
        lp.append(b(huge));
        assertThat(lp.length(0)).isEqualTo(300);
        assertThat(lp.dataStart(0)).isEqualTo(2);
        assertThat(lp.end()).isEqualTo(2 + 300 + 3 + 20_000);
        assertThat(entries(lp)).containsExactly(big, huge);
    }

    @Test
    void randomEditsAgreeWithAList() {
        Random random = new Random(42);
        Listpack lp = new Listpack(8);
        List<String> model = new ArrayList<>();
        for (int step = 0; step < 5_000; step++) {
            int op = random.nextInt(3);
            String value = "v".repeat(random.nextInt(random.nextInt(10) == 0 ? 400 : 12));
            if (op == 0 || model.isEmpty()) {
                lp.append(b(value));
                model.add(value);
            } else {
                int i = random.nextInt(model.size()), off = 0;
                for (int k = 0; k < i; k++) off = lp.next(off);
                if (op == 1) {
                    lp.replace(off, b(value));
                    model.set(i, value);
                } else {
                    int n = Math.min(1 + random.nextInt(2), model.size() - i);
                    lp.remove(off, n);
                    for (int k = 0; k < n; k++) model.remove(i);
                }
            }
            assertThat(lp.count()).isEqualTo(model.size());
        }
        assertThat(entries(lp)).isEqualTo(model);
        assertThat(entries(lp.copy())).isEqualTo(model);
    }
}
