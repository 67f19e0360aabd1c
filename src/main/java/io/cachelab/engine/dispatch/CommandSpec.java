package io.cachelab.engine.dispatch;

import io.cachelab.engine.table.CommandDef;
import io.cachelab.engine.table.CommandFlag;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A command the engine answers: the table's entry for it ({@link CommandDef}: arity, flags, key
 * specs, documentation), the handler a family bound to it, the engine's own {@link Trait}s, and its
 * statistics. Nothing here is declared twice: what Redis says of a command comes from the table.
 */
public final class CommandSpec {
    private final CommandDef def;
    private final CommandHandler handler;
    private final EnumSet<Trait> traits;
    private final CommandSpec parent;
    private final Map<String, CommandSpec> subcommands = new LinkedHashMap<>();
    private final CommandStats stats = new CommandStats();

    CommandSpec(CommandDef def, CommandHandler handler, CommandSpec parent, Trait... traits) {
        this.def = def;
        this.handler = handler;
        this.parent = parent;
        this.traits = traits.length == 0 ? EnumSet.noneOf(Trait.class) : EnumSet.of(traits[0], traits);
    }

    /** Binds a subcommand of this container to its handler. */
    public CommandSpec sub(String name, CommandHandler h, Trait... traits) {
        CommandDef subDef = def.subcommand(name);
        if (subDef == null) throw new IllegalArgumentException("no " + def.fullName() + "|" + name + " in the command table");
        CommandSpec s = new CommandSpec(subDef, h, this, traits);
        subcommands.put(subDef.name(), s);
        return s;
    }

    public CommandDef def() {
        return def;
    }

    public CommandHandler handler() {
        return handler;
    }

    /** "get", or "get" for CONFIG GET. */
    public String name() {
        return def.name();
    }

    /** "get", or "config|get": the name Redis uses in errors and stats. */
    public String fullName() {
        return def.fullName();
    }

    public CommandSpec parent() {
        return parent;
    }

    public boolean has(CommandFlag flag) {
        return def.has(flag);
    }

    public boolean is(Trait trait) {
        return traits.contains(trait);
    }

    Trait[] traits() {
        return traits.toArray(new Trait[0]);
    }

    public boolean arityOk(int argc) {
        return def.arityOk(argc);
    }

    public Map<String, CommandSpec> subcommands() {
        return Collections.unmodifiableMap(subcommands);
    }

    public CommandSpec subcommand(String lowerName) {
        return subcommands.get(lowerName);
    }

    public boolean isContainer() {
        return !subcommands.isEmpty();
    }

    public CommandStats stats() {
        return stats;
    }
}
