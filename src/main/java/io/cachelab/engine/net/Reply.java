package io.cachelab.engine.net;


import io.cachelab.engine.type.ScoreFormat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A client's pending reply bytes, encoded as RESP2 or RESP3 straight into one growable array.
 * Replies are appended by commands and flushed once per event-loop batch, so a pipeline of N
 * commands costs one write. Numbers are formatted digit by digit to avoid a String per reply.
 */
public final class Reply {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] SMALL_INTS = new byte[512][];

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) {
            SMALL_INTS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private byte[] buf = new byte[256];
    private int len;
    /** Bytes at the front already written to the socket (a slow reader's reply is not shifted per write). */
    private int sent;
    /** Bytes written to the socket over the client's life (a stalled reader's count stops). */
    private long written;
    int resp = 2;

    /** The end of the reply: a mark for {@link #truncate} and {@link #copyFrom}. */
    public int length() {
        return len;
    }

    /** Bytes still to be written to the socket. */
    public int pending() {
        return len - sent;
    }

    public long written() {
        return written;
    }

    /** Offset of the first unwritten byte in {@link #buffer()}. */
    int sentOffset() {
        return sent;
    }

    public byte[] buffer() {
        return buf;
    }

    /**
     * Drops the first {@code n} pending bytes after a socket write. The rest moves to the front only
     * when the written part is the larger half, so a client that reads slowly costs amortised O(1)
     * per write instead of a copy of everything it has not read yet.
     */
    void consume(int n) {
        written += n;
        sent += n;
        if (sent >= len) {
            len = 0;
            sent = 0;
            if (buf.length > 64 * 1024) buf = new byte[256];
        } else if (sent > len - sent) {
            System.arraycopy(buf, sent, buf, 0, len - sent);
            len -= sent;
            sent = 0;
        }
    }

    public void clear() {
        len = 0;
        sent = 0;
    }

    /** Takes the bytes written since {@code mark} (used by EXEC/scripts to capture one reply). */
    public byte[] copyFrom(int mark) {
        return Arrays.copyOfRange(buf, mark, len);
    }

    public void truncate(int mark) {
        len = Math.max(mark, sent);
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    public void raw(byte[] b) {
        raw(b, 0, b.length);
    }

    public void raw(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) buf[len++] = (byte) s.charAt(i);
    }

    private void crlf() {
        ensure(2);
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    private void prefixed(byte prefix, long v) {
        ensure(24);
        buf[len++] = prefix;
        writeLong(v);
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    private void writeLong(long v) {
        if (v == Long.MIN_VALUE) {
            ascii("-9223372036854775808");
            return;
        }
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int start = len;
        do {
            buf[len++] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v > 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    public void ok() {
        raw(OK);
    }

    public void simple(String s) {
        ensure(s.length() + 3);
        buf[len++] = '+';
        ascii(s);
        crlf();
    }

    public void error(String s) {
        ensure(s.length() + 3);
        buf[len++] = '-';
        // an error reply must be one line: Redis replaces newlines with spaces. Chars up to 0xff
        // are raw bytes (texts built from arguments decode them as ISO-8859-1); others are UTF-8.
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch > 0xff) {
                byte[] utf8 = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
                raw(utf8);
                continue;
            }
            ensure(1);
            buf[len++] = (byte) (ch == '\r' || ch == '\n' ? ' ' : ch);
        }
        crlf();
    }

    public void integer(long v) {
        if (v >= 0 && v < SMALL_INTS.length) raw(SMALL_INTS[(int) v]);
        else prefixed((byte) ':', v);
    }

    /** An integer reply from digits already formatted (INCR's new value): ":digits\r\n". */
    public void integerDigits(byte[] digits, int n) {
        ensure(n + 3);
        buf[len++] = ':';
        System.arraycopy(digits, 0, buf, len, n);
        len += n;
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    public void bulk(byte[] b) {
        bulk(b, 0, b.length);
    }

    public void bulk(byte[] b, int off, int n) {
        prefixed((byte) '$', n);
        ensure(n + 2);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    public void bulk(String s) {
        bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    public void bulk(long v) {
        // integers as bulk strings (e.g. INCRBYFLOAT-style or CONFIG GET): format once
        byte[] digits = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
        bulk(digits);
    }

    /** A nil bulk in RESP2, a null in RESP3. */
    public void nullBulk() {
        if (resp == 3) raw(new byte[]{'_', '\r', '\n'});
        else raw(new byte[]{'$', '-', '1', '\r', '\n'});
    }

    /** A nil multi-bulk in RESP2 (BLPOP timeout, aborted EXEC), a null in RESP3. */
    public void nullArray() {
        if (resp == 3) raw(new byte[]{'_', '\r', '\n'});
        else raw(new byte[]{'*', '-', '1', '\r', '\n'});
    }

    public void arrayLen(long n) {
        prefixed((byte) '*', n);
    }

    public void mapLen(long n) {
        if (resp == 3) prefixed((byte) '%', n);
        else prefixed((byte) '*', n * 2);
    }

    public void setLen(long n) {
        prefixed(resp == 3 ? (byte) '~' : (byte) '*', n);
    }

    public void pushLen(long n) {
        prefixed(resp == 3 ? (byte) '>' : (byte) '*', n);
    }

    /** RESP3 attribute map header ('|'); callers only send attributes to RESP3 clients. */
    public void attributeLen(long n) {
        prefixed((byte) '|', n);
    }

    /** Doubles (addReplyDouble): RESP3 ',' type; RESP2 a bulk string; both "%.17g" as Redis 7.0 writes them. */
    public void doubleValue(double d) {
        String s = ScoreFormat.format(d);
        if (resp == 3) {
            ensure(s.length() + 3);
            buf[len++] = ',';
            ascii(s);
            crlf();
        } else {
            bulk(s.getBytes(StandardCharsets.US_ASCII));
        }
    }

    public void bool(boolean b) {
        if (resp == 3) raw(b ? new byte[]{'#', 't', '\r', '\n'} : new byte[]{'#', 'f', '\r', '\n'});
        else integer(b ? 1 : 0);
    }

    public void bigNumber(String digits) {
        if (resp == 3) {
            ensure(digits.length() + 3);
            buf[len++] = '(';
            ascii(digits);
            crlf();
        } else {
            bulk(digits);
        }
    }

    /** Verbatim text (INFO, CLIENT LIST, LOLWUT in RESP3): "=len\r\ntxt:..." */
    public void verbatim(String text, String format) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (resp == 3) {
            prefixed((byte) '=', b.length + 4);
            ascii(format);
            ensure(b.length + 3);
            buf[len++] = ':';
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
            crlf();
        } else {
            bulk(b);
        }
    }

    /** Reserves room for an aggregate header whose count is not known yet. */
    public int deferredLen() {
        return len;
    }

    /** Inserts the aggregate header at a mark from {@link #deferredLen()}. */
    public void setDeferred(int mark, byte type, long count) {
        byte[] header = (((char) type) + Long.toString(count) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ensure(header.length);
        System.arraycopy(buf, mark, buf, mark + header.length, len - mark);
        System.arraycopy(header, 0, buf, mark, header.length);
        len += header.length;
    }

    public void setDeferredArrayLen(int mark, long n) {
        setDeferred(mark, (byte) '*', n);
    }

    public void setDeferredMapLen(int mark, long n) {
        if (resp == 3) setDeferred(mark, (byte) '%', n);
        else setDeferred(mark, (byte) '*', n * 2);
    }

    public void setDeferredSetLen(int mark, long n) {
        setDeferred(mark, resp == 3 ? (byte) '~' : (byte) '*', n);
    }
}
