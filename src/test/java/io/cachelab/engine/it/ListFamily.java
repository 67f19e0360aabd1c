package io.cachelab.engine.it;

import java.util.ArrayList;
import java.util.List;

/**
 * Lists (t_list.c). Blocking variants only ever use a 10 ms timeout, so an empty list costs both
 * sides the same short wait and never hangs the run.
 */
final class ListFamily implements Family {
    @Override
    public String name() {
        return "lists";
    }

    @Override
    public Op next(Gen g) {
        String k = g.key();
        if (g.chance(0.03)) return g.crossType(k);
        if (g.chance(0.01)) return blocking(g, k);
        return switch (g.nextInt(21)) {
            case 0, 1, 2, 3 -> push(g, g.oneOf("LPUSH", "RPUSH"), k);
            case 4 -> push(g, g.oneOf("LPUSHX", "RPUSHX"), k);
            case 5 -> pop(g, g.oneOf("LPOP", "RPOP"), k);
            case 6, 7 -> Op.of("LRANGE", k, g.index(), g.index());
            case 8 -> Op.of("LINDEX", k, g.index());
            case 9 -> Op.of("LSET", k, g.chance(0.7) ? g.oneOf("0", "-1", "1") : g.index(), g.member());
            case 10 -> Op.of("LLEN", k);
            case 11 -> Op.of("LINSERT", k, g.oneOf("BEFORE", "AFTER", "before", "MIDDLE"), g.member(), g.member());
            case 12 -> Op.of("LREM", k, g.oneOf("0", "1", "2", "-1", "-2", "x"), g.member());
            case 13 -> Op.of("LTRIM", k, g.index(), g.index());
            case 14 -> lpos(g, k);
            case 15 -> Op.of("LMOVE", k, g.key(), g.oneOf("LEFT", "RIGHT"), g.oneOf("LEFT", "RIGHT", "UP"));
            case 16 -> Op.of("RPOPLPUSH", k, g.key());
            case 17 -> lmpop(g, false);
            case 18 -> Op.of("LRANGE", k, "0", "-1");
            case 19 -> Op.of("LPUSH", k, g.oneOf("x", "y", "9223372036854775807", "12", ""));
            default -> Op.of("DEL", k);
        };
    }

    /** Blocking pops are rare: on an empty key Redis only times out on its next cron tick (~100 ms). */
    private static Op blocking(Gen g, String k) {
        return switch (g.nextInt(4)) {
            case 0 -> Op.of(g.oneOf("BLPOP", "BRPOP"), k, g.key(), g.oneOf("0.01", "0.01", "-1", "x"));
            case 1 -> Op.of("BLMOVE", k, g.key(), g.oneOf("LEFT", "RIGHT"), g.oneOf("LEFT", "RIGHT"), "0.01");
            case 2 -> Op.of("BRPOPLPUSH", k, g.key(), "0.01");
            default -> lmpop(g, true);
        };
    }

    private static Op push(Gen g, String cmd, String k) {
        List<Object> p = new ArrayList<>(List.of(cmd, k));
        int n = g.between(1, 4);
        for (int i = 0; i < n; i++) p.add(g.member());
        return Gen.op(p);
    }

    private static Op pop(Gen g, String cmd, String k) {
        if (g.chance(0.6)) return Op.of(cmd, k);
        return Op.of(cmd, k, g.oneOf("0", "1", "2", "5", "-1", "x", "100"));
    }

    private static Op lpos(Gen g, String k) {
        List<Object> p = new ArrayList<>(List.of("LPOS", k, g.member()));
        // not RANK -9223372036854775808: Redis 7.0 negates it with signed overflow (undefined
        // behaviour in C; 7.0.15 happens to return every match) and 7.2 rejects it
        if (g.chance(0.5)) { p.add("RANK"); p.add(g.oneOf("1", "2", "-1", "-2", "0", "-9223372036854775807", "x")); }
        if (g.chance(0.5)) { p.add("COUNT"); p.add(g.oneOf("0", "1", "2", "-1")); }
        if (g.chance(0.3)) { p.add("MAXLEN"); p.add(g.oneOf("0", "1", "3", "-1")); }
        if (g.chance(0.05)) p.add("BOGUS");
        return Gen.op(p);
    }

    private static Op lmpop(Gen g, boolean blocking) {
        List<Object> p = new ArrayList<>();
        p.add(blocking ? "BLMPOP" : "LMPOP");
        if (blocking) p.add("0.01");
        int n = g.between(1, 2);
        p.add(g.chance(0.95) ? Integer.toString(n) : g.oneOf("0", "-1", "5"));
        for (int i = 0; i < n; i++) p.add(g.key());
        p.add(g.oneOf("LEFT", "RIGHT", "MIDDLE"));
        if (g.chance(0.5)) { p.add("COUNT"); p.add(g.oneOf("1", "2", "10", "0", "-1")); }
        return Gen.op(p);
    }
}
