package io.cachelab.engine.table;

import java.util.ArrayList;
import java.util.List;

/**
 * One argument of a command as COMMAND DOCS describes it: Redis's struct redisCommandArg (server.h),
 * generated from the "arguments" of src/commands/*.json. A oneof or block has its own arguments.
 * Absent texts are null, as in Redis (MIGRATE's token is there but empty); keySpecIndex is -1 when
 * the argument names no key. displayText and value are carried from later Redis versions' JSON but
 * 7.0.15's COMMAND DOCS does not reply them.
 */
public record CommandArg(String name, String type, int keySpecIndex, String token, String summary, String since,
                         String deprecatedSince, String displayText, String value, boolean optional,
                         boolean multiple, boolean multipleToken, List<CommandArg> arguments) {

    public CommandArg {
        arguments = List.copyOf(arguments);
    }

    /** The flags as addReplyFlagsForArg names them, in its order. */
    public List<String> flagNames() {
        List<String> out = new ArrayList<>(3);
        if (optional) out.add("optional");
        if (multiple) out.add("multiple");
        if (multipleToken) out.add("multiple_token");
        return out;
    }

    public boolean hasFlags() {
        return optional || multiple || multipleToken;
    }

    /** A oneof or block: its reply carries its own arguments. */
    public boolean isContainer() {
        return type.equals("oneof") || type.equals("block");
    }

    /** The arguments column of the generated table; see tools/gen-command-table.py for its syntax. */
    static List<CommandArg> parseList(String column) {
        if (column.isEmpty()) return List.of();
        Parser p = new Parser(column);
        List<CommandArg> out = p.list();
        if (p.pos != column.length()) throw p.error();
        return out;
    }

    private static final class Parser {
        private static final String VALUE_ENDS = ",():@#$~!&=?*+";
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        List<CommandArg> list() {
            List<CommandArg> out = new ArrayList<>();
            out.add(arg());
            while (pos < s.length() && s.charAt(pos) == ',') {
                pos++;
                out.add(arg());
            }
            return List.copyOf(out);
        }

        private CommandArg arg() {
            String name = value();
            expect(':');
            String type = value();
            int keySpec = -1;
            String[] texts = new String[6]; // token summary since deprecated display value
            boolean optional = false;
            boolean multiple = false;
            boolean multipleToken = false;
            List<CommandArg> subargs = List.of();
            while (pos < s.length() && s.charAt(pos) != ',' && s.charAt(pos) != ')') {
                char sigil = s.charAt(pos++);
                switch (sigil) {
                    case '@' -> keySpec = Integer.parseInt(value());
                    case '#', '$', '~', '!', '&', '=' -> texts["#$~!&=".indexOf(sigil)] = value();
                    case '?' -> optional = true;
                    case '*' -> multiple = true;
                    case '+' -> multipleToken = true;
                    case '(' -> {
                        subargs = list();
                        expect(')');
                    }
                    default -> throw error();
                }
            }
            return new CommandArg(name, type, keySpec, texts[0], texts[1], texts[2], texts[3], texts[4], texts[5],
                    optional, multiple, multipleToken, subargs);
        }

        private String value() {
            int start = pos;
            while (pos < s.length() && VALUE_ENDS.indexOf(s.charAt(pos)) < 0) pos++;
            return CommandTable.unescape(s.substring(start, pos));
        }

        private void expect(char ch) {
            if (pos >= s.length() || s.charAt(pos) != ch) throw error();
            pos++;
        }

        IllegalStateException error() {
            return new IllegalStateException("bad arguments column at " + pos + ": " + s);
        }
    }
}
