package io.cachelab.engine.table;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Redis's command table as data: every command and subcommand of Redis 7.0.15 (server.orig_commands,
 * sentinel's included), loaded from commands.tsv, which tools/gen-command-table.py generates from
 * Redis's src/commands/*.json as Redis's own generate-command-code.py makes commands.def, plus
 * commands-later.tsv for the few later commands the engine answers. COMMAND, ACL rules, key
 * extraction and the dispatcher all read it; the engine binds handlers to its entries elsewhere.
 */
public final class CommandTable {
    private static final CommandTable SERVER = load(false, "commands.tsv", "commands-later.tsv");
    // a 7.0.15 Sentinel has no CLIENT SETINFO (COMMAND LIST answers 72 entries, as tests/sentinel checks)
    private static final CommandTable SENTINEL = load(true, "commands.tsv");

    private final List<CommandDef> topLevel = new ArrayList<>();
    private final List<CommandDef> all = new ArrayList<>();
    private final Map<String, CommandDef> byName = new HashMap<>();

    private boolean sentinelMode;

    private CommandTable() {
    }

    /** The table of a server (populateCommandTable leaves out the sentinel-only commands). */
    public static CommandTable redis() {
        return SERVER;
    }

    /** The table of a sentinel: only the commands flagged for sentinel mode. */
    public static CommandTable sentinel() {
        return SENTINEL;
    }

    /** Number of ids; the id equal to this is the reserved "future commands" bit of +@all. */
    public int size() {
        return all.size();
    }

    public List<CommandDef> topLevel() {
        return Collections.unmodifiableList(topLevel);
    }

    /** "get" or "config|get", case-insensitive; null if there is no such command. */
    public CommandDef lookup(String fullName) {
        return byName.get(fullName.toLowerCase(Locale.ROOT));
    }

    private static CommandTable load(boolean sentinel, String... resources) {
        CommandTable t = new CommandTable();
        t.sentinelMode = sentinel;
        for (String resource : resources) {
            try (InputStream in = CommandTable.class.getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException(resource + " missing from the classpath");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.isEmpty() && !line.startsWith("#")) t.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return t;
    }

    /** One line of the generated file; see tools/gen-command-table.py for the columns. */
    private void add(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 16) throw new IllegalStateException("bad command table line: " + line);
        String fullName = f[0];
        int bar = fullName.indexOf('|');
        CommandDef parent = bar < 0 ? null : byName.get(fullName.substring(0, bar));
        if (bar >= 0 && parent == null) return; // its container is not in this mode's table
        List<KeySpec> specs = new ArrayList<>();
        if (!f[4].isEmpty()) for (String s : f[4].split(";")) specs.add(KeySpec.parse(s));
        List<String[]> history = new ArrayList<>();
        if (!f[12].isEmpty()) {
            for (String h : f[12].split(";")) {
                String[] kv = h.split("=", 2);
                history.add(new String[] {unescape(kv[0]), unescape(kv[1])});
            }
        }
        CommandDef.Doc doc = new CommandDef.Doc(unescape(f[14]), unescape(f[7]), unescape(f[6]), unescape(f[8]),
                list(f[9]), unescape(f[10]), unescape(f[11]), List.copyOf(history), list(f[13]),
                CommandArg.parseList(f[15]));
        Set<CommandFlag> flags = CommandFlag.parse(f[2]);
        boolean forSentinel = flags.contains(CommandFlag.SENTINEL) || flags.contains(CommandFlag.ONLY_SENTINEL);
        if (sentinelMode ? !forSentinel : flags.contains(CommandFlag.ONLY_SENTINEL)) return;
        CommandDef def = new CommandDef(all.size(), fullName, parent, Integer.parseInt(f[1]),
                flags, AclCategory.parse(f[3]), specs, f[5].equals("-") ? null : f[5], doc);
        all.add(def);
        byName.put(fullName, def);
        if (parent == null) topLevel.add(def);
        else parent.addSubcommand(def);
    }

    private static List<String> list(String commaSeparated) {
        if (commaSeparated.isEmpty()) return List.of();
        List<String> out = new ArrayList<>();
        for (String s : commaSeparated.split(",")) out.add(unescape(s));
        return List.copyOf(out);
    }

    /** Undoes the generator's %XX escapes. */
    static String unescape(String s) {
        if (s.indexOf('%') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '%' && i + 2 < s.length()) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }
}
