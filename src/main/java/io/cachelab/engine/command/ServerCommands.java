package io.cachelab.engine.command;

import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.CommandStats;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.Server;
import io.cachelab.engine.Stats;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.persistence.Persistence;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Server commands: INFO with real values, DBSIZE, FLUSHDB/FLUSHALL, TIME, LASTSAVE, DEBUG,
 * SHUTDOWN, WAIT, MONITOR, SLOWLOG. INFO's field names follow Redis 7.0 because Spring's health
 * check, redis-cli and monitoring tools read them.
 */
final class ServerCommands {
    private static final List<String> DEFAULT_SECTIONS = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");

    private ServerCommands() {
    }

    static void register(Commands t) {
        t.bind("info", ServerCommands::info);
        t.bind("dbsize", (c, a) -> c.addInteger(c.db().size()));
        t.bind("flushdb", ServerCommands::flushdb);
        t.bind("flushall", ServerCommands::flushall);
        t.bind("time", (c, a) -> {
            long us = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
            c.addArrayLen(2);
            c.addBulk(Long.toString(us / 1_000_000));
            c.addBulk(Long.toString(us % 1_000_000));
        });
        t.bind("lastsave", (c, a) -> c.addInteger(c.server().lastSaveSeconds()));
        t.bind("shutdown", ServerCommands::shutdown);
        t.bind("monitor", (c, a) -> {
            if (c.monitor) return;
            c.server().dispatcher().monitor().add(c);
            c.addOk();
        });
        t.bind("debug", DebugCommand::debug);
        t.bind("save", ServerCommands::save);
        t.bind("bgrewriteaof", ServerCommands::bgrewriteaof);
        t.bind("bgsave", ServerCommands::bgsave);
        t.bind("lolwut", (c, a) -> c.addVerbatim("CacheLab engine ver. " + ConnectionCommands.VERSION + "\n"));
        // a standalone server: every CLUSTER subcommand answers as Redis does with cluster-enabled no
        CommandSpec cluster = t.container("cluster");
        for (String sub : List.of("info", "nodes", "slots", "shards", "myid", "reset", "keyslot", "countkeysinslot",
                "getkeysinslot", "addslots", "delslots", "meet", "forget", "replicate", "failover", "links")) {
            cluster.sub(sub, (c, a) -> {
                throw new RedisError("ERR This instance has cluster support disabled");
            });
        }
        cluster.sub("help", (c, a) -> {
            throw new RedisError("ERR This instance has cluster support disabled");
        });
        t.bind("readonly", (c, a) -> c.addOk());
        t.bind("readwrite", (c, a) -> c.addOk());
        SlowlogCommand.register(t);
        CommandCommand.register(t);
    }

    private static boolean asyncFlag(byte[][] a) {
        if (a.length == 1) return false;
        if (a.length > 2) throw RedisError.SYNTAX;
        if (Args.is(a[1], "async")) return true;
        if (Args.is(a[1], "sync")) return false;
        throw RedisError.SYNTAX;
    }

    /** FLUSHDB/FLUSHALL without SYNC or ASYNC follow lazyfree-lazy-user-flush. */
    private static boolean flushAsync(Client c, byte[][] a) {
        return a.length == 1 ? c.server().config().getBool("lazyfree-lazy-user-flush") : asyncFlag(a);
    }

    /** emptyDbAsync hands every key of a non-empty database to the lazy-free thread. */
    private static void countLazyFlush(Server s, Database d) {
        s.stats().lazyfreedObjects += d.dict().size();
    }

    private static void flushdb(Client c, byte[][] a) {
        if (flushAsync(c, a)) countLazyFlush(c.server(), c.db());
        flush(c.server(), c.db());
        c.server().tracking().flushed();
        // forceCommandPropagation: logged even when the db was already empty
        c.server().propagation().force();
        c.addOk();
    }

