package io.cachelab.engine.type;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The allocation-free integer helpers INCR uses agree with the JDK on every boundary and on random
 * values: formatting (string2ll's inverse), length, and the strict check with its 18-digit fast path.
 */
class NumbersFormatTest {
    private static final long[] EDGES = {0, 1, -1, 9, 10, -10, 99, 100, 9999, 10000, 999_999_999_999_999_999L,
        1_000_000_000_000_000_000L, -999_999_999_999_999_999L, -1_000_000_000_000_000_000L, Long.MAX_VALUE,
        Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1};

    @Test
    void formatsAndMeasuresLikeLongToString() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) check(i < EDGES.length ? EDGES[i] : rnd.nextLong() >> rnd.nextInt(64));
    }

    private static void check(long v) {
        String expected = Long.toString(v);
        assertThat(Numbers.decimalLength(v)).as("length of %d", v).isEqualTo(expected.length());
        byte[] out = new byte[20];
        int n = Numbers.formatLong(v, out);
        assertThat(new String(out, 0, n, StandardCharsets.US_ASCII)).isEqualTo(expected);
        byte[] b = expected.getBytes(StandardCharsets.US_ASCII);
        assertThat(Numbers.isLongStrict(b, 0, b.length)).as(expected).isTrue();
        assertThat(Numbers.parseLongUnchecked(b, 0, b.length)).isEqualTo(v);
        assertThat(Numbers.parseLongStrict(b)).isEqualTo(v);
    }

    @Test
    void strictCheckRefusesWhatString2llRefuses() {
        for (String bad : new String[] {"", "-", "01", "-0", "+1", " 1", "1 ", "1a", "9223372036854775808",
            "-9223372036854775809", "123456789012345678901", "18446744073709551616", "0x10"}) {
            byte[] b = bad.getBytes(StandardCharsets.US_ASCII);
            assertThat(Numbers.isLongStrict(b, 0, b.length)).as("'%s'", bad).isFalse();
            assertThat(Numbers.parseLongStrict(b)).as("'%s'", bad).isNull();
        }
    }
}
