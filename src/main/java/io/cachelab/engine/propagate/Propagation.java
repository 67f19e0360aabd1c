package io.cachelab.engine.propagate;

import io.cachelab.engine.type.ZSetValue;
import io.cachelab.engine.type.HashValue;
import io.cachelab.engine.type.StreamValue;
import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.StringValue;
import io.cachelab.engine.util.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The stream of commands as they must be replayed (server.c's alsoPropagate /
 * propagatePendingCommands), fed by the dispatcher and consumed by the AOF (and later replication).
 *
 * <p>A command that changed the dataset (the dirty counter moved) is queued after it ran, in the
 * form Redis 7.0 writes: relative expiries become absolute, results of float increments are
 * written as values, pops of random or blocked elements name what they removed. Everything one
 * top-level call queued is emitted at its end; more than one op is wrapped in MULTI/EXEC, so a
 * script, a transaction or a write that first lazily expired a key replays atomically. Deletions by
 * the expiry cycle or eviction outside a call are emitted at once, as DEL (UNLINK with lazyfree).
 */
public final class Propagation {
    /** A consumer of the stream; ops arrive on the event-loop thread, MULTI/EXEC included. */
    public interface Sink {
        void feed(int dbid, byte[][] argv);

        /** Whether the sink takes ops meant for replicas only (PROPAGATE_REPL): replication does, the AOF not. */
        default boolean replication() {
            return false;
        }
    }

    /** One op; {@code replOnly}: forceCommandPropagation(c, PROPAGATE_REPL) (PUBLISH reaches replicas, not the AOF). */
    private record Op(int dbid, byte[][] argv, boolean replOnly) {
    }

    private static final byte[] MULTI = bytes("MULTI");
    private static final byte[] EXEC = bytes("EXEC");
    private static final byte[] DEL = bytes("DEL");
    private static final byte[] UNLINK = bytes("UNLINK");
    private static final byte[] SET = bytes("SET");
    private static final byte[] HSET = bytes("HSET");
    private static final byte[] PXAT = bytes("PXAT");
    private static final byte[] KEEPTTL = bytes("KEEPTTL");
    private static final byte[] PEXPIREAT = bytes("PEXPIREAT");
    private static final byte[] PERSIST = bytes("PERSIST");

    private final EngineConfig config;
    /** server.dirty, read before and after each call to learn whether the command changed anything. */
    private final LongSupplier dirty;
    private final List<Sink> sinks = new CopyOnWriteArrayList<>();
    private final List<Op> pending = new ArrayList<>();
    private int callDepth;
    /** Set by a command that propagates itself (alsoPropagate + preventCommandPropagation). */
    private boolean prevented;
    private byte[][] replacement;
    /** Dirty increments that are not the running command's (keys expired on the way). */
    private long foreignDirty;
    private boolean arbitraryKeys;

    public Propagation(EngineConfig config, LongSupplier dirty) {
        this.config = config;
        this.dirty = dirty;
    }

    public void addSink(Sink sink) {
        sinks.add(sink);
    }

    public void removeSink(Sink sink) {
        sinks.remove(sink);
    }

    // ---------------- what commands call ----------------

    /** Loading (start-up, DEBUG LOADAOF): what the replayed commands do is not propagated again. */
    public void suspend() {
        suspended++;
    }

    public void resume() {
        suspended--;
    }

    private int suspended;

    /** alsoPropagate: queue an op beside (or instead of) the running command. */
    public void also(int dbid, byte[]... argv) {
        // nobody listening (no AOF): nothing is kept, so the hot path allocates nothing
        if (suspended == 0 && !sinks.isEmpty()) pending.add(new Op(dbid, argv, false));
        if (callDepth == 0) flush();
    }

    /** preventCommandPropagation: the running command's own argv is not propagated. */
    public void prevent() {
        prevented = true;
    }

    /** forceCommandPropagation: the running command is logged even if it changed nothing (FLUSHALL). */
    public void force() {
        forced = true;
    }

    /** forceCommandPropagation(c, PROPAGATE_REPL): the running command reaches replicas only (PUBLISH). */
    public void forceToReplicas() {
        forcedToReplicas = true;
    }

    private boolean forced;
    private boolean forcedToReplicas;

    /** rewriteClientCommandVector: the running command propagates as this argv instead. */
    public void replace(byte[]... argv) {
        replacement = argv;
    }

    /** propagateDeletion: a key removed by expiry or eviction replays as DEL (UNLINK when lazy). */
    public void deletion(Database db, Bytes key, boolean lazy) {
        if (callDepth > 0) foreignDirty++;
        also(db.id(), lazy ? UNLINK : DEL, key.array());
    }

    // ---------------- what the dispatcher calls ----------------