    private static void flushall(Client c, byte[][] a) {
        boolean async = flushAsync(c, a);
        for (Database d : c.server().databases()) {
            if (async) countLazyFlush(c.server(), d);
            flush(c.server(), d);
        }
        c.server().tracking().flushed();
        c.server().propagation().force();
        // flushAllDataAndResetRDB: a running BGSAVE is dropped and, with save points, the empty
        // dataset is saved at once (which also resets the dirty counter)
        Persistence p = c.server().persistence();
        p.killBgsave();
        if (p.hasSavePoints()) p.save();
        c.addOk();
    }

    static void flush(Server s, Database d) {
        s.watches().touchAll(d, null);
        s.addDirty(d.flush());
    }

    private static void shutdown(Client c, byte[][] a) {
        boolean nosave = false;
        boolean save = false;
        boolean force = false;
        for (int i = 1; i < a.length; i++) {
            String o = Args.lower(a[i]);
            switch (o) {
                case "nosave" -> nosave = true;
                case "save" -> save = true;
                case "force" -> force = true;
                case "now" -> {
                }
                case "abort" -> throw new RedisError("ERR No shutdown in progress.");
                default -> throw RedisError.SYNTAX;
            }
        }
        if (nosave && save) throw RedisError.SYNTAX;
        // while a script is past its time limit only SHUTDOWN NOSAVE may stop the server (Redis 7)
        if (c.server().scriptBusy() && !nosave) throw new RedisError(c.server().busyError());
        // prepareForShutdown: a final snapshot when save points exist (or SAVE is given)
        Persistence p = c.server().persistence();
        p.killBgsave();
        if ((p.hasSavePoints() && !nosave) || save) {
            c.server().log().info("Saving the final RDB snapshot before exiting.");
            if (!p.save() && !force) {
                c.server().log().warning("Error trying to save the DB, can't exit.");
                throw new RedisError("ERR Errors trying to SHUTDOWN. Check logs.");
            }
        }
        c.server().shutdown();
        // Redis closes the connection without a reply when the shutdown succeeds
        c.closeAfterReply();
    }

    private static void save(Client c, byte[][] a) {
        Persistence p = c.server().persistence();
        if (p.bgsaveInProgress()) throw new RedisError("ERR Background save already in progress");
        if (!p.save()) throw new RedisError("ERR");
        c.addOk();
    }

