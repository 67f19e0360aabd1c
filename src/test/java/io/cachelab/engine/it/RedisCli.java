package io.cachelab.engine.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints argv as a line redis-cli accepts, so a shrunk divergence can be pasted into a terminal:
 * arguments that are plain words stay bare, anything else is double-quoted with redis-cli's escapes
 * (\xNN for bytes outside printable ASCII).
 */
public final class RedisCli {
    private RedisCli() {
    }

    public static String line(byte[][] argv) {
        List<String> parts = new ArrayList<>(argv.length);
        for (byte[] a : argv) parts.add(arg(a));
        return String.join(" ", parts);
    }

    static String arg(byte[] a) {
        if (a.length == 0) return "\"\"";
        for (byte b : a) {
            if (b <= ' ' || b >= 127 || b == '"' || b == '\'' || b == '\\') return quote(a);
        }
        return new String(a, StandardCharsets.ISO_8859_1);
    }

    public static String quote(byte[] a) {
        StringBuilder sb = new StringBuilder(a.length + 2).append('"');
        for (byte b : a) {
            int c = b & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 32 || c >= 127) sb.append(String.format("\\x%02x", c));
                    else sb.append((char) c);
                }
            }
        }
        return sb.append('"').toString();
    }

    public static byte[][] argv(Object... parts) {
        byte[][] out = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            Object p = parts[i];
            out[i] = p instanceof byte[] b ? b : String.valueOf(p).getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }
}
