package io.cachelab.engine.it;

import java.util.ArrayList;
import java.util.List;

/**
 * Sorted sets (t_zset.c). Scores include infinities, fractions, -0 and ties so ordering by member
 * bytes and Redis's %.17g score formatting both get compared.
 */
final class ZSetFamily implements Family {
    /**
     * Lex ranges are only defined when every member has the same score; on mixed scores the result
     * is an accident of Redis's skiplist walk. So lex commands get a key of their own that only ever
     * receives score-0 members (it stays out of {@link #keys()}, so nothing else writes to it).
     */
    private static final String LEX = "lex";

    @Override
    public String name() {
        return "sorted sets";
    }

    @Override
    public Op next(Gen g) {
        String k = g.key();
        if (g.chance(0.03)) return g.crossType(k);
        return switch (g.nextInt(30)) {
            case 0, 1, 2, 3 -> zadd(g, k);
            case 4 -> Op.of("ZINCRBY", k, score(g), g.member());
            case 5 -> Op.of("ZSCORE", k, g.member());
            case 6 -> Op.of("ZMSCORE", k, g.member(), g.member());
            case 7 -> Op.of("ZCARD", k);
            case 8 -> Op.of("ZCOUNT", k, bound(g), bound(g));
            case 9 -> Op.of("ZLEXCOUNT", LEX, lex(g), lex(g));
            case 10, 11 -> zrange(g, k);
            case 12 -> withScores(g, g.oneOf("ZRANGEBYSCORE", "ZREVRANGEBYSCORE"), k, bound(g), bound(g), true);
            case 13 -> limit(g, g.oneOf("ZRANGEBYLEX", "ZREVRANGEBYLEX"), LEX, lex(g), lex(g));
            case 14 -> Op.of(g.oneOf("ZRANK", "ZREVRANK"), k, g.member());
            case 15 -> Op.of("ZREM", k, g.member(), g.member());
            case 16 -> Op.of("ZREMRANGEBYRANK", k, g.index(), g.index());
            case 17 -> Op.of("ZREMRANGEBYSCORE", k, bound(g), bound(g));
            case 18 -> g.chance(0.3) ? Op.of("ZREMRANGEBYLEX", LEX, lex(g), lex(g)) : Op.of("ZREM", LEX, g.member());
            case 19 -> g.chance(0.5) ? Op.of(g.oneOf("ZPOPMIN", "ZPOPMAX"), k) : Op.of(g.oneOf("ZPOPMIN", "ZPOPMAX"), k, g.oneOf("0", "1", "2", "10", "-1", "x"));
            case 20 -> zmpop(g);
            case 21 -> zrandmember(g, k);
            case 22 -> setop(g, g.oneOf("ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"), true);
            case 23 -> setop(g, g.oneOf("ZUNION", "ZINTER", "ZDIFF"), false);
            case 24 -> Op.of("ZINTERCARD", "2", k, g.key(), "LIMIT", g.oneOf("0", "1", "-1"));
            case 25 -> zrangestore(g);
            case 26 -> Op.of(Op.Check.SCAN_PAIRS, "ZSCAN", k, "0", "COUNT", "1000");
            case 27 -> g.chance(0.1) ? Op.of(g.oneOf("BZPOPMIN", "BZPOPMAX"), k, "0.01") : Op.of("ZRANGE", k, "0", "-1", "WITHSCORES");
            case 28 -> Op.of("ZADD", LEX, "0", g.oneOf("a", "b", "c", "aa", "ab", ""), "0", g.oneOf("b", "ba", "c", "d", Gen.BIN_HIGH));
            default -> Op.of("DEL", k);
        };
    }

    private static String score(Gen g) {
        if (g.chance(0.8)) return g.oneOf("0", "1", "2", "3", "-1", "1.5", "2.5", "-0.5", "10");
        return g.oneOf("inf", "-inf", "+inf", "nan", "abc", "1e400", "0.1", "1e-7", "123456789012345678", "-0", "");
    }

    private static String bound(Gen g) {
        return g.oneOf("-inf", "+inf", "0", "1", "2", "(1", "(2", "1.5", "(1.5", "-1", "3", "x", "(", "inf", "(-inf");
    }

    private static String lex(Gen g) {
        return g.oneOf("-", "+", "[a", "(a", "[b", "(b", "[c", "[aa", "(d", "a", "[", "(");
    }

