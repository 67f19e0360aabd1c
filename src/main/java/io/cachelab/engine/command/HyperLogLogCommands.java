package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.HyperLogLog;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.StringValue;
import io.cachelab.engine.util.Bytes;

import java.util.SplittableRandom;

/**
 * PF* commands (hyperloglog.c). An HLL lives in an ordinary raw string, so the commands edit the
 * string's live buffer where the size cannot change (dense registers, the cached cardinality) and
 * swap in a new string value, keeping TTL and LRU, when sparse editing or promotion resizes it.
 */
public final class HyperLogLogCommands {
    static final String INVALID_HLL = "INVALIDOBJ Corrupted HLL object detected";
    static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";

    private HyperLogLogCommands() {
    }

    static void register(Commands t) {
        t.bind("pfadd", HyperLogLogCommands::pfadd);
        t.bind("pfcount", HyperLogLogCommands::pfcount);
        t.bind("pfmerge", HyperLogLogCommands::pfmerge);
        t.bind("pfdebug", HyperLogLogCommands::pfdebug);
        t.bind("pfselftest", HyperLogLogCommands::pfselftest);
    }

    /** isHLLObjectOrReply: a string holding a well-formed header, else WRONGTYPE. */
    private static StringValue checkHll(RValue v) {
        if (!(v instanceof StringValue s)) throw RedisError.WRONGTYPE;
        if (s.isIntEncoded() || !HyperLogLog.isValid(s.array(), s.length())) throw new RedisError(NOT_HLL);
        return s;
    }

    private static int sparseMaxBytes(Client c) {
        return (int) Math.min(server(c).config().getLong("hll-sparse-max-bytes"), Integer.MAX_VALUE);
    }

    /** An editable view of the HLL at key (its live buffer, unshared first). */
    private static HyperLogLog editable(StringValue s) {
        return new HyperLogLog(s.buffer(), s.length());
    }

    /** Stores the edited HLL back when editing moved or resized its bytes. */
    private static void writeBack(Database db, Bytes key, StringValue s, HyperLogLog h) {
        if (h.movedFrom(s.array(), s.length())) db.replaceValue(key, StringValue.raw(h.bytes()));
    }

    private static void pfadd(Client c, byte[][] a) {
        Database db = c.db();
        Bytes key = new Bytes(a[1]);
        RValue v = db.lookupWrite(key);
        int updated = 0;
        HyperLogLog h;
        StringValue s;
        if (v == null) {
            h = HyperLogLog.create();
            s = StringValue.raw(h.bytes());
            db.add(key, s);
            updated++;
        } else {
            s = checkHll(v);
            h = editable(s);
        }
        int maxBytes = sparseMaxBytes(c);
        try {
            for (int j = 2; j < a.length; j++) updated += h.add(a[j], maxBytes);
        } catch (HyperLogLog.Corrupted e) {
            writeBack(db, key, s, h);
            throw new RedisError(INVALID_HLL);
        }
        if (updated > 0) {
            h.invalidateCache();
            writeBack(db, key, s, h);
            db.signalModified(key);
            server(c).notifyKeyspaceEvent(Notify.STRING, "pfadd", key, db.id());
        }
        c.addInteger(updated > 0 ? 1 : 0);
    }

    private static void pfcount(Client c, byte[][] a) {
        Database db = c.db();
        if (a.length > 2) {
            byte[] max = new byte[HyperLogLog.REGISTERS];
            for (int j = 1; j < a.length; j++) {
                RValue v = db.lookupRead(new Bytes(a[j]));
                if (v == null) continue;
                StringValue s = checkHll(v);
                try {
                    new HyperLogLog(s.array(), s.length()).mergeInto(max);
                } catch (HyperLogLog.Corrupted e) {
                    throw new RedisError(INVALID_HLL);
                }
            }
            c.addInteger(HyperLogLog.countRaw(max));
            return;
        }
        Bytes key = new Bytes(a[1]);
        RValue v = db.lookupRead(key);
        if (v == null) {
            c.addInteger(0);
            return;
        }
        StringValue s = checkHll(v);
        HyperLogLog view = new HyperLogLog(s.array(), s.length());
        if (view.validCache()) {
            c.addInteger(view.cachedCard());
            return;
        }
        long card;
        try {
            card = view.count();
        } catch (HyperLogLog.Corrupted e) {
            throw new RedisError(INVALID_HLL);
        }
        editable(s).setCachedCard(card);
        db.signalModified(key);
        c.addInteger(card);
    }

