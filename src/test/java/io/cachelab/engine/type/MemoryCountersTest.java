package io.cachelab.engine.type;

import io.cachelab.engine.util.Bytes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The running byte totals the value types keep for memory accounting must always equal a recount
 * of their elements, whatever sequence of mutations ran (a drift would make used_memory and
 * eviction wrong only after a while, which no single-command test catches).
 */
class MemoryCountersTest {
    private static byte[] randomBytes(Random rnd) {
        byte[] b = new byte[rnd.nextInt(rnd.nextBoolean() ? 8 : 120)];
        for (int i = 0; i < b.length; i++) b[i] = (byte) ('a' + rnd.nextInt(3));
        return b;
    }

    @Test
    void listElementBytesFollowEveryMutator() {
        Random rnd = new Random(7);
        ListValue l = new ListValue();
        for (int step = 0; step < 20_000; step++) {
            int op = rnd.nextInt(10);
            switch (op) {
                case 0, 1 -> l.pushHead(randomBytes(rnd));
                case 2, 3 -> l.pushTail(randomBytes(rnd));
                case 4 -> l.popHead();
                case 5 -> l.popTail();
                case 6 -> l.insert(rnd.nextInt(l.size() + 1), randomBytes(rnd));
                case 7 -> {
                    if (l.size() > 0) l.set(rnd.nextInt(l.size()), randomBytes(rnd));
                    if (l.size() > 0) l.remove(rnd.nextInt(l.size()));
                }
                case 8 -> l.removeMatching(new byte[0], rnd.nextInt(5) - 2);
                default -> {
                    if (l.size() > 40) {
                        int start = rnd.nextInt(5);
                        l.retainRange(start, l.size() - 1 - rnd.nextInt(5));
                    }
                    if (rnd.nextInt(500) == 0) l.clear();
                }
            }
            long sum = 0;
            for (int i = 0; i < l.size(); i++) sum += l.get(i).length;
            assertThat(l.elementBytes()).as("step %d", step).isEqualTo(sum);
        }
        ListValue copy = (ListValue) l.copy();
        assertThat(copy.elementBytes()).isEqualTo(l.elementBytes());
    }

    @Test
    void hashPayloadBytesAcrossBothEncodings() {
        Random rnd = new Random(11);
        HashValue h = new HashValue();
        for (int step = 0; step < 10_000; step++) {
            Bytes field = Bytes.of("f" + rnd.nextInt(300));
            if (rnd.nextInt(3) == 0) h.remove(field);
            else h.set(field, randomBytes(rnd), 128, 64);
            long[] sum = {0};
            h.forEach((f, v) -> sum[0] += f.length() + v.length);
            assertThat(h.payloadBytes()).as("step %d", step).isEqualTo(sum[0]);
        }
        assertThat(h.isListpack()).isFalse();
        assertThat(((HashValue) h.copy()).payloadBytes()).isEqualTo(h.payloadBytes());
    }

    @Test
    void setMemberBytesCountFromConversion() {
        SetValue s = new SetValue();
        for (int i = 1; i <= 100; i++) s.add(Integer.toString(i).getBytes(StandardCharsets.US_ASCII), 512);
        assertThat(s.isIntset()).isTrue();
        assertThat(s.intsetWidth()).isEqualTo(2);
        s.add("70000".getBytes(StandardCharsets.US_ASCII), 512);
        assertThat(s.intsetWidth()).isEqualTo(4);
        s.add("x".getBytes(StandardCharsets.US_ASCII), 512);
        // 1..9: 9 bytes, 10..99: 180, 100: 3, 70000: 5, x: 1
        assertThat(s.memberBytes()).isEqualTo(9 + 180 + 3 + 5 + 1);
        s.remove("70000".getBytes(StandardCharsets.US_ASCII));
        s.remove("absent".getBytes(StandardCharsets.US_ASCII));
        assertThat(s.memberBytes()).isEqualTo(9 + 180 + 3 + 1);
        assertThat(((SetValue) s.copy()).memberBytes()).isEqualTo(s.memberBytes());
    }

    @Test
    void zsetMemberBytesFollowInsertAndRangeRemovals() {
        ZSetValue z = new ZSetValue();
        for (int i = 0; i < 200; i++) z.insert(Bytes.of("member" + i), i);
        long expected = 0;
        for (int i = 0; i < 200; i++) expected += ("member" + i).length();
        assertThat(z.memberBytes()).isEqualTo(expected);
        z.removeRangeByRank(0, 99); // members 0..99
        long removed = 0;
        for (int i = 0; i < 100; i++) removed += ("member" + i).length();
        assertThat(z.memberBytes()).isEqualTo(expected - removed);
        z.updateScore(Bytes.of("member150"), -1);
        assertThat(z.memberBytes()).isEqualTo(expected - removed);
        assertThat(((ZSetValue) z.copy()).memberBytes()).isEqualTo(z.memberBytes());
    }
}