    /** Before a command runs: returns the state {@link #afterCall} needs. */
    public long beforeCall(boolean touchesArbitraryKeys) {
        // CMD_TOUCHES_ARBITRARY_KEYS: keys SCAN/RANDOMKEY expire on the way replay as separate DELs
        if (callDepth == 0) arbitraryKeys = touchesArbitraryKeys;
        callDepth++;
        prevented = false;
        forced = false;
        forcedToReplicas = false;
        replacement = null;
        return dirty.getAsLong() - foreignDirty;
    }

    /**
     * After a command ran: queue it (rewritten) if it changed the dataset, and at the end of the
     * outermost call emit everything queued.
     */
    public void afterCall(int dbid, Database db, String name, byte[][] argv, long mark, boolean container) {
        boolean changed = dirty.getAsLong() - foreignDirty > mark;
        if ((changed || forced || forcedToReplicas) && !prevented && !container && suspended == 0 && !sinks.isEmpty()) {
            byte[][] out = replacement != null ? replacement : rewrite(db, name, argv);
            if (out != null) pending.add(new Op(dbid, out, forcedToReplicas && !changed && !forced));
        }
        prevented = false;
        forced = false;
        forcedToReplicas = false;
        replacement = null;
        if (--callDepth == 0) {
            foreignDirty = 0;
            flush();
            arbitraryKeys = false;
        }
    }

    /** propagatePendingCommands. */
    public void flush() {
        if (pending.isEmpty()) return;
        if (sinks.isEmpty()) {
            pending.clear();
            return;
        }
        boolean wrap = pending.size() > 1 && !(callDepth == 0 && arbitraryKeys);
        if (wrap) emit(pending.get(0).dbid, new byte[][] {MULTI});
        int last = pending.get(0).dbid;
        for (Op op : pending) {
            if (op.replOnly) {
                for (Sink s : sinks) if (s.replication()) s.feed(op.dbid, op.argv);
            } else {
                emit(op.dbid, op.argv);
            }
            last = op.dbid;
        }
        if (wrap) emit(last, new byte[][] {EXEC});
        pending.clear();
    }

    private void emit(int dbid, byte[][] argv) {
        for (Sink s : sinks) s.feed(dbid, argv);
    }

    // ---------------- Redis 7.0's rewrites ----------------

    /** The argv to replay for a command that changed something; null to propagate nothing. */
    private byte[][] rewrite(Database db, String name, byte[][] argv) {
        switch (name) {
            case "expire", "pexpire", "expireat", "pexpireat", "getex" -> {
                return expiryOf(db, argv[1], argv, name.equals("getex"));
            }
            case "setex", "psetex" -> {
                return setWithAbsoluteExpiry(db, argv[1], argv[3], argv);
            }
            case "set" -> {
                boolean get = false;
                for (int i = 3; i < argv.length; i++) {
                    String opt = lower(argv[i]);
                    if (opt.equals("ex") || opt.equals("px") || opt.equals("exat") || opt.equals("pxat")) {
                        return setWithAbsoluteExpiry(db, argv[1], argv[2], argv);
                    }
                    if (opt.equals("get")) get = true;
                }
                if (!get) return argv;
                // SET ... GET replays without GET, which would only make the replay read
                List<byte[]> kept = new ArrayList<>();
                for (int i = 0; i < argv.length; i++) if (i < 3 || !lower(argv[i]).equals("get")) kept.add(argv[i]);
                return kept.toArray(new byte[0][]);
            }
            case "getset" -> {
                byte[][] out = argv.clone();
                out[0] = SET;
                return out;
            }
            case "getdel" -> {
                return new byte[][] {config.getBool("lazyfree-lazy-user-del") ? UNLINK : DEL, argv[1]};
            }
            case "restore" -> {
                return restoreWithAbsoluteTtl(db, argv);
            }
            case "geoadd" -> {
                return geoaddAsZadd(db, argv);
            }
            case "incrbyfloat" -> {
                RValue v = db.dict().get(new Bytes(argv[1]));
                if (!(v instanceof StringValue s)) return argv;
                return new byte[][] {SET, argv[1], s.bytes(), KEEPTTL};
            }
            case "hincrbyfloat" -> {
                // the reply holds the new value; reading it back from the hash is simplest
                RValue v = db.dict().get(new Bytes(argv[1]));
                byte[] value = v instanceof HashValue h ? h.get(new Bytes(argv[2])) : null;
                return value == null ? argv : new byte[][] {HSET, argv[1], argv[2], value};
            }
            case "xadd", "xtrim" -> {
                return streamExplicit(db, argv, name.equals("xadd"));
            }
            case "xreadgroup", "xclaim", "xautoclaim" -> {
                // they propagate what they did as XCLAIM / XGROUP ops of their own
                return null;
            }
            case "brpoplpush" -> {
                return new byte[][] {bytes("RPOPLPUSH"), argv[1], argv[2]};
            }
            case "blmove" -> {
                return new byte[][] {bytes("LMOVE"), argv[1], argv[2], argv[3], argv[4]};
            }
            default -> {
                return argv;
            }
        }
    }

