package io.cachelab.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** One line per interval: the first at once, the rest counted into the next line. */
class WarningThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final WarningThrottle throttle = new WarningThrottle(Duration.ofSeconds(5), now::get);

    private void at(double seconds) {
        now.set(1_000_000_000L + (long) (seconds * 1e9));
    }

    @Test
    void logsTheFirstAtOnceThenOneLinePerIntervalWithTheCountLeftOut() {
        assertThat(throttle.admit()).isZero();
        at(1);
        assertThat(throttle.admit()).isEqualTo(-1);
        assertThat(throttle.admit()).isEqualTo(-1);
        at(4.9);
        assertThat(throttle.admit()).isEqualTo(-1);
        at(5);
        assertThat(throttle.admit()).as("three left out since the first line").isEqualTo(3);
        at(9.9);
        assertThat(throttle.admit()).isEqualTo(-1);
        at(60);
        assertThat(throttle.admit()).isEqualTo(1);
        at(61);
        assertThat(throttle.admit()).isEqualTo(-1);
    }
}
