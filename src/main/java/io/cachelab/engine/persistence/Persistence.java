package io.cachelab.engine.persistence;

import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.keyspace.Eviction;
import io.cachelab.engine.script.Scripting;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.util.Bytes;

import java.io.BufferedInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.logging.Level;

/**
 * RDB persistence for one server (rdb.c's save/load side and serverCron's save points): SAVE,
 * BGSAVE, automatic snapshots, loading at start-up and DEBUG RELOAD, plus DUMP/RESTORE payloads.
 *
 * <p>Java cannot fork, so BGSAVE freezes the keyspace on the event-loop thread ({@link Snapshot})
 * and a background thread encodes and writes it. As with Redis's child process, the event loop
 * learns that the save finished from the cron ({@link #cron}), which is where rdb_bgsave_in_progress
 * drops to 0 and the dirty counter and LASTSAVE move. Files are written to a temp file, fsynced
 * and renamed over dbfilename, so a crash never leaves a half-written dump.
 */
public final class Persistence {
    static final String REDIS_VERSION = "7.0.15";
    /** CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, save points wait this long before retrying. */
    private static final long BGSAVE_RETRY_DELAY_S = 5;

    private final PersistenceHost server;
    /** One background save: the thread writes, the event loop reaps (or abandons) it. */
    private static final class BgJob {
        Thread thread;
        volatile boolean done;
        volatile Throwable failure;
        /** Set by killBgsave: the writer must not rename its file over dbfilename any more. */
        boolean cancelled;
        /** RDB_CHILD_TYPE_SOCKET: written to replicas, not to a file. */
        boolean socket;
    }

    private BgJob bg;

    /** backgroundSaveDoneHandler's call to updateSlavesWaitingBgsave: replication learns how a BGSAVE ended. */
    public interface BgsaveDoneListener {
        void bgsaveDone(boolean ok, boolean socket);
    }

    private BgsaveDoneListener doneListener = (ok, socket) -> { };
    /** While a master loads its RDB at start: where the keys found expired go (as DELs for its backlog). */
    private java.util.function.ObjIntConsumer<Bytes> expiredAtLoad;
    private boolean keepExpired;
    private long tempCounter;
    private long bgStartMs;
    private long dirtyAtBgsaveStart;
    private boolean lastBgsaveOk = true;
    private long lastBgsaveTrySeconds;
    private long lastBgsaveDurationSec = -1;
    private boolean bgsaveScheduled;
    private long saves;
    private long forks;

    /** BGSAVEs started (INFO total_forks counts them with AOF rewrites). */
    public long forks() {
        return forks;
    }
    private long lastLoadKeysLoaded;
    private long lastLoadKeysExpired;

    public Persistence(PersistenceHost server) {
        this.server = server;
    }

    /** Wired by the engine's root: the replication master hears of every BGSAVE's end. */
    public void onBgsaveDone(BgsaveDoneListener listener) {
        this.doneListener = listener;
    }

    private EngineConfig config() {
        return server.config();
    }

    public Path rdbPath() {
        return Path.of(config().getString("dir")).resolve(config().getString("dbfilename"));
    }

    RdbReader.Limits limits() {
        EngineConfig c = config();
        return new RdbReader.Limits(c.getInt("hash-max-listpack-entries"), c.getInt("hash-max-listpack-value"),
                c.getInt("zset-max-listpack-entries"), c.getInt("zset-max-listpack-value"), c.getInt("set-max-intset-entries"));
    }

    // ---------------- DUMP / RESTORE ----------------

