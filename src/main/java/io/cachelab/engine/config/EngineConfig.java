package io.cachelab.engine.config;


import io.cachelab.engine.util.Glob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The engine's configuration: every redis.conf directive we honour, with Redis's names, defaults,
 * value syntax (yes/no, memory units like 100mb) and error texts, so `CONFIG GET *`, `CONFIG SET`
 * and `--name value` on the command line behave as with redis-server. Values are kept in their
 * canonical string form and parsed into numbers once, when set.
 */
public final class EngineConfig {
    public enum Kind { BOOL, INT, MEMORY, ENUM, STRING, SPECIAL }

    public static final class Param {
        final String name;
        final String alias;
        final Kind kind;
        final String defaultValue;
        final boolean immutable;
        final List<String> choices;
        final long min;
        final long max;
        /** HIDDEN_CONFIG: answered to CONFIG GET by exact name only, never by a pattern. */
        boolean hidden;
        /** PROTECTED_CONFIG: CONFIG SET refuses it unless enable-protected-configs allows the connection. */
        boolean protectedConfig;
        /** PERCENT_CONFIG: "10%" is accepted and kept as -10, as config.c stores it. */
        boolean percent;
        /** Runs after a CONFIG SET; a non-null answer is the apply error and rolls the whole SET back. */
        java.util.function.Function<String, String> applier;
        String value;
        long number;
        final List<Consumer<String>> listeners = new ArrayList<>();

        Param(String name, String alias, Kind kind, String def, boolean immutable, List<String> choices, long min, long max) {
            this.name = name;
            this.alias = alias;
            this.kind = kind;
            this.defaultValue = def;
            this.immutable = immutable;
            this.choices = choices;
            this.min = min;
            this.max = max;
        }
    }

    private final Map<String, Param> params = new LinkedHashMap<>();
    /** redis.conf "user <name> <rules...>" lines, applied by the ACL at startup (not a CONFIG parameter). */
    public final List<String> userDirectives = new ArrayList<>();
    private final Map<String, Param> byAlias = new LinkedHashMap<>();

    public static EngineConfig defaults() {
        return new EngineConfig();
    }

    /** The directive table, group by group; params keeps the order they are registered in. */
    private EngineConfig() {
        network();
        memory();
        encodings();
        monitoring();
        persistence();
        replication();
        processAndDefrag();
        clusterAndAofRest();
        replicaShutdownAndTls();
        hiddenAndProtected();
    }

