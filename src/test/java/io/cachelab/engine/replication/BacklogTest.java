package io.cachelab.engine.replication;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The ring backlog: offsets as Redis counts them (first byte = offset at creation + 1), wrap-around, resize. */
class BacklogTest {
    private static byte[] fill(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) ('a' + (seed + i) % 26);
        return b;
    }

    @Test
    void keepsTheLastBytesAcrossWrapAround() {
        ReplicationMaster.Backlog b = new ReplicationMaster.Backlog(16 * 1024, 100);
        assertThat(b.firstOffset()).isEqualTo(101);
        assertThat(b.histlen()).isEqualTo(0);
        byte[] all = new byte[40_000];
        int pos = 0;
        for (int i = 0; pos < all.length; i++) {
            int n = Math.min(3_001 + i, all.length - pos);
            byte[] chunk = fill(n, i);
            System.arraycopy(chunk, 0, all, pos, n);
            b.append(chunk, 0, n);
            pos += n;
        }
        assertThat(b.histlen()).isEqualTo(16 * 1024);
        assertThat(b.firstOffset()).isEqualTo(100 + 40_000 - 16 * 1024 + 1);
        byte[] tail = b.bytesFrom(100 + 40_000 - 99);
        assertThat(tail).hasSize(100);
        assertThat(new String(tail, StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(all, 40_000 - 100, 100, StandardCharsets.ISO_8859_1));
        assertThat(b.bytesFrom(100 + 40_000 + 1)).isEmpty();
    }

    @Test
    void resizeKeepsWhatFits() {
        ReplicationMaster.Backlog b = new ReplicationMaster.Backlog(64 * 1024, 0);
        byte[] data = fill(50_000, 7);
        b.append(data, 0, data.length);
        ReplicationMaster.Backlog small = b.resized(20_000);
        assertThat(small.histlen()).isEqualTo(20_000);
        assertThat(small.firstOffset()).isEqualTo(30_001);
        assertThat(small.bytesFrom(30_001)).isEqualTo(java.util.Arrays.copyOfRange(data, 30_000, 50_000));
        ReplicationMaster.Backlog big = small.resized(1 << 20);
        assertThat(big.firstOffset()).isEqualTo(30_001);
        big.append(data, 0, 10);
        assertThat(big.histlen()).isEqualTo(20_010);
    }
}
