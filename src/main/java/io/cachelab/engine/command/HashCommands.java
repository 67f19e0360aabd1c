package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.HashValue;
import io.cachelab.engine.type.LongDouble;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.type.RType;
import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.util.Glob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hash commands (t_hash.c). Replies, errors and keyspace events follow Redis 7.0 exactly because
 * Redisson's locks are hashes driven from Lua (HINCRBY, HEXISTS, HGET, HDEL): a hash emptied by
 * HDEL is deleted with a "del" event, and every write signals the key for WATCH. The encoding
 * thresholds are read from the live config on each write, as Redis reads server.hash_max_*.
 */
public final class HashCommands {
    private HashCommands() {
    }

    static void register(Commands t) {
        t.bind("hset", (c, a) -> c.addInteger(hset(c, a)));
        t.bind("hmset", (c, a) -> {
            hset(c, a);
            c.addOk();
        });
        t.bind("hsetnx", HashCommands::hsetnx);
        t.bind("hget", HashCommands::hget);
        t.bind("hmget", HashCommands::hmget);
        t.bind("hdel", HashCommands::hdel);
        t.bind("hlen", HashCommands::hlen);
        t.bind("hstrlen", HashCommands::hstrlen);
        t.bind("hexists", HashCommands::hexists);
        t.bind("hkeys", (c, a) -> getAll(c, a, true, false));
        t.bind("hvals", (c, a) -> getAll(c, a, false, true));
        t.bind("hgetall", (c, a) -> getAll(c, a, true, true));
        t.bind("hincrby", HashCommands::hincrby);
        t.bind("hincrbyfloat", HashCommands::hincrbyfloat);
        t.bind("hrandfield", HashCommands::hrandfield);
        t.bind("hscan", HashCommands::hscan);
    }

    private static HashValue read(Client c, byte[] key) {
        return c.db().lookupRead(new Bytes(key), RType.HASH);
    }

    /** hashTypeLookupWriteOrCreate: the hash at key, created (and added) if absent. */
    private static HashValue writeOrCreate(Client c, Bytes key) {
        Database db = c.db();
        HashValue h = db.lookupWrite(key, RType.HASH);
        if (h == null) {
            h = new HashValue();
            db.add(key, h);
        }
        return h;
    }

    private static int maxEntries(Client c) {
        return server(c).config().getInt("hash-max-listpack-entries");
    }

    private static int maxValue(Client c) {
        return server(c).config().getInt("hash-max-listpack-value");
    }

    private static void written(Client c, Bytes key, String event) {
        Database db = c.db();
        db.signalModified(key);
        server(c).notifyKeyspaceEvent(Notify.HASH, event, key, db.id());
    }

    /** HSET and HMSET: same work; returns how many fields were new (HSET's answer; HMSET answers OK). */
    private static long hset(Client c, byte[][] a) {
        if (a.length % 2 == 1) throw RedisError.wrongArgs(Args.lower(a[0]));
        Bytes key = new Bytes(a[1]);
        HashValue h = writeOrCreate(c, key);
        int maxEntries = maxEntries(c);
        int maxValue = maxValue(c);
        long created = 0;
        for (int i = 2; i < a.length; i += 2) {
            if (h.set(new Bytes(a[i]), a[i + 1], maxEntries, maxValue)) created++;
        }
        written(c, key, "hset");
        return created;
    }

    private static void hsetnx(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        HashValue h = writeOrCreate(c, key);
        Bytes field = new Bytes(a[2]);
        if (h.contains(field)) {
            c.addInteger(0);
            return;
        }
        h.set(field, a[3], maxEntries(c), maxValue(c));
        written(c, key, "hset");
        c.addInteger(1);
    }

    private static void hget(Client c, byte[][] a) {
        HashValue h = read(c, a[1]);
        byte[] v = h == null ? null : h.get(new Bytes(a[2]));
        if (v == null) c.addNull();
        else c.addBulk(v);
    }

    private static void hlen(Client c, byte[][] a) {
        HashValue h = read(c, a[1]);
        c.addInteger(h == null ? 0 : h.size());
    }

    private static void hstrlen(Client c, byte[][] a) {
        HashValue h = read(c, a[1]);
        byte[] v = h == null ? null : h.get(new Bytes(a[2]));
        c.addInteger(v == null ? 0 : v.length);
    }

    private static void hexists(Client c, byte[][] a) {
        HashValue h = read(c, a[1]);
        c.addInteger(h != null && h.contains(new Bytes(a[2])) ? 1 : 0);
    }

    private static void hmget(Client c, byte[][] a) {
        HashValue h = read(c, a[1]);
        c.addArrayLen(a.length - 2);
        for (int i = 2; i < a.length; i++) {
            byte[] v = h == null ? null : h.get(new Bytes(a[i]));
            if (v == null) c.addNull();
            else c.addBulk(v);
        }
    }

    private static void hdel(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        HashValue h = db.lookupWrite(key, RType.HASH);
        if (h == null) {
            c.addInteger(0);
            return;
        }
        long deleted = 0;
        boolean keyRemoved = false;
        for (int i = 2; i < a.length; i++) {
            if (h.remove(new Bytes(a[i]))) {
                deleted++;
                if (h.size() == 0) {
                    db.deleteRaw(key);
                    keyRemoved = true;
                    break;
                }
            }
        }
        if (deleted > 0) {
            written(c, key, "hdel");
            if (keyRemoved) server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", key, db.id());
        }
        c.addInteger(deleted);
    }

    /** HKEYS, HVALS, HGETALL (a map in RESP3; an empty map or array for a missing key). */
    private static void getAll(Client c, byte[][] a, boolean fields, boolean values) {
        HashValue h = read(c, a[1]);
        int n = h == null ? 0 : h.size();
        if (fields && values) c.addMapLen(n);
        else c.addArrayLen(n);
        if (h == null) return;
        h.forEach((f, v) -> {
            if (fields) c.addBulk(f);
            if (values) c.addBulk(v);
        });
    }

