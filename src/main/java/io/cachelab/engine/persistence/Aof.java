package io.cachelab.engine.persistence;

import io.cachelab.engine.net.Client;
import io.cachelab.engine.propagate.Propagation;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.script.Scripting;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.logging.Level;

/**
 * The append-only file in Redis 7's multi-part layout (aof.c): a base file, incremental files
 * and a manifest in dir/appenddirname. It is a {@link Propagation.Sink}: ops are encoded as RESP
 * into a buffer (SELECT first when the db changes) and written once per event-loop turn, before
 * the replies leave (flushAppendOnlyFile in beforeSleep).
 *
 * <p>fsync: "always" syncs on the event loop right after the write; "everysec" leaves it to a
 * daemon thread that syncs at most once a second, so the loop never waits on the disk; "no"
 * leaves it to the OS. BGREWRITEAOF has no fork: it opens a new incr file for the writes that
 * follow, freezes the keyspace with {@link Snapshot}'s copy-on-write, and a background thread
 * writes the new base; the cron then installs it and switches the manifest in one rename, and the
 * old base and incr files are deleted.
 */
public final class Aof implements Propagation.Sink {
    private static final byte[] CRLF = {'\r', '\n'};

    private final PersistenceHost server;
    private AofManifest manifest;
    /** Read by the everysec fsync thread, replaced by the event loop when a rewrite opens a new incr file. */
    private volatile FileChannel incr;
    private int selectedDb = -1;
    private byte[] buf = new byte[1 << 14];
    private int bufLen;
    private volatile boolean unsynced;
    private Thread fsyncThread;
    private boolean on;

    private RewriteJob rewrite;
    private boolean rewriteScheduled;
    private boolean lastRewriteOk = true;
    private long lastRewriteTimeSec = -1;
    private long rewrites;
    private long consecutiveFailures;
    private boolean lastWriteOk = true;
    private String lastWriteError = "";

    /** writeCommandsDeniedByDiskError for the AOF: on, and its last write or fsync failed. */
    public boolean writesDeniedByDiskError() {
        return !lastWriteOk && enabled();
    }

    /** The last write or fsync error, for -MISCONF Errors writing to the AOF file: <error>. */
    public String lastWriteError() {
        return lastWriteError;
    }
    private long currentSize;
    private long forks;

    /** Rewrites started (INFO total_forks: each stands for one of Redis's fork children). */
    public long forks() {
        return forks;
    }
    private long baseSize;

    private static final class RewriteJob {
        Thread thread;
        long startMs;
        Path temp;
        boolean rdb;
        /** The manifest incr files that the new base covers (deleted when it is installed). */
        List<AofManifest.File> coveredIncrs;
        volatile boolean done;
        volatile Throwable failure;
        volatile boolean cancelled;
        boolean silent;
    }

    public Aof(PersistenceHost server) {
        this.server = server;
        server.config().onChange("appendonly", v -> {
            if (v.equals("yes")) start();
            else stop();
        });
    }

    private String fileName() {
        return server.config().getString("appendfilename");
    }

    public Path dir() {
        return Path.of(server.config().getString("dir")).resolve(server.config().getString("appenddirname"));
    }

    public boolean enabled() {
        return on;
    }

    // ---------------- start / stop ----------------

    /**
     * loadDataFromDisk with appendonly yes: the AOF is loaded (and RDB ignored); without a
     * manifest the directory is created with an empty base and a first incr file.
     */
    public void loadAtStartup() throws IOException {
        Files.createDirectories(dir());
        manifest = AofManifest.load(dir(), fileName());
        if (manifest == null) manifest = upgradeSingleFile();
        if (manifest != null) {
            long start = System.currentTimeMillis();
            loadFiles();
            server.log().info(() -> String.format("DB loaded from append only file: %.3f seconds",
                    (System.currentTimeMillis() - start) / 1000.0));
            // loadAppendOnlyFiles: growth for auto-aof-rewrite counts from what was loaded
            currentSize = totalSize();
            baseSize = currentSize;
            AofManifest.File last = manifest.lastIncr();
            if (last == null) {
                last = manifest.nextIncr(fileName());
                manifest.persist(dir(), fileName());
            }
            openIncr(last);
            attach();
            return;
        }
        manifest = new AofManifest();
        rewriteNow();
        attach();
    }

