package io.cachelab.engine.replication;

import io.cachelab.engine.info.InfoWriter;
import io.cachelab.engine.keyspace.Database;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * readSyncBulkPayload: the RDB a master sends after +FULLRESYNC, in either form, {@code $<len>\r\n}
 * followed by exactly len bytes (a disk-based master) or {@code $EOF:<40 random bytes>\r\n}
 * followed by the RDB and the same 40 bytes (a diskless master). The payload is collected
 * without blocking the loop; once complete it is parsed in one go (the loop waits, as Redis's
 * does while it loads), so no client ever sees a half-loaded dataset.
 *
 * <p>{@code repl-diskless-load} picks the mode when the payload starts, as useDisklessLoad does:
 * {@code disabled} writes it to dir/dbfilename first (removed again when this replica has no
 * persistence) and flushes the old data only then; {@code on-empty-db} (when the dataset is
 * empty) and {@code swapdb} load from memory and are "loading" from the first byte. swapdb keeps
 * the old dataset until the new one parsed: a transfer or a parse that fails exposes the old data
 * again, and when the master's history is ours (same replid) the old data is even served during
 * the transfer (async_loading).
 */
final class RdbTransfer {
    private static final int MARK_LEN = 40;

    /** A payload that cannot be received; the message is the log line. */
    static final class TransferError extends Exception {
        TransferError(String message) {
            super(message);
        }
    }

    /** How the payload is loaded, chosen when it starts. */
    enum Mode { DISK, EMPTY_DB, SWAPDB }

    private final ReplicationHost server;
    private final LineReader preamble = new LineReader();
    private Mode mode = Mode.DISK;
    private boolean loadingBegun;
    private boolean started;
    private byte[] eofMark;
    private long size = -1;
    private byte[] data = new byte[0];
    private int length;
    private boolean complete;

    private RdbTransfer(ReplicationHost server) {
        this.server = server;
    }

    static RdbTransfer awaitingPreamble(ReplicationHost server) {
        return new RdbTransfer(server);
    }

    boolean complete() {
        return complete;
    }

    boolean usedEofMark() {
        return eofMark != null;
    }

    /** Whether the payload's first line arrived (the mode is known from then on). */
    boolean started() {
        return started;
    }

    Mode mode() {
        return mode;
    }

    /** Takes what belongs to the payload; returns how many of the {@code len} bytes it used. */
    int receive(byte[] buf, int off, int len) throws TransferError {
        int used = 0;
        if (!started) {
            preamble.feed(buf, off, len);
            String line;
            while ((line = preamble.next()) != null && line.isEmpty()) {
                // newlines the master sends while it prepares the RDB
            }
            if (line == null) return len;
            int leftover = preamble.remaining();
            used = len - leftover;
            if (used < 0) used = 0;
            preamble.reset();
            start(line);
        }
        int n = len - used;
        if (eofMark == null) n = (int) Math.min(n, size - length);
        append(buf, off + used, n);
        used += n;
        if (eofMark == null ? length == size : endsWithMark()) {
            if (eofMark != null) length -= MARK_LEN;
            complete = true;
        }
        return used;
    }

    private void start(String line) throws TransferError {
        if (line.startsWith("-")) throw new TransferError("MASTER aborted replication with an error: " + line.substring(1));
        if (!line.startsWith("$")) {
            throw new TransferError("Bad protocol from MASTER, the first byte is not '$' (we received '" + line
                    + "'), are you sure the host and port are right?");
        }
        started = true;
        String load = server.config().getString("repl-diskless-load");
        if (load.equals("swapdb")) mode = Mode.SWAPDB;
        else if (load.equals("on-empty-db") && server.keyCount() == 0) mode = Mode.EMPTY_DB;
        boolean diskless = mode != Mode.DISK;
        if (line.startsWith("$EOF:") && line.length() == 5 + MARK_LEN) {
            eofMark = line.substring(5).getBytes(StandardCharsets.ISO_8859_1);
            server.log().info("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF "
                    + (diskless ? "to parser" : "to disk"));
            return;
        }
        try {
            size = Long.parseLong(line.substring(1));
        } catch (NumberFormatException e) {
            throw new TransferError("Bad protocol from MASTER, the first byte is not '$' (we received '" + line
                    + "'), are you sure the host and port are right?");
        }
        if (size < 0 || size > Integer.MAX_VALUE - 64) throw new TransferError("MASTER sent an RDB of " + size + " bytes, more than this replica can take");
        data = new byte[(int) size];
        server.log().info("MASTER <-> REPLICA sync: receiving " + size + " bytes from master " + (diskless ? "to parser" : "to disk"));
    }

    private void append(byte[] b, int off, int n) throws TransferError {
        if (n <= 0) return;
        if (length + (long) n > Integer.MAX_VALUE - 64) throw new TransferError("MASTER sent an RDB larger than this replica can take");
        if (length + n > data.length) data = Arrays.copyOf(data, Math.max(length + n, Math.max(1 << 16, data.length * 2)));
        System.arraycopy(b, off, data, length, n);
        length += n;
    }

    private boolean endsWithMark() {
        return length >= MARK_LEN && Arrays.equals(data, length - MARK_LEN, length, eofMark, 0, MARK_LEN);
    }

