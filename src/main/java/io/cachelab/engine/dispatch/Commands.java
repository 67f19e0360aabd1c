package io.cachelab.engine.dispatch;

import io.cachelab.engine.table.CommandDef;
import io.cachelab.engine.table.CommandTable;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every command the engine knows, looked up case-insensitively straight from the request bytes
 * (no String per lookup). The families bind their commands (command/Families lists them).
 */
public final class Commands {
    private final Map<String, CommandSpec> byName = new LinkedHashMap<>();
    private CommandSpec[] slots = new CommandSpec[1024];
    private byte[][] slotNames = new byte[1024][];

    private final CommandTable defs;

    public Commands() {
        this(CommandTable.redis());
    }

    /** A table over {@code defs}: a Sentinel's binds only the commands its mode has. */
    public Commands(CommandTable defs) {
        this.defs = defs;
    }

    /**
     * Binds {@code name} here to the handler {@code from} has for it, with those of its subcommands
     * this table knows (a Sentinel reuses the server's CLIENT, ACL, SUBSCRIBE... as Redis does).
     */
    public CommandSpec rebind(Commands from, String name) {
        CommandSpec src = from.lookup(name);
        if (src == null) throw new IllegalArgumentException("no handler for " + name);
        CommandSpec spec = bind(name, src.handler(), src.traits());
        for (CommandSpec sub : src.subcommands().values()) {
            if (spec.def().subcommand(sub.name()) != null) spec.sub(sub.name(), sub.handler(), sub.traits());
        }
        return spec;
    }

    /** Binds a command of Redis's table to the handler that answers it. */
    public CommandSpec bind(String name, CommandHandler h, Trait... traits) {
        CommandDef def = defs().lookup(name);
        if (def == null || def.parent() != null) throw new IllegalArgumentException("no " + name + " in the command table");
        CommandSpec spec = new CommandSpec(def, h, null, traits);
        put(spec);
        return spec;
    }

    /** A container command (CONFIG, CLIENT, ...): its subcommands are bound with {@link CommandSpec#sub}. */
    public CommandSpec container(String name) {
        return bind(name, null);
    }

    private CommandTable defs() {
        return defs;
    }

    /** The table these commands come from (ACL rules and COMMAND name its entries). */
    public CommandTable table() {
        return defs;
    }

    private void put(CommandSpec spec) {
        byName.put(spec.name(), spec);
        byte[] n = spec.name().getBytes(StandardCharsets.US_ASCII);
        if (byName.size() * 2 > slots.length) rehash();
        insert(n, spec);
    }

    private void insert(byte[] n, CommandSpec spec) {
        int mask = slots.length - 1;
        int i = hashLower(n) & mask;
        while (slots[i] != null && !java.util.Arrays.equals(slotNames[i], n)) i = (i + 1) & mask;
        slots[i] = spec;
        slotNames[i] = n;
    }

    private void rehash() {
        slots = new CommandSpec[slots.length * 2];
        slotNames = new byte[slots.length][];
        for (CommandSpec s : byName.values()) insert(s.name().getBytes(StandardCharsets.US_ASCII), s);
    }

    private static int hashLower(byte[] b) {
        int h = 0;
        for (byte x : b) {
            int c = x >= 'A' && x <= 'Z' ? x + 32 : x;
            h = h * 31 + c;
        }
        return h ^ (h >>> 16);
    }

    /** lookupCommand: the command argv names, its subcommand if it is a container; null if unknown. */
    public CommandSpec resolve(byte[][] argv) {
        CommandSpec cmd = lookup(argv[0]);
        if (cmd == null || !cmd.isContainer() || argv.length < 2) return cmd;
        CommandSpec sub = cmd.subcommand(Dispatcher.lower(argv[1]));
        return sub != null ? sub : cmd.handler() != null ? cmd : null;
    }

    public CommandSpec lookup(byte[] name) {
        int mask = slots.length - 1;
        int i = hashLower(name) & mask;
        while (slots[i] != null) {
            if (equalsIgnoreCase(slotNames[i], name)) return slots[i];
            i = (i + 1) & mask;
        }
        return null;
    }

    public CommandSpec lookup(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    private static boolean equalsIgnoreCase(byte[] lower, byte[] b) {
        if (lower.length != b.length) return false;
        for (int i = 0; i < b.length; i++) {
            int c = b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i];
            if (c != lower[i]) return false;
        }
        return true;
    }

    public Collection<CommandSpec> all() {
        return byName.values();
    }

    public int size() {
        return byName.size();
    }
}
