package io.cachelab.engine.table;

import java.util.ArrayList;
import java.util.List;

/**
 * One key spec of Redis's server.h (keySpec): where the search for keys begins (an index, or after a
 * keyword searched from startfrom) and how the keys are found from there (a range, or a count read
 * from the arguments), with the CMD_KEY_* flags saying how those keys are accessed.
 *
 * @param flags     CMD_KEY_* bits ({@link #RO} ...)
 * @param begin     'i' index, 'k' keyword, 'u' unknown
 * @param index     begin_search index pos
 * @param keyword   begin_search keyword
 * @param startFrom begin_search keyword startfrom (negative: from the end)
 * @param find      'r' range, 'n' keynum, 'u' unknown
 * @param a         range lastkey, or keynum keynumidx
 * @param b         range step, or keynum firstkey
 * @param c         range limit, or keynum step
 * @param notes     the spec's notes, or ""
 */
public record KeySpec(int flags, char begin, int index, String keyword, int startFrom, char find, int a, int b, int c,
                      String notes) {
    public static final int RO = 1, RW = 2, OW = 4, RM = 8, ACCESS = 16, UPDATE = 32, INSERT = 64, DELETE = 128,
            NOT_KEY = 256, INCOMPLETE = 512, VARIABLE_FLAGS = 1024;

    /** addReplyFlagsForKeyArgs' names, in bit order. */
    private static final String[] FLAG_NAMES = {"RO", "RW", "OW", "RM", "access", "update", "insert", "delete",
        "not_key", "incomplete", "variable_flags"};

    public static List<String> flagNames(int flags) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < FLAG_NAMES.length; i++) if ((flags & (1 << i)) != 0) out.add(FLAG_NAMES[i]);
        return out;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Parses "RW,ACCESS/i:1/r:0:1:0/notes" as tools/gen-command-table.py writes it. */
    static KeySpec parse(String text) {
        String[] parts = text.split("/", -1);
        int flags = 0;
        for (String f : parts[0].split(",")) {
            for (int i = 0; i < FLAG_NAMES.length; i++) if (FLAG_NAMES[i].equalsIgnoreCase(f)) flags |= 1 << i;
        }
        String[] bs = parts[1].split(":");
        String[] fk = parts[2].split(":");
        char begin = bs[0].charAt(0);
        char find = fk[0].charAt(0);
        return new KeySpec(flags, begin,
                begin == 'i' ? Integer.parseInt(bs[1]) : 0,
                begin == 'k' ? CommandTable.unescape(bs[1]) : null,
                begin == 'k' ? Integer.parseInt(bs[2]) : 0,
                find,
                find == 'u' ? 0 : Integer.parseInt(fk[1]),
                find == 'u' ? 0 : Integer.parseInt(fk[2]),
                find == 'u' ? 0 : Integer.parseInt(fk[3]),
                CommandTable.unescape(parts[3]));
    }
}
