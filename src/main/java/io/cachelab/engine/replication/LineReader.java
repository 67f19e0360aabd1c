package io.cachelab.engine.replication;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The replies of the replication handshake, one line at a time (receiveSynchronousResponse's
 * connSyncReadLine): a line ends at "\n", a trailing "\r" is dropped, and a lone "\n" (the
 * newline a master sends to keep the link alive while it prepares) is an empty line. What follows
 * the last line read (the start of an RDB payload or of the stream) can be drained.
 */
final class LineReader {
    private static final int MAX_LINE = 64 * 1024;

    private byte[] buf = new byte[256];
    private int start;
    private int end;

    void feed(byte[] b, int off, int n) {
        if (end + n > buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
            if (end + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + n));
        }
        System.arraycopy(b, off, buf, end, n);
        end += n;
    }

    /** The next complete line, or null; an overlong line is cut (a master never sends one). */
    String next() {
        for (int i = start; i < end; i++) {
            if (buf[i] != '\n') continue;
            int stop = i > start && buf[i - 1] == '\r' ? i - 1 : i;
            String line = new String(buf, start, stop - start, StandardCharsets.ISO_8859_1);
            start = i + 1;
            return line;
        }
        if (end - start > MAX_LINE) {
            String line = new String(buf, start, MAX_LINE, StandardCharsets.ISO_8859_1);
            start = end;
            return line;
        }
        return null;
    }

    int remaining() {
        return end - start;
    }

    byte[] drain() {
        byte[] rest = Arrays.copyOfRange(buf, start, end);
        reset();
        return rest;
    }

    void reset() {
        start = 0;
        end = 0;
    }
}
