package io.cachelab.engine.it;

import java.util.ArrayList;
import java.util.List;

/**
 * Generic keyspace commands and expiry (db.c, expire.c) over keys of every type. TTLs come from
 * {@link Gen}'s collision-free domains; a handful of millisecond TTLs are followed by a wait so lazy
 * expiry is exercised without racing the clock.
 */
final class KeyFamily implements Family {
    @Override
    public String name() {
        return "keys";
    }

    @Override
    public String[] keys() {
        return new String[] {"k1", "k2", "k3", "k4", "key:5"};
    }

    @Override
    public Op next(Gen g) {
        String k = g.key();
        if (g.chance(0.015)) {
            return g.chance(0.5) ? Op.of("PEXPIRE", k, g.oneOf("1", "2", "3")).sleepAfter(10)
                    : Op.of("SET", k, g.value(), "PX", g.oneOf("1", "3")).sleepAfter(10);
        }
        return switch (g.nextInt(22)) {
            case 0, 1, 2 -> g.crossType(k);
            case 3 -> Op.of("SET", k, g.value());
            case 4 -> multi(g, g.oneOf("DEL", "UNLINK", "EXISTS", "TOUCH"));
            case 5 -> Op.of("TYPE", k);
            case 6 -> Op.of(g.oneOf("RENAME", "RENAMENX"), k, g.key());
            case 7 -> copy(g, k);
            case 8, 9 -> expire(g, k);
            case 10 -> Op.of("PERSIST", k);
            case 11 -> Op.of(Op.Check.TTL_SECONDS, g.oneOf("TTL", "EXPIRETIME"), k);
            case 12 -> Op.of(Op.Check.TTL_MILLIS, g.oneOf("PTTL", "PEXPIRETIME"), k);
            case 13 -> Op.of(Op.Check.UNORDERED, "KEYS", g.oneOf("*", "k*", "k?", "key:*", "k[12]", "k[^1]*", "*5", "nomatch", "k\\1", "[a-z]*"));
            case 14 -> Op.of("DBSIZE");
            case 15 -> Op.of(Op.Check.RANDOMKEY, "RANDOMKEY");
            case 16 -> scan(g);
            case 17 -> Op.of("SET", k, g.value(), "EX", g.relativeTtl(false));
            case 18 -> Op.of("GETEX", k, "PERSIST");
            case 19 -> Op.of("GET", k);
            case 20 -> Op.of("EXISTS", k, k);
            default -> Op.of("OBJECT", "FREQ", k);
        };
    }

    private static Op multi(Gen g, String cmd) {
        List<Object> p = new ArrayList<>(List.of(cmd));
        int n = g.between(1, 4);
        for (int i = 0; i < n; i++) p.add(g.key());
        return Gen.op(p);
    }

    private static Op copy(Gen g, String k) {
        List<Object> p = new ArrayList<>(List.of("COPY", k, g.key()));
        if (g.chance(0.4)) p.add("REPLACE");
        if (g.chance(0.05)) p.add(g.oneOf("BOGUS", "DB"));
        return Gen.op(p);
    }

    private static Op expire(Gen g, String k) {
        boolean absolute = g.chance(0.4);
        boolean millis = g.chance(0.5);
        String cmd = absolute ? (millis ? "PEXPIREAT" : "EXPIREAT") : (millis ? "PEXPIRE" : "EXPIRE");
        String when = absolute ? g.absoluteTime(millis) : g.relativeTtl(millis);
        List<Object> p = new ArrayList<>(List.of(cmd, k, when));
        int flags = g.chance(0.5) ? 0 : g.chance(0.85) ? 1 : 2;
        for (int i = 0; i < flags; i++) p.add(g.oneOf("NX", "XX", "GT", "LT", "gt", "BOGUS"));
        return Gen.op(p);
    }

    private static Op scan(Gen g) {
        List<Object> p = new ArrayList<>(List.of("SCAN", "0", "COUNT", "1000"));
        if (g.chance(0.4)) { p.add("MATCH"); p.add(g.oneOf("k*", "*", "key:*", "x")); }
        if (g.chance(0.4)) { p.add("TYPE"); p.add(g.oneOf("string", "list", "set", "zset", "hash", "nosuchtype")); }
        return Gen.op(Op.Check.SCAN, p);
    }
}
