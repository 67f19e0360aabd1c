package io.cachelab.engine.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Runs generated command sequences against two servers and compares them: every reply (normalised
 * only where Redis is unordered, random or clock-driven, see {@link Op.Check}) and, after each
 * sequence, the whole keyspace. The first divergence is shrunk by delta debugging (drop chunks of
 * the sequence while some divergence persists) and reported as redis-cli lines with both replies, so
 * the failure message alone is enough to reproduce and fix the bug.
 */
public final class Differential {
    private static final int MAX_SHRINK_REPLAYS = 3000;

    private final Endpoint a;
    private final Endpoint b;
    private String rerunHint = "";
    private boolean skipUnknown;
    private Pattern exclude;
    private final Map<String, Boolean> knownBySideA = new HashMap<>();
    /** Per command: [calls, error replies, nil/empty replies]; printed so a generator that only
     *  produces syntax errors is visible in the test output. */
    private final TreeMap<String, int[]> stats = new TreeMap<>();

    public Differential(Endpoint a, Endpoint b) {
        this.a = a;
        this.b = b;
    }

    /** What went wrong, where. {@code opIndex} is -1 for a final-state difference. */
    public record Divergence(int opIndex, String what) {
    }

    /** One executed op with both replies, for the report. */
    private record Step(Op op, Reply ra, Reply rb, String problem) {
    }

    /**
     * Runs {@code totalOps} operations of {@code family} as sequences of {@code opsPerSequence}, each
     * from its own seed derived from {@code baseSeed}. Throws AssertionError on a divergence.
     */
    public void run(Family family, long baseSeed, int totalOps, int opsPerSequence) {
        run(family, baseSeed, totalOps, opsPerSequence, "-Ddiff.seed=" + baseSeed);
    }

    /** As above; {@code rerunHint} tells the reader how to replay this exact run. */
    public void run(Family family, long baseSeed, int totalOps, int opsPerSequence, String rerunHint) {
        this.rerunHint = rerunHint;
        int done = 0;
        stats.clear();
        for (int i = 0; done < totalOps; i++) {
            long seed = sequenceSeed(baseSeed, i);
            List<Op> ops = generate(family, seed, opsPerSequence);
            Divergence d = execute(ops, null, true);
            if (d != null) {
                throw new AssertionError(report(family, seed, ops, d));
            }
            if (ops.isEmpty()) break;
            done += ops.size();
        }
        System.out.println(statsLine(family, done));
    }

    private void count(Op op, Reply r) {
        int[] c = stats.computeIfAbsent(op.name(), n -> new int[3]);
        c[0]++;
        if (r.isError()) c[1]++;
        else if (r.kind() == Reply.Kind.NULL || r.kind() == Reply.Kind.NULL_ARRAY || (r.isArray() && r.size() == 0)) c[2]++;
    }

    private String statsLine(Family family, int ops) {
        StringBuilder sb = new StringBuilder("differential '" + family.name() + "': " + ops + " ops agreed; per command calls/errors/empty:");
        stats.forEach((name, c) -> sb.append(' ').append(name).append('=').append(c[0]).append('/').append(c[1]).append('/').append(c[2]));
        return sb.toString();
    }