    private static void pfmerge(Client c, byte[][] a) {
        Database db = c.db();
        byte[] max = new byte[HyperLogLog.REGISTERS];
        boolean useDense = false;
        for (int j = 1; j < a.length; j++) {
            RValue v = db.lookupRead(new Bytes(a[j]));
            if (v == null) continue;
            StringValue s = checkHll(v);
            HyperLogLog h = new HyperLogLog(s.array(), s.length());
            if (h.encoding() == HyperLogLog.DENSE) useDense = true;
            try {
                h.mergeInto(max);
            } catch (HyperLogLog.Corrupted e) {
                throw new RedisError(INVALID_HLL);
            }
        }
        Bytes key = new Bytes(a[1]);
        RValue v = db.lookupWrite(key);
        StringValue s;
        HyperLogLog h;
        if (v == null) {
            h = HyperLogLog.create();
            s = StringValue.raw(h.bytes());
            db.add(key, s);
        } else {
            s = (StringValue) v;
            h = editable(s);
        }
        try {
            if (useDense) h.toDense();
            h.setRegisters(max, sparseMaxBytes(c));
        } catch (HyperLogLog.Corrupted e) {
            writeBack(db, key, s, h);
            throw new RedisError(INVALID_HLL);
        }
        h.invalidateCache();
        writeBack(db, key, s, h);
        db.signalModified(key);
        server(c).notifyKeyspaceEvent(Notify.STRING, "pfadd", key, db.id());
        c.addOk();
    }

    private static void pfdebug(Client c, byte[][] a) {
        String cmd = new String(a[1], java.nio.charset.StandardCharsets.UTF_8);
        Database db = c.db();
        Bytes key = new Bytes(a[2]);
        RValue v = db.lookupWrite(key);
        if (v == null) throw new RedisError("ERR The specified key does not exist");
        StringValue s = checkHll(v);
        HyperLogLog h = editable(s);
        switch (cmd.toLowerCase(java.util.Locale.ROOT)) {
            case "getreg" -> {
                if (h.encoding() == HyperLogLog.SPARSE) {
                    toDense(h);
                    writeBack(db, key, s, h);
                    server(c).addDirty(1);
                }
                c.addArrayLen(HyperLogLog.REGISTERS);
                for (int j = 0; j < HyperLogLog.REGISTERS; j++) c.addInteger(h.register(j));
            }
            case "decode" -> {
                if (h.encoding() != HyperLogLog.SPARSE) throw new RedisError("ERR HLL encoding is not sparse");
                c.addBulk(h.decode());
            }
            case "encoding" -> c.addSimple(h.encoding() == HyperLogLog.DENSE ? "dense" : "sparse");
            case "todense" -> {
                boolean conv = false;
                if (h.encoding() == HyperLogLog.SPARSE) {
                    toDense(h);
                    writeBack(db, key, s, h);
                    conv = true;
                    server(c).addDirty(1);
                }
                c.addInteger(conv ? 1 : 0);
            }
            default -> throw new RedisError("ERR Unknown PFDEBUG subcommand '" + cmd + "'");
        }
    }

    private static void toDense(HyperLogLog h) {
        try {
            h.toDense();
        } catch (HyperLogLog.Corrupted e) {
            throw new RedisError(INVALID_HLL);
        }
    }

    /**
     * pfselftestCommand's checks: dense register set/get round trips, and sparse and dense
     * encodings of the same elements agreeing on the estimate.
     */
    private static void pfselftest(Client c, byte[][] a) {
        SplittableRandom rnd = new SplittableRandom(1);
        HyperLogLog dense = HyperLogLog.create();
        dense.toDense();
        int[] expected = new int[HyperLogLog.REGISTERS];
        for (int cycle = 0; cycle < 1000; cycle++) {
            for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
                int r = rnd.nextInt(64);
                expected[j] = r;
                hllSetRaw(dense, j, r);
            }
            for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
                if (dense.register(j) != expected[j]) {
                    throw new RedisError("ERR TESTFAILED Register error at index " + j);
                }
            }
            if (cycle > 20) break;
        }
        HyperLogLog sparse = HyperLogLog.create();
        HyperLogLog full = HyperLogLog.create();
        full.toDense();
        for (int j = 1; j <= 10_000_000 && j <= 20_000; j++) {
            byte[] ele = Long.toString(rnd.nextLong()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            sparse.add(ele, 3000);
            full.add(ele, 3000);
            if ((j & (j - 1)) == 0 && sparse.count() != full.count()) {
                throw new RedisError("ERR TESTFAILED sparse and dense estimates differ at " + j);
            }
        }
        c.addOk();
    }

    private static void hllSetRaw(HyperLogLog h, int j, int r) {
        h.setRegister(j, r);
    }
}
