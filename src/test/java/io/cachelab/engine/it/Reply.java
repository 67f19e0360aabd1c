package io.cachelab.engine.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One RESP2 reply as a tree. Kept as plain data with structural equality so the differential
 * harness can compare replies from two servers with {@code equals} after normalising, and print
 * them the way redis-cli does when a divergence needs a human to read it.
 */
public record Reply(Kind kind, byte[] bytes, long integer, List<Reply> elements) {

    public enum Kind { SIMPLE, ERROR, INTEGER, BULK, NULL, NULL_ARRAY, ARRAY }

    public static Reply simple(String s) {
        return new Reply(Kind.SIMPLE, s.getBytes(StandardCharsets.UTF_8), 0, null);
    }

    public static Reply error(String s) {
        return new Reply(Kind.ERROR, s.getBytes(StandardCharsets.UTF_8), 0, null);
    }

    public static Reply integer(long n) {
        return new Reply(Kind.INTEGER, null, n, null);
    }

    public static Reply bulk(byte[] b) {
        return new Reply(Kind.BULK, b, 0, null);
    }

    public static Reply nil() {
        return new Reply(Kind.NULL, null, 0, null);
    }

    public static Reply nullArray() {
        return new Reply(Kind.NULL_ARRAY, null, 0, null);
    }

    public static Reply array(List<Reply> elements) {
        return new Reply(Kind.ARRAY, null, 0, List.copyOf(elements));
    }

    public boolean isError() {
        return kind == Kind.ERROR;
    }

    public boolean isArray() {
        return kind == Kind.ARRAY;
    }

    public String text() {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    public int size() {
        return elements == null ? 0 : elements.size();
    }

    public Reply get(int i) {
        return elements.get(i);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Reply r)) return false;
        return kind == r.kind && integer == r.integer && Arrays.equals(bytes, r.bytes)
                && (elements == null ? r.elements == null : elements.equals(r.elements));
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(bytes) + Long.hashCode(integer);
    }

    /** redis-cli's rendering, compact: 1) "a" 2) (integer) 3, nested arrays in brackets. */
    @Override
    public String toString() {
        return switch (kind) {
            case SIMPLE -> text();
            case ERROR -> "(error) " + text();
            case INTEGER -> "(integer) " + integer;
            case BULK -> RedisCli.quote(bytes);
            case NULL -> "(nil)";
            case NULL_ARRAY -> "(nil array)";
            case ARRAY -> {
                if (elements.isEmpty()) yield "(empty array)";
                List<String> parts = new ArrayList<>();
                for (int i = 0; i < elements.size(); i++) {
                    Reply e = elements.get(i);
                    parts.add((i + 1) + ") " + (e.isArray() ? "[" + e + "]" : e.toString()));
                }
                yield String.join(" ", parts);
            }
        };
    }
}
