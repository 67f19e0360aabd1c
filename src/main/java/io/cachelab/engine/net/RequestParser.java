package io.cachelab.engine.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental parser for client requests (RESP multibulk and inline), shaped like Redis's
 * processMultibulkBuffer/processInlineBuffer: it parses straight from the client's query buffer,
 * keeps its place between reads, and enforces Redis's limits so a hostile frame costs at most what
 * the client has actually sent. Each argument becomes one byte[]: no String per argument.
 */
public final class RequestParser {
    /** Redis's PROTO_INLINE_MAX_SIZE: the longest inline request or length line. */
    static final int INLINE_MAX = 64 * 1024;
    /** Redis 7.0 accepts any count up to INT_MAX and waits for the arguments (memory grows with bytes received). */
    static final int MULTIBULK_MAX = Integer.MAX_VALUE;
    /** Before AUTH, Redis refuses large frames outright (authRequired in processMultibulkBuffer). */
    static final int UNAUTH_MULTIBULK_MAX = 10;
    static final int UNAUTH_BULK_MAX = 16384;

    /** Thrown for a malformed request; the client gets the message and is closed. */
    public static final class ProtocolException extends Exception {
        public ProtocolException(String message) {
            super(message, null, false, false);
        }
    }

    private byte[] buf = new byte[1024];
    private int start; // first unparsed byte
    private int end; // one past the last received byte

    private int multibulkLen; // arguments still to read in the current multibulk, 0 = between requests
    private int bulkLen = -1; // length of the bulk being read, -1 = reading its header
    private byte[][] argv;
    private int argc;
    /** Bytes of the arguments parsed so far of an unfinished request (Redis's argv_len_sum). */
    private long argvBytes;
    private int requestStart;
    private boolean authRequired;
    /** Bytes the last complete request occupied (Redis still counts them in qbuf while it runs). */
    private int lastRequestLength;

    public int lastRequestLength() {
        return lastRequestLength;
    }

    /** Keeps a request's own bytes in the buffer until it is complete (a master's stream is passed on as is). */
    private boolean keepRequestBytes;

    public void keepRequestBytes(boolean keep) {
        this.keepRequestBytes = keep;
    }

    /** Where the last complete request starts in {@link #buffer()} (valid until the next feed). */
    public int lastRequestStart() {
        return requestStart;
    }

    public byte[] buffer() {
        return buf;
    }

    /** Bytes received but not yet consumed (the query buffer length Redis reports as qbuf). */
    public int pending() {
        return end - start;
    }

    public int capacity() {
        return buf.length;
    }

    // ---- Redis's query buffer accounting ----
    // Our buffer grows in its own steps; CLIENT LIST's qbuf-free and the querybuf tests follow the
    // size Redis's sds query buffer would have, so that size is modelled beside it: 16 KB reads
    // (PROTO_IOBUF_LEN), exact-size reads for big bulks, greedy growth after that, jemalloc size
    // classes, and clientsCronResizeQueryBuffer's trimming.
    static final int IOBUF_LEN = 16 * 1024;
    static final int MBULK_BIG_ARG = 32 * 1024;
    static final int RESIZE_THRESHOLD = 32 * 1024;
    private long sdsAlloc;
    private long sdsPeak;

    /** The modelled sds allocation, i.e. qbuf + qbuf-free. */
    public long sdsAlloc() {
        return sdsAlloc;
    }

    /** readQueryFromClient's sizing before a read; call with the bytes about to be fed. */
    public void accountRead(int n) {
        long qblen = end - start;
        long avail = sdsAlloc - qblen;
        boolean bigArg = multibulkLen > 0 && bulkLen >= MBULK_BIG_ARG;
        if (bigArg || sdsAlloc < IOBUF_LEN) {
            long readlen = IOBUF_LEN;
            if (bigArg) {
                long remaining = (long) bulkLen + 2 - qblen;
                if (remaining > 0) readlen = remaining;
            }
            if (avail < readlen) sdsAlloc = sdsUsable(qblen + readlen);
        } else if (avail < IOBUF_LEN) {
            long newlen = qblen + IOBUF_LEN;
            newlen = newlen < 1024 * 1024 ? newlen * 2 : newlen + 1024 * 1024;
            sdsAlloc = sdsUsable(newlen);
        }
        // we may read more per call than Redis would: the buffer then holds at least what arrived
        if (qblen + n > sdsAlloc) sdsAlloc = sdsUsable(qblen + n);
        sdsPeak = Math.max(sdsPeak, qblen + n);
    }