    /**
     * xaddCommand / xtrimCommand: a generated ID ("*", "ms-*") replays as the ID it became, and an
     * approximate trim ("~") as the exact one it turned out to be (MAXLEN = the length left, MINID =
     * the first ID left), so the replay builds the same stream.
     */
    private static byte[][] streamExplicit(Database db, byte[][] argv, boolean xadd) {
        RValue v = db.dict().get(new Bytes(argv[1]));
        if (!(v instanceof StreamValue sv)) return argv;
        byte[][] out = argv.clone();
        int i = 2;
        while (i < out.length) {
            String opt = lower(out[i]);
            if (xadd && opt.equals("nomkstream")) {
                i++;
            } else if (opt.equals("maxlen") || opt.equals("minid")) {
                int threshold = i + 1;
                if (threshold < out.length && (out[threshold].length == 1 && (out[threshold][0] == '~' || out[threshold][0] == '='))) {
                    if (out[threshold][0] == '~') {
                        out[threshold] = bytes("=");
                        out[threshold + 1] = opt.equals("maxlen") ? bytes(Long.toString(sv.length()))
                                : (sv.entries.isEmpty() ? sv.lastId().next() : sv.entries.firstKey()).bytes();
                    }
                    threshold++;
                }
                i = threshold + 1;
                if (i + 1 < out.length && lower(out[i]).equals("limit")) i += 2;
            } else {
                break;
            }
        }
        if (xadd && i < out.length) {
            byte[] id = out[i];
            boolean generated = (id.length == 1 && id[0] == '*') || (id.length > 2 && id[id.length - 1] == '*');
            if (generated) out[i] = sv.lastId().bytes();
        }
        return out;
    }

    /** restoreCommand: a relative TTL replays as the absolute time it became, with ABSTTL. */
    private static byte[][] restoreWithAbsoluteTtl(Database db, byte[][] argv) {
        boolean abs = false;
        for (int i = 4; i < argv.length; i++) if (lower(argv[i]).equals("absttl")) abs = true;
        String ttl = new String(argv[2], StandardCharsets.US_ASCII);
        if (abs || ttl.equals("0")) return argv;
        // the time the key was given, read back, so the replay sets exactly the same deadline
        Long when = db.expires().get(new Bytes(argv[1]));
        if (when == null) return argv;
        byte[][] out = java.util.Arrays.copyOf(argv, argv.length + 1);
        out[2] = bytes(Long.toString(when));
        out[argv.length] = bytes("ABSTTL");
        return out;
    }

    /** geoaddCommand: replays as the ZADD it turned into, each position as its 52-bit geohash score. */
    private static byte[][] geoaddAsZadd(Database db, byte[][] argv) {
        RValue v = db.dict().get(new Bytes(argv[1]));
        if (!(v instanceof ZSetValue z)) return argv;
        int first = 2;
        while (first < argv.length) {
            String opt = lower(argv[first]);
            if (opt.equals("nx") || opt.equals("xx") || opt.equals("ch")) first++;
            else break;
        }
        int members = (argv.length - first) / 3;
        byte[][] out = new byte[first + 2 * members][];
        out[0] = bytes("zadd"); // Redis builds this vector itself, in lower case
        for (int i = 1; i < first; i++) out[i] = argv[i];
        for (int m = 0; m < members; m++) {
            byte[] member = argv[first + 3 * m + 2];
            Double score = z.score(new Bytes(member));
            out[first + 2 * m] = bytes(score == null ? "0" : Long.toString(score.longValue()));
            out[first + 2 * m + 1] = member;
        }
        return out;
    }

    /** EXPIRE family and GETEX: PEXPIREAT with the absolute time, PERSIST, or DEL if the key went. */
    private static byte[][] expiryOf(Database db, byte[] key, byte[][] argv, boolean getex) {
        Bytes k = new Bytes(key);
        if (db.dict().get(k) == null) return new byte[][] {DEL, key};
        Long when = db.expires().get(k);
        if (when == null) return getex ? new byte[][] {PERSIST, key} : argv;
        return new byte[][] {PEXPIREAT, key, bytes(Long.toString(when))};
    }

    private static byte[][] setWithAbsoluteExpiry(Database db, byte[] key, byte[] value, byte[][] argv) {
        Bytes k = new Bytes(key);
        if (db.dict().get(k) == null) return new byte[][] {DEL, key};
        Long when = db.expires().get(k);
        if (when == null) return argv;
        return new byte[][] {SET, key, value, PXAT, bytes(Long.toString(when))};
    }

    private static String lower(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
