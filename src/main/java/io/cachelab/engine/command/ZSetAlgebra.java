package io.cachelab.engine.command;

import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.util.Dict;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.SetValue;
import io.cachelab.engine.type.ZSetValue;
import io.cachelab.engine.type.ZSetValue.Node;
import io.cachelab.engine.util.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (t_zset.c's zunionInterDiffGenericCommand):
 * one implementation behind all seven, as in Redis, so WEIGHTS/AGGREGATE parsing, plain sets as
 * inputs (every score 1) and the error precedence are the same everywhere. Apart from the rest of the
 * family because set algebra shares nothing with ranges and pops but the helpers it borrows.
 */
final class ZSetAlgebra {
    private ZSetAlgebra() {
    }

    /** One input of ZUNION & co: a sorted set, a plain set (every score 1), or a missing key. */
    private record Input(ZSetValue zset, SetValue set, double weight) {
        int size() {
            return zset != null ? zset.size() : set != null ? set.size() : 0;
        }

        Double scoreOf(Bytes member) {
            if (zset != null) return zset.score(member);
            if (set != null) return set.contains(member.array()) ? 1.0 : null;
            return null;
        }
    }

    private enum Aggregate { SUM, MIN, MAX }

    private static double aggregate(Aggregate agg, double acc, double v) {
        switch (agg) {
            case MIN:
                return Math.min(acc, v);
            case MAX:
                return Math.max(acc, v);
            default:
                double s = acc + v;
                // inf + -inf: Redis turns the NaN into 0
                return Double.isNaN(s) ? 0.0 : s;
        }
    }

    static void combine(Client c, byte[][] a, Bytes dst, int numkeysIdx, ZSetCommands.SetOp op, boolean cardinalityOnly) {
        long numkeys = ListCommands.parseLong(a[numkeysIdx]);
        String name = new String(a[0]).toLowerCase();
        if (numkeys < 1) throw new RedisError("ERR at least 1 input key is needed for '" + name + "' command");
        if (numkeys > a.length - numkeysIdx - 1) throw new RedisError(ZSetCommands.SYNTAX);
        int n = (int) numkeys;
        ZSetValue[] zsets = new ZSetValue[n];
        SetValue[] sets = new SetValue[n];
        double[] weights = new double[n];
        int j = numkeysIdx + 1;
        for (int i = 0; i < n; i++, j++) {
            Bytes key = new Bytes(a[j]);
            RValue v = dst != null ? c.db().lookupWrite(key) : c.db().lookupRead(key);
            if (v instanceof ZSetValue z) zsets[i] = z;
            else if (v instanceof SetValue s) sets[i] = s;
            else if (v != null) throw RedisError.WRONGTYPE;
            weights[i] = 1.0;
        }
        Aggregate agg = Aggregate.SUM;
        boolean withScores = false;
        long limit = 0;
        int remaining = a.length - j;
        while (remaining > 0) {
            if (op != ZSetCommands.SetOp.DIFF && !cardinalityOnly && remaining >= n + 1 && ZSetCommands.eq(a[j], "weights")) {
                j++;
                remaining--;
                for (int i = 0; i < n; i++, j++, remaining--) {
                    weights[i] = ZSetCommands.parseScore(a[j], "ERR weight value is not a float");
                }
            } else if (op != ZSetCommands.SetOp.DIFF && !cardinalityOnly && remaining >= 2 && ZSetCommands.eq(a[j], "aggregate")) {
                j++;
                remaining--;
                if (ZSetCommands.eq(a[j], "sum")) agg = Aggregate.SUM;
                else if (ZSetCommands.eq(a[j], "min")) agg = Aggregate.MIN;
                else if (ZSetCommands.eq(a[j], "max")) agg = Aggregate.MAX;
                else throw new RedisError(ZSetCommands.SYNTAX);
                j++;
                remaining--;
            } else if (remaining >= 1 && dst == null && !cardinalityOnly && ZSetCommands.eq(a[j], "withscores")) {
                j++;
                remaining--;
                withScores = true;
            } else if (cardinalityOnly && remaining >= 2 && ZSetCommands.eq(a[j], "limit")) {
                j++;
                remaining--;
                Long l = Numbers.parseLongStrict(a[j]);
                if (l == null || l < 0) throw new RedisError("ERR LIMIT can't be negative");
                limit = l;
                j++;
                remaining--;
            } else {
                throw new RedisError(ZSetCommands.SYNTAX);
            }
        }
        Input[] inputs = new Input[n];
        for (int i = 0; i < n; i++) inputs[i] = new Input(zsets[i], sets[i], weights[i]);

        if (cardinalityOnly) {
            c.addInteger(interCard(inputs, limit));
            return;
        }
        ZSetValue result = ZSetCommands.newZSet(c);
        // Redis builds the result as a skiplist (createZsetObject), which keeps -0 as computed;
        // only a stored result is fitted back to a listpack
        result.convertToSkiplist();
        switch (op) {
            case UNION -> union(inputs, agg, result);
            case INTER -> inter(inputs, agg, result);
            default -> diff(inputs, result);
        }
        if (dst != null) {
            ZSetCommands.storeResult(c, dst, result, op == ZSetCommands.SetOp.UNION ? "zunionstore" : op == ZSetCommands.SetOp.INTER ? "zinterstore" : "zdiffstore");
            return;
        }
        List<Node> nodes = new ArrayList<>(result.size());
        for (Node x = result.first(); x != null; x = x.next()) nodes.add(x);
        ZSetCommands.replyNodes(c, nodes, withScores);
    }

    private interface MemberVisitor {
        void visit(Bytes member, double score);
    }

    private static void forEach(Input in, MemberVisitor v) {
        if (in.zset != null) {
            for (Node x = in.zset.first(); x != null; x = x.next()) v.visit(x.member(), x.score());
        } else if (in.set != null) {
            in.set.forEach(m -> v.visit(m, 1.0));
        }
    }

    private static double weighted(double score, double weight) {
        double v = score * weight;
        return Double.isNaN(v) ? 0.0 : v;
    }

    private static void union(Input[] inputs, Aggregate agg, ZSetValue result) {
        Dict<Bytes, Double> acc = new Dict<>();
        for (Input in : inputs) {
            forEach(in, (m, s) -> {
                double v = weighted(s, in.weight);
                Double cur = acc.get(m);
                acc.put(m, cur == null ? v : aggregate(agg, cur, v));
            });
        }
        for (Dict.Entry<Bytes, Double> e : acc) result.insert(e.key(), e.value());
    }

    private static Input[] bySize(Input[] inputs) {
        Input[] sorted = inputs.clone();
        Arrays.sort(sorted, (x, y) -> Integer.compare(x.size(), y.size()));
        return sorted;
    }

    private static void inter(Input[] inputs, Aggregate agg, ZSetValue result) {
        Input[] sorted = bySize(inputs);
        if (sorted[0].size() == 0) return;
        forEach(sorted[0], (m, s) -> {
            double v = weighted(s, sorted[0].weight);
            for (int i = 1; i < sorted.length; i++) {
                Double other = sorted[i].scoreOf(m);
                if (other == null) return;
                v = aggregate(agg, v, weighted(other, sorted[i].weight));
            }
            result.insert(m, v);
        });
    }

    private static long interCard(Input[] inputs, long limit) {
        Input[] sorted = bySize(inputs);
        if (sorted[0].size() == 0) return 0;
        long[] count = {0};
        forEach(sorted[0], (m, s) -> {
            if (limit > 0 && count[0] >= limit) return;
            for (int i = 1; i < sorted.length; i++) {
                if (sorted[i].scoreOf(m) == null) return;
            }
            count[0]++;
        });
        return count[0];
    }

    private static void diff(Input[] inputs, ZSetValue result) {
        forEach(inputs[0], (m, s) -> {
            for (int i = 1; i < inputs.length; i++) {
                if (inputs[i].scoreOf(m) != null) return;
            }
            result.insert(m, s);
        });
    }

}
