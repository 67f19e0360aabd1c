package io.cachelab.sync;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row change, whatever carried it (the write path's after-commit hook, a Canal binlog entry, a
 * Kafka flatMessage). Only the table and the numeric {@code id} matter for invalidation; the column
 * maps travel along because dead letters and listeners other than the cache (audit, search) want
 * them. Column values stay strings, as the binlog and flatMessage give them, so no source has to
 * guess a Java type. A column map may be empty (the write path often knows only the id) and may hold
 * null values (SQL NULL).
 */
public record ChangeEvent(String table, Kind kind, long id, Map<String, String> before, Map<String, String> after) {

    public enum Kind { INSERT, UPDATE, DELETE }

    public ChangeEvent {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(kind, "kind");
        before = before == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(before));
        after = after == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(after));
    }

    /** An event that knows only which row changed, as a write path usually does. */
    public static ChangeEvent of(String table, Kind kind, long id) {
        return new ChangeEvent(table, kind, id, Map.of(), Map.of());
    }

    /** The numeric {@code id} column of a row image (any case), or null when it has none. */
    static Long rowId(Map<String, String> row) {
        for (Map.Entry<String, String> e : row.entrySet()) {
            if (!e.getKey().equalsIgnoreCase("id") || e.getValue() == null) continue;
            try {
                return Long.parseLong(e.getValue());
            } catch (NumberFormatException notNumeric) {
                return null;
            }
        }
        return null;
    }
}
