package io.cachelab.cache;

import java.util.Locale;

/**
 * The patterns a policy can name. Parsed from the names used in URLs and configuration
 * ({@code cache-aside}, {@code logical-expiry}, ...) so the lab and the API speak one vocabulary;
 * an unknown name is an {@link IllegalArgumentException} the web layer turns into a 400.
 */
public enum Strategy {
    NONE("none"),
    CACHE_ASIDE("cache-aside"),
    NULL_CACHING("null-caching"),
    BLOOM("bloom"),
    MUTEX("mutex"),
    LOGICAL_EXPIRY("logical-expiry"),
    TWO_LEVEL("two-level");

    private final String id;

    Strategy(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Strategy parse(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Strategy s : values()) if (s.id.equals(n)) return s;
        }
        throw new IllegalArgumentException("unknown cache strategy: " + name);
    }
}
