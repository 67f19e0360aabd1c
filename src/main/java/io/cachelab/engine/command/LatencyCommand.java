package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.dispatch.CommandStats;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.info.LatencyMonitor;
import io.cachelab.engine.net.Client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * LATENCY (latency.c): the event monitor's LATEST/HISTORY/RESET/GRAPH/DOCTOR, and HISTOGRAM, the
 * per-command cumulative distributions the dispatcher records. Replies keep latency.c's shapes:
 * unknown events answer empty, never an error, except GRAPH.
 */
final class LatencyCommand {
    private LatencyCommand() {
    }


    static void register(Commands t) {
        CommandSpec latency = t.container("latency");
        latency.sub("doctor", (c, a) -> c.addVerbatim(server(c).latency().doctor()));
        latency.sub("graph", LatencyCommand::graph);
        latency.sub("history", LatencyCommand::history);
        latency.sub("latest", LatencyCommand::latest);
        latency.sub("reset", LatencyCommand::reset);
        latency.sub("histogram", LatencyCommand::histogram);
        latency.sub("help", (c, a) -> {
            String[] lines = {"DOCTOR",
                "    Return a human readable latency analysis report.",
                "GRAPH <event>",
                "    Return an ASCII latency graph for the <event> class.",
                "HISTORY <event>",
                "    Return time-latency samples for the <event> class.",
                "LATEST",
                "    Return the latest latency samples for all events.",
                "RESET [<event> ...]",
                "    Reset latency data of one or more <event> classes.",
                "    (default: reset all data for all event classes)",
                "HISTOGRAM [COMMAND ...]",
                "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
                "    If no commands are specified then all histograms are replied."};
            c.addHelp("LATENCY", lines);
        });
    }

    private static void graph(Client c, byte[][] a) {
        String event = Args.str(a[2]);
        LatencyMonitor.Series ts = server(c).latency().get(event);
        if (ts == null) throw new RedisError("ERR No samples available for event '" + event + "'");
        c.addVerbatim(LatencyMonitor.graph(event, ts));
    }

    private static void history(Client c, byte[][] a) {
        LatencyMonitor.Series ts = server(c).latency().get(Args.str(a[2]));
        if (ts == null) {
            c.addArrayLen(0);
            return;
        }
        int samples = 0;
        for (int i = 0; i < LatencyMonitor.HISTORY_LEN; i++) if (ts.time(i) != 0) samples++;
        c.addArrayLen(samples);
        for (int j = 0; j < LatencyMonitor.HISTORY_LEN; j++) {
            int i = (ts.next() + j) % LatencyMonitor.HISTORY_LEN;
            if (ts.time(i) == 0) continue;
            c.addArrayLen(2);
            c.addInteger(ts.time(i));
            c.addInteger(ts.latency(i));
        }
    }

    private static void latest(Client c, byte[][] a) {
        Map<String, LatencyMonitor.Series> events = server(c).latency().events();
        c.addArrayLen(events.size());
        for (Map.Entry<String, LatencyMonitor.Series> e : events.entrySet()) {
            LatencyMonitor.Series ts = e.getValue();
            int last = ts.last();
            c.addArrayLen(4);
            c.addBulk(e.getKey());
            c.addInteger(ts.time(last));
            c.addInteger(ts.latency(last));
            c.addInteger(ts.max());
        }
    }

    private static void reset(Client c, byte[][] a) {
        if (a.length == 2) {
            c.addInteger(server(c).latency().reset(null));
            return;
        }
        int resets = 0;
        for (int j = 2; j < a.length; j++) resets += server(c).latency().reset(Args.str(a[j]));
        c.addInteger(resets);
    }

    private static void histogram(Client c, byte[][] a) {
        List<CommandSpec> withData = new ArrayList<>();
        if (a.length == 2) {
            for (CommandSpec spec : server(c).commands().all()) {
                if (spec.stats().hasLatency()) withData.add(spec);
                for (CommandSpec sub : spec.subcommands().values()) if (sub.stats().hasLatency()) withData.add(sub);
            }
        } else {
            for (int j = 2; j < a.length; j++) {
                CommandSpec spec = lookupByFullName(c, Args.str(a[j]));
                if (spec == null) continue;
                if (spec.stats().hasLatency()) withData.add(spec);
                // a container answers for its subcommands, as lookupCommandBySds finds the parent
                for (CommandSpec sub : spec.subcommands().values()) if (sub.stats().hasLatency()) withData.add(sub);
            }
        }
        c.addMapLen(withData.size());
        for (CommandSpec spec : withData) {
            c.addBulk(spec.fullName());
            c.addMapLen(2);
            c.addBulk("calls");
            CommandStats stats = spec.stats();
            c.addInteger(stats.latencyCount());
            c.addBulk("histogram_usec");
            int samples = 0;
            for (int k = 0; k < CommandStats.LATENCY_BUCKETS; k++) if (stats.latencyBucket(k) > 0) samples++;
            c.addMapLen(samples);
            long cumulative = 0;
            for (int k = 0; k < CommandStats.LATENCY_BUCKETS; k++) {
                if (stats.latencyBucket(k) == 0) continue;
                cumulative += stats.latencyBucket(k);
                // the bucket's highest equivalent value at HdrHistogram's 2 significant figures, in us
                c.addInteger(((1032L << k) - 1) / 1000);
                c.addInteger(cumulative);
            }
        }
    }

    private static CommandSpec lookupByFullName(Client c, String name) {
        int bar = name.indexOf('|');
        if (bar < 0) return server(c).commands().lookup(name);
        CommandSpec parent = server(c).commands().lookup(name.substring(0, bar));
        if (parent == null) return null;
        return parent.subcommand(name.substring(bar + 1).toLowerCase(java.util.Locale.ROOT));
    }
}