    /**
     * aofUpgradePrepare: a Redis 6 style single dir/appendonly.aof becomes the base of a manifest
     * (moved into appenddirname under its own name), so an old AOF keeps loading.
     */
    private AofManifest upgradeSingleFile() throws IOException {
        Path old = Path.of(server.config().getString("dir")).resolve(fileName());
        if (!Files.isRegularFile(old)) return null;
        AofManifest m = new AofManifest();
        m.base = new AofManifest.File(fileName(), 1, 'b');
        m.currentBaseSeq = 1;
        Files.move(old, dir().resolve(fileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        m.persist(dir(), fileName());
        server.log().info("Successfully migrated an old-style AOF into the AOF directory");
        return m;
    }

    /** The files the manifest lists, base first; a missing file the manifest names is fatal. */
    private void loadFiles() throws IOException {
        server.propagation().suspend();
        try {
            loadEach();
        } finally {
            server.propagation().resume();
            server.resetDirty();
        }
    }

    private void loadEach() throws IOException {
        AofLoader loader = new AofLoader(server);
        List<AofManifest.File> files = new ArrayList<>();
        if (manifest.base != null) files.add(manifest.base);
        files.addAll(manifest.incrs);
        for (int i = 0; i < files.size(); i++) {
            Path p = dir().resolve(files.get(i).name());
            if (!Files.exists(p)) throw new IOException("The AOF file " + files.get(i).name() + " doesn't exist");
            loader.load(p, i == files.size() - 1);
        }
    }

    /** CONFIG SET appendonly yes: startAppendOnly, which always begins with a rewrite. */
    private void start() {
        if (on) return;
        try {
            Files.createDirectories(dir());
            manifest = AofManifest.load(dir(), fileName());
            if (manifest == null) manifest = new AofManifest();
        } catch (IOException | RuntimeException e) {
            server.log().log(Level.WARNING, "Can't open the append-only file: " + e.getMessage(), e);
            lastWriteOk = false;
            return;
        }
        attach();
        Client current = server.tracking().current();
        if (server.persistence().bgsaveInProgress()) {
            rewriteScheduled = true;
            server.log().warning("AOF was enabled but there is already another background operation. "
                    + "An AOF background was scheduled to start when possible.");
        } else if (current != null && current.multi().executing()) {
            rewriteScheduled = true;
            server.log().warning("AOF was enabled during a transaction. An AOF background was scheduled to start when possible.");
        } else if (!startRewrite()) {
            rewriteScheduled = true;
        }
    }

    /** CONFIG SET appendonly no: stopAppendOnly. */
    private void stop() {
        if (!on) return;
        flush(true);
        server.propagation().removeSink(this);
        on = false;
        if (rewrite != null) {
            // killAppendOnlyChild: the writer stops at its next key and removes its temp file
            rewrite.cancelled = true;
            rewrite = null;
        }
        rewriteScheduled = false;
        closeIncr();
        if (fsyncThread != null) {
            fsyncThread.interrupt();
            fsyncThread = null;
        }
    }

    /** Server stop: the buffer reaches the disk, the file and the fsync thread are released. */
    public void close() {
        if (!on) return;
        flush(true);
        closeIncr();
        if (fsyncThread != null) {
            fsyncThread.interrupt();
            fsyncThread = null;
        }
    }

    private void attach() {
        on = true;
        server.propagation().addSink(this);
        if (fsyncThread == null) {
            fsyncThread = new Thread(this::fsyncLoop, "cachelab-aof-fsync-" + server.port());
            fsyncThread.setDaemon(true);
            fsyncThread.start();
        }
    }

    /** bioProcessBackgroundJobs' AOF fsync for everysec: never on the event loop. */
    private void fsyncLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (!unsynced || !server.config().getString("appendfsync").equals("everysec")) continue;
            FileChannel ch = incr;
            if (ch == null) continue;
            try {
                unsynced = false;
                ch.force(false);
            } catch (IOException e) {
                // a closed channel after a switch of incr file: the next turn syncs the new one
            }
        }
    }

