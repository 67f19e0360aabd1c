package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.table.CommandFlag;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.table.AclCategory;
import io.cachelab.engine.table.CommandArg;
import io.cachelab.engine.table.CommandDef;
import io.cachelab.engine.table.CommandFlag;
import io.cachelab.engine.table.GetKeys;
import io.cachelab.engine.table.KeySpec;
import io.cachelab.engine.util.Glob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * COMMAND and its subcommands, answered from the command table so clients (redis-cli hints,
 * cluster-aware clients finding keys) see exactly what the engine implements.
 */
final class CommandCommand {
    private CommandCommand() {
    }

    static void register(Commands t) {
        CommandSpec cmd = t.bind("command", (c, a) -> {
            List<CommandSpec> all = new ArrayList<>(server(c).commands().all());
            c.addArrayLen(all.size());
            for (CommandSpec s : all) info(c, s);
        });
        cmd.sub("count", (c, a) -> c.addInteger(server(c).commands().size()));
        cmd.sub("info", (c, a) -> {
            List<CommandSpec> chosen = new ArrayList<>();
            if (a.length == 2) chosen.addAll(server(c).commands().all());
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
        cmd.sub("list", CommandCommand::list);
        cmd.sub("docs", CommandCommand::docs);
        cmd.sub("getkeys", (c, a) -> getkeys(c, a, false));
        cmd.sub("getkeysandflags", (c, a) -> getkeys(c, a, true));
        cmd.sub("help", (c, a) -> {
            String[] lines = {"(no subcommand)", "    Return details about all Redis commands.",
                "COUNT", "    Return the total number of commands in this Redis server.",
                "LIST", "    Return a list of all commands in this Redis server.",
                "INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
                "    If no command names are given, documentation details for all", "    commands are returned.",
                "DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
                "    If no command names are given, documentation details for all", "    commands are returned.",
                "GETKEYS <full-command>", "    Return the keys from a full Redis command.",
                "GETKEYSANDFLAGS <full-command>", "    Return the keys and the access flags from a full Redis command."};
            c.addHelp("COMMAND", lines);
        });
    }

    private static CommandSpec find(Client c, String name) {
        int bar = name.indexOf('|');
        if (bar < 0) return server(c).commands().lookup(name);
        CommandSpec parent = server(c).commands().lookup(name.substring(0, bar));
        return parent == null ? null : parent.subcommand(name.substring(bar + 1).toLowerCase());
    }

    /** addReplyCommandInfo. */
    static void info(Client c, CommandSpec s) {
        CommandDef d = s.def();
        c.addArrayLen(10);
        c.addBulk(s.fullName());
        c.addInteger(d.arity());
        List<String> flags = new ArrayList<>();
        for (CommandFlag f : d.flags()) if (f.replyName() != null) flags.add(f.replyName());
        c.addSetLen(flags.size());
        for (String f : flags) c.addSimple(f);
        c.addInteger(d.firstKey());
        c.addInteger(d.lastKey());
        c.addInteger(d.step());
        List<String> cats = AclCategory.names(d.categories());
        c.addSetLen(cats.size());
        for (String cat : cats) c.addSimple(cat);
        c.addSetLen(d.doc().tips().size());
        for (String tip : d.doc().tips()) c.addBulk(tip);
        keySpecs(c, d);
        if (!s.isContainer()) {
            c.addSetLen(0);
            return;
        }
        c.addArrayLen(s.subcommands().size());
        for (CommandSpec sub : s.subcommands().values()) info(c, sub);
    }

    /** addReplyCommandKeySpecs. */
    private static void keySpecs(Client c, CommandDef d) {
        c.addSetLen(d.keySpecs().size());
        for (KeySpec ks : d.keySpecs()) {
            boolean notes = !ks.notes().isEmpty();
            c.addMapLen(notes ? 4 : 3);
            if (notes) {
                c.addBulk("notes");
                c.addBulk(ks.notes());
            }
            c.addBulk("flags");
            List<String> names = KeySpec.flagNames(ks.flags());
            c.addSetLen(names.size());
            for (String n : names) c.addSimple(n);
            c.addBulk("begin_search");
            switch (ks.begin()) {
                case 'i' -> typed(c, "index", "index", ks.index());
                case 'k' -> {
                    typedHead(c, "keyword", 2);
                    c.addBulk("keyword");
                    c.addBulk(ks.keyword());
                    c.addBulk("startfrom");
                    c.addInteger(ks.startFrom());
                }
                default -> typedHead(c, "unknown", 0);
            }
            c.addBulk("find_keys");
            switch (ks.find()) {
                case 'r' -> typed(c, "range", "lastkey", ks.a(), "keystep", ks.b(), "limit", ks.c());
                case 'n' -> typed(c, "keynum", "keynumidx", ks.a(), "firstkey", ks.b(), "keystep", ks.c());
                default -> typedHead(c, "unknown", 0);
            }
        }
    }

    private static void typedHead(Client c, String type, int specFields) {
        c.addMapLen(2);
        c.addBulk("type");
        c.addBulk(type);
        c.addBulk("spec");
        c.addMapLen(specFields);
    }

    /** {type: ..., spec: {name: value, ...}} with integer values. */
    private static void typed(Client c, String type, Object... nameValues) {
        typedHead(c, type, nameValues.length / 2);
        for (int i = 0; i < nameValues.length; i += 2) {
            c.addBulk((String) nameValues[i]);
            c.addInteger((Integer) nameValues[i + 1]);
        }
    }

    private static void list(Client c, byte[][] a) {
        List<CommandSpec> every = new ArrayList<>();
        for (CommandSpec s : server(c).commands().all()) {
            every.add(s);
            every.addAll(s.subcommands().values());
        }
        if (a.length > 2) {
            if (a.length != 5 || !Args.is(a[2], "filterby")) throw RedisError.SYNTAX;
            String kind = Args.lower(a[3]);
            String val = Args.str(a[4]);
            switch (kind) {
                case "pattern" -> every.removeIf(s -> !Glob.matches(val, s.fullName(), true));
                case "module" -> every.clear();
                case "aclcat" -> {
                    long bit = AclCategory.bitOf(val);
                    every.removeIf(s -> bit == 0 || (s.def().categories() & bit) == 0);
                }
                default -> throw RedisError.SYNTAX;
            }
        }
        c.addArrayLen(every.size());
        for (CommandSpec s : every) c.addBulk(s.fullName());
    }

    private static void docs(Client c, byte[][] a) {
        List<CommandSpec> chosen = new ArrayList<>();
        if (a.length == 2) chosen.addAll(server(c).commands().all());
        else for (int i = 2; i < a.length; i++) {
            CommandSpec s = find(c, Args.str(a[i]));
            if (s != null) chosen.add(s);
        }
        c.addMapLen(chosen.size());
        for (CommandSpec s : chosen) {
            c.addBulk(s.fullName());
            doc(c, s);
        }
    }

    /** addReplyCommandDocs. */
    private static void doc(Client c, CommandSpec s) {
        CommandDef.Doc d = s.def().doc();
        int len = 3 + (d.complexity().isEmpty() ? 0 : 1) + (d.docFlags().isEmpty() ? 0 : 1)
                + (d.deprecatedSince().isEmpty() ? 0 : 1) + (d.replacedBy().isEmpty() ? 0 : 1)
                + (d.history().isEmpty() ? 0 : 1) + (d.arguments().isEmpty() ? 0 : 1) + (s.isContainer() ? 1 : 0);
        c.addMapLen(len);
        c.addBulk("summary");
        c.addBulk(d.summary());
        c.addBulk("since");
        c.addBulk(d.since());
        c.addBulk("group");
        c.addBulk(d.group());
        if (!d.complexity().isEmpty()) {
            c.addBulk("complexity");
            c.addBulk(d.complexity());
        }
        if (!d.docFlags().isEmpty()) {
            c.addBulk("doc_flags");
            c.addSetLen(d.docFlags().size());
            for (String f : d.docFlags()) c.addSimple(f);
        }
        if (!d.deprecatedSince().isEmpty()) {
            c.addBulk("deprecated_since");
            c.addBulk(d.deprecatedSince());
        }
        if (!d.replacedBy().isEmpty()) {
            c.addBulk("replaced_by");
            c.addBulk(d.replacedBy());
        }
        if (!d.history().isEmpty()) {
            c.addBulk("history");
            c.addSetLen(d.history().size());
            for (String[] h : d.history()) {
                c.addArrayLen(2);
                c.addBulk(h[0]);
                c.addBulk(h[1]);
            }
        }
        if (!d.arguments().isEmpty()) {
            c.addBulk("arguments");
            arguments(c, d.arguments());
        }
        if (s.isContainer()) {
            c.addBulk("subcommands");
            c.addMapLen(s.subcommands().size());
            for (CommandSpec sub : s.subcommands().values()) {
                c.addBulk(sub.fullName());
                doc(c, sub);
            }
        }
    }

    /** addReplyCommandArgList: each argument a map, its absent fields left out, a oneof's or block's own list nested. */
    private static void arguments(Client c, List<CommandArg> args) {
        c.addArrayLen(args.size());
        for (CommandArg arg : args) {
            int len = 2 + (arg.keySpecIndex() != -1 ? 1 : 0) + (arg.token() != null ? 1 : 0)
                    + (arg.summary() != null ? 1 : 0) + (arg.since() != null ? 1 : 0)
                    + (arg.deprecatedSince() != null ? 1 : 0) + (arg.hasFlags() ? 1 : 0) + (arg.isContainer() ? 1 : 0);
            c.addMapLen(len);
            c.addBulk("name");
            c.addBulk(arg.name());
            c.addBulk("type");
            c.addBulk(arg.type());
            if (arg.keySpecIndex() != -1) {
                c.addBulk("key_spec_index");
                c.addInteger(arg.keySpecIndex());
            }
            optionalText(c, "token", arg.token());
            optionalText(c, "summary", arg.summary());
            optionalText(c, "since", arg.since());
            optionalText(c, "deprecated_since", arg.deprecatedSince());
            if (arg.hasFlags()) {
                c.addBulk("flags");
                List<String> flags = arg.flagNames();
                c.addSetLen(flags.size());
                for (String f : flags) c.addSimple(f);
            }
            if (arg.isContainer()) {
                c.addBulk("arguments");
                arguments(c, arg.arguments());
            }
        }
    }

    private static void optionalText(Client c, String field, String text) {
        if (text == null) return;
        c.addBulk(field);
        c.addBulk(text);
    }

    /** getKeysSubcommandImpl. */
    private static void getkeys(Client c, byte[][] a, boolean withFlags) {
        byte[][] argv = Arrays.copyOfRange(a, 2, a.length);
        CommandSpec s = server(c).commands().lookup(argv[0]);
        if (s != null && s.isContainer() && argv.length > 1) s = s.subcommand(Args.lower(argv[1]));
        if (s == null) throw new RedisError("ERR Invalid command specified");
        CommandDef d = s.def();
        if (!d.hasKeys()) throw new RedisError("ERR The command has no key arguments");
        if (!d.arityOk(argv.length)) throw new RedisError("ERR Invalid number of arguments specified for command");
        GetKeys.Found found = new GetKeys.Found();
        GetKeys.keys(d, argv, found);
        if (found.count() == 0) {
            if (!d.has(CommandFlag.NO_MANDATORY_KEYS)) throw new RedisError("ERR Invalid arguments specified for command");
            c.addArrayLen(0);
            return;
        }
        c.addArrayLen(found.count());
        for (int i = 0; i < found.count(); i++) {
            if (withFlags) {
                c.addArrayLen(2);
                c.addBulk(argv[found.pos(i)]);
                List<String> names = KeySpec.flagNames(found.flags(i));
                c.addSetLen(names.size());
                for (String n : names) c.addSimple(n);
            } else {
                c.addBulk(argv[found.pos(i)]);
            }
        }
    }
}