    /**
     * The replica's state from the first byte of a diskless load: on-empty-db flushes at once
     * ({@code attach} disconnects our replicas and says so), swapdb loads aside, asynchronously
     * when the master continues our history. Either way the server is loading until {@link #loadInto}.
     */
    void beginLoading(Runnable attach, boolean sameHistory) {
        if (mode == Mode.DISK || loadingBegun) return;
        loadingBegun = true;
        if (mode == Mode.EMPTY_DB) {
            attach.run();
            flushOld();
        }
        server.log().info("MASTER <-> REPLICA sync: Loading DB in memory");
        if (mode == Mode.SWAPDB && sameHistory) server.setAsyncLoading(true);
        else server.setLoading(true);
    }

    /**
     * Replaces the dataset with the payload; {@code attach} disconnects our replicas (and, for the
     * disk mode, flushes the old data first). Returns the RDB's repl-stream-db (-1 when it has
     * none), or Integer.MIN_VALUE when loading failed: then the dataset is empty, or for swapdb
     * the old one again.
     */
    int loadInto(Runnable attach, Runnable whileLoading) {
        Map<String, String> aux = new HashMap<>();
        Path file = server.persistence().rdbPath();
        try {
            switch (mode) {
                case DISK -> {
                    attach.run();
                    flushOld();
                    server.log().info("MASTER <-> REPLICA sync: Loading DB in memory");
                    server.setLoading(true);
                    writeFile(file);
                    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                        load(in, aux, whileLoading);
                    }
                }
                case EMPTY_DB -> load(new ByteArrayInputStream(data, 0, length), aux, whileLoading);
                case SWAPDB -> loadAside(aux, attach);
            }
        } catch (IOException | RuntimeException e) {
            server.log().warning("Failed trying to load the MASTER synchronization DB from " + (mode == Mode.DISK ? "disk" : "socket")
                    + ": " + e.getMessage());
            if (mode != Mode.SWAPDB) server.emptyData();
            return Integer.MIN_VALUE;
        } finally {
            endLoading();
            data = null;
        }
        if (mode == Mode.DISK && !server.persistence().hasSavePoints() && !server.config().getBool("appendonly")) {
            server.log().info("Removing the RDB file obtained from the master. This replica has persistence disabled");
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // nothing depends on it
            }
        }
        String db = aux.get("repl-stream-db");
        try {
            return db == null ? -1 : Integer.parseInt(db);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void flushOld() {
        server.log().info("MASTER <-> REPLICA sync: Flushing old data");
        server.emptyData();
    }

    private void endLoading() {
        server.setLoading(false);
        server.setAsyncLoading(false);
    }

    /**
     * swapdb: the live databases and functions are set aside, the payload is parsed into empty
     * ones, and the old ones come back if it fails (disklessLoadInitTempDb / swapMainDbWithTempDb).
     */
    private void loadAside(Map<String, String> aux, Runnable attach) throws IOException {
        Database[] live = server.databases();
        Database[] old = new Database[live.length];
        for (int i = 0; i < live.length; i++) {
            old[i] = server.newDatabase(i);
            live[i].swapWith(old[i]);
        }
        List<byte[]> oldFunctions = server.scripting().functions().libraryCodes();
        server.scripting().functions().flush();
        try {
            // async loading serves the old dataset, so nothing may run against the half-loaded one
            load(new ByteArrayInputStream(data, 0, length), aux, null);
        } catch (IOException | RuntimeException e) {
            for (int i = 0; i < live.length; i++) {
                live[i].flush();
                live[i].swapWith(old[i]);
            }
            server.scripting().functions().flush();
            for (byte[] code : oldFunctions) server.scripting().functions().loadFromRdb(code, false);
            server.log().info("MASTER <-> REPLICA sync: Discarding temporary DB in background");
            throw e;
        }
        attach.run();
        server.log().info("MASTER <-> REPLICA sync: Swapping active DB with loaded DB");
        server.replicaExpires().clear();
        for (Database d : live) server.watches().touchAll(d, null);
        server.log().info("MASTER <-> REPLICA sync: Discarding old DB in background");
    }

    private void load(InputStream in, Map<String, String> aux, Runnable whileLoading) throws IOException {
        if (whileLoading == null) server.persistence().load(in, false, aux::put);
        else server.persistence().load(in, false, aux::put, whileLoading);
        if (in.read() != -1) throw new IOException("Replication stream EOF marker is broken");
    }

    private void writeFile(Path file) throws IOException {
        Path tmp = file.resolveSibling("temp-" + System.currentTimeMillis() / 1000 + "." + ProcessHandle.current().pid() + ".rdb");
        try (var out = Files.newOutputStream(tmp)) {
            out.write(data, 0, length);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The transfer failed: what arrived is dropped and the dataset (for swapdb, the old one) is served again. */
    void discard() {
        data = null;
        length = 0;
        endLoading();
        if (mode == Mode.SWAPDB && started) server.log().info("MASTER <-> REPLICA sync: Discarding temporary DB in background");
    }

    /** INFO's master_sync_* fields while the payload arrives. */
    void info(InfoWriter out, long lastIoAgoMs) {
        long total = eofMark != null || size < 0 ? 0 : size;
        out.field("master_sync_total_bytes", Long.toString(eofMark != null ? -1 : total));
        out.field("master_sync_read_bytes", Long.toString(length));
        out.field("master_sync_left_bytes", Long.toString(eofMark != null ? -1 - length : total - length));
        double perc = total > 0 ? 100.0 * length / total : 0;
        out.field("master_sync_perc", String.format(java.util.Locale.ROOT, "%.2f", perc));
        out.field("master_sync_last_io_seconds_ago", Long.toString(lastIoAgoMs / 1000));
    }
}