    private void openIncr(AofManifest.File f) throws IOException {
        closeIncr();
        incr = FileChannel.open(dir().resolve(f.name()), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        selectedDb = -1;
    }

    private void closeIncr() {
        if (incr == null) return;
        try {
            incr.force(false);
            incr.close();
        } catch (IOException e) {
            server.log().warning("Closing the AOF incr file: " + e.getMessage());
        }
        incr = null;
    }

    // ---------------- feeding ----------------

    /** aof-timestamp-enabled: a "#TS:<unix time>" line before the first op of each new second. */
    private long lastTimestamp;

    @Override
    public void feed(int dbid, byte[][] argv) {
        if (server.config().getBool("aof-timestamp-enabled")) {
            long now = server.commandTimeMs() / 1000;
            if (lastTimestamp < now) {
                byte[] ts = ("#TS:" + now + "\r\n").getBytes();
                put(ts, ts.length);
                lastTimestamp = now;
            }
        }
        if (dbid != selectedDb) {
            append(new byte[][] {"SELECT".getBytes(), Integer.toString(dbid).getBytes()});
            selectedDb = dbid;
        }
        append(argv);
    }

    /** catAppendOnlyGenericCommand. */
    private void append(byte[][] argv) {
        header('*', argv.length);
        for (byte[] a : argv) {
            header('$', a.length);
            put(a, a.length);
            put(CRLF, 2);
        }
    }

    private void header(char kind, long n) {
        byte[] num = Long.toString(n).getBytes();
        ensure(num.length + 3);
        buf[bufLen++] = (byte) kind;
        System.arraycopy(num, 0, buf, bufLen, num.length);
        bufLen += num.length;
        buf[bufLen++] = '\r';
        buf[bufLen++] = '\n';
    }

    private void put(byte[] b, int n) {
        ensure(n);
        System.arraycopy(b, 0, buf, bufLen, n);
        bufLen += n;
    }

    private void ensure(int n) {
        if (bufLen + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, bufLen + n));
    }

