package io.cachelab.engine.replication;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The pipe of a diskless full sync (Redis's rdb_pipe_read / rdb_child_exit_pipe in
 * replication.c): the thread writing the RDB fills bounded chunks, the event loop takes them for
 * the replicas' sockets at the pace of the slowest replica, so a stalled replica stalls the
 * writer instead of growing memory. Closing blocks the writer until the loop has taken every
 * chunk (the child waits for its parent before it exits), so "the save ended" always means "the
 * replicas have every byte queued". Cancelling frees a blocked writer with an IOException.
 */
final class RdbPipe extends OutputStream {
    private static final int CHUNK = 64 * 1024;
    private static final int CHUNKS = 16;

    private final ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(CHUNKS);
    private final CountDownLatch drained = new CountDownLatch(1);
    private final Runnable wakeup;
    private byte[] buf = new byte[CHUNK];
    private int n;
    private volatile boolean closed;
    private volatile boolean cancelled;

    RdbPipe(Runnable wakeup) {
        this.wakeup = wakeup;
    }

    @Override
    public void write(int b) throws IOException {
        if (n == buf.length) push();
        buf[n++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (n == buf.length) push();
            int k = Math.min(len, buf.length - n);
            System.arraycopy(b, off, buf, n, k);
            n += k;
            off += k;
            len -= k;
        }
    }

    private void push() throws IOException {
        if (n == 0) return;
        byte[] chunk = n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
        try {
            while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                if (cancelled) throw new IOException("the replicas are gone");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (cancelled) throw new IOException("the replicas are gone");
        buf = new byte[CHUNK];
        n = 0;
        wakeup.run();
    }

    /** The writer's end: the last chunk goes in, then it waits for the loop to take everything. */
    @Override
    public void close() throws IOException {
        push();
        closed = true;
        wakeup.run();
        try {
            while (!drained.await(100, TimeUnit.MILLISECONDS)) {
                if (cancelled) throw new IOException("the replicas are gone");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    // ---------------- the loop's end ----------------

    /** The next chunk, or null when none is ready. */
    byte[] poll() {
        return queue.poll();
    }

    /** The writer closed its end and every chunk was taken (read() returned 0). */
    boolean atEof() {
        return closed && queue.isEmpty();
    }

    /** Lets the writer finish (close(rdb_child_exit_pipe)). */
    void release() {
        drained.countDown();
    }

    /** The replicas are gone: a writer blocked on a full pipe gives up. */
    void cancel() {
        cancelled = true;
        queue.clear();
    }
}
