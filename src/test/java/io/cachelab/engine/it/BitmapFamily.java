package io.cachelab.engine.it;

import java.util.ArrayList;
import java.util.List;

/**
 * Bitmaps (bitops.c): offsets stay below a few thousand bits so no command allocates much; the
 * 2^32 boundary is only probed where Redis rejects it or reads without allocating.
 */
final class BitmapFamily implements Family {
    @Override
    public String name() {
        return "bitmaps";
    }

    @Override
    public Op next(Gen g) {
        String k = g.key();
        if (g.chance(0.03)) return g.crossType(k);
        return switch (g.nextInt(14)) {
            case 0, 1, 2 -> Op.of("SETBIT", k, offset(g), g.chance(0.95) ? g.oneOf("0", "1") : g.oneOf("2", "-1", "x"));
            case 3 -> Op.of("GETBIT", k, g.chance(0.9) ? offset(g) : g.oneOf("4294967295", "4294967296", "-1"));
            case 4 -> bitcount(g, k);
            case 5 -> bitpos(g, k);
            case 6 -> bitop(g);
            case 7, 8 -> bitfield(g, k, "BITFIELD");
            case 9 -> bitfield(g, k, "BITFIELD_RO");
            case 10 -> Op.of("SET", k, g.oneOf("", "\u00ff\u00f0\u0000", "foobar", "a", "\u0000\u0000", "123"));
            case 11 -> Op.of("APPEND", k, g.oneOf("\u0000", "x", "\u00ff"));
            case 12 -> Op.of("GET", k);
            default -> Op.of("DEL", k);
        };
    }

    private static String offset(Gen g) {
        if (g.chance(0.9)) return Integer.toString(g.between(0, 40));
        return g.oneOf("100", "1000", "4095", "-1", "4294967296", "abc");
    }

    private static Op bitcount(Gen g, String k) {
        List<Object> p = new ArrayList<>(List.of("BITCOUNT", k));
        int shape = g.nextInt(4);
        if (shape >= 1) { p.add(g.index()); p.add(g.index()); }
        if (shape >= 2) p.add(g.oneOf("BYTE", "BIT", "bit", "WORD"));
        if (shape == 3 && g.chance(0.3)) p.remove(p.size() - 2);
        return Gen.op(p);
    }

    private static Op bitpos(Gen g, String k) {
        List<Object> p = new ArrayList<>(List.of("BITPOS", k, g.chance(0.95) ? g.oneOf("0", "1") : "2"));
        int shape = g.nextInt(4);
        if (shape >= 1) p.add(g.index());
        if (shape >= 2) p.add(g.index());
        if (shape >= 3) p.add(g.oneOf("BYTE", "BIT", "NIBBLE"));
        return Gen.op(p);
    }

    private static Op bitop(Gen g) {
        String op = g.oneOf("AND", "OR", "XOR", "NOT", "and", "NAND");
        List<Object> p = new ArrayList<>(List.of("BITOP", op, g.key()));
        int n = op.equalsIgnoreCase("NOT") ? (g.chance(0.9) ? 1 : 2) : g.between(1, 3);
        for (int i = 0; i < n; i++) p.add(g.key());
        return Gen.op(p);
    }

    private static Op bitfield(Gen g, String k, String cmd) {
        List<Object> p = new ArrayList<>(List.of(cmd, k));
        int n = g.between(1, 3);
        for (int i = 0; i < n; i++) {
            String type = g.chance(0.93) ? g.oneOf("u1", "i1", "u4", "i5", "u8", "i8", "i16", "u16", "u31", "i32", "i64", "u63")
                    : g.oneOf("u64", "x8", "i0", "i65");
            String offset = g.chance(0.8) ? Integer.toString(g.between(0, 40)) : g.oneOf("#0", "#1", "#3", "#0", "-1", "x");
            switch (g.nextInt(cmd.equals("BITFIELD_RO") ? 1 : 4)) {
                case 0 -> { p.add("GET"); p.add(type); p.add(offset); }
                case 1 -> { p.add("SET"); p.add(type); p.add(offset); p.add(g.integer()); }
                case 2 -> { p.add("INCRBY"); p.add(type); p.add(offset); p.add(g.oneOf("1", "-1", "100", "-128", "127", "9223372036854775807", "x")); }
                default -> { p.add("OVERFLOW"); p.add(g.oneOf("WRAP", "SAT", "FAIL", "wrap", "BOUNCE")); }
            }
        }
        if (cmd.equals("BITFIELD_RO") && g.chance(0.1)) { p.add("SET"); p.add("u8"); p.add("0"); p.add("1"); }
        return Gen.op(p);
    }
}
