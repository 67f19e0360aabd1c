package io.cachelab.engine.script;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer that speaks RESP2/RESP3. The script layer builds a script's whole reply
 * here and hands the bytes to the client in one piece, the same way Redis's scripting client
 * collects a command's reply before parsing it; it keeps this package free of the network layer.
 */
public final class RespBuffer {
    private static final byte[] CRLF = {'\r', '\n'};
    private byte[] buf = new byte[64];
    private int len;

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    public int length() {
        return len;
    }

    public void reset() {
        len = 0;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    public RespBuffer raw(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    public RespBuffer raw(byte[] b) {
        return raw(b, 0, b.length);
    }

    private RespBuffer ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
        return this;
    }

    private RespBuffer header(char type, long n) {
        ensure(24);
        buf[len++] = (byte) type;
        ascii(Long.toString(n));
        return raw(CRLF);
    }

    public RespBuffer integer(long n) {
        return header(':', n);
    }

    public RespBuffer bulk(byte[] b, int off, int n) {
        header('$', n);
        raw(b, off, n);
        return raw(CRLF);
    }

    public RespBuffer bulk(byte[] b) {
        return bulk(b, 0, b.length);
    }

    public RespBuffer bulk(String s) {
        return bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A status line; CR and LF become spaces as in Redis so the protocol cannot be broken. */
    public RespBuffer simple(byte[] b, int off, int n) {
        ensure(n + 3);
        buf[len++] = '+';
        for (int i = 0; i < n; i++) {
            byte c = b[off + i];
            buf[len++] = (c == '\r' || c == '\n') ? (byte) ' ' : c;
        }
        return raw(CRLF);
    }

    public RespBuffer simple(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return simple(b, 0, b.length);
    }

    /** An error line; the text must carry its code ("ERR ..."). */
    public RespBuffer error(byte[] b, int off, int n) {
        ensure(n + 3);
        buf[len++] = '-';
        for (int i = 0; i < n; i++) {
            byte c = b[off + i];
            buf[len++] = (c == '\r' || c == '\n') ? (byte) ' ' : c;
        }
        return raw(CRLF);
    }

    public RespBuffer error(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return error(b, 0, b.length);
    }

    public RespBuffer arrayLen(long n) {
        return header('*', n);
    }

    public RespBuffer mapLen(long n, int resp) {
        return header(resp >= 3 ? '%' : '*', resp >= 3 ? n : n * 2);
    }

    public RespBuffer setLen(long n, int resp) {
        return header(resp >= 3 ? '~' : '*', n);
    }

    public RespBuffer nullBulk(int resp) {
        return ascii(resp >= 3 ? "_\r\n" : "$-1\r\n");
    }

    public RespBuffer nullArray(int resp) {
        return ascii(resp >= 3 ? "_\r\n" : "*-1\r\n");
    }

    public RespBuffer bool(boolean b, int resp) {
        if (resp >= 3) {
            return ascii(b ? "#t\r\n" : "#f\r\n");
        }
        return integer(b ? 1 : 0);
    }

    /** A double as Redis's addReplyDouble writes it: "%.17g" in a bulk (RESP2) or a ',' line. */
    public RespBuffer dbl(double d, int resp) {
        String s;
        if (Double.isInfinite(d)) {
            s = d > 0 ? "inf" : "-inf";
        } else if (Double.isNaN(d)) {
            s = "nan";
        } else {
            s = CFormat.g(d, 17);
        }
        if (resp >= 3) {
            return ascii(",").ascii(s).raw(CRLF);
        }
        return bulk(s);
    }

    /** A big number; CR and LF become spaces in both protocols, as Redis maps them first. */
    public RespBuffer bigNumber(byte[] b, int off, int n, int resp) {
        byte[] digits = new byte[n];
        for (int i = 0; i < n; i++) {
            byte c = b[off + i];
            digits[i] = (c == '\r' || c == '\n') ? (byte) ' ' : c;
        }
        if (resp >= 3) {
            ensure(n + 3);
            buf[len++] = '(';
            raw(digits);
            return raw(CRLF);
        }
        return bulk(digits);
    }

    public RespBuffer verbatim(byte[] b, int off, int n, String format, int resp) {
        if (resp >= 3) {
            header('=', n + 4);
            ascii(format).ascii(":");
            raw(b, off, n);
            return raw(CRLF);
        }
        return bulk(b, off, n);
    }

    /** Overwrites an aggregate header reserved with {@link #reserveHeader()}. */
    int reserveHeader() {
        ensure(24);
        int at = len;
        len += 24;
        return at;
    }

    /** Fills a reserved header and closes the gap left by the reservation. */
    void fillHeader(int at, char type, long n) {
        byte[] h = (type + Long.toString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        int gap = 24 - h.length;
        System.arraycopy(buf, at + 24, buf, at + h.length, len - at - 24);
        System.arraycopy(h, 0, buf, at, h.length);
        len -= gap;
    }
}
