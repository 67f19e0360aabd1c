package io.cachelab.engine.replication;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The block backlog: offsets as Redis counts them (first byte = offset at creation + 1), trimming
 * in whole 16 KB blocks down to repl-backlog-size, history kept while a replica needs it (Redis
 * 7.0's shared replication buffer), and resizing.
 */
class BacklogTest {
    private static final int BLOCK = Backlog.BLOCK;

    private static byte[] fill(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) ('a' + (seed + i) % 26);
        return b;
    }

    /** 40,000 bytes in uneven chunks; returns them. */
    private static byte[] appendUneven(Backlog b) {
        byte[] all = new byte[40_000];
        int pos = 0;
        for (int i = 0; pos < all.length; i++) {
            int n = Math.min(3_001 + i, all.length - pos);
            System.arraycopy(fill(n, i), 0, all, pos, n);
            b.append(all, pos, n);
            pos += n;
        }
        return all;
    }

    @Test
    void trimsWholeBlocksDownToTheConfiguredSize() {
        Backlog b = new Backlog(BLOCK, 100);
        assertThat(b.firstOffset()).isEqualTo(101);
        assertThat(b.histlen()).isZero();
        byte[] all = appendUneven(b);
        assertThat(b.overSize()).isTrue();
        b.trim(100 + 40_000 + 1); // no replica needs anything
        // 40,000 bytes = blocks of 16,384 + 16,384 + 7,232: dropping the first still leaves >= 16 KB
        assertThat(b.histlen()).isEqualTo(40_000 - BLOCK);
        assertThat(b.firstOffset()).isEqualTo(101 + BLOCK);
        assertThat(b.memory()).isEqualTo(2L * BLOCK);
        assertThat(b.bytesFrom(100 + 40_000 - 99)).isEqualTo(Arrays.copyOfRange(all, 40_000 - 100, 40_000));
        assertThat(b.bytesFrom(101 + BLOCK)).isEqualTo(Arrays.copyOfRange(all, BLOCK, 40_000));
        assertThat(b.bytesFrom(100 + 40_000 + 1)).isEmpty();
    }

    @Test
    void keepsTheHistoryAReplicaStillNeedsBeyondTheSize() {
        Backlog b = new Backlog(BLOCK, 0);
        byte[] all = appendUneven(b);
        b.trim(5_000); // a replica was sent everything before offset 5,000
        assertThat(b.histlen()).isEqualTo(40_000);
        assertThat(b.bytesFrom(1)).isEqualTo(all);
        b.trim(BLOCK + 1); // it has the first block now
        assertThat(b.firstOffset()).isEqualTo(BLOCK + 1);
        assertThat(b.histlen()).isEqualTo(40_000 - BLOCK);
    }

    @Test
    void resizeKeepsWhatFits() {
        Backlog b = new Backlog(4 * BLOCK, 0);
        byte[] data = fill(50_000, 7);
        b.append(data, 0, data.length);
        assertThat(b.histlen()).isEqualTo(50_000);
        b.resize(20_000, 50_001);
        // blocks go while at least 20,000 bytes stay: 50,000 - 16,384 = 33,616, then 17,232 < 20,000
        assertThat(b.histlen()).isEqualTo(50_000 - BLOCK);
        assertThat(b.firstOffset()).isEqualTo(BLOCK + 1);
        assertThat(b.bytesFrom(BLOCK + 1)).isEqualTo(Arrays.copyOfRange(data, BLOCK, 50_000));
        b.resize(1 << 20, 50_001);
        b.append(data, 0, 10);
        assertThat(b.histlen()).isEqualTo(50_010 - BLOCK);
    }
}