    /** Spreads (base, index) over the seed space so runs with nearby base seeds share no sequence. */
    static long sequenceSeed(long baseSeed, int index) {
        long z = baseSeed * 0x9E3779B97F4A7C15L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Drop generated commands side A does not know (asked once per name with COMMAND INFO), so the
     * implemented part of a half-finished family can be compared. Off by default: a missing command
     * must fail the family.
     */
    public Differential skipUnknownCommands(boolean skip) {
        this.skipUnknown = skip;
        return this;
    }

    /**
     * Drop generated commands whose redis-cli line matches {@code regex}: lets whoever fixes one
     * known divergence look past it for the next. Null for none.
     */
    public Differential exclude(String regex) {
        this.exclude = regex == null || regex.isEmpty() ? null : Pattern.compile(regex);
        return this;
    }

    List<Op> generate(Family family, long seed, int n) {
        Gen g = new Gen(seed, family.keys());
        List<Op> ops = new ArrayList<>(n);
        for (int attempts = 0; ops.size() < n && attempts < n * 20; attempts++) {
            Op op = family.next(g);
            if (exclude != null && exclude.matcher(op.toString()).find()) continue;
            if (!skipUnknown || knownBySideA.computeIfAbsent(op.name(), this::sideAKnows)) ops.add(op);
        }
        return ops;
    }

    private boolean sideAKnows(String name) {
        Reply info = a.call("COMMAND", "INFO", name);
        boolean known = info.isArray() && info.size() == 1 && info.get(0).isArray();
        if (!known) stats.computeIfAbsent(name + "(skipped: unknown to " + a.name() + ")", x -> new int[3]);
        return known;
    }

    /** Runs ops on an empty db 0 of both sides; returns the first divergence, or null. */
    Divergence execute(List<Op> ops, List<Step> steps, boolean countStats) {
        for (Endpoint e : List.of(a, b)) {
            Reply r = e.call("FLUSHALL");
            if (!"OK".equals(r.text())) return new Divergence(-1, "FLUSHALL on " + e.name() + " answered " + r);
        }
        Divergence first = null;
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            Reply ra = a.call(op.argv());
            Reply rb = b.call(op.argv());
            if (op.sleepAfterMs() > 0) {
                sleep(op.sleepAfterMs());
                // touch the key on both sides so the lazily expired key is gone everywhere: DBSIZE
                // counts expired keys nobody has reaped yet, and active expiry reaps at random times
                if (op.argv().length > 1) {
                    a.call(RedisCli.argv("EXISTS", op.argv()[1]));
                    b.call(RedisCli.argv("EXISTS", op.argv()[1]));
                }
            }
            String problem = compare(op, ra, rb);
            if (countStats) count(op, rb);
            if (steps != null) steps.add(new Step(op, ra, rb, problem));
            if (problem != null) {
                first = new Divergence(i, problem);
                break;
            }
        }
        if (first != null) return first;
        String state = compareState();
        return state == null ? null : new Divergence(-1, state);
    }

    // ---------------------------------------------------------------- reply comparison

    private String compare(Op op, Reply ra, Reply rb) {
        if (ra.isError() || rb.isError()) {
            return ra.equals(rb) ? null : "replies differ";
        }
        return switch (op.check()) {
            case EXACT -> ra.equals(rb) ? null : "replies differ";
            case UNORDERED -> sorted(ra, 1).equals(sorted(rb, 1)) ? null : "replies differ (compared as unordered)";
            case UNORDERED_PAIRS -> sorted(ra, 2).equals(sorted(rb, 2)) ? null : "replies differ (compared as unordered pairs)";
            case SCAN, SCAN_PAIRS -> compareScan(op, ra, rb);
            case TTL_SECONDS -> closeEnough(ra, rb, 2) ? null : "TTLs differ by more than 2 s";
            case TTL_MILLIS -> closeEnough(ra, rb, 2000) ? null : "TTLs differ by more than 2000 ms";
            case RANDOM_SET_MEMBERS, RANDOM_HASH_FIELDS, RANDOM_ZSET_MEMBERS -> compareRandom(op, ra, rb);
            case SPOP -> compareSpop(op, ra, rb);
            case RANDOMKEY -> compareRandomKey(ra, rb);
        };
    }

    private static String compareScan(Op op, Reply ra, Reply rb) {
        if (!ra.isArray() || !rb.isArray() || ra.size() != 2 || rb.size() != 2) {
            return ra.equals(rb) ? null : "replies differ";
        }
        if (!ra.get(0).equals(rb.get(0))) return "scan cursors differ";
        int group = op.check() == Op.Check.SCAN_PAIRS ? 2 : 1;
        return sorted(ra.get(1), group).equals(sorted(rb.get(1), group)) ? null : "scan items differ (compared as unordered)";
    }

