package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.server.Server;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.memory.Evictor;
import io.cachelab.engine.keyspace.MemoryModel;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.util.Bytes;

/**
 * MEMORY and its subcommands (object.c memoryCommand). Every number comes from keyspace.MemoryModel,
 * the same estimate eviction compares with maxmemory, so MEMORY USAGE, MEMORY STATS and INFO
 * memory agree with each other. The model keeps running totals, so SAMPLES is accepted and
 * validated as Redis does but every answer is already "exact" for the model.
 */
final class MemoryCommands {
    private MemoryCommands() {
    }

    static void register(Commands t) {
        CommandSpec memory = t.container("memory");
        memory.sub("usage", MemoryCommands::usage);
        memory.sub("stats", MemoryCommands::stats);
        memory.sub("doctor", MemoryCommands::doctor);
        memory.sub("malloc-stats", (c, a) -> c.addBulk("Stats not supported for the current allocator"));
        memory.sub("purge", (c, a) -> c.addOk());
        memory.sub("help", MemoryCommands::help);
    }

    private static void usage(Client c, byte[][] a) {
        for (int j = 3; j < a.length; j++) {
            if (Args.is(a[j], "samples") && j + 1 < a.length) {
                long samples = Args.toLong(a[j + 1]);
                if (samples < 0) throw new RedisError("ERR syntax error");
                j++;
            } else {
                throw new RedisError("ERR syntax error");
            }
        }
        // Redis reads the dict directly: no lazy expiry, no access-clock update, no hit/miss
        Bytes key = new Bytes(a[2]);
        RValue v = c.db().dict().get(key);
        if (v == null) {
            c.addNull();
            return;
        }
        c.addInteger(MemoryModel.entryBytes(key, v));
    }

    private static void stats(Client c, byte[][] a) {
        Server s = server(c);
        Evictor ev = s.evictor();
        long used = ev.usedMemory();
        long dataset = ev.dataset();
        long keys = 0;
        int dbsWithKeys = 0;
        for (Database db : s.databases()) {
            keys += db.size();
            if (db.size() > 0) dbsWithKeys++;
        }
        long overhead = used - dataset;
        long startup = MemoryModel.BASELINE;
        c.addMapLen(27 + dbsWithKeys);
        field(c, "peak.allocated", ev.peak());
        field(c, "total.allocated", used);
        field(c, "startup.allocated", startup);
        field(c, "replication.backlog", 0);
        field(c, "clients.slaves", 0);
        field(c, "clients.normal", ev.clientsMemory());
        field(c, "cluster.links", 0);
        field(c, "aof.buffer", 0);
        field(c, "lua.caches", 0);
        field(c, "functions.caches", 0);
        for (Database db : s.databases()) {
            if (db.size() == 0) continue;
            c.addBulk("db." + db.id());
            c.addMapLen(3);
            field(c, "overhead.hashtable.main", 40L * db.dict().size() + 8L * db.dict().buckets());
            long expires = db.expires().size() == 0 ? 0 : 40L * db.expires().size() + 8L * db.expires().buckets();
            field(c, "overhead.hashtable.expires", expires);
            field(c, "overhead.hashtable.slot-to-keys", 0);
        }
        field(c, "overhead.total", overhead);
        field(c, "keys.count", keys);
        field(c, "keys.bytes-per-key", keys == 0 ? 0 : (used - startup) / keys);
        field(c, "dataset.bytes", dataset);
        c.addBulk("dataset.percentage");
        c.addDouble(used - startup <= 0 ? 0 : dataset * 100.0 / (used - startup));
        c.addBulk("peak.percentage");
        c.addDouble(ev.peak() == 0 ? 0 : used * 100.0 / ev.peak());
        field(c, "allocator.allocated", used);
        field(c, "allocator.active", used);
        field(c, "allocator.resident", used);
        c.addBulk("allocator-fragmentation.ratio");
        c.addDouble(1.0);
        field(c, "allocator-fragmentation.bytes", 0);
        c.addBulk("allocator-rss.ratio");
        c.addDouble(1.0);
        field(c, "allocator-rss.bytes", 0);
        c.addBulk("rss-overhead.ratio");
        c.addDouble(1.0);
        field(c, "rss-overhead.bytes", 0);
        c.addBulk("fragmentation");
        c.addDouble(1.0);
        field(c, "fragmentation.bytes", 0);
    }

    private static void field(Client c, String name, long value) {
        c.addBulk(name);
        c.addInteger(value);
    }

    private static void doctor(Client c, byte[][] a) {
        if (server(c).evictor().usedMemory() < 5L * 1024 * 1024) {
            c.addVerbatim("Hi Sam, this instance is empty or is using very little memory, my issues detector can't be "
                    + "used in these conditions. Please, leave for your mission on Earth and fill it with some data. "
                    + "The new Sam and I will be back to our programming as soon as I finished rebooting.");
        } else {
            c.addVerbatim("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs "
                    + "on this base.");
        }
    }

    private static void help(Client c, byte[][] a) {
        String[] lines = {
            "DOCTOR", "    Return memory problems reports.",
            "MALLOC-STATS", "    Return internal statistics report from the memory allocator.",
            "PURGE", "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS", "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]", "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all)."};
        c.addHelp("MEMORY", lines);
    }
}
