package io.cachelab.engine.command;

import io.cachelab.engine.acl.AclCommandTable;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every command the engine knows, looked up case-insensitively straight from the request bytes
 * (no String per lookup). Each family registers itself in {@link #registerAll()}.
 */
public final class CommandTable {
    private final Map<String, CommandSpec> byName = new LinkedHashMap<>();
    private CommandSpec[] slots = new CommandSpec[1024];
    private byte[][] slotNames = new byte[1024][];

    public static CommandTable registerAll() {
        CommandTable t = new CommandTable();
        ConnectionCommands.register(t);
        ServerCommands.register(t);
        ReplicationCommands.register(t);
        ConfigCommands.register(t);
        LatencyCommand.register(t);
        KeyCommands.register(t);
        StringCommands.register(t);
        ListCommands.register(t);
        ZSetCommands.register(t);
        BitmapCommands.register(t);
        TransactionCommands.register(t);
        PubSubCommands.register(t);
        HashCommands.register(t);
        SetCommands.register(t);
        ScriptingCommands.register(t);
        FunctionCommands.register(t);
        SortCommand.register(t);
        MemoryCommands.register(t);
        DumpCommands.register(t);
        MigrateCommand.register(t);
        HyperLogLogCommands.register(t);
        GeoCommands.register(t);
        StreamCommands.register(t);
        AclCommand.register(t);
        t.linkAcl();
        return t;
    }

    /**
     * Ties each command to Redis's table entry of the same name, which carries the ACL categories
     * (COMMAND INFO, ACL CAT) and the key specs the ACL key check needs. A subcommand Redis does not
     * have (DEBUG's, say) is checked as its parent with a first argument, as Redis does.
     */
    private void linkAcl() {
        AclCommandTable redis = AclCommandTable.get();
        for (CommandSpec spec : byName.values()) {
            link(spec, redis.lookup(spec.fullName()));
            for (CommandSpec sub : spec.subcommands.values()) {
                AclCommandTable.Cmd own = redis.lookup(sub.fullName());
                link(sub, own != null ? own : spec.aclCmd);
            }
        }
    }

    private static void link(CommandSpec spec, AclCommandTable.Cmd cmd) {
        spec.aclCmd = cmd;
        if (cmd != null && (spec.parent == null || cmd.parent != null)) {
            spec.aclCategories = new java.util.ArrayList<>(AclCommandTable.categoryNames(cmd.categories));
        }
    }

    public CommandSpec add(String name, int arity, String flags, int firstKey, int lastKey, int step, CommandHandler h) {
        CommandSpec spec = new CommandSpec(name, arity, flags, firstKey, lastKey, step, h, null);
        put(spec);
        return spec;
    }

    /** A container command (CONFIG, CLIENT, ...): the handler dispatches to its subcommands. */
    public CommandSpec container(String name, int arity, String flags) {
        CommandSpec[] self = new CommandSpec[1];
        self[0] = add(name, arity, flags, 0, 0, 0, null);
        return self[0];
    }

    private void put(CommandSpec spec) {
        byName.put(spec.name, spec);
        byte[] n = spec.name.getBytes(StandardCharsets.US_ASCII);
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
        for (CommandSpec s : byName.values()) insert(s.name.getBytes(StandardCharsets.US_ASCII), s);
    }

    private static int hashLower(byte[] b) {
        int h = 0;
        for (byte x : b) {
            int c = x >= 'A' && x <= 'Z' ? x + 32 : x;
            h = h * 31 + c;
        }
        return h ^ (h >>> 16);
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
