package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.persistence.Persistence;
import io.cachelab.engine.persistence.RdbFormatException;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.util.Bytes;

/**
 * DUMP and RESTORE (cluster.c): a value serialized exactly as in an RDB file, followed by the RDB
 * version and a CRC64, so payloads move between this engine and real Redis 7.0 both ways. The
 * checks run in Redis's order (options, BUSYKEY, TTL, version/checksum, then the value itself),
 * since clients and test suites match the first error they get.
 */
final class DumpCommands {
    private DumpCommands() {
    }

    static void register(Commands t) {
        t.bind("dump", DumpCommands::dump);
        t.bind("restore", DumpCommands::restore);
        // what MIGRATE sends in cluster mode: RESTORE allowed into an importing slot without ASKING
        t.bind("restore-asking", DumpCommands::restore);
    }

    private static void dump(Client c, byte[][] a) {
        RValue v = c.db().lookupRead(new Bytes(a[1]));
        if (v == null) {
            c.addNull();
            return;
        }
        c.addBulk(server(c).persistence().dump(v));
    }

    private static void restore(Client c, byte[][] a) {
        boolean replace = false;
        boolean absTtl = false;
        long idle = -1;
        long freq = -1;
        for (int j = 4; j < a.length; j++) {
            int additional = a.length - j - 1;
            if (Args.is(a[j], "replace")) {
                replace = true;
            } else if (Args.is(a[j], "absttl")) {
                absTtl = true;
            } else if (Args.is(a[j], "idletime") && additional >= 1 && freq == -1) {
                idle = Args.toLong(a[++j]);
                if (idle < 0) throw new RedisError("ERR Invalid IDLETIME value, must be >= 0");
            } else if (Args.is(a[j], "freq") && additional >= 1 && idle == -1) {
                freq = Args.toLong(a[++j]);
                if (freq < 0 || freq > 255) throw new RedisError("ERR Invalid FREQ value, must be >= 0 and <= 255");
            } else {
                throw RedisError.SYNTAX;
            }
        }
        Database db = c.db();
        Bytes key = new Bytes(a[1]);
        if (!replace && db.lookupWrite(key) != null) throw new RedisError("BUSYKEY Target key name already exists.");
        long ttl = Args.toLong(a[2]);
        if (ttl < 0) throw new RedisError("ERR Invalid TTL value, must be >= 0");
        byte[] payload = a[3];
        if (!Persistence.verifyPayload(payload)) throw new RedisError("ERR DUMP payload version or checksum are wrong");
        Persistence persistence = server(c).persistence();
        RValue value;
        try {
            value = persistence.restore(payload);
        } catch (RdbFormatException e) {
            throw new RedisError("ERR Bad data format");
        }
        boolean deleted = replace && db.deleteRaw(key);
        if (ttl != 0 && !absTtl) ttl += System.currentTimeMillis();
        if (ttl != 0 && ttl <= server(c).commandTimeMs()) {
            if (deleted) {
                db.signalModified(key);
                server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", key, db.id());
            }
            c.addOk();
            return;
        }
        db.add(key, value);
        if (ttl != 0) db.setExpire(key, ttl);
        persistence.setAccessClock(value, idle, (int) freq);
        db.signalModified(key);
        server(c).notifyKeyspaceEvent(Notify.GENERIC, "restore", key, db.id());
        c.addOk();
    }
}
