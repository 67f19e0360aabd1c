package io.cachelab.engine.server;

import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.CommandStats;
import io.cachelab.engine.info.Info;
import io.cachelab.engine.info.LatencyMonitor;
import io.cachelab.engine.info.Stats;
import io.cachelab.engine.info.InfoWriter;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.keyspace.Eviction;
import io.cachelab.engine.keyspace.MemoryModel;
import io.cachelab.engine.memory.Evictor;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.script.Scripting;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The INFO sections of the server core, as genRedisInfoString in Redis's server.c writes them, one
 * method a section; the wiring root registers them (with replication's own) in Redis's order.
 */
public final class InfoSections {
    private InfoSections() {
    }

    /** Registers every section in genRedisInfoString's order (the order INFO prints them). */
    public static void register(Info info, Server s) {
        info.register("server", "Server", true, out -> server(s, out));
        info.register("clients", "Clients", true, out -> clients(s, out));
        info.register("memory", "Memory", true, out -> memory(s, out));
        info.register("persistence", "Persistence", true, out -> persistence(s, out));
        info.register("stats", "Stats", true, out -> stats(s, out));
        info.register("replication", "Replication", true, out -> s.replication().info(out));
        info.register("cpu", "CPU", true, out -> cpu(out));
        info.register("modules", "Modules", true, out -> { });
        info.register("errorstats", "Errorstats", true, out -> errorstats(s, out));
        info.register("cluster", "Cluster", true, out -> out.field("cluster_enabled", s.cluster() != null ? "1" : "0"));
        info.register("keyspace", "Keyspace", true, out -> keyspace(s, out));
        info.register("commandstats", "Commandstats", false, out -> commandstats(s, out));
        info.register("latencystats", "Latencystats", false, out -> { });
    }

    private static void server(Server s, InfoWriter out) {
        long now = System.currentTimeMillis();
        Stats st = s.stats();
        long up = (now - st.startMs) / 1000;
        out.field("redis_version", Server.REDIS_VERSION);
        out.field("redis_git_sha1", "00000000");
        out.field("redis_git_dirty", "0");
        out.field("redis_build_id", "cachelab");
        out.field("redis_mode", s.mode());
        out.field("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        out.field("arch_bits", "64");
        out.field("monotonic_clock", "POSIX clock_gettime");
        out.field("multiplexing_api", "java-nio");
        out.field("atomicvar_api", "java");
        out.field("gcc_version", "0.0.0");
        out.field("process_id", Long.toString(ProcessHandle.current().pid()));
        out.field("process_supervised", "no");
        out.field("run_id", s.runId());
        out.field("tcp_port", Integer.toString(s.port()));
        out.field("server_time_usec", Long.toString(now * 1000));
        out.field("uptime_in_seconds", Long.toString(up));
        out.field("uptime_in_days", Long.toString(up / 86400));
        out.field("hz", Integer.toString(s.hz()));
        out.field("configured_hz", s.config().getString("hz"));
        out.field("lru_clock", Integer.toString(Eviction.lruClock()));
        out.field("executable", "cachelab-engine");
        out.field("config_file", "");
        out.field("io_threads_active", "0");
    }

    private static void clients(Server s, InfoWriter out) {
        List<Client> clients = s.eventLoop().clients();
        long maxIn = 0;
        long maxOut = 0;
        int pubsubClients = 0;
        for (Client x : clients) {
            maxIn = Math.max(maxIn, x.queryBufferLength());
            maxOut = Math.max(maxOut, x.pendingReplyBytes());
            if (x.isSubscribed()) pubsubClients++;
        }
        out.field("connected_clients", Integer.toString(clients.size()));
        out.field("cluster_connections", "0");
        out.field("maxclients", s.config().getString("maxclients"));
        out.field("client_recent_max_input_buffer", Long.toString(maxIn));
        out.field("client_recent_max_output_buffer", Long.toString(maxOut));
        out.field("blocked_clients", Integer.toString(s.blocking().blockedClients() + s.dispatcher().pause().heldClients()));
        out.field("tracking_clients", Integer.toString(s.tracking().clients()));
        out.field("pubsub_clients", Integer.toString(pubsubClients));
        out.field("clients_in_timeout_table", Integer.toString(s.blocking().blockedClients()));
    }

    private static void memory(Server s, InfoWriter out) {
        Runtime rt = Runtime.getRuntime();
        // what eviction counts: the keys as this JVM lays them out (keyspace.HeapModel), computed, not sampled from the GC
        Evictor ev = s.evictor();
        long used = ev.usedMemory();
        long peak = ev.peak();
        long dataset = ev.dataset();
        long startup = MemoryModel.BASELINE;
        out.field("used_memory", Long.toString(used));
        out.field("used_memory_human", human(used));
        out.field("used_memory_rss", Long.toString(rt.totalMemory()));
        out.field("used_memory_rss_human", human(rt.totalMemory()));
        out.field("used_memory_peak", Long.toString(peak));
        out.field("used_memory_peak_human", human(peak));
        out.field("used_memory_peak_perc", String.format(Locale.ROOT, "%.2f%%", used * 100.0 / peak));
        out.field("used_memory_overhead", Long.toString(used - dataset));
        out.field("used_memory_startup", Long.toString(startup));
        out.field("used_memory_dataset", Long.toString(dataset));
        out.field("used_memory_dataset_perc", String.format(Locale.ROOT, "%.2f%%",
                used - startup <= 0 ? 0.0 : dataset * 100.0 / (used - startup)));
        out.field("total_system_memory", Long.toString(rt.maxMemory()));
        out.field("total_system_memory_human", human(rt.maxMemory()));
        Scripting scripting = s.scripting();
        out.field("used_memory_lua", "31744");
        out.field("used_memory_vm_eval", "31744");
        out.field("used_memory_lua_human", "31.00K");
        out.field("used_memory_scripts_eval", Long.toString(scripting.cachedScriptBytes()));
        out.field("number_of_cached_scripts", Integer.toString(scripting.cachedScripts()));
        out.field("number_of_functions", Integer.toString(scripting.functions().functionCount()));
        out.field("number_of_libraries", Integer.toString(scripting.functions().libraryCount()));
        out.field("used_memory_vm_functions", "32768");
        out.field("used_memory_vm_total", "64512");
        out.field("used_memory_vm_total_human", "63.00K");
        out.field("used_memory_functions", Long.toString(scripting.functions().codeBytes()));
        out.field("used_memory_scripts", Long.toString(scripting.cachedScriptBytes() + scripting.functions().codeBytes()));
        out.field("maxmemory", s.config().getString("maxmemory"));
        out.field("maxmemory_human", human(s.config().getLong("maxmemory")));
        out.field("maxmemory_policy", s.config().getString("maxmemory-policy"));
        out.field("mem_fragmentation_ratio", "1.00");
        out.field("mem_not_counted_for_evict", Long.toString(ev.notCountedForEvict()));
        out.field("mem_replication_backlog", Long.toString(s.replication().backlogMemory()));
        out.field("mem_total_replication_buffers", Long.toString(s.replication().replicationBuffers()));
        out.field("mem_clients_slaves", "0");
        out.field("mem_clients_normal", Long.toString(ev.clientsMemory()));
        out.field("mem_cluster_links", "0");
        out.field("mem_aof_buffer", "0");
        out.field("mem_allocator", "jvm");
        out.field("lazyfree_pending_objects", "0");
        out.field("lazyfreed_objects", Long.toString(s.stats().get(Stats.Counter.LAZYFREED_OBJECTS)));
    }

    private static void persistence(Server s, InfoWriter out) {
        out.field("loading", s.loading() ? "1" : "0");
        out.field("async_loading", s.asyncLoading() ? "1" : "0");
        out.field("current_cow_peak", "0");
        out.field("current_cow_size", "0");
        out.field("current_cow_size_age", "0");
        out.field("current_fork_perc", "0.00");
        out.field("current_save_keys_processed", "0");
        out.field("current_save_keys_total", "0");
        s.persistence().info(out::field);
        s.aof().info(out::field);
    }

    private static void stats(Server s, InfoWriter out) {
        Stats st = s.stats();
        out.field("total_connections_received", Long.toString(st.get(Stats.Counter.TOTAL_CONNECTIONS)));
        out.field("total_commands_processed", Long.toString(st.get(Stats.Counter.TOTAL_COMMANDS)));
        out.field("instantaneous_ops_per_sec", Long.toString(st.instantaneousOps()));
        out.field("total_net_input_bytes", Long.toString(st.get(Stats.Counter.BYTES_IN)));
        out.field("total_net_output_bytes", Long.toString(st.get(Stats.Counter.BYTES_OUT)));
        out.field("total_net_repl_input_bytes", "0");
        out.field("total_net_repl_output_bytes", "0");
        out.field("instantaneous_input_kbps", String.format(Locale.ROOT, "%.2f", st.instantaneousInputKbps()));
        out.field("instantaneous_output_kbps", String.format(Locale.ROOT, "%.2f", st.instantaneousOutputKbps()));
        out.field("instantaneous_input_repl_kbps", "0.00");
        out.field("instantaneous_output_repl_kbps", "0.00");
        out.field("rejected_connections", Long.toString(st.get(Stats.Counter.REJECTED_CONNECTIONS)));
        out.field("sync_full", Long.toString(s.replication().fullSyncs()));
        out.field("sync_partial_ok", Long.toString(s.replication().partialSyncsOk()));
        out.field("sync_partial_err", Long.toString(s.replication().partialSyncsErr()));
        out.field("expired_keys", Long.toString(st.get(Stats.Counter.EXPIRED_KEYS)));
        out.field("expired_stale_perc", String.format(Locale.ROOT, "%.2f", st.expiredStalePerc() * 100));
        out.field("expired_time_cap_reached_count", Long.toString(st.get(Stats.Counter.EXPIRED_TIME_CAP_REACHED_COUNT)));
        out.field("expire_cycle_cpu_milliseconds", Long.toString(st.get(Stats.Counter.EXPIRE_CYCLE_CPU_MICROS) / 1000));
        out.field("evicted_keys", Long.toString(st.get(Stats.Counter.EVICTED_KEYS)));
        out.field("evicted_clients", Long.toString(st.get(Stats.Counter.EVICTED_CLIENTS)));
        out.field("total_eviction_exceeded_time", Long.toString(s.evictor().totalExceededMs()));
        out.field("current_eviction_exceeded_time", Long.toString(s.evictor().currentExceededMs()));
        out.field("keyspace_hits", Long.toString(st.get(Stats.Counter.KEYSPACE_HITS)));
        out.field("keyspace_misses", Long.toString(st.get(Stats.Counter.KEYSPACE_MISSES)));
        out.field("pubsub_channels", Integer.toString(s.pubsub().channelCount()));
        out.field("pubsub_patterns", Integer.toString(s.pubsub().patternCount()));
        out.field("pubsubshard_channels", Integer.toString(s.pubsub().shardChannelCount()));
        out.field("latest_fork_usec", "0");
        out.field("total_forks", Long.toString(s.persistence().forks()
                + s.aof().forks()));
        out.field("migrate_cached_sockets", "0");
        out.field("slave_expires_tracked_keys", "0");
        out.field("active_defrag_hits", "0");
        out.field("active_defrag_misses", "0");
        out.field("active_defrag_key_hits", "0");
        out.field("active_defrag_key_misses", "0");
        out.field("total_active_defrag_time", "0");
        out.field("current_active_defrag_time", "0");
        out.field("tracking_total_keys", Long.toString(s.tracking().tableKeys()));
        out.field("tracking_total_items", Long.toString(s.tracking().tableItems()));
        out.field("tracking_total_prefixes", Integer.toString(s.tracking().prefixCount()));
        out.field("unexpected_error_replies", Long.toString(st.get(Stats.Counter.UNEXPECTED_ERROR_REPLIES)));
        out.field("total_error_replies", Long.toString(st.get(Stats.Counter.TOTAL_ERROR_REPLIES)));
        out.field("dump_payload_sanitizations", "0");
        out.field("total_reads_processed", Long.toString(st.get(Stats.Counter.TOTAL_COMMANDS)));
        out.field("total_writes_processed", Long.toString(st.get(Stats.Counter.TOTAL_COMMANDS)));
        out.field("io_threaded_reads_processed", "0");
        out.field("io_threaded_writes_processed", "0");
        out.field("reply_buffer_shrinks", "0");
        out.field("reply_buffer_expands", "0");
    }

    private static void cpu(InfoWriter out) {
                double sys = 0;
        double user = 0;
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long cpu = tm.isCurrentThreadCpuTimeSupported() ? tm.getCurrentThreadCpuTime() : 0;
        long usr = tm.isCurrentThreadCpuTimeSupported() ? tm.getCurrentThreadUserTime() : 0;
        user = usr / 1e9;
        sys = Math.max(0, (cpu - usr) / 1e9);
        out.field("used_cpu_sys", String.format(Locale.ROOT, "%.6f", sys));
        out.field("used_cpu_user", String.format(Locale.ROOT, "%.6f", user));
        out.field("used_cpu_sys_children", "0.000000");
        out.field("used_cpu_user_children", "0.000000");
        out.field("used_cpu_sys_main_thread", String.format(Locale.ROOT, "%.6f", sys));
        out.field("used_cpu_user_main_thread", String.format(Locale.ROOT, "%.6f", user));
    }

    private static void errorstats(Server s, InfoWriter out) {
        Stats st = s.stats();
        for (Map.Entry<String, Long> e : new TreeMap<>(st.errorsByPrefix).entrySet()) {
            out.field("errorstat_" + e.getKey(), "count=" + e.getValue());
        }
    }

    private static void keyspace(Server s, InfoWriter out) {
        for (Database d : s.databases()) {
            if (d.size() == 0) continue;
            out.field("db" + d.id(), "keys=" + d.size() + ",expires=" + d.expires().size() + ",avg_ttl=" + d.avgTtl());
        }
    }

    private static void commandstats(Server s, InfoWriter out) {
        List<CommandSpec> specs = new ArrayList<>();
        for (CommandSpec spec : s.commands().all()) {
            specs.add(spec);
            specs.addAll(spec.subcommands().values());
        }
        for (CommandSpec spec : specs) {
            CommandStats cs = spec.stats();
            if (cs.isEmpty()) continue;
            double per = cs.calls() == 0 ? 0 : (double) cs.usec() / cs.calls();
            out.field("cmdstat_" + spec.fullName(), "calls=" + cs.calls() + ",usec=" + cs.usec()
                    + ",usec_per_call=" + String.format(Locale.ROOT, "%.2f", per)
                    + ",rejected_calls=" + cs.rejectedCalls() + ",failed_calls=" + cs.failedCalls());
        }
    }

    /** bytesToHuman. */
    static String human(long bytes) {
        if (bytes < 1024) return bytes + "B";
        String[] units = {"K", "M", "G", "T", "P"};
        double d = bytes;
        int i = -1;
        while (d >= 1024 && i < units.length - 1) {
            d /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.2f%s", d, units[i]);
    }
}
