package io.cachelab.engine.net;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** rbs/rbp as redis-server 7.0.15 reported them for an idle client, then one reading a 32 kB value. */
class ReplyBufferSizingTest {
    @Test
    void shrinksWhenIdleThenDoublesPerCronWhileFull() {
        ReplyBufferSizing b = new ReplyBufferSizing();
        List<String> seen = new ArrayList<>();
        seen.add(b.size() + "/" + b.peak());
        long now = 1_000_000;
        b.cron(now, 100, true, 0);
        b.cron(now += 100, 100, true, 0);
        seen.add(b.size() + "/" + b.peak());
        for (int i = 0; i < 6; i++) {
            b.notePending(32768 + 9);
            b.cron(now += 100, -1, true, 0);
            seen.add(b.size() + "/" + b.peak());
        }
        assertThat(seen).containsExactly("16384/16384", "1024/0", "2048/1024", "4096/2048", "8192/4096",
                "16384/8192", "16384/16384", "16384/16384");
    }

    @Test
    void shrinkTargetsRoundUpToJemallocSizeClasses() {
        assertThat(ReplyBufferSizing.jemallocSizeClass(1)).isEqualTo(1024);
        assertThat(ReplyBufferSizing.jemallocSizeClass(1025)).isEqualTo(1280);
        assertThat(ReplyBufferSizing.jemallocSizeClass(3000)).isEqualTo(3072);
        assertThat(ReplyBufferSizing.jemallocSizeClass(8192)).isEqualTo(8192);
    }
}
