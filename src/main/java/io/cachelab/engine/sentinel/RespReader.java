package io.cachelab.engine.sentinel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Replies on a Sentinel's outbound links, parsed incrementally as hiredis's reader does
 * (deps/hiredis/read.c): status lines become {@link Status}, errors {@link Err}, integers Long,
 * bulk strings String, arrays List, nil null. A malformed reply throws, and the caller closes
 * that link only. Replies are small (INFO is the largest), so a bound refuses anything huge.
 */
final class RespReader {
    static final int MAX_REPLY = 16 * 1024 * 1024;

    record Status(String text) {
    }

    record Err(String text) {
    }

    private static final Object INCOMPLETE = new Object();
    private byte[] data = new byte[4096];
    private int start, end;
    private int pos;

    void feed(byte[] b, int off, int len) {
        if (end - start + len > MAX_REPLY) throw new IllegalStateException("reply larger than " + MAX_REPLY + " bytes");
        if (end + len > data.length) {
            byte[] bigger = end - start + len > data.length ? new byte[Math.max(data.length * 2, end - start + len)] : data;
            System.arraycopy(data, start, bigger, 0, end - start);
            data = bigger;
            end -= start;
            start = 0;
        }
        System.arraycopy(b, off, data, end, len);
        end += len;
    }

    /** The next whole reply, or {@link #none()} when more bytes are needed (nothing is consumed then). */
    Object next() {
        pos = start;
        Object r = parse();
        if (r != INCOMPLETE) start = pos;
        return r;
    }

    static Object none() {
        return INCOMPLETE;
    }

    private Object parse() {
        String line = line();
        if (line == null) return INCOMPLETE;
        if (line.isEmpty()) throw new IllegalStateException("empty reply line");
        String body = line.substring(1);
        switch (line.charAt(0)) {
            case '+':
                return new Status(body);
            case '-':
                return new Err(body);
            case ':':
                return Long.parseLong(body);
            case '$':
                return bulk(Integer.parseInt(body));
            case '*':
                return array(Integer.parseInt(body));
            default:
                throw new IllegalStateException("Protocol error, got '" + line.charAt(0) + "' as reply type byte");
        }
    }

    private Object bulk(int len) {
        if (len < 0) return null;
        if (len > MAX_REPLY) throw new IllegalStateException("bulk length " + len);
        if (end - pos < len + 2) return INCOMPLETE;
        String s = new String(data, pos, len, StandardCharsets.UTF_8);
        pos += len + 2;
        return s;
    }

    private Object array(int n) {
        if (n < 0) return null;
        if (n > 1_000_000) throw new IllegalStateException("array length " + n);
        List<Object> out = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            Object e = parse();
            if (e == INCOMPLETE) return INCOMPLETE;
            out.add(e);
        }
        return out;
    }

    private String line() {
        for (int i = pos; i + 1 < end; i++) {
            if (data[i] == '\r' && data[i + 1] == '\n') {
                String s = new String(data, pos, i - pos, StandardCharsets.UTF_8);
                pos = i + 2;
                return s;
            }
        }
        if (end - pos > 64 * 1024) throw new IllegalStateException("reply line too long");
        return null;
    }
}
