package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.ScoreFormat;
import io.cachelab.engine.type.ZSetValue;
import io.cachelab.engine.type.ZSetValue.LexRange;
import io.cachelab.engine.type.ZSetValue.Node;
import io.cachelab.engine.type.ZSetValue.ScoreRange;
import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.util.Glob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The sorted-set family (Redis's t_zset.c). As in Redis, the many range commands are one generic
 * ZRANGE (rank, score or lex; forward or reverse; LIMIT; reply or store) configured by the legacy
 * command names, so their argument parsing and error precedence cannot drift apart; the
 * union/intersection/difference commands likewise share one implementation, in {@link ZSetAlgebra}.
 * Scores are replied through {@link #addScore} because Redis 7.0 writes them with %.17g, which is not
 * Java's format.
 */
public final class ZSetCommands {
    private ZSetCommands() {
    }

    static void register(Commands t) {
        t.bind("zadd", ZSetCommands::zadd);
        t.bind("zincrby", ZSetCommands::zincrby);
        t.bind("zrem", ZSetCommands::zrem);
        t.bind("zcard", ZSetCommands::zcard);
        t.bind("zcount", ZSetCommands::zcount);
        t.bind("zlexcount", ZSetCommands::zlexcount);
        t.bind("zscore", ZSetCommands::zscore);
        t.bind("zmscore", ZSetCommands::zmscore);
        t.bind("zrank", (c, a) -> zrank(c, a, false));
        t.bind("zrevrank", (c, a) -> zrank(c, a, true));
        t.bind("zrange", (c, a) -> zrange(c, a, 1, null, RangeBy.AUTO, false, false));
        t.bind("zrangestore", (c, a) -> zrange(c, a, 2, new Bytes(a[1]), RangeBy.AUTO, false, false));
        t.bind("zrevrange", (c, a) -> zrange(c, a, 1, null, RangeBy.RANK, true, true));
        t.bind("zrangebyscore", (c, a) -> zrange(c, a, 1, null, RangeBy.SCORE, false, true));
        t.bind("zrevrangebyscore", (c, a) -> zrange(c, a, 1, null, RangeBy.SCORE, true, true));
        t.bind("zrangebylex", (c, a) -> zrange(c, a, 1, null, RangeBy.LEX, false, true));
        t.bind("zrevrangebylex", (c, a) -> zrange(c, a, 1, null, RangeBy.LEX, true, true));
        t.bind("zremrangebyrank", (c, a) -> zremrange(c, a, RangeBy.RANK));
        t.bind("zremrangebyscore", (c, a) -> zremrange(c, a, RangeBy.SCORE));
        t.bind("zremrangebylex", (c, a) -> zremrange(c, a, RangeBy.LEX));
        t.bind("zpopmin", (c, a) -> zpop(c, a, false));
        t.bind("zpopmax", (c, a) -> zpop(c, a, true));
        t.bind("zmpop", (c, a) -> zmpop(c, a, false));
        t.bind("bzpopmin", (c, a) -> bzpop(c, a, false));
        t.bind("bzpopmax", (c, a) -> bzpop(c, a, true));
        t.bind("bzmpop", (c, a) -> zmpop(c, a, true));
        t.bind("zunion", (c, a) -> ZSetAlgebra.combine(c, a, null, 1, SetOp.UNION, false));
        t.bind("zinter", (c, a) -> ZSetAlgebra.combine(c, a, null, 1, SetOp.INTER, false));
        t.bind("zdiff", (c, a) -> ZSetAlgebra.combine(c, a, null, 1, SetOp.DIFF, false));
        t.bind("zunionstore", (c, a) -> ZSetAlgebra.combine(c, a, new Bytes(a[1]), 2, SetOp.UNION, false));
        t.bind("zinterstore", (c, a) -> ZSetAlgebra.combine(c, a, new Bytes(a[1]), 2, SetOp.INTER, false));
        t.bind("zdiffstore", (c, a) -> ZSetAlgebra.combine(c, a, new Bytes(a[1]), 2, SetOp.DIFF, false));
        t.bind("zintercard", (c, a) -> ZSetAlgebra.combine(c, a, null, 1, SetOp.INTER, true));
        t.bind("zscan", ZSetCommands::zscan);
        t.bind("zrandmember", ZSetCommands::zrandmember);
    }

    enum RangeBy { AUTO, RANK, SCORE, LEX }

    enum SetOp { UNION, INTER, DIFF }

    // ---- shared helpers -------------------------------------------------------------------

    private static final String NOT_FLOAT = "ERR value is not a valid float";
    private static final String RANGE_NOT_FLOAT = "ERR min or max is not a float";
    private static final String LEX_INVALID = "ERR min or max not valid string range item";
    static final String SYNTAX = "ERR syntax error";

    static ZSetValue zsetForRead(Client c, Bytes key) {
        RValue v = c.db().lookupRead(key);
        if (v == null) return null;
        if (!(v instanceof ZSetValue z)) throw RedisError.WRONGTYPE;
        return z;
    }

    static ZSetValue zsetForWrite(Client c, Bytes key) {
        RValue v = c.db().lookupWrite(key);
        if (v == null) return null;
        if (!(v instanceof ZSetValue z)) throw RedisError.WRONGTYPE;
        return z;
    }

    /** See ListCommands.listForBlockingPop: a re-run blocked client skips keys of another type. */
    static ZSetValue zsetForBlockingPop(Client c, Bytes key) {
        RValue v = c.db().lookupWrite(key);
        if (v == null) return null;
        if (v instanceof ZSetValue z) return z;
        if (c.isBlocked()) return null;
        throw RedisError.WRONGTYPE;
    }

    static ZSetValue newZSet(Client c) {
        return new ZSetValue(configInt(c, "zset-max-listpack-entries", 128), configInt(c, "zset-max-listpack-value", 64));
    }

    private static int configInt(Client c, String name, int fallback) {
        return server(c).config().exists(name) ? server(c).config().getInt(name) : fallback;
    }

    /** A score as Redis 7.0 replies it: %.17g in a bulk string (RESP2) or a RESP3 double. */
    static void addScore(Client c, double d) {
        c.addDouble(d);
    }

    static double parseScore(byte[] arg, String error) {
        Double d = parseDouble(arg, 0, false);
        if (d == null) throw new RedisError(error);
        return d;
    }

    /**
     * strtod as Redis uses it: Numbers' strict rules plus C's hex floats ("0x10"); a range bound
     * ({@code lenient}) is raw strtod, so leading blanks are skipped and "" or "(" read as 0.
     */
    static Double parseDouble(byte[] b, int off, boolean lenient) {
        if (lenient) {
            while (off < b.length && (b[off] == ' ' || (b[off] >= '\t' && b[off] <= '\r'))) off++;
            if (off == b.length) return 0.0;
        }
        byte[] s = off == 0 ? b : Arrays.copyOfRange(b, off, b.length);
        Double d = Numbers.parseDouble(s);
        if (d != null || s.length == 0 || s.length > 64) return d;
        String t = new String(s, java.nio.charset.StandardCharsets.US_ASCII);
        if (!t.matches("[+-]?0[xX]([0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)([pP][+-]?[0-9]+)?")) return null;
        if (t.indexOf('p') < 0 && t.indexOf('P') < 0) t = t + "p0";
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** zslParseRange: "(1.5" exclusive, "1.5" inclusive, "-inf"/"+inf". */
    static ScoreRange parseScoreRange(byte[] min, byte[] max) {
        boolean minEx = min.length > 0 && min[0] == '(';
        boolean maxEx = max.length > 0 && max[0] == '(';
        Double lo = parseDouble(min, minEx ? 1 : 0, true);
        Double hi = parseDouble(max, maxEx ? 1 : 0, true);
        if (lo == null || hi == null) throw new RedisError(RANGE_NOT_FLOAT);
        return new ScoreRange(lo, minEx, hi, maxEx);
    }

    static LexRange parseLexRange(byte[] min, byte[] max) {
        LexRange r = LexRange.parse(min, max);
        if (r == null) throw new RedisError(LEX_INVALID);
        return r;
    }

    static boolean eq(byte[] arg, String word) {
        return ListCommands.eq(arg, word);
    }

    private static void notify(Client c, String event, Bytes key) {
        server(c).notifyKeyspaceEvent(Notify.ZSET, event, key, c.db().id());
    }

    private static void deleteIfEmpty(Client c, Bytes key, ZSetValue z) {
        if (z.size() == 0) {
            c.db().delete(key);
            server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", key, c.db().id());
        }
    }

    /** Stores a computed result as ZRANGESTORE/ZUNIONSTORE do, or deletes the destination when empty. */
    static void storeResult(Client c, Bytes dst, ZSetValue result, String event) {
        if (result.size() > 0) {
            result.fitEncoding();
            c.db().set(dst, result);
            c.addInteger(result.size());
            notify(c, event, dst);
        } else {
            c.addInteger(0);
            if (c.db().delete(dst)) {
                server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", dst, c.db().id());
            }
        }
    }

    // ---- ZADD / ZINCRBY / ZREM ------------------------------------------------------------

    private static final int NX = 1, XX = 2, GT = 4, LT = 8, CH = 16, INCR = 32;

    private static void zadd(Client c, byte[][] a) {
        int flags = 0;
        int idx = 2;
        for (; idx < a.length; idx++) {
            byte[] o = a[idx];
            if (eq(o, "nx")) flags |= NX;
            else if (eq(o, "xx")) flags |= XX;
            else if (eq(o, "gt")) flags |= GT;
            else if (eq(o, "lt")) flags |= LT;
            else if (eq(o, "ch")) flags |= CH;
            else if (eq(o, "incr")) flags |= INCR;
            else break;
        }
        addGeneric(c, a, idx, flags);
    }

    private static void zincrby(Client c, byte[][] a) {
        addGeneric(c, a, 2, INCR);
    }

    private static void addGeneric(Client c, byte[][] a, int scoreIdx, int flags) {
        int elements = a.length - scoreIdx;
        if (elements % 2 != 0 || elements == 0) throw new RedisError(SYNTAX);
        elements /= 2;
        boolean nx = (flags & NX) != 0, xx = (flags & XX) != 0, gt = (flags & GT) != 0, lt = (flags & LT) != 0;
        boolean incr = (flags & INCR) != 0;
        if (nx && xx) throw new RedisError("ERR XX and NX options at the same time are not compatible");
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            throw new RedisError("ERR GT, LT, and/or NX options at the same time are not compatible");
        }
        if (incr && elements > 1) throw new RedisError("ERR INCR option supports a single increment-element pair");
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) scores[j] = parseScore(a[scoreIdx + j * 2], NOT_FLOAT);

        Bytes key = new Bytes(a[1]);
        ZSetValue z = zsetForWrite(c, key);
        if (z == null) {
            if (xx) {
                if (incr) c.addNull();
                else c.addInteger(0);
                return;
            }
            z = newZSet(c);
            c.db().add(key, z);
        } else if (z.isListpack()) {
            z.setLimits(configInt(c, "zset-max-listpack-entries", 128), configInt(c, "zset-max-listpack-value", 64));
        }
        int added = 0, updated = 0, processed = 0;
        double score = 0;
        String error = null;
        for (int j = 0; j < elements; j++) {
            Bytes member = new Bytes(a[scoreIdx + j * 2 + 1]);
            score = scores[j];
            Double cur = z.score(member);
            if (cur != null) {
                if (nx) continue;
                if (incr) {
                    score += cur;
                    if (Double.isNaN(score)) {
                        error = "ERR resulting score is not a number (NaN)";
                        break;
                    }
                }
                if ((lt && score >= cur) || (gt && score <= cur)) continue;
                processed++;
                if (score != cur) {
                    z.updateScore(member, score);
                    updated++;
                }
            } else if (!xx) {
                z.insert(member, score);
                added++;
                processed++;
            }
        }
        if (added + updated > 0) {
            c.db().signalModified(key);
            notify(c, incr ? "zincr" : "zadd", key);
        }
        if (error != null) throw new RedisError(error);
        if (incr) {
            // the computed score, not the stored one: a listpack stores -0 as 0 but ZINCRBY replies -0
            if (processed > 0) addScore(c, score);
            else c.addNull();
        } else {
            c.addInteger((flags & CH) != 0 ? added + updated : added);
        }
    }

    private static void zrem(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        ZSetValue z = zsetForWrite(c, key);
        if (z == null) {
            c.addInteger(0);
            return;
        }
        int deleted = 0;
        for (int i = 2; i < a.length; i++) {
            if (z.remove(new Bytes(a[i]))) deleted++;
            if (z.size() == 0) break;
        }
        if (deleted > 0) {
            notify(c, "zrem", key);
            deleteIfEmpty(c, key, z);
            c.db().signalModified(key);
        }
        c.addInteger(deleted);
    }

    // ---- reads ----------------------------------------------------------------------------

    private static void zcard(Client c, byte[][] a) {
        ZSetValue z = zsetForRead(c, new Bytes(a[1]));
        c.addInteger(z == null ? 0 : z.size());
    }

    private static void zcount(Client c, byte[][] a) {
        ScoreRange r = parseScoreRange(a[2], a[3]);
        ZSetValue z = zsetForRead(c, new Bytes(a[1]));
        c.addInteger(z == null ? 0 : z.count(r));
    }

    private static void zlexcount(Client c, byte[][] a) {
        LexRange r = parseLexRange(a[2], a[3]);
        ZSetValue z = zsetForRead(c, new Bytes(a[1]));
        c.addInteger(z == null ? 0 : z.count(r));
    }

    private static void zscore(Client c, byte[][] a) {
        ZSetValue z = zsetForRead(c, new Bytes(a[1]));
        Double s = z == null ? null : z.score(new Bytes(a[2]));
        if (s == null) c.addNull();
        else addScore(c, s);
    }

    private static void zmscore(Client c, byte[][] a) {
        ZSetValue z = zsetForRead(c, new Bytes(a[1]));
        c.addArrayLen(a.length - 2);
        for (int i = 2; i < a.length; i++) {
            Double s = z == null ? null : z.score(new Bytes(a[i]));
            if (s == null) c.addNull();
            else addScore(c, s);
        }
    }

    private static void zrank(Client c, byte[][] a, boolean reverse) {
        ZSetValue z = zsetForRead(c, new Bytes(a[1]));
        long rank = z == null ? -1 : z.rank(new Bytes(a[2]), reverse);
        if (rank < 0) c.addNull();
        else c.addInteger(rank);
    }

    // ---- the generic range ----------------------------------------------------------------

    /**
     * zrangeGenericCommand. {@code keyIdx} is where the source key is (2 for ZRANGESTORE), the
     * preset range type and direction come from the legacy command name ({@code fixed} marks the
     * legacy forms, whose own keyword may not be repeated).
     */
    private static void zrange(Client c, byte[][] a, int keyIdx, Bytes store, RangeBy by, boolean reverse, boolean fixed) {
        boolean withScores = false;
        long offset = 0, limit = -1;
        boolean directionSet = fixed && reverse;
        boolean rev = reverse;
        RangeBy type = by;
        for (int j = keyIdx + 3; j < a.length; j++) {
            int left = a.length - j - 1;
            if (store == null && eq(a[j], "withscores")) {
                withScores = true;
            } else if (eq(a[j], "limit") && left >= 2) {
                offset = ListCommands.parseLong(a[j + 1]);
                limit = ListCommands.parseLong(a[j + 2]);
                j += 2;
            } else if (!directionSet && !fixed && eq(a[j], "rev")) {
                directionSet = true;
                rev = true;
            } else if (type == RangeBy.AUTO && eq(a[j], "bylex")) {
                type = RangeBy.LEX;
            } else if (type == RangeBy.AUTO && eq(a[j], "byscore")) {
                type = RangeBy.SCORE;
            } else {
                throw new RedisError(SYNTAX);
            }
        }
        if (type == RangeBy.AUTO) type = RangeBy.RANK;
        if (limit != -1 && type == RangeBy.RANK) {
            throw new RedisError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        if (withScores && type == RangeBy.LEX) {
            throw new RedisError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        }
        byte[] minArg = a[keyIdx + 1];
        byte[] maxArg = a[keyIdx + 2];
        if (rev && type != RangeBy.RANK) {
            byte[] t = minArg;
            minArg = maxArg;
            maxArg = t;
        }
        long start = 0, end = 0;
        ScoreRange scoreRange = null;
        LexRange lexRange = null;
        switch (type) {
            case SCORE -> scoreRange = parseScoreRange(minArg, maxArg);
            case LEX -> lexRange = parseLexRange(minArg, maxArg);
            default -> {
                start = ListCommands.parseLong(minArg);
                end = ListCommands.parseLong(maxArg);
            }
        }
        Bytes key = new Bytes(a[keyIdx]);
        ZSetValue z = zsetForRead(c, key);
        List<Node> result = new ArrayList<>();
        if (z != null) {
            switch (type) {
                case SCORE -> collectByScore(z, scoreRange, rev, offset, limit, result);
                case LEX -> collectByLex(z, lexRange, rev, offset, limit, result);
                default -> collectByRank(z, start, end, rev, result);
            }
        }
        if (store != null) {
            ZSetValue out = newZSet(c);
            for (Node n : result) out.insert(n.member(), n.score());
            storeResult(c, store, out, "zrangestore");
            return;
        }
        replyNodes(c, result, withScores);
    }

    /** An array of members, or (WITHSCORES) flat member/score pairs in RESP2 and nested pairs in RESP3. */
    static void replyNodes(Client c, List<Node> nodes, boolean withScores) {
        boolean nested = withScores && c.resp() > 2;
        c.addArrayLen(withScores && !nested ? nodes.size() * 2 : nodes.size());
        for (Node n : nodes) {
            if (nested) c.addArrayLen(2);
            c.addBulk(n.member().array());
            if (withScores) addScore(c, n.score());
        }
    }

    private static void collectByRank(ZSetValue z, long start, long end, boolean rev, List<Node> out) {
        long len = z.size();
        if (start < 0) start += len;
        if (end < 0) end += len;
        if (start < 0) start = 0;
        if (start > end || start >= len) return;
        if (end >= len) end = len - 1;
        long n = end - start + 1;
        Node x = rev ? z.byRank(len - 1 - start) : z.byRank(start);
        while (n-- > 0 && x != null) {
            out.add(x);
            x = rev ? x.prev() : x.next();
        }
    }

    private static void collectByScore(ZSetValue z, ScoreRange r, boolean rev, long offset, long limit, List<Node> out) {
        if (offset > 0 && offset >= z.size()) return;
        Node x = rev ? z.lastInRange(r) : z.firstInRange(r);
        // a negative offset walks off the end, so the reply is empty, as in Redis
        while (x != null && offset-- != 0) x = rev ? x.prev() : x.next();
        while (x != null && limit-- != 0) {
            if (rev ? !r.aboveMin(x.score()) : !r.belowMax(x.score())) break;
            out.add(x);
            x = rev ? x.prev() : x.next();
        }
    }

    private static void collectByLex(ZSetValue z, LexRange r, boolean rev, long offset, long limit, List<Node> out) {
        if (offset > 0 && offset >= z.size()) return;
        Node x = rev ? z.lastInRange(r) : z.firstInRange(r);
        while (x != null && offset-- != 0) x = rev ? x.prev() : x.next();
        while (x != null && limit-- != 0) {
            if (rev ? !r.aboveMin(x.member()) : !r.belowMax(x.member())) break;
            out.add(x);
            x = rev ? x.prev() : x.next();
        }
    }

    private static void zremrange(Client c, byte[][] a, RangeBy by) {
        long start = 0, end = 0;
        ScoreRange scoreRange = null;
        LexRange lexRange = null;
        switch (by) {
            case SCORE -> scoreRange = parseScoreRange(a[2], a[3]);
            case LEX -> lexRange = parseLexRange(a[2], a[3]);
            default -> {
                start = ListCommands.parseLong(a[2]);
                end = ListCommands.parseLong(a[3]);
            }
        }
        Bytes key = new Bytes(a[1]);
        ZSetValue z = zsetForWrite(c, key);
        if (z == null) {
            c.addInteger(0);
            return;
        }
        long removed;
        String event;
        switch (by) {
            case SCORE -> {
                removed = z.removeRange(scoreRange);
                event = "zremrangebyscore";
            }
            case LEX -> {
                removed = z.removeRange(lexRange);
                event = "zremrangebylex";
            }
            default -> {
                long len = z.size();
                if (start < 0) start += len;
                if (end < 0) end += len;
                if (start < 0) start = 0;
                if (start > end || start >= len) {
                    c.addInteger(0);
                    return;
                }
                if (end >= len) end = len - 1;
                removed = z.removeRangeByRank(start, end);
                event = "zremrangebyrank";
            }
        }
        if (removed > 0) {
            notify(c, event, key);
            deleteIfEmpty(c, key, z);
            c.db().signalModified(key);
        }
        c.addInteger(removed);
    }

    // ---- pops -----------------------------------------------------------------------------

    private static void zpop(Client c, byte[][] a, boolean max) {
        if (a.length > 3) throw new RedisError(SYNTAX);
        long count = a.length == 3 ? ListCommands.parsePositiveCount(a[2]) : -1;
        Bytes key = new Bytes(a[1]);
        ZSetValue z = zsetForWrite(c, key);
        if (z == null || count == 0) {
            c.addArrayLen(0);
            return;
        }
        popAndReply(c, key, z, max, count, false);
    }

    /**
     * genericZpopCommand's reply: RESP2 always flat member/score; RESP3 flat for the single form
     * (no count) and nested pairs otherwise; the *MPOP form wraps it as [key, [[m, s]...]].
     */
    private static void popAndReply(Client c, Bytes key, ZSetValue z, boolean max, long count, boolean mpop) {
        boolean single = count == -1;
        if (single) count = 1;
        int n = (int) Math.min(count, z.size());
        boolean nested = mpop || (c.resp() > 2 && !single);
        if (mpop) {
            c.addArrayLen(2);
            c.addBulk(key.array());
        }
        c.addArrayLen(nested ? n : n * 2);
        for (int i = 0; i < n; i++) {
            Node x = max ? z.last() : z.first();
            Bytes member = x.member();
            double score = x.score();
            z.remove(member);
            if (nested) c.addArrayLen(2);
            c.addBulk(member.array());
            addScore(c, score);
        }
        notify(c, max ? "zpopmax" : "zpopmin", key);
        deleteIfEmpty(c, key, z);
        c.db().signalModified(key);
    }

    private static void zmpop(Client c, byte[][] a, boolean blocking) {
        int numkeysIdx = blocking ? 2 : 1;
        long numkeys = ListCommands.parseAtLeastOne(a[numkeysIdx], "numkeys should be greater than 0");
        long whereIdx = numkeysIdx + numkeys + 1;
        if (numkeys > a.length || whereIdx >= a.length) throw new RedisError(SYNTAX);
        boolean max;
        if (eq(a[(int) whereIdx], "min")) max = false;
        else if (eq(a[(int) whereIdx], "max")) max = true;
        else throw new RedisError(SYNTAX);
        long count = -1;
        for (int j = (int) whereIdx + 1; j < a.length; j++) {
            if (count == -1 && eq(a[j], "count") && j + 1 < a.length) {
                count = ListCommands.parseAtLeastOne(a[++j], "count should be greater than 0");
            } else {
                throw new RedisError(SYNTAX);
            }
        }
        if (count == -1) count = 1;
        long deadline = blocking ? ListCommands.parseTimeoutDeadline(c, a[1]) : -1;
        Bytes[] keys = new Bytes[(int) numkeys];
        for (int i = 0; i < numkeys; i++) {
            Bytes key = new Bytes(a[numkeysIdx + 1 + i]);
            keys[i] = key;
            ZSetValue z = blocking ? zsetForBlockingPop(c, key) : zsetForWrite(c, key);
            if (z == null) continue;
            // replicated as ZPOPMIN/ZPOPMAX key count, as Redis 7.0 does for ZMPOP and BZMPOP
            server(c).propagation().replace(max ? ZPOPMAX : ZPOPMIN, key.array(),
                    Long.toString(Math.min(count, z.size())).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            popAndReply(c, key, z, max, count, true);
            return;
        }
        if (blocking) server(c).blocking().block(c, ListCommands.distinctKeys(keys), deadline, true);
        else c.addNullArray();
    }

    /** A served blocking pop replays as the plain pop of the key it took from. */
    private static final byte[] ZPOPMIN = "ZPOPMIN".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] ZPOPMAX = "ZPOPMAX".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static void bzpop(Client c, byte[][] a, boolean max) {
        long deadline = ListCommands.parseTimeoutDeadline(c, a[a.length - 1]);
        Bytes[] keys = new Bytes[a.length - 2];
        for (int i = 1; i < a.length - 1; i++) {
            Bytes key = new Bytes(a[i]);
            keys[i - 1] = key;
            ZSetValue z = zsetForBlockingPop(c, key);
            if (z == null) continue;
            Node x = max ? z.last() : z.first();
            Bytes member = x.member();
            double score = x.score();
            z.remove(member);
            c.addArrayLen(3);
            c.addBulk(a[i]);
            c.addBulk(member.array());
            addScore(c, score);
            notify(c, max ? "zpopmax" : "zpopmin", key);
            server(c).propagation().replace(max ? ZPOPMAX : ZPOPMIN, a[i]);
            deleteIfEmpty(c, key, z);
            c.db().signalModified(key);
            return;
        }
        server(c).blocking().block(c, ListCommands.distinctKeys(keys), deadline, true);
    }

    // ---- ZSCAN / ZRANDMEMBER --------------------------------------------------------------

    private static void zscan(Client c, byte[][] a) {
        long cursor = KeyCommands.parseCursor(a[2]);
        byte[] pattern = null;
        long count = 10;
        for (int i = 3; i < a.length; i++) {
            boolean more = i + 1 < a.length;
            if (eq(a[i], "count") && more) {
                count = ListCommands.parseLong(a[++i]);
                if (count < 1) throw new RedisError(SYNTAX);
            } else if (eq(a[i], "match") && more) {
                pattern = a[++i];
                if (pattern.length == 1 && pattern[0] == '*') pattern = null;
            } else {
                throw new RedisError(SYNTAX);
            }
        }
        ZSetValue z = zsetForRead(c, new Bytes(a[1]));
        List<Bytes> members = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        long next = 0;
        if (z != null) {
            if (z.isListpack()) {
                // a listpack is scanned whole in one call, cursor 0, as Redis does
                for (Node x = z.first(); x != null; x = x.next()) {
                    members.add(x.member());
                    scores.add(x.score());
                }
            } else {
                long maxIterations = count * 10;
                next = cursor;
                do {
                    next = z.dict().scan(next, (m, s) -> {
                        members.add(m);
                        scores.add(s);
                    });
                } while (next != 0 && maxIterations-- > 0 && members.size() < count);
            }
        }
        int kept = 0;
        List<byte[]> reply = new ArrayList<>();
        // a listpack returns the score strings it stores (d2string); a skiplist formats %.17g
        boolean listpack = z != null && z.isListpack();
        for (int i = 0; i < members.size(); i++) {
            byte[] m = members.get(i).array();
            if (pattern != null && !Glob.matches(pattern, m, false)) continue;
            reply.add(m);
            double score = scores.get(i);
            reply.add((listpack ? ScoreFormat.d2string(score) : ScoreFormat.format(score)).getBytes());
            kept++;
        }
        c.addArrayLen(2);
        c.addBulk(Long.toUnsignedString(next));
        c.addArrayLen(kept * 2);
        for (byte[] b : reply) c.addBulk(b);
    }

    private static void zrandmember(Client c, byte[][] a) {
        if (a.length == 2) {
            ZSetValue z = zsetForRead(c, new Bytes(a[1]));
            if (z == null) {
                c.addNull();
                return;
            }
            Node pick = z.isListpack() ? z.byRank(ThreadLocalRandom.current().nextInt(z.size())) : null;
            c.addBulk(pick != null ? pick.member().array() : z.dict().randomEntry().key().array());
            return;
        }
        // the count is parsed before the options are checked, as zrandmemberCommand does
        Long l = Numbers.parseLongStrict(a[2]);
        if (l == null) throw new RedisError("ERR value is not an integer or out of range");
        if (a.length > 4 || (a.length == 4 && !eq(a[3], "withscores"))) throw new RedisError(SYNTAX);
        boolean withScores = a.length == 4;
        if (l == Long.MIN_VALUE) {
            throw new RedisError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        long count = l;
        if (withScores && (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2)) {
            throw new RedisError("ERR value is out of range");
        }
        ZSetValue z = zsetForRead(c, new Bytes(a[1]));
        if (z == null || count == 0) {
            c.addArrayLen(0);
            return;
        }
        boolean nested = withScores && c.resp() > 2;
        List<Node> picked = new ArrayList<>();
        if (count < 0) {
            long n = -count;
            int perElement = withScores && !nested ? 2 : 1;
            c.addArrayLen(n * perElement);
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            // a listpack's nodes are built once, not per pick
            Node[] packed = z.isListpack() ? z.nodes() : null;
            for (long i = 0; i < n; i++) {
                int r = rnd.nextInt(z.size());
                Node x = packed != null ? packed[r] : z.byRank(r);
                if (nested) c.addArrayLen(2);
                c.addBulk(x.member().array());
                if (withScores) addScore(c, x.score());
            }
            return;
        }
        if (count >= z.size()) {
            // the whole set; redis-server 7.0.15 answers it highest first
            for (Node x = z.last(); x != null; x = x.prev()) picked.add(x);
        } else if (count * 3 > z.size()) {
            // a large share of the set: partial Fisher-Yates over the ranks
            int size = z.size();
            int[] ranks = new int[size];
            for (int i = 0; i < size; i++) ranks[i] = i;
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int i = 0; i < count; i++) {
                int k = i + rnd.nextInt(size - i);
                int t = ranks[i];
                ranks[i] = ranks[k];
                ranks[k] = t;
                picked.add(z.byRank(ranks[i]));
            }
        } else {
            // a small share: draw ranks until enough distinct ones, as Redis's CASE 4
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (picked.size() < count) {
                int r = rnd.nextInt(z.size());
                if (seen.add(r)) picked.add(z.byRank(r));
            }
        }
        replyNodes(c, picked, withScores);
    }
}
