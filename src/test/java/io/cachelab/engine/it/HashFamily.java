package io.cachelab.engine.it;

import java.util.ArrayList;
import java.util.List;

/** Hashes (t_hash.c); field order is undefined in Redis, so whole-hash reads compare unordered. */
final class HashFamily implements Family {
    @Override
    public String name() {
        return "hashes";
    }

    @Override
    public Op next(Gen g) {
        String k = g.key();
        if (g.chance(0.03)) return g.crossType(k);
        return switch (g.nextInt(19)) {
            case 0, 1, 2 -> pairs(g, g.oneOf("HSET", "HSET", "HMSET"), k);
            case 3 -> Op.of("HSETNX", k, g.member(), g.value());
            case 4 -> Op.of("HGET", k, g.member());
            case 5 -> fields(g, "HMGET", k);
            case 6 -> fields(g, "HDEL", k);
            case 7 -> Op.of("HLEN", k);
            case 8 -> Op.of("HSTRLEN", k, g.member());
            case 9 -> Op.of("HEXISTS", k, g.member());
            case 10 -> Op.of("HINCRBY", k, g.member(), g.integer());
            case 11 -> Op.of("HINCRBYFLOAT", k, g.member(), g.floating());
            case 12 -> Op.of(Op.Check.UNORDERED, g.oneOf("HKEYS", "HVALS"), k);
            case 13 -> Op.of(Op.Check.UNORDERED_PAIRS, "HGETALL", k);
            case 14 -> hrandfield(g, k);
            case 15 -> Op.of(Op.Check.SCAN_PAIRS, "HSCAN", k, "0", "COUNT", "1000");
            case 16 -> Op.of(Op.Check.SCAN_PAIRS, "HSCAN", k, "0", "MATCH", g.oneOf("a*", "*", "[ab]", "1"), "COUNT", "1000");
            case 17 -> Op.of("HSET", k, g.member(), g.oneOf("10", "-5", "1.5", "9223372036854775807", "5.0e3", "abc"));
            default -> Op.of("DEL", k);
        };
    }

    private static Op pairs(Gen g, String cmd, String k) {
        List<Object> p = new ArrayList<>(List.of(cmd, k));
        int n = g.chance(0.03) ? 0 : g.between(1, 3);
        for (int i = 0; i < n; i++) { p.add(g.member()); p.add(g.value()); }
        if (g.chance(0.03)) p.add("dangling");
        return Gen.op(p);
    }

    private static Op fields(Gen g, String cmd, String k) {
        List<Object> p = new ArrayList<>(List.of(cmd, k));
        int n = g.between(1, 3);
        for (int i = 0; i < n; i++) p.add(g.member());
        return Gen.op(p);
    }

    private static Op hrandfield(Gen g, String k) {
        List<Object> p = new ArrayList<>(List.of("HRANDFIELD", k));
        if (g.chance(0.8)) {
            p.add(g.oneOf("1", "2", "3", "10", "-1", "-3", "-10", "0", "x"));
            if (g.chance(0.5)) p.add(g.oneOf("WITHVALUES", "WITHVALUES", "bogus"));
        }
        return Gen.op(Op.Check.RANDOM_HASH_FIELDS, p);
    }
}