    /** The port, the listening socket and the client limits. */
    private void network() {
        // network
        def("port", Kind.INT, "6379", 0, 65535);
        special("bind", "127.0.0.1 -::1");
        bool("protected-mode", true);
        special("requirepass", "");
        def("tcp-backlog", Kind.INT, "511", 0, Integer.MAX_VALUE, true);
        def("tcp-keepalive", Kind.INT, "300", 0, Integer.MAX_VALUE);
        def("timeout", Kind.INT, "0", 0, Integer.MAX_VALUE);
        def("maxclients", Kind.INT, "10000", 1, 4294967295L);
        def("hz", Kind.INT, "10", 0, Integer.MAX_VALUE);
        bool("dynamic-hz", true);
        def("databases", Kind.INT, "16", 1, Integer.MAX_VALUE, true);
        mem("proto-max-bulk-len", "536870912", 1024 * 1024);
        mem("client-query-buffer-limit", "1073741824", 1024 * 1024);
        special("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
        enumP("enable-debug-command", "local", true, "no", "yes", "local");
        enumP("enable-protected-configs", "no", true, "no", "yes", "local");
        enumP("enable-module-command", "no", true, "no", "yes", "local");
    }

    /** maxmemory, eviction, expiry effort and lazy freeing. */
    private void memory() {
        // memory
        mem("maxmemory", "0", 0);
        enumP("maxmemory-policy", "noeviction", false, "volatile-lru", "volatile-lfu", "volatile-random",
                "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction");
        def("maxmemory-samples", Kind.INT, "5", 1, Integer.MAX_VALUE);
        def("maxmemory-eviction-tenacity", Kind.INT, "10", 0, 100);
        mem("maxmemory-clients", "0", 0);
        def("lfu-log-factor", Kind.INT, "10", 0, Integer.MAX_VALUE);
        def("lfu-decay-time", Kind.INT, "1", 0, Integer.MAX_VALUE);
        def("active-expire-effort", Kind.INT, "1", 1, 10);
        bool("lazyfree-lazy-eviction", false);
        bool("lazyfree-lazy-expire", false);
        bool("lazyfree-lazy-server-del", false);
        bool("lazyfree-lazy-user-del", false);
        bool("lazyfree-lazy-user-flush", false);
        bool("activedefrag", false);
    }

    /** The thresholds of the compact encodings. */
    private void encodings() {
        // encodings (Redis 7.0 names, with the ziplist aliases)
        add(new Param("hash-max-listpack-entries", "hash-max-ziplist-entries", Kind.INT, "512", false, null, 0, Long.MAX_VALUE));
        add(new Param("hash-max-listpack-value", "hash-max-ziplist-value", Kind.MEMORY, "64", false, null, 0, Long.MAX_VALUE));
        add(new Param("zset-max-listpack-entries", "zset-max-ziplist-entries", Kind.INT, "128", false, null, 0, Long.MAX_VALUE));
        add(new Param("zset-max-listpack-value", "zset-max-ziplist-value", Kind.MEMORY, "64", false, null, 0, Long.MAX_VALUE));
        aliasDef("list-max-listpack-size", "list-max-ziplist-size", Kind.INT, "-2");
        def("list-compress-depth", Kind.INT, "0", 0, Integer.MAX_VALUE);
        def("set-max-intset-entries", Kind.INT, "512", 0, Long.MAX_VALUE);
        def("stream-node-max-bytes", Kind.MEMORY, "4096", 0, Long.MAX_VALUE);
        def("stream-node-max-entries", Kind.INT, "100", 0, Long.MAX_VALUE);
        def("hll-sparse-max-bytes", Kind.MEMORY, "3000", 0, Long.MAX_VALUE);
        bool("activerehashing", true);
    }

    /** Scripting, the slow log, latency tracking and keyspace notifications. */
    private void monitoring() {
        // scripting, slowlog, latency, notifications
        add(new Param("busy-reply-threshold", "lua-time-limit", Kind.INT, "5000", false, null, 0, Long.MAX_VALUE));
        def("slowlog-log-slower-than", Kind.INT, "10000", -1, Long.MAX_VALUE);
        def("slowlog-max-len", Kind.INT, "128", 0, Long.MAX_VALUE);
        def("latency-monitor-threshold", Kind.INT, "0", 0, Long.MAX_VALUE);
        bool("latency-tracking", true);
        special("latency-tracking-info-percentiles", "50 99 99.9");
        special("notify-keyspace-events", "");
    }

    /** RDB, AOF, and the process and its logging. */
    private void persistence() {
        // persistence and logging (accepted; persistence itself lives in its own issue)
        special("dir", System.getProperty("user.dir"));
        string("dbfilename", "dump.rdb");
        special("save", "3600 1 300 100 60 10000");
        bool("appendonly", false);
        string("appendfilename", "appendonly.aof", true);
        string("appenddirname", "appendonlydir", true);
        enumP("appendfsync", "everysec", false, "everysec", "always", "no");
        bool("no-appendfsync-on-rewrite", false);
        def("auto-aof-rewrite-percentage", Kind.INT, "100", 0, Integer.MAX_VALUE);
        mem("auto-aof-rewrite-min-size", "67108864", 0);
        bool("aof-use-rdb-preamble", true);
        bool("aof-timestamp-enabled", false);
        bool("rdbcompression", true);
        bool("rdbchecksum", true, true);
        bool("stop-writes-on-bgsave-error", true);
        bool("rdb-del-sync-files", false);
        def("rdb-key-save-delay", Kind.INT, "0", Integer.MIN_VALUE, Integer.MAX_VALUE);
        // payloads are always fully decoded before use, which is what "yes" asks for
        enumP("sanitize-dump-payload", "no", false, "no", "yes", "clients");
        bool("daemonize", false, true);
        string("pidfile", "", true);
        enumP("loglevel", "notice", false, "debug", "verbose", "notice", "warning");
        string("logfile", "", true);
        bool("syslog-enabled", false, true);
        bool("always-show-logo", false, true);
        bool("set-proc-title", true, true);
        enumP("supervised", "no", true, "upstart", "systemd", "auto", "no");
        string("unixsocket", "", true);
        def("unixsocketperm", Kind.INT, "0", 0, 777, true);
    }

    /** Replication. */
    private void replication() {
        // replication (WAIT answers 0 until replication exists)
        add(new Param("replicaof", "slaveof", Kind.SPECIAL, "", true, null, 0, 0));
        string("masterauth", "");
        string("masteruser", "");
        aliasBool("replica-read-only", "slave-read-only", true);
        aliasBool("replica-serve-stale-data", "slave-serve-stale-data", true);
        add(new Param("replica-priority", "slave-priority", Kind.INT, "100", false, null, 0, Integer.MAX_VALUE));
        mem("repl-backlog-size", "1048576", 1);
        def("repl-backlog-ttl", Kind.INT, "3600", 0, Long.MAX_VALUE);
        def("repl-timeout", Kind.INT, "60", 1, Integer.MAX_VALUE);
        add(new Param("min-replicas-to-write", "min-slaves-to-write", Kind.INT, "0", false, null, 0, Integer.MAX_VALUE));
        add(new Param("min-replicas-max-lag", "min-slaves-max-lag", Kind.INT, "10", false, null, 0, Integer.MAX_VALUE));
        bool("repl-diskless-sync", true);
        def("repl-diskless-sync-delay", Kind.INT, "5", 0, Integer.MAX_VALUE);
    }

    /** Cluster mode, threads, tracking, ACL, OOM score and active defrag. */
    private void processAndDefrag() {
        bool("cluster-enabled", false, true);
        bool("lua-replicate-commands", true);
        bool("crash-log-enabled", true);
        bool("crash-memcheck-enabled", true);
        bool("jemalloc-bg-thread", true);
        def("io-threads", Kind.INT, "1", 1, 128, true);
        bool("io-threads-do-reads", false, true);
        def("tracking-table-max-keys", Kind.INT, "1000000", 0, Long.MAX_VALUE);
        def("acllog-max-len", Kind.INT, "128", 0, Long.MAX_VALUE);
        string("aclfile", "", true);
        bool("disable-thp", true, true);
        enumP("oom-score-adj", "no", false, "no", "yes", "relative", "absolute");
        special("oom-score-adj-values", "0 200 800");
        def("active-defrag-cycle-min", Kind.INT, "1", 1, 99);
        def("active-defrag-cycle-max", Kind.INT, "25", 1, 99);
        def("active-defrag-threshold-lower", Kind.INT, "10", 0, 1000);
        def("active-defrag-threshold-upper", Kind.INT, "100", 0, 1000);
        mem("active-defrag-ignore-bytes", "104857600", 1);
        def("active-defrag-max-scan-fields", Kind.INT, "1000", 1, Long.MAX_VALUE);
        bool("lazyfree-lazy-user-flush", false);
        string("locale-collate", "");
        enumP("propagation-error-behavior", "ignore", false, "ignore", "panic", "panic-on-replicas");
        bool("replica-ignore-disk-write-errors", false);
    }

    /** The rest of Redis 7.0.15's config.c table, first part: ACL pub/sub, AOF/RDB fsync, CPU lists and cluster. */
    private void clusterAndAofRest() {
        // the rest of Redis 7.0.15's config.c table: accepted and reported, with its defaults and types
        enumP("acl-pubsub-default", "resetchannels", false, "allchannels", "resetchannels");
        bool("aof-disable-auto-gc", false);
        bool("aof-load-truncated", true);
        bool("aof-rewrite-incremental-fsync", true);
        bool("rdb-save-incremental-fsync", true);
        string("server_cpulist", "", true);
        string("bio_cpulist", "", true);
        string("aof_rewrite_cpulist", "", true);
        string("bgsave_cpulist", "", true);
        string("bind-source-addr", "");
        bool("cluster-allow-pubsubshard-when-down", true);
        bool("cluster-allow-reads-when-down", false);
        bool("cluster-allow-replica-migration", true);
        def("cluster-announce-bus-port", Kind.INT, "0", 0, 65535);
        special("cluster-announce-hostname", "");
        string("cluster-announce-ip", "");
        def("cluster-announce-port", Kind.INT, "0", 0, 65535);
        def("cluster-announce-tls-port", Kind.INT, "0", 0, 65535);
        string("cluster-config-file", "nodes.conf", true);
        mem("cluster-link-sendbuf-limit", "0", 0);
        def("cluster-migration-barrier", Kind.INT, "1", 0, Integer.MAX_VALUE);
        def("cluster-node-timeout", Kind.INT, "15000", 0, Long.MAX_VALUE);
        def("cluster-port", Kind.INT, "0", 0, 65535, true);
        enumP("cluster-preferred-endpoint-type", "ip", false, "ip", "hostname", "unknown-endpoint");
        add(new Param("cluster-replica-no-failover", "cluster-slave-no-failover", Kind.BOOL, "no", false, null, 0, 1));
        add(new Param("cluster-replica-validity-factor", "cluster-slave-validity-factor", Kind.INT, "10", false, null, 0, Integer.MAX_VALUE));
        bool("cluster-require-full-coverage", true);
    }

    /** The rest of config.c's table, second part: replica announcements, shutdown, syslog and TLS. */
    private void replicaShutdownAndTls() {
        string("ignore-warnings", "");
        string("proc-title-template", "{title} {listen-addr} {server-mode}");
        bool("repl-disable-tcp-nodelay", false);
        enumP("repl-diskless-load", "disabled", false, "disabled", "on-empty-db", "swapdb");
        def("repl-diskless-sync-max-replicas", Kind.INT, "0", 0, Integer.MAX_VALUE);
        add(new Param("repl-ping-replica-period", "repl-ping-slave-period", Kind.INT, "10", false, null, 1, Integer.MAX_VALUE));
        add(new Param("replica-announce-ip", "slave-announce-ip", Kind.STRING, "", false, null, 0, 0));
        add(new Param("replica-announce-port", "slave-announce-port", Kind.INT, "0", false, null, 0, 65535));
        bool("replica-announced", true);
        aliasBool("replica-ignore-maxmemory", "slave-ignore-maxmemory", true);
        aliasBool("replica-lazy-flush", "slave-lazy-flush", false);
        special("shutdown-on-sigint", "default");
        special("shutdown-on-sigterm", "default");
        def("shutdown-timeout", Kind.INT, "10", 0, Integer.MAX_VALUE);
        def("socket-mark-id", Kind.INT, "0", 0, 4294967295L, true);
        enumP("syslog-facility", "local0", true, "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");
        string("syslog-ident", "redis", true);
        def("tls-port", Kind.INT, "0", 0, 65535);
        enumP("tls-auth-clients", "yes", false, "no", "yes", "optional");
        for (String f : new String[]{"tls-ca-cert-dir", "tls-ca-cert-file", "tls-cert-file", "tls-ciphers", "tls-ciphersuites",
                "tls-client-cert-file", "tls-client-key-file", "tls-client-key-file-pass", "tls-dh-params-file", "tls-key-file",
                "tls-key-file-pass", "tls-protocols"}) {
            string(f, "");
        }
        bool("tls-cluster", false);
        bool("tls-replication", false);
        bool("tls-prefer-server-ciphers", false);
        def("tls-session-cache-size", Kind.INT, "20480", 0, Integer.MAX_VALUE);
        def("tls-session-cache-timeout", Kind.INT, "300", 0, Integer.MAX_VALUE);
        bool("tls-session-caching", true);
    }

    /** HIDDEN_CONFIG, PROTECTED_CONFIG and PERCENT_CONFIG markings. */
    private void hiddenAndProtected() {
        // HIDDEN_CONFIG in config.c (debugging knobs the tests set by exact name)
        bool("use-exit-on-panic", false);
        def("key-load-delay", Kind.INT, "0", Integer.MIN_VALUE, Integer.MAX_VALUE);
        def("watchdog-period", Kind.INT, "0", 0, Integer.MAX_VALUE);
        def("loading-process-events-interval-bytes", Kind.INT, "2097152", 1024, Integer.MAX_VALUE);
        for (String h : new String[]{"use-exit-on-panic", "rdb-key-save-delay", "key-load-delay", "watchdog-period",
                "loading-process-events-interval-bytes", "locale-collate", "lua-replicate-commands"}) {
            params.get(h).hidden = true;
        }
        params.get("dir").protectedConfig = true;
        params.get("dbfilename").protectedConfig = true;
        Param maxmemoryClients = params.get("maxmemory-clients");
        maxmemoryClients.percent = true;
    }

    /** Registers the apply step of a parameter (a port to bind, ...); see {@link Param#applier}. */
    public void onApply(String name, java.util.function.Function<String, String> applier) {
        param(name).applier = applier;
    }

    /** Runs the apply step of a parameter; null when it has none or it succeeded. */
    public String apply(String name) {
        Param p = param(name);
        return p == null || p.applier == null ? null : p.applier.apply(p.value);
    }

    // ---- definitions ----

    private void add(Param p) {
        params.put(p.name, p);
        if (p.alias != null) byAlias.put(p.alias, p);
        p.value = p.defaultValue;
        p.number = parseNumberOrZero(p, p.defaultValue);
    }

    private void def(String name, Kind kind, String def, long min, long max) {
        def(name, kind, def, min, max, false);
    }

    private void def(String name, Kind kind, String def, long min, long max, boolean immutable) {
        add(new Param(name, null, kind, def, immutable, null, min, max));
    }

    private void aliasDef(String name, String alias, Kind kind, String def) {
        add(new Param(name, alias, kind, def, false, null, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    private void aliasBool(String name, String alias, boolean def) {
        add(new Param(name, alias, Kind.BOOL, def ? "yes" : "no", false, null, 0, 1));
    }

    private void mem(String name, String def, long min) {
        add(new Param(name, null, Kind.MEMORY, def, false, null, min, Long.MAX_VALUE));
    }

    private void bool(String name, boolean def) {
        bool(name, def, false);
    }

    private void bool(String name, boolean def, boolean immutable) {
        add(new Param(name, null, Kind.BOOL, def ? "yes" : "no", immutable, null, 0, 1));
    }

    private void enumP(String name, String def, boolean immutable, String... choices) {
        add(new Param(name, null, Kind.ENUM, def, immutable, List.of(choices), 0, 0));
    }

    private void string(String name, String def) {
        string(name, def, false);
    }

    private void string(String name, String def, boolean immutable) {
        add(new Param(name, null, Kind.STRING, def, immutable, null, 0, 0));
    }

    private void special(String name, String def) {
        add(new Param(name, null, Kind.SPECIAL, def, false, null, 0, 0));
    }

    // ---- access ----

    private Param param(String name) {
        // hot paths pass lower-case literals: one map lookup, no copy
        Param direct = params.get(name);
        if (direct != null) return direct;
        String n = name.toLowerCase(Locale.ROOT);
        Param p = params.get(n);
        return p != null ? p : byAlias.get(n);
    }

    public boolean exists(String name) {
        return param(name) != null;
    }

    /** The file the server was started with (CONFIG REWRITE writes it back), or null. */
    private java.nio.file.Path configFile;

    public void setConfigFile(java.nio.file.Path file) {
        this.configFile = file;
    }

    public java.nio.file.Path configFile() {
        return configFile;
    }

    /**
     * rewriteConfig, in outline: the file's own lines stay where they are (comments, unknown
     * directives, user lines); a directive the file sets is rewritten with the current value; one
     * it does not set is appended when it differs from the default. {@code current} gives values
     * that live elsewhere (replicaof: the replication state; null drops the directive).
     */
    public void rewrite(Map<String, String> current) throws java.io.IOException {
        if (configFile == null) throw new java.io.IOException("The server is running without a config file");
        List<String> in = java.nio.file.Files.exists(configFile)
                ? java.nio.file.Files.readAllLines(configFile, java.nio.charset.StandardCharsets.UTF_8) : List.of();
        List<String> out = new ArrayList<>();
        java.util.Set<String> written = new java.util.HashSet<>();
        for (String line : in) {
            String t = line.trim();
            if (t.equals(REWRITE_SIGNATURE)) continue;
            if (t.isEmpty() || t.startsWith("#")) {
                out.add(line);
                continue;
            }
            String word = t.split("\\s+", 2)[0].toLowerCase(java.util.Locale.ROOT);
            Param p = param(word);
            String name = p != null ? p.name : word;
            if (p == null && !current.containsKey(name)) {
                out.add(line);
                continue;
            }
            if (!written.add(name)) continue;
            String v = current.containsKey(name) ? current.get(name) : p.value;
            if (v != null) out.add(name + " " + quoted(v, p));
        }
        boolean signed = false;
        for (Param p : params.values()) {
            if (written.contains(p.name) || p.kind == Kind.SPECIAL && current.containsKey(p.name)) continue;
            if (p.value == null || p.value.equals(p.defaultValue)) continue;
            if (!signed) {
                out.add(REWRITE_SIGNATURE);
                signed = true;
            }
            out.add(p.name + " " + quoted(p.value, p));
        }
        for (Map.Entry<String, String> e : current.entrySet()) {
            if (written.contains(e.getKey()) || e.getValue() == null) continue;
            if (!signed) {
                out.add(REWRITE_SIGNATURE);
                signed = true;
            }
            out.add(e.getKey() + " " + e.getValue());
        }
        java.nio.file.Path tmp = configFile.resolveSibling(configFile.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        java.nio.file.Files.write(tmp, out, java.nio.charset.StandardCharsets.UTF_8);
        java.nio.file.Files.move(tmp, configFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static final String REWRITE_SIGNATURE = "# Generated by CONFIG REWRITE";

    /** A value as a config line needs it: quoted when empty or holding quotes (multi-word values stay as words). */
    private static String quoted(String v, Param p) {
        if (v.isEmpty()) return "\"\"";
        boolean words = p != null && (p.kind == Kind.SPECIAL || p.kind == Kind.ENUM);
        if (!words && (v.contains(" ") || v.contains("\"") || v.contains("'"))) {
            return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return v;
    }

    public String getString(String name) {
        Param p = param(name);
        if (p == null) throw new IllegalArgumentException("no such config " + name);
        return p.value;
    }

    public long getLong(String name) {
        Param p = param(name);
        if (p == null) throw new IllegalArgumentException("no such config " + name);
        return p.number;
    }

    /**
     * A numeric directive's live value, for paths that read it on every command: the returned
     * reader follows CONFIG SET and costs a field read, not a map lookup.
     */
    public LongSupplier live(String name) {
        Param p = param(name);
        if (p == null) throw new IllegalArgumentException("no such config " + name);
        return () -> p.number;
    }

    public int getInt(String name) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, getLong(name)));
    }

    public boolean getBool(String name) {
        return "yes".equals(getString(name));
    }

    /** Registers a callback run after the value changes (e.g. hz, notify-keyspace-events); several may listen. */
    public void onChange(String name, Consumer<String> listener) {
        param(name).listeners.add(listener);
    }

    /**
     * Sets a value, validating it as Redis does. Returns null on success or the reason it is
     * refused (the text after "argument '...' - " in Redis's CONFIG SET error).
     */
    public String trySet(String name, String value, boolean startup) {
        Param p = param(name);
        if (p == null) return "unknown";
        if (p.immutable && !startup) return "can't set immutable config";
        String canonical;
        long number = 0;
        switch (p.kind) {
            case BOOL -> {
                String v = value.toLowerCase(Locale.ROOT);
                if (!v.equals("yes") && !v.equals("no")) return "argument must be 'yes' or 'no'";
                canonical = v;
                number = v.equals("yes") ? 1 : 0;
            }
            case INT -> {
                Long n = parseInteger(value);
                if (n == null) return "argument couldn't be parsed into an integer";
                if (n < p.min || n > p.max) return "argument must be between " + p.min + " and " + p.max + " inclusive";
                canonical = Long.toString(n);
                number = n;
            }
            case MEMORY -> {
                Long n = parseMemory(value);
                if (n == null && p.percent && value.length() > 1 && value.endsWith("%")) {
                    Long pct = parseInteger(value.substring(0, value.length() - 1));
                    if (pct != null && pct >= 0) {
                        if (pct > 100) return "percentage argument must be less or equal to 100";
                        p.value = pct + "%";
                        p.number = -pct;
                        for (Consumer<String> l : p.listeners) l.accept(p.value);
                        return null;
                    }
                }
                if (n == null) return p.percent ? "argument must be a memory or percent value" : "argument must be a memory value";
                if (n < p.min) return "argument must be between " + p.min + " and " + p.max + " inclusive";
                canonical = Long.toString(n);
                number = n;
            }
            case ENUM -> {
                String v = value.toLowerCase(Locale.ROOT);
                if (!p.choices.contains(v)) return "argument(s) must be one of the following: " + String.join(", ", p.choices);
                canonical = v;
            }
            case SPECIAL -> {
                String err = validateSpecial(p.name, value);
                if (err != null) return err;
                canonical = canonicalSpecial(p.name, value);
            }
            default -> canonical = value;
        }
        p.value = canonical;
        p.number = number;
        for (Consumer<String> l : p.listeners) l.accept(canonical);
        return null;
    }

    /** For programmatic use (tests, the Spring wiring): throws on a bad value. */
    public EngineConfig set(String name, String value) {
        String err = trySet(name, value, true);
        if (err != null) throw new IllegalArgumentException("config " + name + " " + value + ": " + err);
        return this;
    }

    private static String validateSpecial(String name, String value) {
        switch (name) {
            case "cluster-announce-hostname" -> {
                // isValidAnnouncedHostname: NET_HOST_STR_LEN, and a character set every parser handles
                if (value.length() >= 256) return "Hostnames must be less than 256 characters";
                if (!value.matches("[A-Za-z0-9.-]*")) return "Hostnames may only contain alphanumeric characters, hyphens or dots";
            }
            case "save" -> {
                String[] parts = value.trim().isEmpty() ? new String[0] : value.trim().split("\\s+");
                if (parts.length % 2 != 0) return "Invalid save parameters";
                for (String s : parts) if (parseInteger(s) == null || parseInteger(s) < 0) return "Invalid save parameters";
            }
            case "notify-keyspace-events" -> {
                if (Notify.parseFlags(value) < 0) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
            }
            case "client-output-buffer-limit" -> {
                String[] parts = value.trim().split("\\s+");
                if (parts.length % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
                for (int i = 0; i < parts.length; i += 4) {
                    if (!List.of("normal", "slave", "replica", "pubsub").contains(parts[i].toLowerCase(Locale.ROOT))) {
                        return "Invalid client class specified in buffer limit configuration.";
                    }
                    if (parseMemory(parts[i + 1]) == null || parseMemory(parts[i + 2]) == null || parseInteger(parts[i + 3]) == null) {
                        return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
                    }
                }
            }
            case "shutdown-on-sigint", "shutdown-on-sigterm" -> {
                // a multi-arg enum: every word must be one of the choices
                String[] words = value.trim().isEmpty() ? new String[]{""} : value.trim().split("\\s+");
                for (String w : words) {
                    if (!List.of("default", "save", "nosave", "now", "force").contains(w.toLowerCase(Locale.ROOT))) {
                        return "argument(s) must be one of the following: default, save, nosave, now, force";
                    }
                }
            }
            case "oom-score-adj-values" -> {
                String[] words = value.trim().isEmpty() ? new String[0] : value.trim().split("\\s+");
                if (words.length != 3) return "wrong number of arguments";
                for (String w : words) {
                    Long n = parseInteger(w);
                    if (n == null || n < -2000 || n > 2000) return "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
                }
            }
            case "dir" -> {
                java.io.File f = new java.io.File(value);
                if (!f.isDirectory()) return "No such file or directory";
            }
            default -> {
                return null;
            }
        }
        return null;
    }

    private String canonicalSpecial(String name, String value) {
        switch (name) {
            case "notify-keyspace-events":
                return Notify.flagsToString(Notify.parseFlags(value));
            case "client-output-buffer-limit": {
                // merge the classes given into the current value, as Redis does
                Map<String, String> classes = new LinkedHashMap<>();
                String[] cur = getString(name).split("\\s+");
                for (int i = 0; i + 3 < cur.length; i += 4) classes.put(cur[i], cur[i + 1] + " " + cur[i + 2] + " " + cur[i + 3]);
                String[] parts = value.trim().split("\\s+");
                for (int i = 0; i < parts.length; i += 4) {
                    String cls = parts[i].toLowerCase(Locale.ROOT);
                    if (cls.equals("replica")) cls = "slave";
                    classes.put(cls, parseMemory(parts[i + 1]) + " " + parseMemory(parts[i + 2]) + " " + parseInteger(parts[i + 3]));
                }
                List<String> out = new ArrayList<>();
                classes.forEach((k, v) -> out.add(k + " " + v));
                return String.join(" ", out);
            }
            case "dir":
                return new java.io.File(value).getAbsolutePath();
            default:
                return value;
        }
    }

    private static long parseNumberOrZero(Param p, String v) {
        return switch (p.kind) {
            case BOOL -> "yes".equals(v) ? 1 : 0;
            case INT -> parseInteger(v) == null ? 0 : parseInteger(v);
            case MEMORY -> parseMemory(v) == null ? 0 : parseMemory(v);
            default -> 0;
        };
    }

    static Long parseInteger(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** memtoull: a number with an optional unit (k, kb, m, mb, g, gb; case-insensitive). */
    public static Long parseMemory(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        long mul = 1;
        String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"}, {"g", "1000000000"}, {"m", "1000000"}, {"k", "1000"}, {"b", "1"}};
        for (String[] u : units) {
            if (v.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                v = v.substring(0, v.length() - u[0].length());
                break;
            }
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) return null;
            return Math.multiplyExact(n, mul);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** Parameters matching a glob, as [name, value] pairs (aliases included, as Redis 7 does). */
    public List<String[]> matching(String pattern) {
        List<String[]> out = new ArrayList<>();
        if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0 && pattern.indexOf('[') < 0) {
            // an exact name (hidden ones included) answers under the name as asked, as configGetCommand does
            Param p = param(pattern);
            if (p != null) out.add(new String[]{pattern, p.value});
            return out;
        }
        for (Param p : params.values()) {
            if (p.hidden) continue;
            if (Glob.matches(pattern, p.name, true)) out.add(new String[]{p.name, p.value});
            if (p.alias != null && Glob.matches(pattern, p.alias, true)) out.add(new String[]{p.alias, p.value});
        }
        return out;
    }

    /** Restores defaults for a fresh copy used by tests (CONFIG RESETSTAT does not touch config). */
    public Map<String, String> snapshot() {
        Map<String, String> m = new LinkedHashMap<>();
        params.forEach((k, p) -> m.put(k, p.value));
        return m;
    }

    public boolean isProtected(String name) {
        Param p = param(name);
        return p != null && p.protectedConfig;
    }

    public String canonicalName(String name) {
        Param p = param(name);
        return p == null ? null : p.name;
    }
}
