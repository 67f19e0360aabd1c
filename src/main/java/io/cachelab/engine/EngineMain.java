package io.cachelab.engine;

import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.server.Server;
import io.cachelab.engine.util.ServerLog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * `java -jar cachelab.jar engine [config-file] [--name value ...]`: the engine alone, taking
 * options as redis-server does (a redis.conf-style file first, then directives as --name value,
 * where a value may span several words, e.g. --save 900 1).
 */
public final class EngineMain {
    private EngineMain() {
    }

    public static void main(String[] args) throws Exception {
        EngineConfig config = EngineConfig.defaults();
        try {
            apply(config, args);
        } catch (IllegalArgumentException e) {
            System.err.println("\n*** FATAL CONFIG FILE ERROR (CacheLab engine, Redis " + Server.REDIS_VERSION + ") ***\n" + e.getMessage());
            System.exit(1);
            return;
        }
        if (args.length > 0 && !args[0].startsWith("--")) config.setConfigFile(Path.of(args[0]).toAbsolutePath());
        Server[] running = new Server[1];
        ServerLog log = ServerLog.install(logfile(config), config.getString("loglevel"),
                () -> running[0] != null && running[0].isReplica() ? 'S' : 'M');
        config.onChange("loglevel", ServerLog::setLevel);
        Logger engineLog = Logger.getLogger("io.cachelab.engine");
        long pid = ProcessHandle.current().pid();
        engineLog.info("oO0OoO0OoO0Oo CacheLab engine is starting oO0OoO0OoO0Oo");
        engineLog.info("Redis version=" + Server.REDIS_VERSION + ", bits=64, commit=00000000, modified=0, pid=" + pid
                + ", just started (the CacheLab engine, a Redis-compatible server in Java)");
        engineLog.info(args.length > 0 && !args[0].startsWith("--") ? "Configuration loaded"
                : "Warning: no config file specified, using the default config. In order to specify a config file use "
                + "java -jar cachelab.jar engine /path/to/redis.conf");
        Engine engine;
        try {
            engine = Engine.start(config, server -> {
                running[0] = server;
                banner(log, config, server, pid);
                engineLog.info("Server initialized");
            });
        } catch (java.net.BindException e) {
            engineLog.warning("Warning: Could not create server TCP listening socket " + config.getString("bind") + ":"
                    + config.getInt("port") + ": bind: " + e.getMessage());
            engineLog.warning("Failed listening on port " + config.getInt("port") + " (TCP), aborting.");
            System.exit(1);
            return;
        } catch (IOException e) {
            engineLog.warning(e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            engine.server().requestSigterm();
            engine.awaitShutdown(10_000);
            engine.close();
            log.flush();
        }));
        engine.awaitShutdown();
        engine.close();
        log.flush();
        System.exit(0);
    }

    /** logfile, relative to dir as Redis's is (Redis changes into dir before it opens the log). */
    public static String logfile(EngineConfig config) {
        String f = config.getString("logfile");
        if (f.isEmpty()) return f;
        Path p = Path.of(f);
        return p.isAbsolute() ? f : Path.of(config.getString("dir")).resolve(p).toString();
    }

    /** The start-up banner: with always-show-logo (Redis's test harness waits for its " PID: " line). */
    private static void banner(ServerLog log, EngineConfig config, Server server, long pid) {
        String mode = config.getBool("cluster-enabled") ? "cluster" : "standalone";
        if (!config.getBool("always-show-logo")) {
            Logger.getLogger("io.cachelab.engine").info("Running mode=" + mode + ", port=" + server.port() + ".");
            return;
        }
        log.raw("");
        log.raw("    CacheLab engine            Redis " + Server.REDIS_VERSION + " compatible, 64 bit");
        log.raw("    (pure Java)                Running in " + mode + " mode");
        log.raw("                               Port: " + server.port());
        log.raw("                               PID: " + pid);
        log.raw("");
    }

    /** Where a Sentinel's "sentinel ..." lines go: their words after "sentinel", the line, its number. */
    public interface SentinelLines {
        void accept(List<String> args, String line, int lineNo);
    }

    /** Applies a config file (if the first argument is not an option) and --name value directives. */
    public static void apply(EngineConfig config, String[] args) throws IOException {
        apply(config, args, null);
    }

    /**
     * The same for a Sentinel (loadServerConfig in sentinel mode): "sentinel" lines are handed to
     * {@code sentinel} instead of applied, and a --sentinel flag is ignored.
     */
    public static void apply(EngineConfig config, String[] args, SentinelLines sentinel) throws IOException {
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("--")) {
            int n = 0;
            for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
                n++;
                String t = line.trim();
                if (t.isEmpty() || t.startsWith("#")) continue;
                List<String> words = splitConfigLine(t);
                if (words.isEmpty()) continue;
                fileLine(config, words, t, n, sentinel);
            }
            i = 1;
        }
        while (i < args.length) {
            String a = args[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("Bad directive or wrong number of arguments: '" + a + "'");
            String name = a.substring(2);
            List<String> values = new ArrayList<>();
            i++;
            while (i < args.length && !args[i].startsWith("--")) values.add(args[i++]);
            if (sentinel != null && name.equals("sentinel") && values.isEmpty()) continue;
            directive(config, name, String.join(" ", values));
        }
    }

    private static void fileLine(EngineConfig config, List<String> words, String line, int n, SentinelLines sentinel) {
        String where = "Reading the configuration file, at line " + n + "\n";
        if (sentinel != null && words.get(0).equalsIgnoreCase("sentinel")) {
            if (words.size() < 2) {
                throw new IllegalArgumentException(where + ">>> '" + line + "'\nUnrecognized sentinel configuration statement.");
            }
            sentinel.accept(words.subList(1, words.size()), line, n);
            return;
        }
        try {
            directive(config, words.get(0), String.join(" ", words.subList(1, words.size())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage());
        }
    }

    /** One redis.conf directive (name and its words joined); throws with the FATAL CONFIG text. */
    public static void directive(EngineConfig config, String name, String value) {
        if (name.equalsIgnoreCase("include") || name.equalsIgnoreCase("rename-command") || name.equalsIgnoreCase("loadmodule")) {
            throw new IllegalArgumentException("'" + name + "' is not supported by the CacheLab engine");
        }
        if (name.equalsIgnoreCase("user")) {
            config.userDirectives.add(value);
            return;
        }
        String err = config.trySet(name, value, true);
        if (err != null) {
            throw new IllegalArgumentException(">>> '" + name + " " + value + "'\n"
                    + ("unknown".equals(err) ? "Bad directive or wrong number of arguments" : err));
        }
    }

    /** A config line split as sdssplitargs does (quotes group words). */
    public static List<String> splitConfigLine(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inQuote = false;
        char quote = 0;
        boolean has = false;
        for (char c : line.toCharArray()) {
            if (inQuote) {
                if (c == quote) inQuote = false;
                else cur.append(c);
            } else if (c == '"' || c == '\'') {
                inQuote = true;
                quote = c;
                has = true;
            } else if (Character.isWhitespace(c)) {
                if (has || cur.length() > 0) out.add(cur.toString());
                cur.setLength(0);
                has = false;
            } else {
                cur.append(c);
            }
        }
        if (has || cur.length() > 0) out.add(cur.toString());
        return out;
    }
}
