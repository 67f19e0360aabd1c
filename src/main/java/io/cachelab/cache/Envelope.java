package io.cachelab.cache;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A logical-expiry entry as stored: {@code {"e":<expireAt ms>,"v":<value JSON>}}, written without a
 * Redis TTL. This library writes it in exactly that shape, so a reader takes the two parts apart by
 * position and parses the value once, instead of building a JSON tree first (half the work on the
 * path every reader of a hot key takes); anything else (a hand-written entry) is read as a tree.
 */
record Envelope(long expireAt, String value) {
    private static final String HEAD = "{\"e\":", VALUE = ",\"v\":";

    static String format(long expireAt, String valueJson) {
        return HEAD + expireAt + VALUE + valueJson + "}";
    }

    static Envelope parse(String raw, JsonMapper json) {
        if (raw.startsWith(HEAD) && raw.endsWith("}")) {
            int i = HEAD.length(), n = raw.length();
            long expireAt = 0;
            boolean negative = i < n && raw.charAt(i) == '-';
            if (negative) i++;
            int digits = i;
            while (i < n && Character.isDigit(raw.charAt(i)) && i - digits < 18) expireAt = expireAt * 10 + (raw.charAt(i++) - '0');
            if (i > digits && raw.startsWith(VALUE, i))
                return new Envelope(negative ? -expireAt : expireAt, raw.substring(i + VALUE.length(), n - 1));
        }
        JsonNode node = json.readTree(raw);
        if (node == null || !node.has("e") || !node.has("v"))
            throw new IllegalArgumentException("not a logical-expiry entry: " + raw.substring(0, Math.min(raw.length(), 60)));
        return new Envelope(node.get("e").asLong(), json.writeValueAsString(node.get("v")));
    }
}
