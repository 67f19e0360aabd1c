package io.cachelab.engine.table;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * getKeysFromCommandWithSpecs from Redis's db.c: which arguments of a command are keys, and how each
 * is accessed (read, write, delete...). Key specs come from the table; the commands whose specs
 * cannot say it alone (SET and BITFIELD, whose access depends on their options; SORT's STORE;
 * MIGRATE's KEYS) get the getkeys procedure the table names for them, as in Redis. Positions are
 * written to {@link Found}, reused, so a lookup allocates nothing once it has grown. ACL key checks,
 * COMMAND GETKEYS, client-side tracking and cluster slot checks all find keys here.
 */
public final class GetKeys {
    private GetKeys() {
    }

    /** COMMAND GETKEYS(ANDFLAGS): {positions, flags} of argv's keys by Redis's key specs. */
    public static int[][] keysWithFlags(CommandDef cmd, byte[][] argv) {
        Found f = new Found();
        keys(cmd, argv, f);
        return new int[][] {Arrays.copyOf(f.pos, f.n), Arrays.copyOf(f.flags, f.n)};
    }

    /** Positions in argv and their flags. */
    public static final class Found {
        private int[] pos = new int[8];
        private int[] flags = new int[8];
        private int n;

        public int count() {
            return n;
        }

        /** The argv index of the i-th key found. */
        public int pos(int i) {
            return pos[i];
        }

        /** The CMD_KEY_* flags of the i-th key found. */
        public int flags(int i) {
            return flags[i];
        }

        public void clear() {
            n = 0;
        }

        void add(int p, int f) {
            if (n == pos.length) {
                pos = Arrays.copyOf(pos, n * 2);
                flags = Arrays.copyOf(flags, n * 2);
            }
            pos[n] = p;
            flags[n++] = f;
        }
    }

    public static void keys(CommandDef cmd, byte[][] argv, Found out) {
        keys(cmd, argv, out, false);
    }

    /**
     * As {@link #keys(CommandDef, byte[][], Found)}; with includeNotKeys the NOT_KEY positions too
     * (GET_KEYSPEC_INCLUDE_NOT_KEYS), e.g. a shard channel, which cluster routing treats as a key.
     */
    public static void keys(CommandDef cmd, byte[][] argv, Found out, boolean includeNotKeys) {
        out.clear();
        boolean varFlags = false;
        for (KeySpec s : cmd.keySpecs()) varFlags |= s.has(KeySpec.VARIABLE_FLAGS);
        if (!varFlags && bySpecs(cmd, argv, out, includeNotKeys)) return;
        out.clear();
        switch (cmd.getKeysFunction() == null ? "" : cmd.getKeysFunction()) {
            case "setGetKeys" -> {
                boolean get = false;
                for (int i = 3; i < argv.length; i++) get |= is(argv[i], "get");
                out.add(1, get ? KeySpec.RW | KeySpec.ACCESS | KeySpec.UPDATE : KeySpec.OW | KeySpec.UPDATE);
            }
            case "bitfieldGetKeys" -> out.add(1, bitfieldReadOnly(argv) ? KeySpec.RO | KeySpec.ACCESS : KeySpec.RW | KeySpec.ACCESS | KeySpec.UPDATE);
            case "sortGetKeys", "sortROGetKeys" -> {
                out.add(1, KeySpec.RO | KeySpec.ACCESS);
                if (cmd.fullName().equals("sort")) sortStore(argv, out);
            }
            case "migrateGetKeys" -> migrate(argv, out);
            default -> {
                // a spec that could not be followed: the command will answer a syntax error anyway
            }
        }
    }

    /** getKeysUsingKeySpecs; false when a spec is invalid for these arguments. */
    private static boolean bySpecs(CommandDef cmd, byte[][] argv, Found out, boolean includeNotKeys) {
        int argc = argv.length;
        for (KeySpec s : cmd.keySpecs()) {
            if (s.has(KeySpec.NOT_KEY) && !includeNotKeys) continue;
            int first = 0;
            if (s.begin() == 'i') {
                first = s.index();
            } else if (s.begin() == 'k') {
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
            if (s.find() == 'r') {
                step = s.b();
                if (s.a() >= 0) last = first + s.a();
                else if (s.c() == 0) last = argc + s.a();
                else last = first + ((argc - first) / s.c() + s.a());
            } else if (s.find() == 'n') {
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
            if (s.has(KeySpec.INCOMPLETE)) return false;
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
        if (store > 0) out.add(store, KeySpec.OW | KeySpec.UPDATE);
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
        for (int i = 0; i < num; i++) out.add(first + i, KeySpec.RW | KeySpec.ACCESS | KeySpec.DELETE);
    }

    private static boolean is(byte[] arg, String word) {
        if (arg.length != word.length()) return false;
        for (int i = 0; i < arg.length; i++) {
            int c = arg[i] >= 'A' && arg[i] <= 'Z' ? arg[i] + 32 : arg[i];
            if (c != Character.toLowerCase(word.charAt(i))) return false;
        }
        return true;
    }

    private static Long parseLong(byte[] b) {
        try {
            return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
