package io.cachelab.engine.it;

import java.util.ArrayList;
import java.util.List;

/** Strings: SET and its options, counters, ranges, GETEX/GETDEL, multi-key writes, LCS (t_string.c). */
final class StringFamily implements Family {
    @Override
    public String name() {
        return "strings";
    }

    @Override
    public Op next(Gen g) {
        String k = g.key();
        if (g.chance(0.03)) return g.crossType(k);
        return switch (g.nextInt(27)) {
            case 0, 1 -> set(g, k);
            case 2 -> Op.of("GET", k);
            case 3 -> Op.of("GETSET", k, value(g));
            case 4 -> Op.of("SETNX", k, value(g));
            case 5 -> Op.of("SETEX", k, g.relativeTtl(false), value(g));
            case 6 -> Op.of("PSETEX", k, g.relativeTtl(true), value(g));
            case 7 -> multi(g, "MSET", true);
            case 8 -> multi(g, "MGET", false);
            case 9 -> multi(g, "MSETNX", true);
            case 10 -> Op.of(g.oneOf("INCR", "DECR"), k);
            case 11 -> Op.of(g.oneOf("INCRBY", "DECRBY"), k, g.integer());
            case 12 -> Op.of("INCRBYFLOAT", k, g.floating());
            case 13 -> Op.of("APPEND", k, g.value());
            case 14 -> Op.of("STRLEN", k);
            case 15 -> Op.of("SETRANGE", k, g.oneOf("0", "1", "3", "10", "-1", "x", "536870912", "100"), g.oneOf("", "xy", "Z", Gen.BIN_NUL_FF));
            case 16 -> Op.of(g.oneOf("GETRANGE", "SUBSTR"), k, g.index(), g.index());
            case 17 -> getex(g, k);
            case 18 -> Op.of("GETDEL", k);
            case 19 -> lcs(g);
            case 20 -> Op.of("DEL", k);
            case 21 -> Op.of("SET", k, g.oneOf("10", "-3", "0", "3.5", "9223372036854775806", "-9223372036854775807", "1e2"));
            case 22 -> Op.of("EXISTS", k);
            case 23 -> Op.of(Op.Check.TTL_MILLIS, "PTTL", k);
            case 24 -> Op.of("SET", k, g.oneOf("ohmytext", "mynewtext", "abcdefgh", "acegxz"));
            case 25 -> Op.of("INCRBY", k, g.oneOf("9223372036854775807", "-9223372036854775808", "1", "-1"));
            default -> Op.of("GETRANGE", k, g.oneOf("0", "-1", "2"), g.oneOf("-1", "0", "100", "-100"));
        };
    }

    /** Half the time a number, so the counters see integers and floats, not just type errors. */
    private static Object value(Gen g) {
        if (g.chance(0.5)) return g.value();
        return g.oneOf("0", "1", "-7", "42", "3.25", "-0.5", "9223372036854775806", "-9223372036854775807", "1e2", "100");
    }

    private static Op set(Gen g, String k) {
        List<Object> p = new ArrayList<>(List.of("SET", k, value(g)));
        int n = g.nextInt(3);
        for (int i = 0; i < n; i++) {
            switch (g.nextInt(9)) {
                case 0 -> p.add(g.oneOf("NX", "nx"));
                case 1 -> p.add("XX");
                case 2 -> p.add("GET");
                case 3 -> { p.add("EX"); p.add(g.relativeTtl(false)); }
                case 4 -> { p.add("PX"); p.add(g.relativeTtl(true)); }
                case 5 -> { p.add("EXAT"); p.add(g.absoluteTime(false)); }
                case 6 -> { p.add("PXAT"); p.add(g.absoluteTime(true)); }
                case 7 -> p.add("KEEPTTL");
                default -> p.add(g.oneOf("EX", "BOGUS"));
            }
        }
        return Gen.op(p);
    }

    private static Op getex(Gen g, String k) {
        List<Object> p = new ArrayList<>(List.of("GETEX", k));
        switch (g.nextInt(7)) {
            case 0 -> { p.add("EX"); p.add(g.relativeTtl(false)); }
            case 1 -> { p.add("PX"); p.add(g.relativeTtl(true)); }
            case 2 -> { p.add("EXAT"); p.add(g.absoluteTime(false)); }
            case 3 -> { p.add("PXAT"); p.add(g.absoluteTime(true)); }
            case 4 -> p.add("PERSIST");
            case 5 -> { p.add("EX"); p.add(g.relativeTtl(false)); p.add("PERSIST"); }
            default -> {
                // plain GETEX
            }
        }
        return Gen.op(p);
    }

    private static Op multi(Gen g, String cmd, boolean pairs) {
        List<Object> p = new ArrayList<>(List.of(cmd));
        int n = g.between(pairs ? 0 : 1, 3);
        if (pairs && n == 0 && g.chance(0.5)) n = 1;
        for (int i = 0; i < n; i++) {
            p.add(g.key());
            if (pairs) p.add(value(g));
        }
        if (pairs && g.chance(0.05)) p.add("dangling");
        return Gen.op(p);
    }

    private static Op lcs(Gen g) {
        List<Object> p = new ArrayList<>(List.of("LCS", g.key(), g.key()));
        switch (g.nextInt(6)) {
            case 0 -> p.add("LEN");
            case 1 -> p.add("IDX");
            case 2 -> { p.add("IDX"); p.add("MINMATCHLEN"); p.add(g.oneOf("0", "1", "2", "4", "-1")); }
            case 3 -> { p.add("IDX"); p.add("WITHMATCHLEN"); }
            case 4 -> { p.add("IDX"); p.add("MINMATCHLEN"); p.add(g.oneOf("1", "2")); p.add("WITHMATCHLEN"); }
            default -> {
                // plain LCS returns the string
            }
        }
        return Gen.op(p);
    }
}
