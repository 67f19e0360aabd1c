package io.cachelab.engine.dispatch;

import io.cachelab.engine.net.Client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * MONITOR, as replicationFeedMonitors in Redis's replication.c: every command a client runs is sent
 * to each monitoring client as one status line, time, db and address first, arguments quoted as
 * sdscatrepr does, with the arguments a command redacted (passwords, ACL rules) shown as
 * "(redacted)". Admin commands are never shown.
 */
public final class Monitor {
    private final List<Client> monitors = new ArrayList<>();

    public void add(Client c) {
        c.setMonitor(true);
        if (!monitors.contains(c)) monitors.add(c);
    }

    public void remove(Client c) {
        monitors.remove(c);
    }

    public boolean isEmpty() {
        return monitors.isEmpty();
    }

    /** Sends {@code argv} (as the command left it: redacted) to every monitor but the client itself. */
    public void feed(Client c, byte[][] argv) {
        if (monitors.isEmpty()) return;
        Instant now = Instant.now();
        StringBuilder sb = new StringBuilder();
        sb.append(now.getEpochSecond()).append('.').append(String.format("%06d", now.getNano() / 1000));
        sb.append(" [").append(c.db().id()).append(' ');
        sb.append(c.scriptClient() ? "lua" : c.hasSocket() ? c.addr() : "unix");
        sb.append(']');
        for (byte[] a : argv) sb.append(" \"").append(escape(a)).append('"');
        String line = sb.toString();
        for (Client m : monitors) {
            if (m == c) continue;
            m.addSimple(line);
            m.flushSoon();
        }
    }

    /** sdscatrepr-style escaping for MONITOR and SLOWLOG. */
    public static String escape(byte[] a) {
        StringBuilder sb = new StringBuilder();
        for (byte b : a) {
            int x = b & 0xff;
            switch (x) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (x >= 32 && x < 127) sb.append((char) x);
                    else sb.append(String.format("\\x%02x", x));
                }
            }
        }
        return sb.toString();
    }
}
