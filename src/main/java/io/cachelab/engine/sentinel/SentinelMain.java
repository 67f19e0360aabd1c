package io.cachelab.engine.sentinel;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.Engine;
import io.cachelab.engine.EngineMain;
import io.cachelab.engine.server.Server;
import io.cachelab.engine.command.Families;
import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.util.ServerLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * `java -jar cachelab.jar sentinel sentinel.conf [--name value ...]`: the engine in sentinel mode,
 * as redis-sentinel (server.c's main with sentinel_mode, sentinel.c's initSentinelConfig,
 * sentinelCheckConfigFile, sentinelIsRunning): port 26379 unless set, the Sentinel command table,
 * the config file required and writable because the Sentinel saves its state there.
 */
public final class SentinelMain {
    private SentinelMain() {
    }

    /** A running Sentinel: its server (for the port and shutdown) and its state. */
    public record Running(Server server, Sentinel sentinel) {
        public int port() {
            return server.port();
        }

        public void stop() {
            server.stop();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("--")) {
            System.err.println("Sentinel needs config file on disk to save state. Exiting...");
            System.exit(1);
        }
        Path file = Path.of(args[0]).toAbsolutePath();
        EngineConfig config = EngineConfig.defaults();
        SentinelConfig sentinelConfig;
        try {
            sentinelConfig = read(config, file, args);
        } catch (IllegalArgumentException e) {
            fatal(e.getMessage());
            return;
        }
        if (!Files.isWritable(file)) {
            System.err.println("Sentinel config file " + file + " is not writable: Permission denied. Exiting...");
            System.exit(1);
        }
        ServerLog log = ServerLog.install(EngineMain.logfile(config), config.getString("loglevel"), () -> 'X');
        config.onChange("loglevel", ServerLog::setLevel);
        Logger engineLog = Logger.getLogger("io.cachelab.engine");
        engineLog.warning("oO0OoO0OoO0Oo CacheLab engine is starting oO0OoO0OoO0Oo");
        engineLog.warning("Redis version=" + Server.REDIS_VERSION + ", bits=64, commit=00000000, modified=0, pid="
                + ProcessHandle.current().pid() + ", just started (a Sentinel of the CacheLab engine)");
        engineLog.warning("Configuration loaded");
        Running running;
        try {
            running = start(config, sentinelConfig);
        } catch (IllegalArgumentException e) {
            fatal(e.getMessage());
            return;
        } catch (IOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            engineLog.warning("Warning: Could not create server TCP listening socket *:" + config.getInt("port") + ": bind: "
                    + cause.getMessage());
            engineLog.warning("Failed listening on port " + config.getInt("port") + " (TCP), aborting.");
            log.flush();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Logger.getLogger("io.cachelab.engine").warning("Sentinel is now ready to exit, bye bye...");
            running.server().stop();
            log.flush();
        }));
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        running.server().onShutdown(stopped::countDown);
        stopped.await();
        log.flush();
        System.exit(0);
    }

    private static void fatal(String message) {
        System.err.println("\n*** FATAL CONFIG FILE ERROR (Redis " + Server.REDIS_VERSION + ") ***\n" + message);
        System.exit(1);
    }

    /** Applies the file's server directives and --name value options; queues its "sentinel" lines. */
    public static SentinelConfig read(EngineConfig config, Path file, String[] args) throws IOException {
        config.trySet("port", "26379", true);
        config.trySet("protected-mode", "no", true);
        config.trySet("save", "", true);
        config.setConfigFile(file);
        record Queued(List<String> args, String line, int lineNo) {
        }
        List<Queued> lines = new ArrayList<>();
        EngineMain.apply(config, args, (words, line, n) -> lines.add(new Queued(List.copyOf(words), line, n)));
        SentinelConfig sc = new SentinelConfig(file, Path.of(config.getString("dir")).toAbsolutePath());
        for (Queued q : lines) sc.queue(q.args(), q.line(), q.lineNo());
        return sc;
    }

    /** Builds, loads and starts a Sentinel: its state from the queued lines, then the port, then the timer. */
    public static Running start(EngineConfig config, SentinelConfig sentinelConfig) throws IOException {
        SentinelCommands commands = new SentinelCommands();
        Server server = Engine.assemble(config, commands.table(Families.registerAll()));
        server.setMode("sentinel");
        Sentinel sentinel = new Sentinel(server, sentinelConfig);
        commands.attach(sentinel);
        sentinelConfig.load(sentinel);
        server.listen();
        Logger.getLogger("io.cachelab.engine").info("Running mode=sentinel, port=" + server.port() + ".");
        sentinel.start();
        server.onCron(sentinel::timer);
        server.startLoop();
        return new Running(server, sentinel);
    }
}
