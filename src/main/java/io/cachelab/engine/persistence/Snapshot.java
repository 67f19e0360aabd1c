package io.cachelab.engine.persistence;

import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.util.Dict;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.util.Bytes;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The keyspace frozen at one instant on the event-loop thread, then written as a whole RDB file by
 * whichever thread (SAVE on the loop, BGSAVE on a background thread). Taking it is the part that
 * stands in for fork(): one pass copying references (see {@link Frozen}); the encoding and the
 * I/O, the expensive part, happen afterwards without the keyspace.
 */
final class Snapshot {
    record Entry(Bytes key, Frozen value, long expireMs, long idle, int freq) {
    }

    record Db(int id, List<Entry> entries, long expires) {
    }

    private final List<Db> dbs = new ArrayList<>();
    private final List<byte[]> functions;
    private final long ctimeSeconds;
    private final long usedMemory;
    private final boolean compress;
    private final boolean checksum;
    private final int listFill;
    /** rdbPopulateSaveInfo: repl-stream-db, repl-id, repl-offset at the freeze, or null (nothing to PSYNC from). */
    private String[] replInfo;

    private Snapshot(List<byte[]> functions, long ctimeSeconds, long usedMemory, boolean compress, boolean checksum, int listFill) {
        this.functions = functions;
        this.ctimeSeconds = ctimeSeconds;
        this.usedMemory = usedMemory;
        this.compress = compress;
        this.checksum = checksum;
        this.listFill = listFill;
    }

    /** Freezes every database (call on the event-loop thread). Keys past their TTL are kept, as Redis does (loading drops them). */
    static Snapshot take(PersistenceHost server, List<byte[]> functions) {
        Runtime rt = Runtime.getRuntime();
        String policy = server.config().getString("maxmemory-policy");
        boolean saveLru = policy.endsWith("-lru");
        boolean saveLfu = policy.endsWith("-lfu");
        Snapshot s = new Snapshot(functions, System.currentTimeMillis() / 1000, rt.totalMemory() - rt.freeMemory(),
                server.config().getBool("rdbcompression"), server.config().getBool("rdbchecksum"),
                server.config().getInt("list-max-listpack-size"));
        for (Database db : server.databases()) {
            if (db.size() == 0) continue;
            List<Entry> entries = new ArrayList<>(db.size());
            Dict<Bytes, Long> expires = db.expires();
            for (Dict.Entry<Bytes, RValue> e : db.dict()) {
                Long when = expires.isEmpty() ? null : expires.get(e.key());
                RValue v = e.value();
                long idle = saveLru ? server.eviction().idleSeconds(v) : -1;
                int freq = saveLfu ? server.eviction().frequency(v) : -1;
                entries.add(new Entry(e.key(), Frozen.of(v), when == null ? -1 : when, idle, freq));
            }
            s.dbs.add(new Db(db.id(), entries, expires.size()));
        }
        s.replInfo = server.replicationSaveInfo();
        return s;
    }

    List<Db> dbs() {
        return dbs;
    }

    List<byte[]> functions() {
        return functions;
    }

    /** Written as an AOF base (aof-base:1 in the header), as Redis marks its preamble. */
    boolean aofBase;

    long keyCount() {
        long n = 0;
        for (Db d : dbs) n += d.entries().size();
        return n;
    }

    /**
     * rdbSaveRio: header, aux fields, functions, each non-empty database, EOF and the checksum.
     * {@code keyDelayMicros} is read per key (rdb-key-save-delay, which test suites change while a
     * save runs); {@code cancelled} stops an abandoned background save early.
     */
    void writeTo(OutputStream out, java.util.function.IntSupplier keyDelayMicros, java.util.function.BooleanSupplier cancelled)
            throws IOException {
        RdbWriter w = new RdbWriter(out, compress, listFill);
        byte[] magic = String.format("REDIS%04d", Rdb.VERSION).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        w.write(magic, 0, magic.length);
        w.writeAux("redis-ver", Persistence.REDIS_VERSION);
        w.writeAux("redis-bits", "64");
        w.writeAux("ctime", Long.toString(ctimeSeconds));
        w.writeAux("used-mem", Long.toString(usedMemory));
        if (replInfo != null) {
            w.writeAux("repl-stream-db", replInfo[0]);
            w.writeAux("repl-id", replInfo[1]);
            w.writeAux("repl-offset", replInfo[2]);
        }
        w.writeAux("aof-base", aofBase ? "1" : "0");
        for (byte[] code : functions) {
            w.writeByte(Rdb.OPCODE_FUNCTION2);
            w.writeString(code);
        }
        for (Db db : dbs) {
            w.writeByte(Rdb.OPCODE_SELECTDB);
            w.writeLength(db.id());
            w.writeByte(Rdb.OPCODE_RESIZEDB);
            w.writeLength(db.entries().size());
            w.writeLength(db.expires());
            for (Entry e : db.entries()) {
                int delay = keyDelayMicros.getAsInt();
                if (delay != 0) {
                    if (cancelled.getAsBoolean()) throw new IOException("background save cancelled");
                    debugDelay(delay);
                }
                if (e.expireMs() != -1) {
                    w.writeByte(Rdb.OPCODE_EXPIRETIME_MS);
                    w.writeLe(e.expireMs(), 8);
                }
                if (e.idle() >= 0) {
                    w.writeByte(Rdb.OPCODE_IDLE);
                    w.writeLength(e.idle());
                }
                if (e.freq() >= 0) {
                    w.writeByte(Rdb.OPCODE_FREQ);
                    w.writeByte(e.freq());
                }
                w.writeType(e.value());
                w.writeString(e.key().array());
                w.writeValue(e.value());
            }
        }
        w.writeByte(Rdb.OPCODE_EOF);
        long crc = checksum ? w.checksum() : 0;
        w.writeLe(crc, 8);
        w.flush();
    }

    /** debugDelay: sleep that many microseconds; a negative value busy-waits that many nanoseconds. */
    static void debugDelay(int usec) {
        if (usec < 0) {
            long until = System.nanoTime() - usec;
            while (System.nanoTime() < until) Thread.onSpinWait();
            return;
        }
        try {
            Thread.sleep(usec / 1000, (usec % 1000) * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
