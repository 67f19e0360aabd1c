package io.cachelab.sync;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Canal's flatMessage JSON (what its Kafka/RocketMQ producers send with {@code canal.mq.flatMessage=true})
 * to {@link ChangeEvent}s. One message is one binlog entry: {@code data} holds the rows (after images,
 * or the deleted rows for DELETE), {@code old} holds, per row, only the columns an UPDATE changed, so
 * the before image is {@code data} overlaid with {@code old}. DDL and non-row types give nothing; so
 * do rows without a numeric {@code id}, as in {@link CanalEntries}. {@code es} is the binlog execute
 * time in ms, used for the lag.
 */
final class FlatMessages {
    record Parsed(List<ChangeEvent> events, long executeTime) {}

    /** The payload is not a flatMessage; retrying cannot help, so the feed dead-letters it at once. */
    static final class Malformed extends RuntimeException {
        Malformed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final JsonMapper json = JsonMapper.builder().build();

    Parsed parse(String payload) {
        JsonNode m;
        try {
            m = json.readTree(payload);
        } catch (JacksonException e) {
            throw new Malformed("not JSON: " + e.getOriginalMessage(), e);
        }
        if (m == null || !m.isObject() || !m.hasNonNull("table") || !m.hasNonNull("type"))
            throw new Malformed("not a Canal flatMessage (no table/type): " + abbreviate(payload), null);
        long es = m.path("es").asLong(0);
        if (m.path("isDdl").asBoolean(false)) return new Parsed(List.of(), es);
        ChangeEvent.Kind kind = switch (m.get("type").asString()) {
            case "INSERT" -> ChangeEvent.Kind.INSERT;
            case "UPDATE" -> ChangeEvent.Kind.UPDATE;
            case "DELETE" -> ChangeEvent.Kind.DELETE;
            default -> null;
        };
        if (kind == null) return new Parsed(List.of(), es);
        String table = m.get("table").asString();
        JsonNode data = m.path("data"), old = m.path("old");
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            Map<String, String> row = columns(data.get(i));
            Map<String, String> before, after;
            switch (kind) {
                case INSERT -> {
                    before = Map.of();
                    after = row;
                }
                case DELETE -> {
                    before = row;
                    after = Map.of();
                }
                default -> {
                    before = new LinkedHashMap<>(row);
                    if (old.isArray() && i < old.size()) before.putAll(columns(old.get(i)));
                    after = row;
                }
            }
            Long id = ChangeEvent.rowId(kind == ChangeEvent.Kind.DELETE ? before : after);
            if (id != null) events.add(new ChangeEvent(table, kind, id, before, after));
        }
        return new Parsed(events, es);
    }

    private static Map<String, String> columns(JsonNode row) {
        Map<String, String> m = new LinkedHashMap<>();
        if (row == null || !row.isObject()) return m;
        for (Map.Entry<String, JsonNode> e : row.properties()) m.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asString());
        return m;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