    private static Op zadd(Gen g, String k) {
        List<Object> p = new ArrayList<>(List.of("ZADD", k));
        if (g.chance(0.3)) p.add(g.oneOf("NX", "XX", "GT", "LT", "CH", "INCR"));
        if (g.chance(0.1)) p.add(g.oneOf("NX", "XX", "GT", "LT", "CH", "INCR"));
        int n = g.chance(0.03) ? 0 : g.between(1, 3);
        for (int i = 0; i < n; i++) { p.add(score(g)); p.add(g.member()); }
        if (g.chance(0.03)) p.add("dangling");
        return Gen.op(p);
    }

    private static Op zrange(Gen g, String k) {
        List<Object> p = new ArrayList<>(List.of("ZRANGE", k));
        switch (g.nextInt(3)) {
            case 0 -> { p.add(g.index()); p.add(g.index()); }
            case 1 -> { p.add(bound(g)); p.add(bound(g)); p.add("BYSCORE"); }
            default -> { p.set(1, LEX); p.add(lex(g)); p.add(lex(g)); p.add("BYLEX"); }
        }
        if (g.chance(0.3)) p.add("REV");
        if (g.chance(0.3)) { p.add("LIMIT"); p.add(g.oneOf("0", "1", "-1", "2")); p.add(g.oneOf("1", "2", "-1", "0")); }
        if (g.chance(0.4)) p.add("WITHSCORES");
        return Gen.op(p);
    }

    private static Op withScores(Gen g, String cmd, String k, String min, String max, boolean scores) {
        List<Object> p = new ArrayList<>(List.of(cmd, k, min, max));
        if (scores && g.chance(0.5)) p.add("WITHSCORES");
        if (g.chance(0.3)) { p.add("LIMIT"); p.add(g.oneOf("0", "1", "-1")); p.add(g.oneOf("1", "2", "-1")); }
        return Gen.op(p);
    }

    private static Op limit(Gen g, String cmd, String k, String min, String max) {
        return withScores(g, cmd, k, min, max, false);
    }

    private static Op zmpop(Gen g) {
        List<Object> p = new ArrayList<>(List.of("ZMPOP"));
        int n = g.between(1, 2);
        p.add(g.chance(0.95) ? Integer.toString(n) : "0");
        for (int i = 0; i < n; i++) p.add(g.key());
        p.add(g.oneOf("MIN", "MAX", "MID"));
        if (g.chance(0.5)) { p.add("COUNT"); p.add(g.oneOf("1", "2", "10", "0")); }
        return Gen.op(p);
    }

    private static Op zrandmember(Gen g, String k) {
        List<Object> p = new ArrayList<>(List.of("ZRANDMEMBER", k));
        if (g.chance(0.8)) {
            p.add(g.oneOf("1", "2", "3", "10", "-1", "-3", "-10", "0", "x"));
            if (g.chance(0.5)) p.add(g.oneOf("WITHSCORES", "WITHSCORES", "bogus"));
        }
        return Gen.op(Op.Check.RANDOM_ZSET_MEMBERS, p);
    }

    private static Op setop(Gen g, String cmd, boolean store) {
        List<Object> p = new ArrayList<>(List.of(cmd));
        if (store) p.add(g.key());
        int n = g.between(1, 3);
        p.add(Integer.toString(n));
        for (int i = 0; i < n; i++) p.add(g.key());
        if (!cmd.startsWith("ZDIFF")) {
            if (g.chance(0.3)) { p.add("WEIGHTS"); for (int i = 0; i < n; i++) p.add(g.oneOf("1", "2", "0", "-1", "0.5", "inf")); }
            if (g.chance(0.3)) { p.add("AGGREGATE"); p.add(g.oneOf("SUM", "MIN", "MAX", "AVG")); }
        }
        if (!store && g.chance(0.5)) p.add("WITHSCORES");
        return Gen.op(p);
    }

    private static Op zrangestore(Gen g) {
        List<Object> p = new ArrayList<>(List.of("ZRANGESTORE", g.key(), g.key()));
        if (g.chance(0.5)) { p.add(g.index()); p.add(g.index()); }
        else { p.add(bound(g)); p.add(bound(g)); p.add("BYSCORE"); }
        if (g.chance(0.3)) p.add("REV");
        return Gen.op(p);
    }
}
