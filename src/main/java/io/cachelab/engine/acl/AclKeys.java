package io.cachelab.engine.acl;

import io.cachelab.engine.acl.AclCommandTable.Cmd;
import io.cachelab.engine.acl.AclCommandTable.KeySpec;

import java.nio.charset.StandardCharsets;

import static io.cachelab.engine.acl.AclCommandTable.*;

/**
 * getKeysFromCommandWithSpecs and getChannelsFromCommand from Redis's db.c: which arguments are
 * keys (and how each is accessed: read, write) or channels. Key specs come from Redis's table; the
 * commands whose specs cannot say it alone (SET and BITFIELD, whose access depends on their options;
 * SORT's STORE; MIGRATE's KEYS) get their getkeys procedures, as in Redis. Positions are written to
 * {@link Found}, reused, so a check allocates nothing once it has grown.
 */
public final class AclKeys {
    private AclKeys() {
    }

    /** COMMAND GETKEYS(ANDFLAGS): {positions, flags} of argv's keys by Redis's key specs. */
    public static int[][] keysWithFlags(Cmd cmd, byte[][] argv) {
        Found f = new Found();
        keys(cmd, argv, f);
        return new int[][] {java.util.Arrays.copyOf(f.pos, f.n), java.util.Arrays.copyOf(f.flags, f.n)};
    }

