package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.net.Client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CONFIG GET/SET/RESETSTAT/REWRITE (config.c). GET takes several glob patterns and answers a map;
 * SET takes several pairs and applies all or none, as Redis 7 does.
 */
final class ConfigCommands {
    private ConfigCommands() {
    }

    static void register(Commands t) {
        CommandSpec config = t.container("config");
        config.sub("get", ConfigCommands::get);
        config.sub("set", ConfigCommands::set);
        config.sub("resetstat", ConfigCommands::resetstat);
        config.sub("rewrite", ConfigCommands::rewrite);
        config.sub("help", (c, a) -> {
            String[] lines = {"GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
                "RESETSTAT", "    Reset statistics reported by the INFO command.",
                "REWRITE", "    Rewrite the configuration file."};
            c.addHelp("CONFIG", lines);
        });
    }

    /** CONFIG REWRITE: the start-up file rewritten with the running values (replicaof from the replication state). */
    private static void rewrite(Client c, byte[][] a) {
        if (server(c).config().configFile() == null) throw new RedisError("ERR The server is running without a config file");
        Map<String, String> current = new LinkedHashMap<>();
        var link = server(c).replicaLink();
        current.put("replicaof", link.isReplica() ? link.masterHost() + " " + link.masterPort() : null);
        try {
            server(c).config().rewrite(current);
        } catch (java.io.IOException e) {
            server(c).log().warning("CONFIG REWRITE failed: " + e.getMessage());
            throw new RedisError("ERR Rewriting config file: " + e.getMessage());
        }
        server(c).log().info("CONFIG REWRITE executed with success.");
        c.addOk();
    }

    private static void get(Client c, byte[][] a) {
        Map<String, String> found = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 2; i < a.length; i++) {
            for (String[] kv : server(c).config().matching(Args.str(a[i]))) {
                // config names are case-insensitive, so MAXMEMORY and maxmemory* answer once
                if (seen.add(kv[0].toLowerCase(java.util.Locale.ROOT))) found.put(kv[0], kv[1]);
            }
        }
        c.addMapLen(found.size());
        for (Map.Entry<String, String> e : found.entrySet()) {
            c.addBulk(e.getKey());
            c.addBulk(e.getValue());
        }
    }

    /** SENSITIVE_CONFIG in Redis's config.c: passwords a CONFIG SET must not leave in SLOWLOG or MONITOR. */
    private static final Set<String> SENSITIVE = Set.of("masterauth", "masteruser", "requirepass");

    private static final java.util.Set<String> DENY_LOADING = java.util.Set.of("appendonly", "repl-diskless-load", "dir");

    private static void set(Client c, byte[][] a) {
        if ((a.length - 2) % 2 != 0) throw RedisError.wrongArgs("config|set");
        EngineConfig cfg = server(c).config();
        // every sensitive value is redacted before any argument can fail (config.c)
        for (int i = 2; i + 1 < a.length; i += 2) {
            String canonical = cfg.canonicalName(Args.str(a[i]));
            if (canonical != null && SENSITIVE.contains(canonical)) c.redactArgument(i + 1);
        }
        List<String[]> pairs = new ArrayList<>();
        for (int i = 2; i < a.length; i += 2) {
            String name = Args.str(a[i]);
            String canonical = cfg.canonicalName(name);
            if (canonical == null) {
                throw new RedisError("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'");
            }
            for (String[] p : pairs) {
                if (p[0].equals(canonical)) {
                    throw new RedisError("ERR CONFIG SET failed (possibly related to argument '" + name
                            + "') - duplicate parameter");
                }
            }
            pairs.add(new String[]{canonical, Args.str(a[i + 1]), name});
        }
        boolean loading = server(c).loading() || server(c).asyncLoading();
        for (String[] p : pairs) {
            // DENY_LOADING_CONFIG: these cannot change under a dataset being loaded
            if (loading && DENY_LOADING.contains(p[0])) throw new RedisError("LOADING Redis is loading the dataset in memory");
        }
        for (String[] p : pairs) {
            if (cfg.isProtected(p[0]) && !protectedAllowed(c)) {
                throw new RedisError("ERR CONFIG SET failed (possibly related to argument '" + p[2]
                        + "') - can't set protected config");
            }
        }
        Map<String, String> before = new LinkedHashMap<>();
        for (String[] p : pairs) before.put(p[0], cfg.getString(p[0]));
        for (String[] p : pairs) {
            String err = cfg.trySet(p[0], p[1], false);
            if (err != null) {
                before.forEach((k, v) -> cfg.trySet(k, v, true));
                throw new RedisError("ERR CONFIG SET failed (possibly related to argument '" + p[2] + "') - " + err);
            }
        }
        // the apply phase: on a failure everything set is restored and re-applied, as configSetCommand does
        for (String[] p : pairs) {
            String err = cfg.apply(p[0]);
            if (err != null) {
                before.forEach((k, v) -> cfg.trySet(k, v, true));
                for (String k : before.keySet()) cfg.apply(k);
                throw new RedisError("ERR CONFIG SET failed (possibly related to argument '" + p[2] + "') - " + err);
            }
        }
        c.addOk();
    }

    /** allowProtectedAction: "yes", or "local" for a {@link Client#isLocal} connection. */
    static boolean protectedAllowed(Client c) {
        String mode = server(c).config().getString("enable-protected-configs");
        return mode.equals("yes") || (mode.equals("local") && c.isLocal());
    }

    private static void resetstat(Client c, byte[][] a) {
        server(c).stats().reset();
        for (CommandSpec s : server(c).commands().all()) {
            s.stats().reset();
            for (CommandSpec sub : s.subcommands().values()) sub.stats().reset();
        }
        server(c).dispatcher().slowlog().reset();
        server(c).replication().resetStats();
        c.addOk();
    }
}