    private static boolean closeEnough(Reply ra, Reply rb, long tolerance) {
        if (ra.kind() != Reply.Kind.INTEGER || rb.kind() != Reply.Kind.INTEGER) return ra.equals(rb);
        if (ra.integer() < 0 || rb.integer() < 0) return ra.integer() == rb.integer();
        return Math.abs(ra.integer() - rb.integer()) <= tolerance;
    }

    /** Sorts an array reply in groups of {@code group} elements (1 = elements, 2 = pairs). */
    static Reply sorted(Reply r, int group) {
        if (!r.isArray() || r.size() % group != 0) return r;
        List<List<Reply>> groups = new ArrayList<>();
        for (int i = 0; i < r.size(); i += group) groups.add(r.elements().subList(i, i + group));
        groups.sort(Comparator.comparing((List<Reply> g) -> sortKey(g.get(0))).thenComparing(g -> sortKey(g.get(g.size() - 1))));
        List<Reply> flat = new ArrayList<>();
        groups.forEach(flat::addAll);
        return Reply.array(flat);
    }

    private static String sortKey(Reply r) {
        return r.kind() + ":" + (r.bytes() == null ? r.toString() : new String(r.bytes(), StandardCharsets.ISO_8859_1));
    }

    private String compareRandom(Op op, Reply ra, Reply rb) {
        byte[][] argv = op.argv();
        boolean withValues = argv.length > 3;
        Long count = argv.length > 2 ? parseLong(argv[2]) : null;
        if (ra.kind() != rb.kind()) return "random reply shapes differ";
        if (!ra.isArray()) {
            // no count: one bulk (or nil for a missing key)
            if (ra.kind() != Reply.Kind.BULK) return ra.equals(rb) ? null : "replies differ";
            String m = memberProblem(op.check(), a, argv[1], ra.bytes(), null);
            return m != null ? m : memberProblem(op.check(), b, argv[1], rb.bytes(), null);
        }
        if (ra.size() != rb.size()) return "random replies have different sizes";
        for (Endpoint side : List.of(a, b)) {
            Reply r = side == a ? ra : rb;
            int stride = withValues ? 2 : 1;
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < r.size(); i += stride) {
                Reply m = r.get(i);
                if (m.kind() != Reply.Kind.BULK) return side.name() + " returned a non-bulk member " + m;
                if (count != null && count > 0 && !seen.add(new String(m.bytes(), StandardCharsets.ISO_8859_1))) {
                    return side.name() + " returned a duplicate for a positive count: " + m;
                }
                byte[] value = withValues ? r.get(i + 1).bytes() : null;
                String p = memberProblem(op.check(), side, argv[1], m.bytes(), value);
                if (p != null) return p;
            }
        }
        return null;
    }

    /** Checks on the same side that the element exists (and carries that value/score). */
    private static String memberProblem(Op.Check check, Endpoint side, byte[] key, byte[] member, byte[] value) {
        Reply actual;
        switch (check) {
            case RANDOM_SET_MEMBERS -> {
                actual = side.call(RedisCli.argv("SISMEMBER", key, member));
                return actual.equals(Reply.integer(1)) ? null
                        : side.name() + " returned " + RedisCli.quote(member) + " which SISMEMBER denies: " + actual;
            }
            case RANDOM_HASH_FIELDS -> actual = side.call(RedisCli.argv("HGET", key, member));
            default -> actual = side.call(RedisCli.argv("ZSCORE", key, member));
        }
        if (actual.kind() != Reply.Kind.BULK) return side.name() + " returned " + RedisCli.quote(member) + " which is not there: " + actual;
        if (value != null && !Arrays.equals(value, actual.bytes())) {
            return side.name() + " returned " + RedisCli.quote(member) + " with " + RedisCli.quote(value) + " but it holds " + actual;
        }
        return null;
    }

    /**
     * SPOP picks different members on each side. After checking the shapes, side B gets back what it
     * popped and loses what A popped (checking both counts, which proves the popped members were
     * real and distinct), so the two keyspaces stay equal for the rest of the sequence.
     */
    private String compareSpop(Op op, Reply ra, Reply rb) {
        if (ra.kind() != rb.kind()) return "SPOP reply shapes differ";
        if (ra.kind() == Reply.Kind.NULL) return null;
        List<byte[]> popA = members(ra);
        List<byte[]> popB = members(rb);
        if (popA == null || popB == null) return ra.equals(rb) ? null : "replies differ";
        if (popA.size() != popB.size()) return "SPOP popped different numbers of members";
        if (distinct(popA) != popA.size() || distinct(popB) != popB.size()) return "SPOP returned duplicates";
        if (sameMembers(popA, popB)) return null;
        byte[] key = op.argv()[1];
        Reply restored = b.call(concat("SADD", key, popB));
        if (!restored.equals(Reply.integer(popB.size()))) {
            return b.name() + " popped members that were still there (SADD returned " + restored + ")";
        }
        Reply removed = b.call(concat("SREM", key, popA));
        if (!removed.equals(Reply.integer(popA.size()))) {
            return a.name() + " popped members the set did not hold (SREM on " + b.name() + " returned " + removed + ")";
        }
        return null;
    }

    private static List<byte[]> members(Reply r) {
        if (r.kind() == Reply.Kind.BULK) return List.of(r.bytes());
        if (!r.isArray()) return null;
        List<byte[]> out = new ArrayList<>();
        for (Reply e : r.elements()) {
            if (e.kind() != Reply.Kind.BULK) return null;
            out.add(e.bytes());
        }
        return out;
    }

    private static int distinct(List<byte[]> items) {
        Set<String> s = new HashSet<>();
        for (byte[] x : items) s.add(new String(x, StandardCharsets.ISO_8859_1));
        return s.size();
    }

    /** true when both lists hold the same members */
    private static boolean sameMembers(List<byte[]> x, List<byte[]> y) {
        Set<String> sx = new HashSet<>();
        Set<String> sy = new HashSet<>();
        x.forEach(v -> sx.add(new String(v, StandardCharsets.ISO_8859_1)));
        y.forEach(v -> sy.add(new String(v, StandardCharsets.ISO_8859_1)));
        return sx.equals(sy);
    }

    private static byte[][] concat(String cmd, byte[] key, List<byte[]> items) {
        byte[][] argv = new byte[items.size() + 2][];
        argv[0] = cmd.getBytes(StandardCharsets.US_ASCII);
        argv[1] = key;
        for (int i = 0; i < items.size(); i++) argv[i + 2] = items.get(i);
        return argv;
    }

    private String compareRandomKey(Reply ra, Reply rb) {
        if (ra.kind() != rb.kind()) return "RANDOMKEY shapes differ";
        if (ra.kind() != Reply.Kind.BULK) return ra.equals(rb) ? null : "replies differ";
        for (Endpoint side : List.of(a, b)) {
            Reply r = side == a ? ra : rb;
            Reply exists = side.call(RedisCli.argv("EXISTS", r.bytes()));
            if (!exists.equals(Reply.integer(1))) return side.name() + " RANDOMKEY returned a key that does not exist: " + r;
        }
        return null;
    }

    // ---------------------------------------------------------------- final state

    private String compareState() {
        Reply keysA = sorted(a.call("KEYS", "*"), 1);
        Reply keysB = sorted(b.call("KEYS", "*"), 1);
        if (!keysA.equals(keysB)) return "final keyspaces differ: KEYS * is\n    " + a.name() + ": " + keysA + "\n    " + b.name() + ": " + keysB;
        if (!keysA.isArray()) return null;
        for (Reply k : keysA.elements()) {
            byte[] key = k.bytes();
            for (byte[][] probe : stateProbes(key)) {
                Reply pa = a.call(probe);
                Reply pb = b.call(probe);
                boolean ttl = probe[0][0] == 'P';
                boolean same = ttl ? closeEnough(pa, pb, 2000) : sortedIfUnordered(probe, pa).equals(sortedIfUnordered(probe, pb));
                if (!same) {
                    return "final state differs for key " + RedisCli.quote(key) + ": " + RedisCli.line(probe) + "\n    "
                            + a.name() + ": " + pa + "\n    " + b.name() + ": " + pb;
                }
            }
        }
        return null;
    }

    private List<byte[][]> stateProbes(byte[] key) {
        Reply type = a.call(RedisCli.argv("TYPE", key));
        List<byte[][]> probes = new ArrayList<>();
        probes.add(RedisCli.argv("TYPE", key));
        String t = type.text() == null ? "" : type.text();
        switch (t) {
            case "string" -> probes.add(RedisCli.argv("GET", key));
            case "list" -> probes.add(RedisCli.argv("LRANGE", key, "0", "-1"));
            case "set" -> probes.add(RedisCli.argv("SMEMBERS", key));
            case "hash" -> probes.add(RedisCli.argv("HGETALL", key));
            case "zset" -> probes.add(RedisCli.argv("ZRANGE", key, "0", "-1", "WITHSCORES"));
            default -> {
                // other types have no family yet; TYPE and TTL still compare
            }
        }
        probes.add(RedisCli.argv("PTTL", key));
        return probes;
    }

    private static Reply sortedIfUnordered(byte[][] probe, Reply r) {
        String cmd = new String(probe[0], StandardCharsets.US_ASCII);
        return switch (cmd) {
            case "SMEMBERS" -> sorted(r, 1);
            case "HGETALL" -> sorted(r, 2);
            default -> r;
        };
    }

    // ---------------------------------------------------------------- shrinking and reporting

    /** Classic ddmin over the op list: keep any smaller list that still diverges. */
    List<Op> shrink(List<Op> ops) {
        int replays = 0;
        int n = 2;
        while (ops.size() >= 2 && replays < MAX_SHRINK_REPLAYS) {
            int chunk = (ops.size() + n - 1) / n;
            boolean reduced = false;
            for (int start = 0; start < ops.size() && replays < MAX_SHRINK_REPLAYS; start += chunk) {
                List<Op> candidate = new ArrayList<>(ops.subList(0, start));
                candidate.addAll(ops.subList(Math.min(ops.size(), start + chunk), ops.size()));
                replays++;
                if (!candidate.isEmpty() && execute(candidate, null, false) != null) {
                    ops = candidate;
                    n = Math.max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (n >= ops.size()) break;
                n = Math.min(ops.size(), n * 2);
            }
        }
        return ops;
    }

    private String report(Family family, long seed, List<Op> ops, Divergence original) {
        List<Op> prefix = original.opIndex() >= 0 ? ops.subList(0, original.opIndex() + 1) : ops;
        List<Op> minimal = shrink(new ArrayList<>(prefix));
        List<Step> steps = new ArrayList<>();
        Divergence d = execute(minimal, steps, false);
        StringBuilder sb = new StringBuilder();
        sb.append("\nDifferential divergence in family '").append(family.name()).append("' between ")
                .append(a.name()).append(" and ").append(b.name()).append('\n')
                .append("sequence seed ").append(seed).append(" (rerun with ").append(rerunHint).append(")\n");
        if (d == null) {
            sb.append("(the shrunk sequence no longer diverges: the divergence is timing-dependent)\n");
            d = original;
            steps.clear();
            execute(prefix, steps, false);
            minimal = prefix;
        }
        sb.append("problem: ").append(d.what()).append('\n')
                .append("minimal reproduction (").append(minimal.size()).append(" of ").append(prefix.size())
                .append(" commands, on an empty database):\n");
        for (Step s : steps) {
            sb.append("  ").append(s.op()).append(s.problem() != null ? "      <-- " + s.problem() : "").append('\n');
            if (s.ra().equals(s.rb())) {
                sb.append("      both: ").append(s.ra()).append('\n');
            } else {
                sb.append("      ").append(a.name()).append(": ").append(s.ra()).append('\n');
                sb.append("      ").append(b.name()).append(": ").append(s.rb()).append('\n');
            }
        }
        return sb.toString();
    }

    private static Long parseLong(byte[] b) {
        try {
            return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void sleep(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
