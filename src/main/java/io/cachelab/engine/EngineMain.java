package io.cachelab.engine;

import io.cachelab.engine.config.EngineConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
            System.err.println("\n*** FATAL CONFIG FILE ERROR ***\n" + e.getMessage());
            System.exit(1);
            return;
        }
        Engine engine;
        try {
            engine = Engine.start(config);
        } catch (IOException e) {
            System.err.println("Could not start the CacheLab engine: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("CacheLab engine (Redis 7.0 compatible) listening on port " + engine.port());
        Runtime.getRuntime().addShutdownHook(new Thread(engine::close));
        engine.awaitShutdown();
        engine.close();
        System.exit(0);
    }

    /** Applies a config file (if the first argument is not an option) and --name value directives. */
    public static void apply(EngineConfig config, String[] args) throws IOException {
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("--")) {
            for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
                String t = line.trim();
                if (t.isEmpty() || t.startsWith("#")) continue;
                List<String> words = splitConfigLine(t);
                if (words.isEmpty()) continue;
                directive(config, words.get(0), String.join(" ", words.subList(1, words.size())));
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
            directive(config, name, String.join(" ", values));
        }
    }

    private static void directive(EngineConfig config, String name, String value) {
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

    private static List<String> splitConfigLine(String line) {
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
