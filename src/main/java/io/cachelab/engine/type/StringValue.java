package io.cachelab.engine.type;

import java.util.Arrays;

/**
 * A string value: a growable byte buffer so APPEND, SETRANGE and SETBIT run in amortised O(1)
 * per byte instead of copying the whole value each time, as sds does.
 *
 * <p>OBJECT ENCODING follows how Redis 7.0 created the object rather than re-deriving it from the
 * bytes: values written by SET-like commands go through tryObjectEncoding (int, embstr up to 44
 * bytes, raw above); values built by createStringObject (INCRBYFLOAT) are never int; anything
 * edited in place (APPEND, SETRANGE, SETBIT, BITFIELD) or built by BITOP is raw.
 */
public final class StringValue extends RValue {
    private static final int EMBSTR_SIZE_LIMIT = 44;

    private byte[] buf;
    private int len;
    /** Edited in place or created raw: OBJECT ENCODING answers "raw" whatever the bytes. */
    private boolean raw;
    /** Created by createStringObject, not tryObjectEncoding: embstr or raw, never int. */
    private boolean plain;
    /**
     * Whether {@code buf} is ours to edit. A value made from a request argument (or a script's
     * string) shares that array, which SLOWLOG, MULTI queues or Lua may still hold, so the first
     * in-place edit copies it, as Redis's dbUnshareStringValue does.
     */
    private boolean owned;

    public StringValue(byte[] value) {
        this.buf = value;
        this.len = value.length;
    }

    public static StringValue ofLong(long v) {
        return new StringValue(Numbers.longBytes(v));
    }

    /** A string as createStringObject makes it: embstr up to 44 bytes, raw above, never int. */
    public static StringValue plain(byte[] value) {
        StringValue s = new StringValue(value);
        s.plain = true;
        return s;
    }

    /**
     * A raw-encoded string (createRawStringObject: BITOP results, SETRANGE/SETBIT on a new key).
     * Takes ownership of {@code value}: the caller must not keep it.
     */
    public static StringValue raw(byte[] value) {
        StringValue s = new StringValue(value);
        s.raw = true;
        s.owned = true;
        return s;
    }

    /**
     * Rewrites an int-encoded value in place with a new integer, keeping the object (INCR on an
     * unshared integer, as incrDecrCommand does; DEBUG OBJECT shows the same address).
     */
    public void setLong(long v) {
        int n = Numbers.decimalLength(v);
        if (!owned || buf.length < n) buf = new byte[n];
        len = Numbers.formatLong(v, buf);
        raw = false;
        plain = false;
        owned = true;
    }

    @Override
    public RType type() {
        return RType.STRING;
    }

    @Override
    public String encoding() {
        if (raw) return "raw";
        if (isIntEncoded()) return "int";
        return len <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw";
    }

    /** True when Redis would hold this value as an int-encoded object. */
    public boolean isIntEncoded() {
        return !raw && !plain && holdsLong();
    }

    /** Whether a value known to hold a long is int-encoded (not made raw or plain). */
    public boolean intEncodable() {
        return !raw && !plain;
    }

    /** Whether the value is a strict decimal long (string2ll), without boxing it. */
    public boolean holdsLong() {
        return Numbers.isLongStrict(buf, 0, len);
    }

    /** The value as a long; only after {@link #holdsLong()} said it is one. */
    public long longValue() {
        return Numbers.parseLongUnchecked(buf, 0, len);
    }

    /** The value's bytes (a copy only if the buffer has spare capacity). */
    public byte[] bytes() {
        if (buf.length != len) {
            buf = Arrays.copyOf(buf, len);
            owned = true;
        }
        return buf;
    }

    /** The live buffer for reading bytes below {@link #length()}; never modify it through this. */
    public byte[] array() {
        return buf;
    }

    public int length() {
        return len;
    }

    /** Bytes allocated for the value, spare capacity included (sdsAllocSize), for MEMORY USAGE. */
    public int allocated() {
        return buf.length;
    }

    public byte byteAt(int i) {
        return buf[i];
    }

    /**
     * Grows to at least {@code newLen} bytes, zero-filled, and marks the encoding raw (as
     * dbUnshareStringValue does). Growth is greedy like sdsMakeRoomFor (double below 1 MB, then
     * +1 MB) but never beyond what was asked plus that slack, so a SETBIT at offset 2^32-1
     * allocates 512 MB and not 1 GB.
     */
    public void ensureLength(int newLen) {
        raw = true;
        if (newLen > buf.length) {
            long greedy = newLen < (1 << 20) ? (long) newLen * 2 : (long) newLen + (1 << 20);
            int cap = (int) Math.min(greedy, Integer.MAX_VALUE - 8);
            if (buf.length == 0 || newLen > buf.length * 2L && newLen > (1 << 20)) cap = newLen;
            buf = Arrays.copyOf(buf, Math.max(newLen, cap));
            owned = true;
        } else if (!owned) {
            buf = Arrays.copyOf(buf, buf.length);
            owned = true;
        }
        if (newLen > len) {
            Arrays.fill(buf, len, newLen, (byte) 0);
            len = newLen;
        }
    }

    /** The live buffer for in-place edits of bytes below {@link #length()}; marks the value raw. */
    public byte[] buffer() {
        raw = true;
        if (!owned) {
            buf = Arrays.copyOf(buf, buf.length);
            owned = true;
        }
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
        s.plain = plain;
        s.owned = true;
        return s;
    }
}
