package io.cachelab.engine.acl;

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

/**
 * Redis 7.0's own command table as ACL sees it (server.orig_commands): every command and subcommand
 * with a bit id, its ACL categories and its key specs. Loaded once from commands.txt, which
 * tools/acl-commands.py generates from a real redis-server's COMMAND reply. ACL rules, ACL CAT and
 * the ACL GETUSER description work over this table rather than the engine's, so their output is
 * Redis's even where the engine registers a command differently (DEBUG's subcommands, say).
 */
public final class AclCommandTable {
    /** ACLCommandCategories, in Redis's order: the order ACL CAT lists and GETUSER tries them. */
    public static final List<String> CATEGORIES = List.of("keyspace", "read", "write", "set", "sortedset", "list",
            "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
            "dangerous", "connection", "transaction", "scripting");

    // key spec flags (CMD_KEY_*)
    public static final int KEY_RO = 1, KEY_RW = 2, KEY_OW = 4, KEY_RM = 8, KEY_ACCESS = 16, KEY_UPDATE = 32,
            KEY_INSERT = 64, KEY_DELETE = 128, KEY_NOT_KEY = 256, KEY_INCOMPLETE = 512, KEY_VARIABLE_FLAGS = 1024;

    /** One key spec: where the search for keys begins, and how the keys are found from there. */
    public record KeySpec(int flags, char beginType, int index, String keyword, int startFrom,
                          char findType, int a, int b, int c) {
    }

    /** A command or subcommand of Redis's table. */
    public static final class Cmd {
        public final int id;
        public final String fullName;
        public final long categories;
        public final List<KeySpec> keySpecs;
        public final Cmd parent;
        public final List<Cmd> subcommands = new ArrayList<>();
        public final int arity;

        Cmd(int id, String fullName, long categories, List<KeySpec> keySpecs, Cmd parent, int arity) {
            this.arity = arity;
            this.id = id;
            this.fullName = fullName;
            this.categories = categories;
            this.keySpecs = keySpecs;
            this.parent = parent;
        }

        public boolean arityOk(int argc) {
            return arity >= 0 ? argc == arity : argc >= -arity;
        }

        public boolean hasKeys() {
            for (KeySpec s : keySpecs) if ((s.flags & KEY_NOT_KEY) == 0) return true;
            return false;
        }
    }

    private static final AclCommandTable INSTANCE = load();

    private final List<Cmd> topLevel = new ArrayList<>();
    private final List<Cmd> all = new ArrayList<>();
    private final Map<String, Cmd> byName = new HashMap<>();

    public static AclCommandTable get() {
        return INSTANCE;
    }

    /** Number of ids; the id equal to this is the reserved "future commands" bit of +@all. */
    public int size() {
        return all.size();
    }

    public List<Cmd> topLevel() {
        return Collections.unmodifiableList(topLevel);
    }

    /** "get" or "config|get", case-insensitive; null if Redis has no such command. */
    public Cmd lookup(String fullName) {
        return byName.get(fullName.toLowerCase(Locale.ROOT));
    }

    public static long categoryFlag(String name) {
        int i = CATEGORIES.indexOf(name.toLowerCase(Locale.ROOT));
        return i < 0 ? 0 : 1L << i;
    }

    /** "@read" style names of a command's categories, for COMMAND INFO. */
    public static List<String> categoryNames(long flags) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < CATEGORIES.size(); i++) if ((flags & (1L << i)) != 0) out.add("@" + CATEGORIES.get(i));
        return out;
    }

    private static AclCommandTable load() {
        AclCommandTable t = new AclCommandTable();
        try (InputStream in = AclCommandTable.class.getResourceAsStream("commands.txt")) {
            if (in == null) throw new IllegalStateException("acl/commands.txt missing from the classpath");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] f = line.split("\t", -1);
                long cats = 0;
                for (String c : f[1].split(",")) if (!c.isEmpty()) cats |= categoryFlag(c);
                List<KeySpec> specs = new ArrayList<>();
                if (f.length > 2 && !f[2].isEmpty()) for (String s : f[2].split(";")) specs.add(parseSpec(s));
                int bar = f[0].indexOf('|');
                Cmd parent = bar < 0 ? null : t.byName.get(f[0].substring(0, bar));
                Cmd cmd = new Cmd(t.all.size(), f[0], cats, List.copyOf(specs), parent, Integer.parseInt(f[3]));
                t.all.add(cmd);
                t.byName.put(cmd.fullName, cmd);
                if (parent == null) t.topLevel.add(cmd);
                else parent.subcommands.add(cmd);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }

    private static KeySpec parseSpec(String s) {
        String[] parts = s.split("/");
        int flags = 0;
        for (String fl : parts[0].split(",")) {
            flags |= switch (fl.toLowerCase(Locale.ROOT)) {
                case "ro" -> KEY_RO;
                case "rw" -> KEY_RW;
                case "ow" -> KEY_OW;
                case "rm" -> KEY_RM;
                case "access" -> KEY_ACCESS;
                case "update" -> KEY_UPDATE;
                case "insert" -> KEY_INSERT;
                case "delete" -> KEY_DELETE;
                case "not_key" -> KEY_NOT_KEY;
                case "incomplete" -> KEY_INCOMPLETE;
                case "variable_flags" -> KEY_VARIABLE_FLAGS;
                default -> 0;
            };
        }
        String[] bs = parts[1].split(":");
        String[] fk = parts[2].split(":");
        char bt = bs[0].charAt(0);
        int index = bt == 'i' ? Integer.parseInt(bs[1]) : 0;
        String keyword = bt == 'k' ? bs[1] : null;
        int startFrom = bt == 'k' ? Integer.parseInt(bs[2]) : 0;
        char ft = fk[0].charAt(0);
        int a = ft == 'u' ? 0 : Integer.parseInt(fk[1]);
        int b = ft == 'u' ? 0 : Integer.parseInt(fk[2]);
        int c = ft == 'u' ? 0 : Integer.parseInt(fk[3]);
        return new KeySpec(flags, bt, index, keyword, startFrom, ft, a, b, c);
    }
}
