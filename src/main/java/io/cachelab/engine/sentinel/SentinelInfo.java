package io.cachelab.engine.sentinel;

import io.cachelab.engine.info.Info;
import io.cachelab.engine.net.Client;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * INFO on a Sentinel (sentinel.c: sentinelInfoCommand): only the server, clients, cpu and stats
 * sections of a server, then "# Sentinel" with the masters and their status.
 */
final class SentinelInfo {
    private static final Set<String> ALLOWED = Set.of("server", "clients", "cpu", "stats");

    private SentinelInfo() {
    }

    static String render(Sentinel s, Client c, byte[][] a) {
        Set<String> asked = new LinkedHashSet<>();
        boolean sentinelSection = a.length == 1;
        for (int i = 1; i < a.length; i++) {
            String n = SentinelCommands.str(a[i]).toLowerCase(Locale.ROOT);
            if (n.equals("default") || n.equals("all") || n.equals("everything")) {
                asked.addAll(ALLOWED);
                sentinelSection = true;
            } else if (n.equals("sentinel")) {
                sentinelSection = true;
            } else if (ALLOWED.contains(n)) {
                asked.add(n);
            }
        }
        if (a.length == 1) asked.addAll(ALLOWED);
        Info info = s.server.info();
        StringBuilder sb = new StringBuilder(asked.isEmpty() ? "" : info.render(asked));
        if (sentinelSection) {
            if (sb.length() > 0) sb.append("\r\n");
            sentinel(s, sb);
        }
        return sb.toString();
    }

    private static void sentinel(Sentinel s, StringBuilder sb) {
        long now = System.currentTimeMillis();
        sb.append("# Sentinel\r\n");
        sb.append("sentinel_masters:").append(s.masters.size()).append("\r\n");
        sb.append("sentinel_tilt:").append(s.tilt ? 1 : 0).append("\r\n");
        sb.append("sentinel_tilt_since_seconds:").append(s.tilt ? (now - s.tiltStartTime) / 1000 : -1).append("\r\n");
        sb.append("sentinel_running_scripts:").append(s.scripts.running()).append("\r\n");
        sb.append("sentinel_scripts_queue_length:").append(s.scripts.queue.size()).append("\r\n");
        sb.append("sentinel_simulate_failure_flags:").append(s.simFailureFlags).append("\r\n");
        int i = 0;
        for (Instance m : s.masters.values()) {
            String status = m.is(Instance.O_DOWN) ? "odown" : m.is(Instance.S_DOWN) ? "sdown" : "ok";
            Addr a = s.currentMasterAddress(m);
            sb.append("master").append(i++).append(":name=").append(m.name).append(",status=").append(status)
                    .append(",address=").append(s.announced(a)).append(':').append(a.port())
                    .append(",slaves=").append(m.slaves.size()).append(",sentinels=").append(m.sentinels.size() + 1).append("\r\n");
        }
    }
}