    /** clientsCronResizeQueryBuffer: trims an idle (over 2 s) or oversized buffer, then resets the peak. */
    public void cronResize(long idleSeconds) {
        long qblen = end - start;
        if (sdsAlloc - qblen > 4 * 1024) {
            if (idleSeconds > 2) {
                sdsAlloc = qblen;
            } else if (sdsAlloc > RESIZE_THRESHOLD && sdsAlloc / 2 > sdsPeak) {
                long resize = Math.max(qblen, sdsPeak);
                if (bulkLen != -1 && resize < bulkLen) resize = bulkLen;
                sdsAlloc = resize;
            }
        }
        sdsPeak = qblen;
        if (bulkLen != -1 && bulkLen > sdsPeak) sdsPeak = bulkLen;
    }

    /** What sds gets for a string of len bytes: header and NUL added, jemalloc's size class, header and NUL removed. */
    static long sdsUsable(long len) {
        int hdr = len < 256 ? 3 : len < 65536 ? 5 : 9;
        long total = len + hdr + 1;
        long cls;
        if (total <= 8) cls = 8;
        else if (total <= 128) cls = (total + 15) & ~15L;
        else {
            long step = Long.highestOneBit(total - 1) / 4;
            cls = (total + step - 1) / step * step;
        }
        return cls - hdr - 1;
    }

    /** What the client's input holds: unparsed bytes plus the arguments of an unfinished request. */
    public long heldBytes() {
        return (end - start) + argvBytes;
    }

