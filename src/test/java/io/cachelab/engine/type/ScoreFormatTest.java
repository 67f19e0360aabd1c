package io.cachelab.engine.type;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected strings were taken from redis-server 7.0.15 (ZADD then ZRANGE ... WITHSCORES). */
class ScoreFormatTest {
    @Test
    void matchesRedisPercent17g() {
        assertThat(ScoreFormat.format(1.1)).isEqualTo("1.1000000000000001");
        assertThat(ScoreFormat.format(2.1)).isEqualTo("2.1000000000000001");
        assertThat(ScoreFormat.format(1e-5)).isEqualTo("1.0000000000000001e-05");
        assertThat(ScoreFormat.format(0.1)).isEqualTo("0.10000000000000001");
        assertThat(ScoreFormat.format(123456789012345678.0)).isEqualTo("1.2345678901234568e+17");
        assertThat(ScoreFormat.format(1e20)).isEqualTo("1e+20");
        assertThat(ScoreFormat.format(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(ScoreFormat.format(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(ScoreFormat.format(0)).isEqualTo("0");
        assertThat(ScoreFormat.format(-0.0)).isEqualTo("-0");
        assertThat(ScoreFormat.format(3)).isEqualTo("3");
        assertThat(ScoreFormat.format(-2.5)).isEqualTo("-2.5");
        assertThat(ScoreFormat.format(1e16)).isEqualTo("10000000000000000");
        assertThat(ScoreFormat.format(1e17)).isEqualTo("1e+17");
        assertThat(ScoreFormat.format(0.0001)).isEqualTo("0.0001");
        assertThat(ScoreFormat.format(1.5e300)).isEqualTo("1.5000000000000001e+300");
        assertThat(ScoreFormat.format(Double.MIN_VALUE)).isEqualTo("4.9406564584124654e-324");
        assertThat(ScoreFormat.format(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
        assertThat(ScoreFormat.format(12345.678)).isEqualTo("12345.678");
    }
}