    private static void bgsave(Client c, byte[][] a) {
        boolean schedule = false;
        if (a.length > 1) {
            if (a.length == 2 && Args.is(a[1], "schedule")) schedule = true;
            else throw RedisError.SYNTAX;
        }
        Persistence p = c.server().persistence();
        if (p.bgsaveInProgress()) throw new RedisError("ERR Background save already in progress");
        if (c.server().aof().rewriteInProgress() && !c.inExec) {
            // Redis has one child at a time; our rewrite thread stands in for it
            if (!schedule) {
                throw new RedisError("ERR An AOF log rewriting in progress: can't BGSAVE right now. "
                        + "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
            }
            p.scheduleBgsave();
            c.addSimple("Background saving scheduled");
            return;
        }
        if (c.inExec) {
            p.scheduleBgsave();
            c.addSimple("Background saving scheduled");
            return;
        }
        if (!p.bgsave()) throw new RedisError("ERR");
        c.addSimple("Background saving started");
    }

    private static void bgrewriteaof(Client c, byte[][] a) {
        io.cachelab.engine.persistence.Aof aof = c.server().aof();
        if (aof.rewriteInProgress()) throw new RedisError("ERR Background append only file rewriting already in progress");
        if (c.inExec || c.server().persistence().bgsaveInProgress()) {
            aof.scheduleRewrite();
            c.addSimple("Background append only file rewriting scheduled");
            return;
        }
        if (!aof.bgrewrite()) {
            throw new RedisError("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
        }
        c.addSimple("Background append only file rewriting started");
    }

    // ---------------- INFO ----------------

    private static void info(Client c, byte[][] a) {
        Set<String> sections = new LinkedHashSet<>();
        boolean all = false;
        if (a.length == 1) {
            sections.addAll(DEFAULT_SECTIONS);
        } else {
            for (int i = 1; i < a.length; i++) {
                String s = Args.lower(a[i]);
                switch (s) {
                    case "default" -> sections.addAll(DEFAULT_SECTIONS);
                    case "all" -> {
                        sections.addAll(DEFAULT_SECTIONS);
                        sections.add("commandstats");
                        sections.add("latencystats");
                        all = true;
                    }
                    case "everything" -> {
                        sections.addAll(DEFAULT_SECTIONS);
                        sections.add("commandstats");
                        sections.add("latencystats");
                        all = true;
                    }
                    default -> sections.add(s);
                }
            }
        }
        c.addVerbatim(infoText(c, sections));
    }

    static String infoText(Client c, Set<String> sections) {
        Server s = c.server();
        Stats st = s.stats();
        StringBuilder sb = new StringBuilder();
        long now = System.currentTimeMillis();
        Runtime rt = Runtime.getRuntime();
        for (String sec : sections) {
            int before = sb.length();
            switch (sec) {
                case "server" -> {
                    long up = (now - st.startMs) / 1000;
                    header(sb, "Server");
                    kv(sb, "redis_version", ConnectionCommands.VERSION);
                    kv(sb, "redis_git_sha1", "00000000");
                    kv(sb, "redis_git_dirty", "0");
                    kv(sb, "redis_build_id", "cachelab");
                    kv(sb, "redis_mode", "standalone");
                    kv(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
                    kv(sb, "arch_bits", "64");
                    kv(sb, "monotonic_clock", "POSIX clock_gettime");
                    kv(sb, "multiplexing_api", "java-nio");
                    kv(sb, "atomicvar_api", "java");
                    kv(sb, "gcc_version", "0.0.0");
                    kv(sb, "process_id", Long.toString(ProcessHandle.current().pid()));
                    kv(sb, "process_supervised", "no");
                    kv(sb, "run_id", s.runId());
                    kv(sb, "tcp_port", Integer.toString(s.port()));
                    kv(sb, "server_time_usec", Long.toString(now * 1000));
                    kv(sb, "uptime_in_seconds", Long.toString(up));
                    kv(sb, "uptime_in_days", Long.toString(up / 86400));
                    kv(sb, "hz", Integer.toString(s.hz()));
                    kv(sb, "configured_hz", s.config().getString("hz"));
                    kv(sb, "lru_clock", Integer.toString(io.cachelab.engine.keyspace.Eviction.lruClock()));
                    kv(sb, "executable", "cachelab-engine");
                    kv(sb, "config_file", "");
                    kv(sb, "io_threads_active", "0");
                }
                case "clients" -> {
                    header(sb, "Clients");
                    List<Client> clients = s.eventLoop().clients();
                    long maxIn = 0;
                    long maxOut = 0;
                    int pubsubClients = 0;
                    for (Client x : clients) {
                        maxIn = Math.max(maxIn, x.queryBufferLength());
                        maxOut = Math.max(maxOut, x.pendingReplyBytes());
                        if (x.isSubscribed()) pubsubClients++;
                    }
                    kv(sb, "connected_clients", Integer.toString(clients.size()));
                    kv(sb, "cluster_connections", "0");
                    kv(sb, "maxclients", s.config().getString("maxclients"));
                    kv(sb, "client_recent_max_input_buffer", Long.toString(maxIn));
                    kv(sb, "client_recent_max_output_buffer", Long.toString(maxOut));
                    kv(sb, "blocked_clients", Integer.toString(s.blocking().blockedClients() + s.dispatcher().pause().heldClients()));
                    kv(sb, "tracking_clients", Integer.toString(s.tracking().clients()));
                    kv(sb, "pubsub_clients", Integer.toString(pubsubClients));
                    kv(sb, "clients_in_timeout_table", Integer.toString(s.blocking().blockedClients()));
                }
                case "memory" -> {
                    header(sb, "Memory");
                    // the deterministic estimate eviction uses (keyspace.MemoryModel), not the JVM heap
                    io.cachelab.engine.memory.Evictor ev = s.evictor();
                    long used = ev.usedMemory();
                    long peak = ev.peak();
                    long dataset = ev.dataset();
                    long startup = io.cachelab.engine.keyspace.MemoryModel.BASELINE;
                    kv(sb, "used_memory", Long.toString(used));
                    kv(sb, "used_memory_human", human(used));
                    kv(sb, "used_memory_rss", Long.toString(rt.totalMemory()));
                    kv(sb, "used_memory_rss_human", human(rt.totalMemory()));
                    kv(sb, "used_memory_peak", Long.toString(peak));
                    kv(sb, "used_memory_peak_human", human(peak));
                    kv(sb, "used_memory_peak_perc", String.format(Locale.ROOT, "%.2f%%", used * 100.0 / peak));
                    kv(sb, "used_memory_overhead", Long.toString(used - dataset));
                    kv(sb, "used_memory_startup", Long.toString(startup));
                    kv(sb, "used_memory_dataset", Long.toString(dataset));
                    kv(sb, "used_memory_dataset_perc", String.format(Locale.ROOT, "%.2f%%",
                            used - startup <= 0 ? 0.0 : dataset * 100.0 / (used - startup)));
                    kv(sb, "total_system_memory", Long.toString(rt.maxMemory()));
                    kv(sb, "total_system_memory_human", human(rt.maxMemory()));
                    io.cachelab.engine.script.Scripting scripting = s.scripting();
                    kv(sb, "used_memory_lua", "31744");
                    kv(sb, "used_memory_vm_eval", "31744");
                    kv(sb, "used_memory_lua_human", "31.00K");
                    kv(sb, "used_memory_scripts_eval", Long.toString(scripting.cachedScriptBytes()));
                    kv(sb, "number_of_cached_scripts", Integer.toString(scripting.cachedScripts()));
                    kv(sb, "number_of_functions", Integer.toString(scripting.functions().functionCount()));
                    kv(sb, "number_of_libraries", Integer.toString(scripting.functions().libraryCount()));
                    kv(sb, "used_memory_vm_functions", "32768");
                    kv(sb, "used_memory_vm_total", "64512");
                    kv(sb, "used_memory_vm_total_human", "63.00K");
                    kv(sb, "used_memory_functions", Long.toString(scripting.functions().codeBytes()));
                    kv(sb, "used_memory_scripts", Long.toString(scripting.cachedScriptBytes() + scripting.functions().codeBytes()));
                    kv(sb, "maxmemory", s.config().getString("maxmemory"));
                    kv(sb, "maxmemory_human", human(s.config().getLong("maxmemory")));
                    kv(sb, "maxmemory_policy", s.config().getString("maxmemory-policy"));
                    kv(sb, "mem_fragmentation_ratio", "1.00");
                    kv(sb, "mem_not_counted_for_evict", Long.toString(ev.notCountedForEvict()));
                    kv(sb, "mem_replication_backlog", Long.toString(s.replication().backlogMemory()));
                    kv(sb, "mem_total_replication_buffers", Long.toString(s.replication().backlogMemory()));
                    kv(sb, "mem_clients_slaves", "0");
                    kv(sb, "mem_clients_normal", Long.toString(ev.clientsMemory()));
                    kv(sb, "mem_cluster_links", "0");
                    kv(sb, "mem_aof_buffer", "0");
                    kv(sb, "mem_allocator", "jvm");
                    kv(sb, "lazyfree_pending_objects", "0");
                    kv(sb, "lazyfreed_objects", Long.toString(c.server().stats().lazyfreedObjects));
                }
                case "persistence" -> {
                    header(sb, "Persistence");
                    kv(sb, "loading", "0");
                    kv(sb, "async_loading", "0");
                    kv(sb, "current_cow_peak", "0");
                    kv(sb, "current_cow_size", "0");
                    kv(sb, "current_cow_size_age", "0");
                    kv(sb, "current_fork_perc", "0.00");
                    kv(sb, "current_save_keys_processed", "0");
                    kv(sb, "current_save_keys_total", "0");
                    s.persistence().info((k, v) -> kv(sb, k, v));
                    s.aof().info((k, v) -> kv(sb, k, v));
                }
                case "stats" -> {
                    header(sb, "Stats");
                    kv(sb, "total_connections_received", Long.toString(st.totalConnections));
                    kv(sb, "total_commands_processed", Long.toString(st.totalCommands));
                    kv(sb, "instantaneous_ops_per_sec", Long.toString(st.instantaneousOps()));
                    kv(sb, "total_net_input_bytes", Long.toString(st.bytesIn));
                    kv(sb, "total_net_output_bytes", Long.toString(st.bytesOut));
                    kv(sb, "total_net_repl_input_bytes", "0");
                    kv(sb, "total_net_repl_output_bytes", "0");
                    kv(sb, "instantaneous_input_kbps", String.format(Locale.ROOT, "%.2f", st.instantaneousInputKbps()));
                    kv(sb, "instantaneous_output_kbps", String.format(Locale.ROOT, "%.2f", st.instantaneousOutputKbps()));
                    kv(sb, "instantaneous_input_repl_kbps", "0.00");
                    kv(sb, "instantaneous_output_repl_kbps", "0.00");
                    kv(sb, "rejected_connections", Long.toString(st.rejectedConnections));
                    kv(sb, "sync_full", Long.toString(s.replication().fullSyncs()));
                    kv(sb, "sync_partial_ok", Long.toString(s.replication().partialSyncsOk()));
                    kv(sb, "sync_partial_err", Long.toString(s.replication().partialSyncsErr()));
                    kv(sb, "expired_keys", Long.toString(st.expiredKeys));
                    kv(sb, "expired_stale_perc", String.format(Locale.ROOT, "%.2f", st.expiredStalePerc * 100));
                    kv(sb, "expired_time_cap_reached_count", Long.toString(st.expiredTimeCapReachedCount));
                    kv(sb, "expire_cycle_cpu_milliseconds", Long.toString(st.expireCycleCpuMicros / 1000));
                    kv(sb, "evicted_keys", Long.toString(st.evictedKeys));
                    kv(sb, "evicted_clients", Long.toString(st.evictedClients));
                    kv(sb, "total_eviction_exceeded_time", Long.toString(s.evictor().totalExceededMs()));
                    kv(sb, "current_eviction_exceeded_time", Long.toString(s.evictor().currentExceededMs()));
                    kv(sb, "keyspace_hits", Long.toString(st.keyspaceHits));
                    kv(sb, "keyspace_misses", Long.toString(st.keyspaceMisses));
                    kv(sb, "pubsub_channels", Integer.toString(s.pubsub().channelCount()));
                    kv(sb, "pubsub_patterns", Integer.toString(s.pubsub().patternCount()));
                    kv(sb, "pubsubshard_channels", Integer.toString(s.pubsub().shardChannelCount()));
                    kv(sb, "latest_fork_usec", "0");
                    kv(sb, "total_forks", Long.toString(s.persistence().forks()
                            + s.aof().forks()));
                    kv(sb, "migrate_cached_sockets", "0");
                    kv(sb, "slave_expires_tracked_keys", "0");
                    kv(sb, "active_defrag_hits", "0");
                    kv(sb, "active_defrag_misses", "0");
                    kv(sb, "active_defrag_key_hits", "0");
                    kv(sb, "active_defrag_key_misses", "0");
                    kv(sb, "total_active_defrag_time", "0");
                    kv(sb, "current_active_defrag_time", "0");
                    kv(sb, "tracking_total_keys", Long.toString(s.tracking().tableKeys()));
                    kv(sb, "tracking_total_items", Long.toString(s.tracking().tableItems()));
                    kv(sb, "tracking_total_prefixes", Integer.toString(s.tracking().prefixCount()));
                    kv(sb, "unexpected_error_replies", Long.toString(st.unexpectedErrorReplies));
                    kv(sb, "total_error_replies", Long.toString(st.totalErrorReplies));
                    kv(sb, "dump_payload_sanitizations", "0");
                    kv(sb, "total_reads_processed", Long.toString(st.totalCommands));
                    kv(sb, "total_writes_processed", Long.toString(st.totalCommands));
                    kv(sb, "io_threaded_reads_processed", "0");
                    kv(sb, "io_threaded_writes_processed", "0");
                    kv(sb, "reply_buffer_shrinks", "0");
                    kv(sb, "reply_buffer_expands", "0");
                }
                case "replication" -> {
                    header(sb, "Replication");
                    s.replication().info(sb);
                }
                case "cpu" -> {
                    header(sb, "CPU");
                    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
                    double sys = 0;
                    double user = 0;
                    ThreadMXBean tm = ManagementFactory.getThreadMXBean();
                    long cpu = tm.isCurrentThreadCpuTimeSupported() ? tm.getCurrentThreadCpuTime() : 0;
                    long usr = tm.isCurrentThreadCpuTimeSupported() ? tm.getCurrentThreadUserTime() : 0;
                    user = usr / 1e9;
                    sys = Math.max(0, (cpu - usr) / 1e9);
                    kv(sb, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", sys));
                    kv(sb, "used_cpu_user", String.format(Locale.ROOT, "%.6f", user));
                    kv(sb, "used_cpu_sys_children", "0.000000");
                    kv(sb, "used_cpu_user_children", "0.000000");
                    kv(sb, "used_cpu_sys_main_thread", String.format(Locale.ROOT, "%.6f", sys));
                    kv(sb, "used_cpu_user_main_thread", String.format(Locale.ROOT, "%.6f", user));
                    if (os.getAvailableProcessors() < 0) sb.append("");
                }
                case "modules" -> header(sb, "Modules");
                case "errorstats" -> {
                    header(sb, "Errorstats");
                    for (Map.Entry<String, Long> e : new java.util.TreeMap<>(st.errorsByPrefix).entrySet()) {
                        kv(sb, "errorstat_" + e.getKey(), "count=" + e.getValue());
                    }
                }
                case "cluster" -> {
                    header(sb, "Cluster");
                    kv(sb, "cluster_enabled", "0");
                }
                case "keyspace" -> {
                    header(sb, "Keyspace");
                    for (Database d : s.databases()) {
                        if (d.size() == 0) continue;
                        kv(sb, "db" + d.id(), "keys=" + d.size() + ",expires=" + d.expires().size() + ",avg_ttl=" + d.avgTtl());
                    }
                }
                case "commandstats" -> {
                    header(sb, "Commandstats");
                    List<CommandSpec> specs = new ArrayList<>();
                    for (CommandSpec spec : s.commands().all()) {
                        specs.add(spec);
                        specs.addAll(spec.subcommands().values());
                    }
                    for (CommandSpec spec : specs) {
                        CommandStats cs = spec.stats();
                        if (cs.isEmpty()) continue;
                        double per = cs.calls() == 0 ? 0 : (double) cs.usec() / cs.calls();
                        kv(sb, "cmdstat_" + spec.fullName(), "calls=" + cs.calls() + ",usec=" + cs.usec()
                                + ",usec_per_call=" + String.format(Locale.ROOT, "%.2f", per)
                                + ",rejected_calls=" + cs.rejectedCalls() + ",failed_calls=" + cs.failedCalls());
                    }
                }
                case "latencystats" -> header(sb, "Latencystats");
                default -> {
                }
            }
            if (sb.length() > before) sb.append("\r\n");
        }
        // Redis ends the last section without the blank line
        while (sb.length() >= 2 && sb.charAt(sb.length() - 1) == '\n' && sb.charAt(sb.length() - 3) == '\n') {
            sb.setLength(sb.length() - 2);
        }
        return sb.toString();
    }

    private static void header(StringBuilder sb, String name) {
        sb.append("# ").append(name).append("\r\n");
    }

    private static void kv(StringBuilder sb, String k, String v) {
        sb.append(k).append(':').append(v).append("\r\n");
    }

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