    /** createDumpPayload: type, value, RDB version (2 bytes LE), CRC64 (8 bytes LE). */
    public byte[] dump(RValue value) {
        Frozen f = Frozen.of(value);
        RdbWriter w = new RdbWriter(null, config().getBool("rdbcompression"), config().getInt("list-max-listpack-size"));
        w.writeType(f);
        w.writeValue(f);
        w.writeLe(Rdb.VERSION, 2);
        try {
            w.writeLe(w.checksum(), 8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toByteArray();
    }

    /** verifyDumpPayload: an RDB version we can read and a matching CRC64 (a zero CRC is not skipped). */
    public static boolean verifyPayload(byte[] p) {
        if (p.length < 10) return false;
        int footer = p.length - 10;
        int version = (p[footer] & 0xff) | (p[footer + 1] & 0xff) << 8;
        if (version > Rdb.VERSION) return false;
        long crc = Crc64.of(p, 0, p.length - 8);
        long stored = 0;
        for (int i = 0; i < 8; i++) stored |= (p[p.length - 8 + i] & 0xffL) << (8 * i);
        return crc == stored;
    }

    /** The value a verified payload holds; throws {@link RdbFormatException} when it is malformed or empty. */
    public RValue restore(byte[] p) {
        RdbReader r = new RdbReader(p, 0, p.length - 10, limits());
        try {
            int type = r.readByte();
            if (!RdbReader.isValueType(type)) throw new RdbFormatException("not a value type: " + type);
            RValue v = r.readValue(type);
            if (v == null) throw new RdbFormatException("empty value");
            return v;
        } catch (RdbFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // hostile payloads: whatever the decoders trip over is a format error, never a crash
            throw new RdbFormatException(String.valueOf(e.getMessage()));
        }
    }

    /** DEBUG OBJECT's serializedlength: the value's encoded size without type byte or footer. */
    public long serializedLength(RValue value) {
        Frozen f = Frozen.of(value);
        RdbWriter w = new RdbWriter(null, config().getBool("rdbcompression"), config().getInt("list-max-listpack-size"));
        w.writeValue(f);
        return w.bytesWritten();
    }

    // ---------------- SAVE / BGSAVE ----------------

    public boolean bgsaveInProgress() {
        return bg != null;
    }

    private List<byte[]> functionCodes() {
        Scripting s = server.scriptingIfStarted();
        return s == null ? List.of() : s.functions().libraryCodes();
    }

    /** rdbSave on the event-loop thread: true on success (dirty reset, LASTSAVE moved). */
    public boolean save() {
        long start = System.currentTimeMillis();
        try {
            write(Snapshot.take(server, functionCodes()), null);
        } catch (IOException | RuntimeException e) {
            server.log().log(Level.WARNING, "Failed saving the DB: " + e.getMessage(), e);
            return false;
        }
        server.resetDirty();
        server.setLastSave(System.currentTimeMillis() / 1000);
        lastBgsaveOk = true;
        saves++;
        server.log().info(() -> "DB saved on disk (" + (System.currentTimeMillis() - start) + " ms)");
        return true;
    }

    /** rdbSaveBackground: freezes the keyspace now and writes it on a background thread. */
    public boolean bgsave() {
        if (bg != null) return false;
        lastBgsaveTrySeconds = System.currentTimeMillis() / 1000;
        Snapshot snap;
        try {
            snap = Snapshot.take(server, functionCodes());
        } catch (RuntimeException e) {
            server.log().log(Level.WARNING, "Can't save in background: " + e.getMessage(), e);
            lastBgsaveOk = false;
            return false;
        }
        dirtyAtBgsaveStart = server.dirty();
        bgStartMs = System.currentTimeMillis();
        BgJob job = new BgJob();
        job.thread = new Thread(() -> {
            try {
                write(snap, job);
            } catch (Throwable e) {
                job.failure = e;
            } finally {
                job.done = true;
            }
        }, "cachelab-bgsave-" + server.port());
        job.thread.setDaemon(true);
        bg = job;
        forks++;
        server.log().info("Background saving started");
        job.thread.start();
        return true;
    }

    /**
     * killRDBChild (FLUSHALL): abandons a running BGSAVE. Its thread may still be writing, but it
     * will delete its temp file instead of replacing dbfilename, and the status stays "ok".
     */
    public void killBgsave() {
        BgJob job = bg;
        if (job == null) return;
        synchronized (job) {
            job.cancelled = true;
        }
        bg = null;
        server.log().warning(job.socket ? "Background transfer terminated by signal 10" : "Background saving terminated by signal 10");
        doneListener.bgsaveDone(false, job.socket);
    }

    /** BGSAVE SCHEDULE / BGSAVE inside MULTI: started by the cron once nothing else runs. */
    public void scheduleBgsave() {
        bgsaveScheduled = true;
    }

    /**
     * rdbSaveToSlavesSockets: the dataset frozen now, as BGSAVE freezes it, and its RDB written on
     * a thread of its own into {@code out}, the pipe the event loop empties into the replicas'
     * sockets (no file). It counts as the running BGSAVE; false when one already runs.
     */
    public boolean bgsaveToReplicas(OutputStream out) {
        if (bg != null) return false;
        Snapshot snap;
        try {
            snap = Snapshot.take(server, functionCodes());
        } catch (RuntimeException e) {
            server.log().log(Level.WARNING, "Can't save in background: " + e.getMessage(), e);
            return false;
        }
        bgStartMs = System.currentTimeMillis();
        BgJob job = new BgJob();
        job.socket = true;
        job.thread = new Thread(() -> {
            try {
                snap.writeTo(out, () -> config().getInt("rdb-key-save-delay"), () -> isCancelled(job));
                out.close();
            } catch (Throwable e) {
                job.failure = e;
            } finally {
                job.done = true;
                server.eventLoop().wakeup();
            }
        }, "cachelab-rdb-to-replicas-" + server.port());
        job.thread.setDaemon(true);
        bg = job;
        forks++;
        server.log().info("Background RDB transfer started by pid " + ProcessHandle.current().pid());
        job.thread.start();
        return true;
    }

    /** Whether the running BGSAVE writes to replicas' sockets (RDB_CHILD_TYPE_SOCKET). */
    public boolean bgsaveToSocket() {
        return bg != null && bg.socket;
    }

    /** Blocks until a running BGSAVE ends (DEBUG RELOAD, SHUTDOWN, tests) and reaps it. */
    public void waitForBgsave() {
        BgJob job = bg;
        if (job == null) return;
        if (job.socket) {
            // its writer waits for this very loop to take its bytes: stop it (the replicas resync)
            killBgsave();
            return;
        }
        try {
            job.thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reap();
    }

    private void write(Snapshot snap, BgJob job) throws IOException {
        Path target = rdbPath();
        long n;
        synchronized (this) {
            n = ++tempCounter;
        }
        Path tmp = target.resolveSibling("temp-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(System.identityHashCode(server)) + "-" + n + ".rdb");
        try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
             OutputStream out = new java.io.BufferedOutputStream(fos, 1 << 16)) {
            snap.writeTo(out, () -> config().getInt("rdb-key-save-delay"), () -> job != null && isCancelled(job));
            out.flush();
            fos.getFD().sync();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (job == null) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        synchronized (job) {
            if (job.cancelled) {
                Files.deleteIfExists(tmp);
                return;
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static boolean isCancelled(BgJob job) {
        synchronized (job) {
            return job.cancelled;
        }
    }

    /** checkChildrenDone: applies the end of a background save on the event-loop thread. */
    private void reap() {
        BgJob job = bg;
        if (job == null || !job.done) return;
        bg = null;
        if (job.socket) {
            if (job.failure == null) server.log().info("Background RDB transfer terminated with success");
            else server.log().warning("Background transfer error: " + job.failure.getMessage());
            doneListener.bgsaveDone(job.failure == null, true);
            return;
        }
        lastBgsaveDurationSec = (System.currentTimeMillis() - bgStartMs) / 1000;
        if (job.failure == null) {
            server.addDirty(-Math.min(dirtyAtBgsaveStart, server.dirty()));
            server.setLastSave(System.currentTimeMillis() / 1000);
            lastBgsaveOk = true;
            saves++;
            server.log().info("Background saving terminated with success");
        } else {
            lastBgsaveOk = false;
            server.log().log(Level.WARNING, "Background saving error: " + job.failure.getMessage(), job.failure);
        }
        doneListener.bgsaveDone(job.failure == null, false);
    }

    /** serverCron's share: reap a finished BGSAVE, run a scheduled one, then check the save points. */
    public void cron() {
        reap();
        if (bg != null) return;
        long now = System.currentTimeMillis() / 1000;
        if (bgsaveScheduled && !server.aof().rewriteInProgress()) {
            bgsaveScheduled = false;
            bgsave();
            return;
        }
        String save = config().getString("save").trim();
        if (save.isEmpty()) return;
        String[] parts = save.split("\\s+");
        for (int i = 0; i + 1 < parts.length; i += 2) {
            long seconds = Long.parseLong(parts[i]);
            long changes = Long.parseLong(parts[i + 1]);
            if (server.dirty() >= changes && now - server.lastSaveSeconds() > seconds
                    && (now - lastBgsaveTrySeconds > BGSAVE_RETRY_DELAY_S || lastBgsaveOk)) {
                server.log().info(changes + " changes in " + seconds + " seconds. Saving...");
                bgsave();
                return;
            }
        }
    }

    /**
     * writeCommandsDeniedByDiskError for RDB: the last BGSAVE failed while save points and
     * stop-writes-on-bgsave-error are on, so writes (and PING) answer -MISCONF.
     */
    public boolean writesDeniedByDiskError() {
        return !lastBgsaveOk && hasSavePoints() && config().getBool("stop-writes-on-bgsave-error");
    }

    /** Whether save points are configured (SHUTDOWN then saves, as Redis does). */
    public boolean hasSavePoints() {
        return !config().getString("save").trim().isEmpty();
    }

    /** INFO persistence's rdb_* fields, in Redis 7.0's order. */
    public void info(BiConsumer<String, String> kv) {
        kv.accept("rdb_changes_since_last_save", Long.toString(server.dirty()));
        kv.accept("rdb_bgsave_in_progress", bg != null ? "1" : "0");
        kv.accept("rdb_last_save_time", Long.toString(server.lastSaveSeconds()));
        kv.accept("rdb_last_bgsave_status", lastBgsaveOk ? "ok" : "err");
        kv.accept("rdb_last_bgsave_time_sec", Long.toString(lastBgsaveDurationSec));
        kv.accept("rdb_current_bgsave_time_sec", bg != null ? Long.toString((System.currentTimeMillis() - bgStartMs) / 1000) : "-1");
        kv.accept("rdb_saves", Long.toString(saves));
        kv.accept("rdb_last_cow_size", "0");
        kv.accept("rdb_last_load_keys_expired", Long.toString(lastLoadKeysExpired));
        kv.accept("rdb_last_load_keys_loaded", Long.toString(lastLoadKeysLoaded));
    }

    // ---------------- loading ----------------

    /**
     * loadDataFromDisk: loads dir/dbfilename if it exists; a corrupt file is an error (Redis exits).
     * {@code expiredKeys} (or null) hears of each key found already expired, with its db.
     */
    public void loadAtStartup(java.util.function.ObjIntConsumer<Bytes> expiredKeys) throws IOException {
        Path p = rdbPath();
        if (!Files.exists(p)) return;
        long start = System.currentTimeMillis();
        java.util.Map<String, String> aux = new java.util.HashMap<>();
        // RDBFLAGS_FEED_REPL: a master's backlog gets a DEL for every key that expired while it was down
        expiredAtLoad = expiredKeys;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16)) {
            load(in, false, aux::put);
            server.restoreReplicationInfo(aux.get("repl-id"), aux.get("repl-offset"), aux.get("repl-stream-db"));
        } catch (RuntimeException e) {
            expiredAtLoad = null;
            throw new IOException("Fatal error loading the DB " + p + ": " + e.getMessage() + ". Exiting.", e);
        }
        expiredAtLoad = null;
        server.log().info(() -> String.format("DB loaded from disk: %.3f seconds", (System.currentTimeMillis() - start) / 1000.0));
    }

    /**
     * An AOF's RDB base (RDBFLAGS_AOF_PREAMBLE): keys already expired are loaded too, as the commands
     * of an AOF would be, and expire afterwards.
     */
    void loadAofBase(Path path) throws IOException {
        keepExpired = true;
        try {
            load(path, false);
        } finally {
            keepExpired = false;
        }
    }

    /** Loads dir/dbfilename (DEBUG RELOAD); {@code merge} lets file keys replace existing ones. */
    public void load(boolean merge) throws IOException {
        load(rdbPath(), merge);
    }

    /**
     * rdbLoad into the live keyspace: no keyspace events, no dirty changes, keys whose TTL has
     * passed are skipped on a master. A duplicate key is an error unless {@code merge}.
     */
    public void load(Path path, boolean merge) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            load(in, merge, (k, v) -> { });
        }
    }

    /**
     * rdbLoadRio with rdbLoadProgressCallback: {@code whileLoading} runs each time another
     * loading-process-events-interval-bytes of the payload are parsed (a replica serves INFO,
     * LOADING errors and the cluster bus meanwhile, as Redis's processEventsWhileBlocked does).
     */
    public void load(InputStream in, boolean merge, BiConsumer<String, String> aux, Runnable whileLoading) throws IOException {
        load(in, merge, aux, whileLoading, config().getInt("loading-process-events-interval-bytes"));
    }

    /**
     * rdbLoadRio: an RDB from any stream (a file, a master's payload). Aux fields go to
     * {@code aux} as well (repl-id, repl-offset, repl-stream-db for PSYNC).
     */
    public void load(InputStream in, boolean merge, BiConsumer<String, String> aux) throws IOException {
        load(in, merge, aux, null, Long.MAX_VALUE);
    }

    private void load(InputStream in, boolean merge, BiConsumer<String, String> aux, Runnable whileLoading, long interval)
            throws IOException {
        long[] step = {0};
        long now = System.currentTimeMillis();
        // only a master drops what already expired: a replica waits for its master's DEL (rdbLoadRio)
        boolean skipExpired = !keepExpired && !server.isReplica();
        int keyDelay = config().getInt("key-load-delay");
        long[] loaded = {0};
        long[] expired = {0};
        {
            RdbReader r = new RdbReader(in, limits());
            r.readFile(new RdbReader.Visitor() {
                Database db = server.db(0);

                @Override
                public void aux(String key, byte[] value) {
                    if (key.equals("redis-ver")) server.log().fine(() -> "Loading RDB produced by version " + new String(value));
                    aux.accept(key, new String(value, java.nio.charset.StandardCharsets.ISO_8859_1));
                }

                @Override
                public void function(byte[] code) {
                    try {
                        server.scripting().functions().loadFromRdb(code, merge);
                    } catch (RuntimeException e) {
                        throw new RdbFormatException("Failed loading library: " + e.getMessage());
                    }
                }

                @Override
                public void selectDb(int id) {
                    if (id < 0 || id >= server.databaseCount()) {
                        throw new RdbFormatException("FATAL: Data file was created with a Redis server configured to handle "
                                + "more than " + server.databaseCount() + " databases. Exiting");
                    }
                    db = server.db(id);
                }

                @Override
                public void resizeDb(long size, long expires) {
                }

                @Override
                public void entry(Bytes key, RValue value, long expireMs, long idle, int freq) {
                    if (keyDelay != 0) Snapshot.debugDelay(keyDelay);
                    if (whileLoading != null && r.consumed() / interval != step[0]) {
                        step[0] = r.consumed() / interval;
                        whileLoading.run();
                    }
                    if (skipExpired && expireMs != -1 && expireMs < now) {
                        expired[0]++;
                        if (expiredAtLoad != null) expiredAtLoad.accept(key, db.id());
                        return;
                    }
                    if (db.dict().get(key) != null) {
                        if (!merge) throw new RdbFormatException("Duplicate key '" + key + "' found in RDB file");
                        db.deleteRaw(key);
                    }
                    if (!setAccessClock(value, idle, freq)) server.eviction().touch(value);
                    db.putLoaded(key, value);
                    if (expireMs != -1) db.setExpire(key, expireMs);
                    loaded[0]++;
                }
            }, config().getBool("rdbchecksum"));
        }
        lastLoadKeysLoaded = loaded[0];
        lastLoadKeysExpired = expired[0];
    }

    /** objectSetLRUOrLFU: applies an LFU counter or LRU idle time if the policy uses it; false if not. */
    public boolean setAccessClock(RValue v, long idle, int freq) {
        boolean lfu = server.eviction().lfu();
        if (lfu && freq >= 0) {
            v.setLru((int) (((System.currentTimeMillis() / 1000 / 60) & 65535) << 8) | freq);
            return true;
        }
        if (!lfu && idle >= 0) {
            long abs = Eviction.lruClock() - idle;
            if (abs < 0) abs += Eviction.LRU_CLOCK_MAX;
            v.setLru((int) abs);
            return true;
        }
        return false;
    }
}