    /** flushAppendOnlyFile: writes the buffer; {@code force} also syncs (shutdown, DEBUG LOADAOF). */
    public void flush(boolean force) {
        if (!on || incr == null) return;
        if (bufLen > 0) {
            try {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, bufLen);
                while (bb.hasRemaining()) incr.write(bb);
                currentSize += bufLen;
                lastWriteOk = true;
            } catch (IOException e) {
                lastWriteOk = false;
                lastWriteError = String.valueOf(e.getMessage());
                server.log().warning("Error writing to the AOF file: " + e.getMessage());
                return;
            }
            bufLen = 0;
            if (buf.length > (1 << 20)) buf = new byte[1 << 14];
            unsynced = true;
        }
        if (force || server.config().getString("appendfsync").equals("always")) {
            try {
                if (unsynced) incr.force(false);
                unsynced = false;
            } catch (IOException e) {
                lastWriteOk = false;
                lastWriteError = String.valueOf(e.getMessage());
                server.log().warning("Can't fsync the AOF file: " + e.getMessage());
            }
        }
    }

    // ---------------- rewrite ----------------

    public boolean rewriteInProgress() {
        return rewrite != null;
    }

    /** BGREWRITEAOF inside MULTI or during a BGSAVE: the cron starts it when nothing else runs. */
    public void scheduleRewrite() {
        rewriteScheduled = true;
    }

    /** BGREWRITEAOF: "started", or false when it must wait (a BGSAVE runs): scheduled. */
    public boolean bgrewrite() {
        if (server.persistence().bgsaveInProgress()) {
            rewriteScheduled = true;
            return false;
        }
        if (manifest == null) {
            try {
                Files.createDirectories(dir());
                manifest = AofManifest.load(dir(), fileName());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            if (manifest == null) manifest = new AofManifest();
        }
        return startRewrite();
    }

    private boolean startRewrite() {
        if (rewrite != null) return false;
        RewriteJob job = new RewriteJob();
        job.startMs = System.currentTimeMillis();
        job.rdb = server.config().getBool("aof-use-rdb-preamble");
        boolean timestamps = server.config().getBool("aof-timestamp-enabled");
        Snapshot snap;
        try {
            flush(true);
            // ops fed while no incr file was open (AOF just enabled) are in the snapshot below
            bufLen = 0;
            job.coveredIncrs = new ArrayList<>(manifest.incrs);
            if (on) {
                // the writes that follow the snapshot go to a new incr file, kept after the rewrite
                AofManifest.File f = manifest.nextIncr(fileName());
                server.log().info("Creating AOF incr file " + f.name() + " on background rewrite");
                openIncr(f);
                manifest.persist(dir(), fileName());
            }
            snap = Snapshot.take(server, functionCodes());
            job.temp = dir().resolve("temp-rewriteaof-bg-" + ProcessHandle.current().pid() + ".aof");
        } catch (IOException | RuntimeException e) {
            lastRewriteOk = false;
            consecutiveFailures++;
            server.log().log(Level.WARNING, "Can't rewrite append only file in background: " + e.getMessage(), e);
            return false;
        }
        job.thread = new Thread(() -> {
            try {
                writeBase(snap, job.temp, job.rdb, timestamps, () -> job.cancelled);
                if (job.cancelled) Files.deleteIfExists(job.temp);
            } catch (Throwable e) {
                job.failure = e;
            } finally {
                job.done = true;
            }
        }, "cachelab-aofrw-" + server.port());
        job.thread.setDaemon(true);
        rewrite = job;
        rewriteScheduled = false;
        forks++;
        server.log().info("Background append only file rewriting started");
        job.thread.start();
        return true;
    }

    /** rewriteAppendOnlyFileRio: the base is an RDB image (aof-use-rdb-preamble) or commands ({@link AofRewrite}). */
    private void writeBase(Snapshot snap, Path temp, boolean rdb, boolean timestamps,
                           java.util.function.BooleanSupplier cancelled) throws IOException {
        try (FileOutputStream fos = new FileOutputStream(temp.toFile());
             OutputStream out = new BufferedOutputStream(fos, 1 << 16)) {
            if (rdb) {
                snap.aofBase = true;
                snap.writeTo(out, () -> server.config().getInt("rdb-key-save-delay"), cancelled);
            } else {
                if (timestamps) out.write(("#TS:" + System.currentTimeMillis() / 1000 + "\r\n").getBytes());
                AofRewrite.writeCommands(snap, out, () -> server.config().getInt("rdb-key-save-delay"));
            }
            out.flush();
            fos.getFD().sync();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** A synchronous rewrite (start-up without an AOF): the same steps without the thread. */
    private void rewriteNow() throws IOException {
        startRewrite();
        // as aofOpenIfNeededOnServerStart: the first base is not counted as a rewrite in INFO
        if (rewrite != null) rewrite.silent = true;
        waitForRewrite();
        if (!lastRewriteOk) throw new IOException("Can't create the AOF base file");
        if (manifest.lastIncr() == null) {
            openIncr(manifest.nextIncr(fileName()));
            manifest.persist(dir(), fileName());
        }
    }

    /** Blocks until a running rewrite ends and installs it (tests, DEBUG LOADAOF, shutdown). */
    public void waitForRewrite() {
        RewriteJob job = rewrite;
        if (job == null) return;
        try {
            job.thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reap();
    }

    /** backgroundRewriteDoneHandler: rename the base in, switch the manifest, delete what it replaced. */
    private void reap() {
        RewriteJob job = rewrite;
        if (job == null || !job.done) return;
        rewrite = null;
        if (!job.silent) lastRewriteTimeSec = (System.currentTimeMillis() - job.startMs) / 1000;
        if (job.failure != null) {
            lastRewriteOk = false;
            consecutiveFailures++;
            server.log().log(Level.WARNING, "Background AOF rewrite failed: " + job.failure.getMessage(), job.failure);
            return;
        }
        try {
            AofManifest.File oldBase = manifest.base;
            AofManifest.File base = manifest.nextBase(fileName(), job.rdb);
            Files.move(job.temp, dir().resolve(base.name()), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            server.log().info("Successfully renamed the temporary AOF base file " + job.temp.getFileName() + " into " + base.name());
            manifest.base = base;
            manifest.incrs.removeAll(job.coveredIncrs);
            if (!on) manifest.incrs.clear();
            manifest.persist(dir(), fileName());
            if (oldBase != null && !oldBase.name().equals(base.name())) Files.deleteIfExists(dir().resolve(oldBase.name()));
            for (AofManifest.File f : job.coveredIncrs) Files.deleteIfExists(dir().resolve(f.name()));
            for (AofManifest.File f : manifest.history) Files.deleteIfExists(dir().resolve(f.name()));
            manifest.history.clear();
            baseSize = job.silent ? 0 : sizeOf(base);
            currentSize = totalSize();
            lastRewriteOk = true;
            consecutiveFailures = 0;
            if (!job.silent) rewrites++;
            server.log().info("Background AOF rewrite finished successfully");
        } catch (IOException e) {
            lastRewriteOk = false;
            consecutiveFailures++;
            server.log().log(Level.WARNING, "Background AOF rewrite failed: " + e.getMessage(), e);
        }
    }

    private long sizeOf(AofManifest.File f) {
        if (f == null) return 0;
        try {
            return Files.size(dir().resolve(f.name()));
        } catch (IOException e) {
            return 0;
        }
    }

    private long totalSize() {
        long n = sizeOf(manifest.base);
        for (AofManifest.File f : manifest.incrs) n += sizeOf(f);
        return n;
    }

    private List<byte[]> functionCodes() {
        Scripting s = server.scriptingIfStarted();
        return s == null ? List.of() : s.functions().libraryCodes();
    }

    /** serverCron's AOF share: reap a rewrite, run a scheduled one, auto-aof-rewrite-percentage. */
    public void cron() {
        reap();
        if (rewrite != null || server.persistence().bgsaveInProgress()) return;
        if (rewriteScheduled) {
            startRewrite();
            return;
        }
        if (!on) return;
        long pct = server.config().getLong("auto-aof-rewrite-percentage");
        long min = server.config().getLong("auto-aof-rewrite-min-size");
        if (pct > 0 && currentSize > min) {
            long base = baseSize == 0 ? 1 : baseSize;
            long growth = (currentSize * 100 / base) - 100;
            if (growth >= pct) {
                server.log().info("Starting automatic rewriting of AOF on " + growth + "% growth");
                startRewrite();
            }
        }
    }

    // ---------------- DEBUG LOADAOF ----------------

    /** DEBUG LOADAOF: flush and sync, empty the keyspace, load the AOF back. */
    public void reload() throws IOException {
        flush(true);
        server.propagation().removeSink(this);
        try {
            for (Database d : server.databases()) {
                server.watches().touchAll(d, null);
                d.flush();
            }
            Scripting scripting = server.scriptingIfStarted();
            if (scripting != null) scripting.functions().flush();
            // as Redis: the manifest on disk is read again, and it is loaded even with appendonly no
            // (BGREWRITEAOF then DEBUG LOADAOF is how test suites round-trip a dataset)
            if (rewrite == null) {
                AofManifest onDisk = AofManifest.load(dir(), fileName());
                if (onDisk == null) throw new IOException("The AOF manifest " + AofManifest.manifestName(fileName()) + " doesn't exist");
                manifest = onDisk;
            }
            loadFiles();
        } finally {
            if (on) server.propagation().addSink(this);
        }
    }

    /** INFO persistence's aof_* fields, in Redis 7.0's order. */
    public void info(BiConsumer<String, String> kv) {
        kv.accept("aof_enabled", on ? "1" : "0");
        kv.accept("aof_rewrite_in_progress", rewrite != null ? "1" : "0");
        kv.accept("aof_rewrite_scheduled", rewriteScheduled ? "1" : "0");
        kv.accept("aof_last_rewrite_time_sec", Long.toString(lastRewriteTimeSec));
        kv.accept("aof_current_rewrite_time_sec",
                rewrite != null ? Long.toString((System.currentTimeMillis() - rewrite.startMs) / 1000) : "-1");
        kv.accept("aof_last_bgrewrite_status", lastRewriteOk ? "ok" : "err");
        kv.accept("aof_rewrites", Long.toString(rewrites));
        kv.accept("aof_rewrites_consecutive_failures", Long.toString(consecutiveFailures));
        kv.accept("aof_last_write_status", lastWriteOk ? "ok" : "err");
        kv.accept("aof_last_cow_size", "0");
        kv.accept("module_fork_in_progress", "0");
        kv.accept("module_fork_last_cow_size", "0");
        if (on) {
            kv.accept("aof_current_size", Long.toString(currentSize + bufLen));
            kv.accept("aof_base_size", Long.toString(baseSize));
            kv.accept("aof_pending_rewrite", rewriteScheduled ? "1" : "0");
            kv.accept("aof_buffer_length", Integer.toString(bufLen));
            kv.accept("aof_pending_bio_fsync", "0");
            kv.accept("aof_delayed_fsync", "0");
        }
    }
}
