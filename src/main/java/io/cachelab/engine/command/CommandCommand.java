package io.cachelab.engine.command;

import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.Glob;

import java.util.ArrayList;
import java.util.List;

/**
 * COMMAND and its subcommands, answered from the command table so clients (redis-cli hints,
 * cluster-aware clients finding keys) see exactly what the engine implements.
 */
final class CommandCommand {
    private CommandCommand() {
    }

    static void register(CommandTable t) {
        CommandSpec cmd = t.add("command", -1, "loading stale sentinel", 0, 0, 0, (c, a) -> {
            List<CommandSpec> all = new ArrayList<>(c.server().commands().all());
            c.addArrayLen(all.size());
            for (CommandSpec s : all) info(c, s);
        }).group("server");
        cmd.sub("count", 2, "loading stale", 0, 0, 0, (c, a) -> c.addInteger(c.server().commands().size()));
        cmd.sub("info", -2, "loading stale", 0, 0, 0, (c, a) -> {
            List<CommandSpec> chosen = new ArrayList<>();
            if (a.length == 2) chosen.addAll(c.server().commands().all());
            c.addArrayLen(a.length == 2 ? chosen.size() : a.length - 2);
            if (a.length == 2) {
                for (CommandSpec s : chosen) info(c, s);
                return;
            }
            for (int i = 2; i < a.length; i++) {
                CommandSpec s = find(c, Args.str(a[i]));
                if (s == null) c.addNullArray();
                else info(c, s);
            }
        });
        cmd.sub("list", -2, "loading stale", 0, 0, 0, CommandCommand::list);
        cmd.sub("docs", -2, "loading stale", 0, 0, 0, CommandCommand::docs);
        cmd.sub("getkeys", -4, "loading stale", 0, 0, 0, (c, a) -> getkeys(c, a, false));
        cmd.sub("getkeysandflags", -4, "loading stale", 0, 0, 0, (c, a) -> getkeys(c, a, true));
        cmd.sub("help", 2, "loading stale", 0, 0, 0, (c, a) -> {
            String[] lines = {"COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "(no subcommand)", "    Return details about all Redis commands.",
                "COUNT", "    Return the total number of commands in this Redis server.",
                "LIST", "    Return a list of all commands in this Redis server.",
                "INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
                "DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
                "GETKEYS <full-command>", "    Return the keys from a full Redis command.",
                "GETKEYSANDFLAGS <full-command>", "    Return the keys and the access flags from a full Redis command.",
                "HELP", "    Print this help."};
            c.addArrayLen(lines.length);
            for (String l : lines) c.addSimple(l);
        });
    }

    private static CommandSpec find(Client c, String name) {
        int bar = name.indexOf('|');
        if (bar < 0) return c.server().commands().lookup(name);
        CommandSpec parent = c.server().commands().lookup(name.substring(0, bar));
        return parent == null ? null : parent.subcommands.get(name.substring(bar + 1).toLowerCase());
    }

    static void info(Client c, CommandSpec s) {
        c.addArrayLen(10);
        c.addBulk(s.fullName());
        c.addInteger(s.arity);
        c.addSetLen(s.flags.size());
        for (String f : s.flags) c.addSimple(f.replace('-', '_'));
        c.addInteger(s.firstKey);
        c.addInteger(s.lastKey);
        c.addInteger(s.step);
        c.addSetLen(s.aclCategories.size());
        for (String cat : s.aclCategories) c.addSimple(cat);
        c.addSetLen(0);
        c.addArrayLen(0);
        c.addArrayLen(s.subcommands.size());
        for (CommandSpec sub : s.subcommands.values()) info(c, sub);
    }

