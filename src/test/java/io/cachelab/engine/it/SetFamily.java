package io.cachelab.engine.it;

import java.util.ArrayList;
import java.util.List;

/**
 * Sets (t_set.c). Members mix small integers and words so both intset and hashtable encodings and
 * the conversion between them are exercised; every multi-member read compares unordered.
 */
final class SetFamily implements Family {
    @Override
    public String name() {
        return "sets";
    }

    @Override
    public Op next(Gen g) {
        String k = g.key();
        if (g.chance(0.03)) return g.crossType(k);
        return switch (g.nextInt(20)) {
            case 0, 1, 2, 3 -> members(g, "SADD", k, 1, 4);
            case 4 -> members(g, "SREM", k, 1, 3);
            case 5 -> Op.of("SISMEMBER", k, g.member());
            case 6 -> members(g, "SMISMEMBER", k, 1, 3);
            case 7 -> Op.of(Op.Check.UNORDERED, "SMEMBERS", k);
            case 8 -> Op.of("SCARD", k);
            case 9 -> spop(g, k);
            case 10 -> srandmember(g, k);
            case 11 -> Op.of("SMOVE", k, g.key(), g.member());
            case 12, 13 -> Gen.op(Op.Check.UNORDERED, keys(g, g.oneOf("SINTER", "SUNION", "SDIFF"), null));
            case 14 -> Gen.op(keys(g, g.oneOf("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"), g.key()));
            case 15 -> sintercard(g);
            case 16 -> Op.of(Op.Check.SCAN, "SSCAN", k, "0", "COUNT", "1000");
            case 17 -> Op.of(Op.Check.SCAN, "SSCAN", k, "0", "MATCH", g.oneOf("a*", "*", "[0-9]", "1"), "COUNT", "1000");
            case 18 -> members(g, "SADD", k, 1, 3, "1", "2", "-5", "100", "9223372036854775807", "-9223372036854775808", "01");
            default -> Op.of("DEL", k);
        };
    }

    private static Op members(Gen g, String cmd, String k, int min, int max, Object... domain) {
        List<Object> p = new ArrayList<>(List.of(cmd, k));
        int n = g.between(min, max);
        for (int i = 0; i < n; i++) p.add(domain.length > 0 ? g.oneOf(domain) : g.member());
        return Gen.op(p);
    }

    private static List<Object> keys(Gen g, String cmd, String dest) {
        List<Object> p = new ArrayList<>(List.of(cmd));
        if (dest != null) p.add(dest);
        int n = g.between(1, 3);
        for (int i = 0; i < n; i++) p.add(g.key());
        return p;
    }

    private static Op spop(Gen g, String k) {
        if (g.chance(0.4)) return Op.of(Op.Check.SPOP, "SPOP", k);
        return Op.of(Op.Check.SPOP, "SPOP", k, g.oneOf("0", "1", "2", "3", "10", "-1", "x"));
    }

    private static Op srandmember(Gen g, String k) {
        if (g.chance(0.3)) return Op.of(Op.Check.RANDOM_SET_MEMBERS, "SRANDMEMBER", k);
        return Op.of(Op.Check.RANDOM_SET_MEMBERS, "SRANDMEMBER", k, g.oneOf("0", "1", "2", "3", "10", "-1", "-3", "-10", "x"));
    }

    private static Op sintercard(Gen g) {
        List<Object> p = new ArrayList<>(List.of("SINTERCARD"));
        int n = g.between(1, 3);
        p.add(g.chance(0.95) ? Integer.toString(n) : g.oneOf("0", "-1", "9"));
        for (int i = 0; i < n; i++) p.add(g.key());
        if (g.chance(0.5)) { p.add("LIMIT"); p.add(g.oneOf("0", "1", "2", "-1")); }
        return Gen.op(p);
    }
}
