package io.cachelab.engine.replication;

import io.cachelab.engine.net.Client;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The replication backlog as Redis 7.0 keeps it (replication.c's repl_buffer_blocks): the stream in
 * 16 KB blocks, trimmed from the head to {@code repl-backlog-size}, except the blocks a replica
 * still needs. In Redis every replica's output references those shared blocks, so a slow replica
 * (or one still waiting for its RDB) makes the history outgrow the configured size, and any other
 * replica can PSYNC from that longer history; once no replica needs it, the head is trimmed again.
 * Here replicas keep their own copies of what they are sent, and the backlog keeps the history
 * they need, which gives the same INFO numbers and the same partial resyncs.
 */
final class Backlog {
    static final int BLOCK = 16 * 1024;

    private final ArrayDeque<byte[]> blocks = new ArrayDeque<>();
    /** Bytes used in the last block. */
    private int lastUsed;
    /** Offset of the first byte held (offset + 1 when empty). */
    private long firstOffset;
    private long endOffset;
    private long size;

    /** A backlog of {@code size} bytes whose history starts after stream offset {@code offset}. */
    Backlog(long size, long offset) {
        this.size = Math.max(BLOCK, size);
        this.firstOffset = offset + 1;
        this.endOffset = offset;
    }

    void append(byte[] b, int off, int n) {
        endOffset += n;
        while (n > 0) {
            if (blocks.isEmpty() || lastUsed == BLOCK) {
                blocks.addLast(new byte[BLOCK]);
                lastUsed = 0;
            }
            int k = Math.min(n, BLOCK - lastUsed);
            System.arraycopy(b, off, blocks.peekLast(), lastUsed, k);
            lastUsed += k;
            off += k;
            n -= k;
        }
    }

    /** CONFIG SET repl-backlog-size: the history that fits (and what replicas need) is kept. */
    void resize(long newSize, long keepFrom) {
        this.size = Math.max(BLOCK, newSize);
        trim(keepFrom);
    }

    /** Whether the history is longer than the configured size by at least a block (a trim may free it). */
    boolean overSize() {
        return histlen() - BLOCK >= size;
    }

    /**
     * Drops head blocks while what is left still holds {@code size} bytes and no replica needs
     * them: {@code keepFrom} is the oldest stream offset a replica has not been sent yet.
     */
    void trim(long keepFrom) {
        while (blocks.size() > 1) {
            long headEnd = firstOffset + BLOCK - 1;
            if (histlen() - BLOCK < size || headEnd >= keepFrom) return;
            blocks.removeFirst();
            firstOffset += BLOCK;
        }
    }

    /** rebaseReplicationBuffer: the history moves {@code delta} bytes later in the stream. */
    void rebase(long delta) {
        firstOffset += delta;
        endOffset += delta;
    }

    long firstOffset() {
        return firstOffset;
    }

    long histlen() {
        return endOffset - firstOffset + 1;
    }

    /** mem_total_replication_buffers: the blocks held. */
    long memory() {
        return (long) blocks.size() * BLOCK;
    }

    /** Appends to the client what follows stream offset {@code from - 1} (from within firstOffset..end+1). */
    void copyFrom(long from, Client c) {
        copyFrom(from, (b, off, n) -> c.reply().raw(b, off, n));
    }

    /** The stream from offset {@code from} to the end. */
    byte[] bytesFrom(long from) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        copyFrom(from, out::write);
        return out.toByteArray();
    }

    private interface Sink {
        void write(byte[] b, int off, int n);
    }

    private void copyFrom(long from, Sink c) {
        long skip = from - firstOffset;
        long left = endOffset - from + 1;
        Iterator<byte[]> it = blocks.iterator();
        while (skip >= BLOCK && it.hasNext()) {
            it.next();
            skip -= BLOCK;
        }
        int pos = (int) skip;
        while (left > 0 && it.hasNext()) {
            byte[] block = it.next();
            int n = (int) Math.min(left, BLOCK - pos);
            c.write(block, pos, n);
            left -= n;
            pos = 0;
        }
    }
}