    private static void list(Client c, byte[][] a) {
        List<String> names = new ArrayList<>();
        for (CommandSpec s : c.server().commands().all()) {
            names.add(s.fullName());
            for (CommandSpec sub : s.subcommands.values()) names.add(sub.fullName());
        }
        if (a.length > 2) {
            if (a.length != 5 || !Args.is(a[2], "filterby")) throw RedisError.SYNTAX;
            String kind = Args.lower(a[3]);
            String val = Args.str(a[4]);
            switch (kind) {
                case "pattern" -> names.removeIf(n -> !Glob.matches(val, n, true));
                case "module" -> names.clear();
                case "aclcat" -> {
                    List<String> keep = new ArrayList<>();
                    for (CommandSpec s : c.server().commands().all()) {
                        if (s.aclCategories.contains("@" + val.toLowerCase())) keep.add(s.fullName());
                        for (CommandSpec sub : s.subcommands.values()) {
                            if (sub.aclCategories.contains("@" + val.toLowerCase())) keep.add(sub.fullName());
                        }
                    }
                    names.retainAll(keep);
                }
                default -> throw RedisError.SYNTAX;
            }
        }
        c.addArrayLen(names.size());
        for (String n : names) c.addBulk(n);
    }

    private static void docs(Client c, byte[][] a) {
        List<CommandSpec> chosen = new ArrayList<>();
        if (a.length == 2) chosen.addAll(c.server().commands().all());
        else for (int i = 2; i < a.length; i++) {
            CommandSpec s = find(c, Args.str(a[i]));
            if (s != null) chosen.add(s);
        }
        c.addMapLen(chosen.size());
        for (CommandSpec s : chosen) {
            c.addBulk(s.fullName());
            c.addMapLen(3);
            c.addBulk("summary");
            c.addBulk(s.summary.isEmpty() ? s.fullName().toUpperCase() + " command" : s.summary);
            c.addBulk("since");
            c.addBulk(s.since);
            c.addBulk("group");
            c.addBulk(s.group);
        }
    }

    private static void getkeys(Client c, byte[][] a, boolean withFlags) {
        byte[][] argv = java.util.Arrays.copyOfRange(a, 2, a.length);
        CommandSpec s = c.server().commands().lookup(argv[0]);
        if (s == null) throw new RedisError("ERR Invalid command specified");
        if (!s.subcommands.isEmpty() && argv.length > 1 && s.subcommands.containsKey(Args.lower(argv[1]))) {
            s = s.subcommands.get(Args.lower(argv[1]));
        }
        if (s.aclCmd != null && !s.aclCmd.keySpecs.isEmpty()) {
            // Redis's key specs know how each key is accessed (RW access delete, OW update, ...)
            if (!s.arityOk(argv.length)) throw new RedisError("ERR Invalid number of arguments specified for command");
            int[][] found = io.cachelab.engine.acl.AclKeys.keysWithFlags(s.aclCmd, argv);
            if (found[0].length == 0 && !s.has("no-mandatory-keys") && !s.aclCmd.fullName.startsWith("eval")
                    && !s.aclCmd.fullName.startsWith("fcall")) {
                throw new RedisError("ERR Invalid arguments specified for command");
            }
            c.addArrayLen(found[0].length);
            for (int i = 0; i < found[0].length; i++) {
                if (withFlags) {
                    c.addArrayLen(2);
                    c.addBulk(argv[found[0][i]]);
                    List<String> names = io.cachelab.engine.acl.AclKeys.flagNames(found[1][i]);
                    c.addSetLen(names.size());
                    for (String n : names) c.addSimple(n);
                } else {
                    c.addBulk(argv[found[0][i]]);
                }
            }
            return;
        }
        if (!s.arityOk(argv.length)) throw new RedisError("ERR Invalid number of arguments specified for command");
        int[] pos = s.keyPositions(argv);
        if (pos.length == 0) {
            throw new RedisError(s.firstKey == 0 && s.keyFinder == null
                    ? "ERR The command has no key arguments" : "ERR Invalid arguments specified for command");
        }
        c.addArrayLen(pos.length);
        for (int p : pos) {
            if (withFlags) {
                c.addArrayLen(2);
                c.addBulk(argv[p]);
                c.addSetLen(1);
                c.addSimple(s.has("write") ? "RW" : "RO");
            } else {
                c.addBulk(argv[p]);
            }
        }
    }
}