    /** Appends freshly read bytes, compacting or growing the buffer as needed. */
    public void feed(byte[] src, int off, int n) {
        if (end + n > buf.length) {
            boolean midRequest = multibulkLen > 0 || argv != null;
            int keep = keepRequestBytes && midRequest ? requestStart : start;
            if (keep > 0) {
                System.arraycopy(buf, keep, buf, 0, end - keep);
                end -= keep;
                start -= keep;
                requestStart -= keep;
            }
            if (end + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + n));
            }
        }
        System.arraycopy(src, off, buf, end, n);
        end += n;
    }

    /** Releases a large buffer once it has been drained. */
    public void shrinkIfIdle() {
        if (start == end && !(keepRequestBytes && (multibulkLen > 0 || argv != null))) {
            start = end = 0;
            if (buf.length > 64 * 1024 && multibulkLen == 0) buf = new byte[1024];
        }
    }

    /**
     * Parses the next complete request, or returns null if more bytes are needed. An empty
     * request (blank inline line, "*0") returns an empty array.
     */
    public byte[][] next(long maxBulkLen) throws ProtocolException {
        return next(maxBulkLen, false);
    }

    public byte[][] next(long maxBulkLen, boolean authRequired) throws ProtocolException {
        this.authRequired = authRequired;
        if (start == end) return null;
        byte[][] req;
        if (multibulkLen == 0 && argv == null) {
            requestStart = start;
            req = buf[start] == '*' ? multibulk(maxBulkLen) : inline();
        } else {
            req = multibulk(maxBulkLen);
        }
        if (req != null) lastRequestLength = start - requestStart;
        return req;
    }

    private int findCrlf(int from) {
        for (int i = from; i < end; i++) {
            if (buf[i] == '\r') {
                if (i + 1 < end) {
                    if (buf[i + 1] == '\n') return i;
                } else {
                    return -1;
                }
            }
        }
        return -1;
    }

    private byte[][] inline() throws ProtocolException {
        int nl = -1;
        for (int i = start; i < end; i++) {
            if (buf[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) {
            if (end - start > INLINE_MAX) throw new ProtocolException("Protocol error: too big inline request");
            return null;
        }
        int lineEnd = nl > start && buf[nl - 1] == '\r' ? nl - 1 : nl;
        List<byte[]> args = splitArgs(buf, start, lineEnd);
        start = nl + 1;
        if (args == null) throw new ProtocolException("Protocol error: unbalanced quotes in request");
        return args.toArray(new byte[0][]);
    }

    /** {@link #splitArgs} as Latin-1 strings, for other line formats Redis splits the same way; null on bad quotes. */
    public static List<String> splitArgsPublic(byte[] b, int from, int to) {
        List<byte[]> args = splitArgs(b, from, to);
        if (args == null) return null;
        List<String> out = new ArrayList<>(args.size());
        for (byte[] a : args) out.add(new String(a, java.nio.charset.StandardCharsets.ISO_8859_1));
        return out;
    }

    /** sdssplitargs: spaces separate, "double quotes" with escapes, 'single quotes'. */
    static List<byte[]> splitArgs(byte[] b, int from, int to) {
        List<byte[]> out = new ArrayList<>();
        int i = from;
        java.io.ByteArrayOutputStream cur = new java.io.ByteArrayOutputStream();
        while (true) {
            while (i < to && isSpace(b[i])) i++;
            if (i >= to) return out;
            boolean inDq = false;
            boolean inSq = false;
            boolean done = false;
            cur.reset();
            while (!done) {
                if (inDq) {
                    if (i >= to) return null;
                    if (b[i] == '\\' && i + 3 < to && b[i + 1] == 'x' && isHex(b[i + 2]) && isHex(b[i + 3])) {
                        cur.write(Character.digit(b[i + 2], 16) * 16 + Character.digit(b[i + 3], 16));
                        i += 3;
                    } else if (b[i] == '\\' && i + 1 < to) {
                        i++;
                        byte c = b[i];
                        switch (c) {
                            case 'n' -> cur.write('\n');
                            case 'r' -> cur.write('\r');
                            case 't' -> cur.write('\t');
                            case 'b' -> cur.write('\b');
                            case 'a' -> cur.write(7);
                            default -> cur.write(c);
                        }
                    } else if (b[i] == '"') {
                        if (i + 1 < to && !isSpace(b[i + 1])) return null;
                        done = true;
                    } else {
                        cur.write(b[i]);
                    }
                } else if (inSq) {
                    if (i >= to) return null;
                    if (b[i] == '\\' && i + 1 < to && b[i + 1] == '\'') {
                        i++;
                        cur.write('\'');
                    } else if (b[i] == '\'') {
                        if (i + 1 < to && !isSpace(b[i + 1])) return null;
                        done = true;
                    } else {
                        cur.write(b[i]);
                    }
                } else {
                    if (i >= to) {
                        done = true;
                        break;
                    }
                    byte c = b[i];
                    if (isSpace(c)) {
                        done = true;
                    } else if (c == '"') {
                        inDq = true;
                    } else if (c == '\'') {
                        inSq = true;
                    } else {
                        cur.write(c);
                    }
                }
                if (i < to) i++;
            }
            out.add(cur.toByteArray());
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f' || c == 0;
    }

    private static boolean isHex(byte c) {
        return Character.digit(c, 16) >= 0;
    }

    private long parseLength(int from, int to) {
        // digits with an optional leading '-'; -2 marks "not a number"
        if (from >= to) return Long.MIN_VALUE;
        boolean neg = buf[from] == '-';
        int i = neg ? from + 1 : from;
        if (i >= to || to - i > 18) return Long.MIN_VALUE;
        long v = 0;
        for (; i < to; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) return Long.MIN_VALUE;
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }

    private byte[][] multibulk(long maxBulkLen) throws ProtocolException {
        if (argv == null) {
            int cr = findCrlf(start);
            if (cr < 0) {
                if (end - start > INLINE_MAX) throw new ProtocolException("Protocol error: too big mbulk count string");
                return null;
            }
            long n = parseLength(start + 1, cr);
            if (n == Long.MIN_VALUE || n > MULTIBULK_MAX) {
                throw new ProtocolException("Protocol error: invalid multibulk length");
            }
            if (n > UNAUTH_MULTIBULK_MAX && authRequired) {
                throw new ProtocolException("Protocol error: unauthenticated multibulk length");
            }
            start = cr + 2;
            if (n <= 0) return new byte[0][];
            multibulkLen = (int) n;
            argv = new byte[Math.min(multibulkLen, 1024)][];
            argc = 0;
            bulkLen = -1;
        }
        while (multibulkLen > 0) {
            if (bulkLen == -1) {
                if (start == end) return null;
                int cr = findCrlf(start);
                if (cr < 0) {
                    if (end - start > INLINE_MAX) throw new ProtocolException("Protocol error: too big bulk count string");
                    return null;
                }
                if (buf[start] != '$') {
                    throw new ProtocolException("Protocol error: expected '$', got '" + (char) (buf[start] & 0xff) + "'");
                }
                long n = parseLength(start + 1, cr);
                if (n == Long.MIN_VALUE || n < 0 || n > maxBulkLen) {
                    throw new ProtocolException("Protocol error: invalid bulk length");
                }
                if (n > UNAUTH_BULK_MAX && authRequired) {
                    throw new ProtocolException("Protocol error: unauthenticated bulk length");
                }
                start = cr + 2;
                bulkLen = (int) n;
            }
            if (end - start < (long) bulkLen + 2) return null;
            byte[] arg = Arrays.copyOfRange(buf, start, start + bulkLen);
            start += bulkLen + 2;
            if (argc == argv.length) argv = Arrays.copyOf(argv, Math.min(argv.length * 2, argc + multibulkLen));
            argv[argc++] = arg;
            argvBytes += arg.length;
            bulkLen = -1;
            multibulkLen--;
        }
        byte[][] done = argc == argv.length ? argv : Arrays.copyOf(argv, argc);
        argv = null;
        argc = 0;
        argvBytes = 0;
        return done;
    }
}