    /** addReplyFlagsForKeyArgs' names, in its order. */
    public static java.util.List<String> flagNames(int flags) {
        String[] names = {"RO", "RW", "OW", "RM", "access", "update", "insert", "delete", "not_key", "incomplete",
            "variable_flags"};
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < names.length; i++) if ((flags & (1 << i)) != 0) out.add(names[i]);
        return out;
    }

    static final int CHANNEL_PATTERN = 1, CHANNEL_PUBLISH = 2, CHANNEL_SUBSCRIBE = 4, CHANNEL_UNSUBSCRIBE = 8;

    /** Positions in argv and their flags. */
    static final class Found {
        int[] pos = new int[8];
        int[] flags = new int[8];
        int n;

        void add(int p, int f) {
            if (n == pos.length) {
                pos = java.util.Arrays.copyOf(pos, n * 2);
                flags = java.util.Arrays.copyOf(flags, n * 2);
            }
            pos[n] = p;
            flags[n++] = f;
        }
    }

    static void keys(Cmd cmd, byte[][] argv, Found out) {
        out.n = 0;
        boolean varFlags = false;
        for (KeySpec s : cmd.keySpecs) varFlags |= (s.flags() & KEY_VARIABLE_FLAGS) != 0;
        if (!varFlags && bySpecs(cmd, argv, out)) return;
        out.n = 0;
        switch (cmd.fullName) {
            case "set" -> {
                boolean get = false;
                for (int i = 3; i < argv.length; i++) get |= is(argv[i], "get");
                out.add(1, get ? KEY_RW | KEY_ACCESS | KEY_UPDATE : KEY_OW | KEY_UPDATE);
            }
            case "bitfield" -> out.add(1, bitfieldReadOnly(argv) ? KEY_RO | KEY_ACCESS : KEY_RW | KEY_ACCESS | KEY_UPDATE);
            case "sort", "sort_ro" -> {
                out.add(1, KEY_RO | KEY_ACCESS);
                if (cmd.fullName.equals("sort")) sortStore(argv, out);
            }
            case "migrate" -> migrate(argv, out);
            default -> {
                // a spec that could not be followed: the command will answer a syntax error anyway
            }
        }
    }

    /** getKeysUsingKeySpecs; false when a spec is invalid for these arguments. */
    private static boolean bySpecs(Cmd cmd, byte[][] argv, Found out) {
        int argc = argv.length;
        for (KeySpec s : cmd.keySpecs) {
            if ((s.flags() & KEY_NOT_KEY) != 0) continue;
            int first = 0;
            if (s.beginType() == 'i') {
                first = s.index();
            } else if (s.beginType() == 'k') {
                int start = s.startFrom() > 0 ? s.startFrom() : argc + s.startFrom();
                int end = s.startFrom() > 0 ? argc - 1 : 1;
                for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
                    if (i >= argc || i < 1) break;
                    if (is(argv[i], s.keyword())) {
                        first = i + 1;
                        break;
                    }
                }
                if (first == 0) continue;
            } else {
                return false;
            }
            int last;
            int step;
            if (s.findType() == 'r') {
                step = s.b();
                if (s.a() >= 0) last = first + s.a();
                else if (s.c() == 0) last = argc + s.a();
                else last = first + ((argc - first) / s.c() + s.a());
            } else if (s.findType() == 'n') {
                step = s.c();
                if (s.a() >= argc || first + s.a() >= argc) return false;
                Long numkeys = parseLong(argv[first + s.a()]);
                if (numkeys == null || numkeys < 0) return false;
                first += s.b();
                last = first + (int) (long) numkeys - 1;
            } else {
                return false;
            }
            if (last >= argc || last < first || first >= argc) return false;
            for (int i = first; i <= last; i += Math.max(1, step)) out.add(i, s.flags());
            if ((s.flags() & KEY_INCOMPLETE) != 0) return false;
        }
        return true;
    }

    private static boolean bitfieldReadOnly(byte[][] argv) {
        for (int i = 2; i < argv.length; i++) {
            int rem = argv.length - i - 1;
            if (is(argv[i], "get") && rem >= 2) i += 2;
            else if ((is(argv[i], "set") || is(argv[i], "incrby")) && rem >= 3) return false;
            else if (is(argv[i], "overflow") && rem >= 1) i += 1;
            else return false;
        }
        return true;
    }

    private static void sortStore(byte[][] argv, Found out) {
        int store = -1;
        for (int i = 2; i < argv.length; i++) {
            if (is(argv[i], "limit")) i += 2;
            else if (is(argv[i], "get") || is(argv[i], "by")) i += 1;
            else if (is(argv[i], "store") && i + 1 < argv.length) store = i + 1;
        }
        if (store > 0) out.add(store, KEY_OW | KEY_UPDATE);
    }

    private static void migrate(byte[][] argv, Found out) {
        int first = 3, num = 1;
        if (argv.length > 6) {
            for (int i = 6; i < argv.length; i++) {
                if (is(argv[i], "auth")) {
                    i++;
                } else if (is(argv[i], "auth2")) {
                    i += 2;
                } else if (is(argv[i], "keys")) {
                    if (argv[3].length > 0) return;
                    first = i + 1;
                    num = argv.length - first;
                    break;
                }
            }
        }
        for (int i = 0; i < num; i++) out.add(first + i, KEY_RW | KEY_ACCESS | KEY_DELETE);
    }

    /** commands_with_channels: which arguments of a pub/sub command are channels. */
    static void channels(Cmd cmd, byte[][] argv, Found out) {
        out.n = 0;
        int flags = channelFlags(cmd);
        if (flags == 0) return;
        int stop = (flags & CHANNEL_PUBLISH) != 0 ? Math.min(2, argv.length) : argv.length;
        for (int i = 1; i < stop; i++) out.add(i, flags);
    }

    static int channelFlags(Cmd cmd) {
        return switch (cmd.fullName) {
            case "subscribe", "ssubscribe" -> CHANNEL_SUBSCRIBE;
            case "psubscribe" -> CHANNEL_PATTERN | CHANNEL_SUBSCRIBE;
            case "unsubscribe", "sunsubscribe" -> CHANNEL_UNSUBSCRIBE;
            case "punsubscribe" -> CHANNEL_PATTERN | CHANNEL_UNSUBSCRIBE;
            case "publish", "spublish" -> CHANNEL_PUBLISH;
            default -> 0;
        };
    }

    static boolean is(byte[] arg, String word) {
        if (arg.length != word.length()) return false;
        for (int i = 0; i < arg.length; i++) {
            int c = arg[i] >= 'A' && arg[i] <= 'Z' ? arg[i] + 32 : arg[i];
            if (c != Character.toLowerCase(word.charAt(i))) return false;
        }
        return true;
    }

    static Long parseLong(byte[] b) {
        try {
            return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
