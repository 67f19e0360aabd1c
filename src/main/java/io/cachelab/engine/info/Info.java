package io.cachelab.engine.info;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * INFO, as genRedisInfoString in Redis's server.c: named sections, each written by the subsystem
 * that owns its fields and registered by the wiring root, rendered in registration order. "default"
 * is every default section, "all" adds the others, "everything" too (there are no modules).
 */
public final class Info {
    private record Section(String title, boolean inDefault, InfoSection writer) {
    }

    private final Map<String, Section> sections = new LinkedHashMap<>();

    /** Adds section {@code name} ("server"), shown under "# {@code title}" ("Server"). */
    public void register(String name, String title, boolean inDefault, InfoSection writer) {
        if (sections.putIfAbsent(name, new Section(title, inDefault, writer)) != null) {
            throw new IllegalArgumentException("INFO section " + name + " registered twice");
        }
    }

    /** genInfoSectionDict: the sections INFO's arguments name (lower-cased), default when none. */
    public Set<String> select(String... args) {
        Set<String> out = new LinkedHashSet<>();
        if (args.length == 0) addDefault(out);
        for (String arg : args) {
            String a = arg.toLowerCase(Locale.ROOT);
            switch (a) {
                case "default" -> addDefault(out);
                case "all", "everything" -> out.addAll(sections.keySet());
                default -> out.add(a);
            }
        }
        return out;
    }

    private void addDefault(Set<String> out) {
        sections.forEach((name, s) -> {
            if (s.inDefault()) out.add(name);
        });
    }

    /** The INFO text for these sections, in registration order; unknown names are ignored. */
    public String render(Set<String> names) {
        StringBuilder sb = new StringBuilder();
        InfoWriter out = new InfoWriter(sb);
        for (Map.Entry<String, Section> e : sections.entrySet()) {
            if (!names.contains(e.getKey())) continue;
            if (sb.length() > 0) sb.append("\r\n");
            sb.append("# ").append(e.getValue().title()).append("\r\n");
            e.getValue().writer().write(out);
        }
        return sb.toString();
    }
}
