package io.cachelab.engine.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A command table entry, as Redis's redisCommand: name, arity (negative = at least), flags, and the
 * legacy key spec (first key, last key, step) that COMMAND INFO and COMMAND GETKEYS report, plus
 * per-command statistics for INFO commandstats.
 */
public final class CommandSpec {
    public final String name;
    public final int arity;
    public final Set<String> flags;
    public final int firstKey;
    public final int lastKey;
    public final int step;
    public final CommandHandler handler;
    public final CommandSpec parent;
    private final String fullName;
    public final Map<String, CommandSpec> subcommands = new LinkedHashMap<>();
    /** Finds keys where the legacy triple cannot (EVAL numkeys, ZUNIONSTORE ...), or null. */
    public KeyFinder keyFinder;
    public String group = "generic";
    public String since = "1.0.0";
    public String summary = "";
    public List<String> aclCategories = new ArrayList<>();
    /** This command in Redis's own table, which ACL rules name (null if Redis has no such command). */
    public io.cachelab.engine.acl.AclCommandTable.Cmd aclCmd;
    /** The no-auth flag, read by the ACL check. */
    public boolean noAuth;

    public long calls;
    public long usec;
    public long rejectedCalls;
    public long failedCalls;
    /**
     * LATENCY HISTOGRAM's per-command distribution: counts of durations up to 1024 ns << i (Redis
     * keeps an HdrHistogram and reports it in these same power-of-two steps); null until first used.
     */
    public long[] latencyBuckets;
    public long latencyCount;
    public static final int LATENCY_BUCKETS = 21;

    /** updateCommandLatencyHistogram: durations are clamped to [1 us, 1 s] as Redis does. */
    public void recordLatency(long nanos) {
        long v = Math.max(1024, Math.min(1_000_000_000L, nanos));
        int k = v <= 1024 ? 0 : 64 - Long.numberOfLeadingZeros((v - 1) >> 10);
        if (latencyBuckets == null) latencyBuckets = new long[LATENCY_BUCKETS];
        latencyBuckets[Math.min(k, LATENCY_BUCKETS - 1)]++;
        latencyCount++;
    }

    @FunctionalInterface
    public interface KeyFinder {
        /** Indexes in argv of the key arguments. */
        int[] keys(byte[][] argv);
    }

    public CommandSpec(String name, int arity, String flags, int firstKey, int lastKey, int step,
                       CommandHandler handler, CommandSpec parent) {
        this.name = name.toLowerCase(Locale.ROOT);
        this.arity = arity;
        // sorted once for COMMAND INFO; a hash set for has(), which the dispatcher calls per command
        TreeSet<String> sorted = new TreeSet<>(Comparator.comparingInt(CommandSpec::flagOrder).thenComparing(f -> f));
        sorted.addAll(Arrays.asList(flags.isBlank() ? new String[0] : flags.trim().split("\\s+")));
        this.flags = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(sorted));
        this.firstKey = firstKey;
        this.lastKey = lastKey;
        this.step = step;
        this.handler = handler;
        this.parent = parent;
        this.fullName = parent == null ? this.name : parent.name + "|" + this.name;
        this.noAuth = this.flags.contains("no-auth");
    }

    /** COMMAND INFO lists flags in the order of Redis's CMD_* bits. */
    private static final List<String> FLAG_ORDER = List.of("write", "readonly", "denyoom", "module", "admin",
            "pubsub", "noscript", "blocking", "loading", "stale", "skip_monitor", "skip_slowlog", "asking", "fast",
            "no_auth", "may_replicate", "sentinel", "only_sentinel", "no_mandatory_keys", "protected",
            "module_getkeys", "module_no_cluster", "no_async_loading", "no_multi", "movablekeys", "allow_busy");

    private static int flagOrder(String f) {
        int i = FLAG_ORDER.indexOf(f.replace('-', '_'));
        return i < 0 ? FLAG_ORDER.size() : i;
    }

    public boolean has(String flag) {
        return flags.contains(flag);
    }

    /** "get", or "config|get" for a subcommand: the name Redis uses in errors and stats. */
    public String fullName() {
        return fullName;
    }

    public boolean arityOk(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    public CommandSpec sub(String name, int arity, String flags, int firstKey, int lastKey, int step, CommandHandler h) {
        CommandSpec s = new CommandSpec(name, arity, flags, firstKey, lastKey, step, h, this);
        s.group = group;
        subcommands.put(s.name, s);
        return s;
    }

    public CommandSpec keys(KeyFinder finder) {
        this.keyFinder = finder;
        return this;
    }

    public CommandSpec group(String group) {
        this.group = group;
        return this;
    }

    public CommandSpec since(String since) {
        this.since = since;
        return this;
    }

    public CommandSpec summary(String summary) {
        this.summary = summary;
        return this;
    }

    /** Key positions in argv for this invocation. */
    public int[] keyPositions(byte[][] argv) {
        if (keyFinder != null) return keyFinder.keys(argv);
        if (firstKey <= 0) return new int[0];
        int last = lastKey < 0 ? argv.length + lastKey : lastKey;
        if (last >= argv.length) last = argv.length - 1;
        List<Integer> out = new ArrayList<>();
        for (int i = firstKey; i <= last; i += Math.max(1, step)) out.add(i);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    public void resetStats() {
        calls = usec = rejectedCalls = failedCalls = 0;
        latencyBuckets = null;
        latencyCount = 0;
        for (CommandSpec s : subcommands.values()) s.resetStats();
    }
}
