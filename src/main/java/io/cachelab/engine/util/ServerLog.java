package io.cachelab.engine.util;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * serverLogRaw (server.c) for the standalone engine: every engine log record becomes one line in
 * Redis's format, {@code <pid>:<role> 04 Dec 2026 20:26:22.123 * message}, written to the
 * {@code logfile} (or stdout when it is empty), so tools and Redis's own test harness that wait
 * for a log line find it. Levels map as loglevel does: debug '.', verbose '-', notice '*',
 * warning '#'. The embedded engine (inside the Spring app) keeps the app's logging instead.
 */
public final class ServerLog extends Handler {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

    private final long pid = ProcessHandle.current().pid();
    private final Supplier<Character> role;
    private final PrintStream out;

    private ServerLog(PrintStream out, Supplier<Character> role) {
        this.out = out;
        this.role = role;
    }

    /**
     * Routes the engine's loggers ("io.cachelab.engine" and below) here only. {@code logfile} empty
     * means stdout; {@code loglevel} is Redis's (debug, verbose, notice, warning).
     */
    public static ServerLog install(String logfile, String loglevel, Supplier<Character> role) throws IOException {
        OutputStream target = logfile.isEmpty() ? new FileOutputStream(java.io.FileDescriptor.out)
                : new FileOutputStream(logfile, true);
        ServerLog handler = new ServerLog(new PrintStream(target, true, StandardCharsets.UTF_8), role);
        Logger root = Logger.getLogger("io.cachelab.engine");
        for (Handler h : root.getHandlers()) root.removeHandler(h);
        root.setUseParentHandlers(false);
        root.addHandler(handler);
        handler.setLevel(Level.ALL);
        root.setLevel(level(loglevel));
        return handler;
    }

    /** CONFIG SET loglevel. */
    public static void setLevel(String loglevel) {
        Logger.getLogger("io.cachelab.engine").setLevel(level(loglevel));
    }

    private static Level level(String loglevel) {
        return switch (loglevel) {
            case "debug" -> Level.FINEST;
            case "verbose" -> Level.FINE;
            case "warning" -> Level.WARNING;
            default -> Level.INFO;
        };
    }

    private static char mark(Level l) {
        int v = l.intValue();
        if (v >= Level.WARNING.intValue()) return '#';
        if (v >= Level.INFO.intValue()) return '*';
        if (v >= Level.FINE.intValue()) return '-';
        return '.';
    }

    /** A line without the prefix, as serverLogRaw's LL_RAW (the logo). */
    public void raw(String text) {
        synchronized (out) {
            out.println(text);
        }
    }

    @Override
    public void publish(LogRecord r) {
        if (!isLoggable(r)) return;
        String msg = r.getMessage();
        if (r.getThrown() != null) msg = msg + ": " + r.getThrown();
        String line = pid + ":" + role.get() + " " + TIME.format(Instant.ofEpochMilli(r.getMillis()))
                + " " + mark(r.getLevel()) + " " + msg;
        synchronized (out) {
            out.println(line);
        }
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