    private static void hincrby(Client c, byte[][] a) {
        long incr = Args.toLong(a[3]);
        Bytes key = new Bytes(a[1]);
        HashValue h = writeOrCreate(c, key);
        Bytes field = new Bytes(a[2]);
        byte[] current = h.get(field);
        long value = 0;
        if (current != null) {
            Long v = Numbers.parseLongStrict(current);
            if (v == null) throw new RedisError("ERR hash value is not an integer");
            value = v;
        }
        long result;
        try {
            result = Math.addExact(value, incr);
        } catch (ArithmeticException e) {
            throw RedisError.OVERFLOW;
        }
        h.set(field, Long.toString(result).getBytes(StandardCharsets.US_ASCII), maxEntries(c), maxValue(c));
        written(c, key, "hincrby");
        c.addInteger(result);
    }

    private static void hincrbyfloat(Client c, byte[][] a) {
        LongDouble incr = LongDouble.parse(a[3]);
        if (incr == null) throw RedisError.NOT_FLOAT;
        if (incr.isInfinite()) throw new RedisError("ERR value is NaN or Infinity");
        Bytes key = new Bytes(a[1]);
        HashValue h = writeOrCreate(c, key);
        Bytes field = new Bytes(a[2]);
        byte[] current = h.get(field);
        LongDouble value = LongDouble.ZERO;
        if (current != null) {
            Long asLong = Numbers.parseLongStrict(current);
            value = asLong != null ? LongDouble.of(asLong) : LongDouble.parse(current);
            if (value == null) throw new RedisError("ERR hash value is not a float");
        }
        LongDouble result = value.add(incr);
        if (result == null || result.isInfinite()) throw new RedisError("ERR increment would produce NaN or Infinity");
        byte[] formatted = result.toHumanString().getBytes(StandardCharsets.US_ASCII);
        h.set(field, formatted, maxEntries(c), maxValue(c));
        written(c, key, "hincrbyfloat");
        c.addBulk(formatted);
    }

    private static void hrandfield(Client c, byte[][] a) {
        if (a.length >= 3) {
            long count = SetCommands.parseRandomCount(a[2]);
            boolean withValues = false;
            if (a.length > 4 || a.length == 4 && !Args.is(a[3], "withvalues")) throw RedisError.SYNTAX;
            if (a.length == 4) {
                withValues = true;
                if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
                    throw new RedisError("ERR value is out of range");
                }
            }
            hrandfieldWithCount(c, a[1], count, withValues);
            return;
        }
        HashValue h = read(c, a[1]);
        if (h == null) c.addNull();
        else c.addBulk(h.randomField());
    }

    private static void hrandfieldWithCount(Client c, byte[] keyArg, long requested, boolean withValues) {
        HashValue h = read(c, keyArg);
        if (h == null || requested == 0) {
            c.addArrayLen(0);
            return;
        }
        boolean pairsNested = withValues && c.resp() > 2;
        if (requested < 0) {
            long count = -requested;
            c.addArrayLen(withValues && !pairsNested ? count * 2 : count);
            for (long i = 0; i < count; i++) {
                Bytes f = h.randomField();
                replyField(c, h, f, withValues, pairsNested);
            }
            return;
        }
        int size = h.size();
        List<Bytes> chosen;
        if (requested >= size) {
            chosen = h.fields();
        } else if (h.isListpack()) {
            chosen = SetCommands.orderedSample(h.fields(), (int) requested);
        } else {
            chosen = SetCommands.distinctSample(h::randomField, h::fields, size, (int) requested);
        }
        c.addArrayLen(withValues && !pairsNested ? chosen.size() * 2L : chosen.size());
        for (Bytes f : chosen) replyField(c, h, f, withValues, pairsNested);
    }

    private static void replyField(Client c, HashValue h, Bytes f, boolean withValues, boolean pairsNested) {
        if (pairsNested) c.addArrayLen(2);
        c.addBulk(f);
        if (withValues) c.addBulk(h.get(f));
    }

    /** HSCAN: a listpack is returned whole with cursor 0; a hashtable is walked with SCAN's cursor. */
    private static void hscan(Client c, byte[][] a) {
        long cursor = KeyCommands.parseCursor(a[2]);
        HashValue h = read(c, a[1]);
        if (h == null) {
            SetCommands.replyEmptyScan(c);
            return;
        }
        SetCommands.ScanOptions opt = SetCommands.ScanOptions.parse(a, 3);
        Map<Bytes, byte[]> found = new LinkedHashMap<>();
        if (h.isListpack()) {
            h.forEach(found::put);
            cursor = 0;
        } else {
            // Redis doubles COUNT for hashes (a field and its value are two list entries) before
            // deriving the iteration cap, so COUNT is effectively a number of fields
            long maxIterations = opt.count() * 20;
            // tested with != 0 like C's "maxiterations--": a COUNT whose cap overflows means no cap
            do {
                cursor = h.scan(cursor, found::put);
            } while (cursor != 0 && maxIterations-- != 0 && found.size() < opt.count());
        }
        List<byte[]> out = new ArrayList<>(found.size() * 2);
        for (Map.Entry<Bytes, byte[]> e : found.entrySet()) {
            if (opt.pattern() != null && !Glob.matches(opt.pattern(), e.getKey().array(), false)) continue;
            out.add(e.getKey().array());
            out.add(e.getValue());
        }
        c.addArrayLen(2);
        c.addBulk(Long.toUnsignedString(cursor));
        c.addBulkArray(out);
    }
}
