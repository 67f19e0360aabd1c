package io.cachelab.engine.type;

import java.util.Arrays;

/**
 * A string value: a growable byte buffer so APPEND, SETRANGE and SETBIT run in amortised O(1)
 * per byte instead of copying the whole value each time, as sds does.
 */
public final class StringValue extends RValue {
    private byte[] buf;
    private int len;
    /** Set by SET/GETSET-style writes of an integer-looking value; APPEND and friends make it raw. */
    private boolean raw;

    public StringValue(byte[] value) {
        this.buf = value;
        this.len = value.length;
    }

    public static StringValue ofLong(long v) {
        return new StringValue(Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Override
    public RType type() {
        return RType.STRING;
    }

    @Override
    public String encoding() {
        if (!raw && len <= 20 && parseLong() != null) return "int";
        return !raw && len <= 44 ? "embstr" : "raw";
    }

    /** The value's bytes (a copy only if the buffer has spare capacity). */
    public byte[] bytes() {
        if (buf.length != len) {
            buf = Arrays.copyOf(buf, len);
        }
        return buf;
    }

    public int length() {
        return len;
    }

    public byte byteAt(int i) {
        return buf[i];
    }

    /** Grows to at least {@code newLen} bytes, zero-filled, and marks the encoding raw. */
    public void ensureLength(int newLen) {
        raw = true;
        if (newLen > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(newLen, Math.min(buf.length * 2, newLen + (1 << 20))));
        }
        if (newLen > len) {
            Arrays.fill(buf, len, newLen, (byte) 0);
            len = newLen;
        }
    }

    /** The live buffer for in-place edits of bytes below {@link #length()}. */
    public byte[] buffer() {
        raw = true;
        return buf;
    }

    public void append(byte[] more) {
        int old = len;
        ensureLength(len + more.length);
        System.arraycopy(more, 0, buf, old, more.length);
    }

    /** The value as a long if it is one in Redis's strict sense (no spaces, no leading zeros), else null. */
    public Long parseLong() {
        return Numbers.parseLongStrict(buf, 0, len);
    }

    @Override
    public RValue copy() {
        StringValue s = new StringValue(Arrays.copyOf(buf, len));
        s.raw = raw;
        return s;
    }
}
