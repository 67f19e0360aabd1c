package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.RType;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.SetValue;
import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.util.Glob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Set commands (t_set.c). The algebra commands first check every key's type (Redis 7.0.15 answers
 * WRONGTYPE even when an earlier key is missing), then work from the smallest set; results built
 * for STORE and SUNION/SDIFF start as an intset exactly as Redis's createIntsetObject does, so
 * their encoding and (for integers) their order match. Reply shapes follow 7.0.15 as observed:
 * SMEMBERS/SINTER/SUNION/SDIFF/SPOP answer RESP3 sets, SRANDMEMBER always an array.
 */
public final class SetCommands {
    private SetCommands() {
    }

    static void register(Commands t) {
        t.bind("sadd", SetCommands::sadd);
        t.bind("srem", SetCommands::srem);
        t.bind("scard", SetCommands::scard);
        t.bind("sismember", SetCommands::sismember);
        t.bind("smismember", SetCommands::smismember);
        t.bind("smembers", (c, a) -> intersect(c, a, 1, 1, null, false, 0));
        t.bind("spop", SetCommands::spop);
        t.bind("srandmember", SetCommands::srandmember);
        t.bind("smove", SetCommands::smove);
        t.bind("sinter", (c, a) -> intersect(c, a, 1, a.length - 1, null, false, 0));
        t.bind("sinterstore", (c, a) -> intersect(c, a, 2, a.length - 1, new Bytes(a[1]), false, 0));
        t.bind("sintercard", SetCommands::sintercard);
        t.bind("sunion", (c, a) -> unionDiff(c, a, 1, null, false));
        t.bind("sunionstore", (c, a) -> unionDiff(c, a, 2, new Bytes(a[1]), false));
        t.bind("sdiff", (c, a) -> unionDiff(c, a, 1, null, true));
        t.bind("sdiffstore", (c, a) -> unionDiff(c, a, 2, new Bytes(a[1]), true));
        t.bind("sscan", SetCommands::sscan);
    }

    private static SetValue read(Client c, byte[] key) {
        return c.db().lookupRead(new Bytes(key), RType.SET);
    }

    private static int maxIntset(Client c) {
        return server(c).config().getInt("set-max-intset-entries");
    }

    private static void notify(Client c, String event, Bytes key) {
        server(c).notifyKeyspaceEvent(Notify.SET, event, key, c.db().id());
    }

    private static void notifyDel(Client c, Bytes key) {
        server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", key, c.db().id());
    }

    private static void sadd(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        SetValue s = db.lookupWrite(key, RType.SET);
        if (s == null) {
            s = SetValue.forFirstMember(a[2]);
            db.add(key, s);
        }
        int max = maxIntset(c);
        long added = 0;
        for (int i = 2; i < a.length; i++) {
            if (s.add(a[i], max)) added++;
        }
        if (added > 0) {
            db.signalModified(key);
            notify(c, "sadd", key);
        }
        c.addInteger(added);
    }

    private static void srem(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        SetValue s = db.lookupWrite(key, RType.SET);
        if (s == null) {
            c.addInteger(0);
            return;
        }
        long removed = 0;
        boolean keyRemoved = false;
        for (int i = 2; i < a.length; i++) {
            if (s.remove(a[i])) {
                removed++;
                if (s.size() == 0) {
                    db.deleteRaw(key);
                    keyRemoved = true;
                    break;
                }
            }
        }
        if (removed > 0) {
            db.signalModified(key);
            notify(c, "srem", key);
            if (keyRemoved) notifyDel(c, key);
        }
        c.addInteger(removed);
    }

    private static void scard(Client c, byte[][] a) {
        SetValue s = read(c, a[1]);
        c.addInteger(s == null ? 0 : s.size());
    }

    private static void sismember(Client c, byte[][] a) {
        SetValue s = read(c, a[1]);
        c.addInteger(s != null && s.contains(a[2]) ? 1 : 0);
    }

    private static void smismember(Client c, byte[][] a) {
        SetValue s = read(c, a[1]);
        c.addArrayLen(a.length - 2);
        for (int i = 2; i < a.length; i++) c.addInteger(s != null && s.contains(a[i]) ? 1 : 0);
    }

    private static void smove(Client c, byte[][] a) {
        Database db = c.db();
        Bytes src = new Bytes(a[1]);
        Bytes dst = new Bytes(a[2]);
        RValue srcValue = db.lookupWrite(src);
        RValue dstValue = db.lookupWrite(dst);
        byte[] member = a[3];
        if (srcValue == null) {
            c.addInteger(0);
            return;
        }
        if (srcValue.type() != RType.SET || dstValue != null && dstValue.type() != RType.SET) throw RedisError.WRONGTYPE;
        SetValue from = (SetValue) srcValue;
        SetValue to = (SetValue) dstValue;
        if (from == to) {
            c.addInteger(from.contains(member) ? 1 : 0);
            return;
        }
        if (!from.remove(member)) {
            c.addInteger(0);
            return;
        }
        notify(c, "srem", src);
        if (from.size() == 0) {
            db.deleteRaw(src);
            notifyDel(c, src);
        }
        if (to == null) {
            to = SetValue.forFirstMember(member);
            db.add(dst, to);
        }
        db.signalModified(src);
        if (to.add(member, maxIntset(c))) {
            db.signalModified(dst);
            notify(c, "sadd", dst);
        }
        c.addInteger(1);
    }

    /**
     * getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX), the count of SRANDMEMBER and HRANDFIELD
     * (negative means "with repetition").
     */
    static long parseRandomCount(byte[] arg) {
        long v = Args.toLong(arg);
        if (v == Long.MIN_VALUE) {
            throw new RedisError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        return v;
    }

    private static void spop(Client c, byte[][] a) {
        if (a.length == 3) {
            spopWithCount(c, a);
            return;
        }
        if (a.length > 3) throw RedisError.SYNTAX;
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        SetValue s = db.lookupWrite(key, RType.SET);
        if (s == null) {
            c.addNull();
            return;
        }
        Bytes member = s.randomMember();
        s.remove(member.array());
        server(c).propagation().replace(SREM, a[1], member.array());
        notify(c, "spop", key);
        c.addBulk(member);
        if (s.size() == 0) {
            db.deleteRaw(key);
            notifyDel(c, key);
        }
        db.signalModified(key);
    }

    private static final byte[] SREM = "SREM".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] DEL = "DEL".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Redis 7.0 replays a counted SPOP as one SREM per member popped (7.2 batches them). */
    private static void propagateRemovals(Client c, byte[] key, List<byte[]> members) {
        var prop = server(c).propagation();
        for (byte[] m : members) prop.also(c.db().id(), SREM, key, m);
        prop.prevent();
    }

    private static void spopWithCount(Client c, byte[][] a) {
        // getPositiveLongFromObjectOrReply: one message for "not a number" and "negative"
        Long parsed = Numbers.parseLongStrict(a[2]);
        if (parsed == null || parsed < 0) throw new RedisError("ERR value is out of range, must be positive");
        long count = parsed;
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        SetValue s = db.lookupWrite(key, RType.SET);
        if (s == null || count == 0) {
            c.addSetLen(0);
            return;
        }
        int size = s.size();
        notify(c, "spop", key);
        if (count >= size) {
            List<Bytes> all = s.members();
            c.addSetLen(all.size());
            for (Bytes m : all) c.addBulk(m);
            server(c).propagation().replace(DEL, a[1]);
            db.deleteRaw(key);
            notifyDel(c, key);
            db.signalModified(key);
            return;
        }
        c.addSetLen(count);
        List<byte[]> popped = new java.util.ArrayList<>();
        if (count * 5 < size) {
            // few to pop: take random members one by one
            for (long i = 0; i < count; i++) {
                Bytes m = s.randomMember();
                s.remove(m.array());
                c.addBulk(m);
                popped.add(m.array());
            }
        } else {
            // most of the set goes: keep a random remainder in a fresh set (setTypeCreate + adds,
            // so a hashtable of integers can become an intset again, as in Redis) and reply the rest
            int remaining = (int) (size - count);
            int max = maxIntset(c);
            SetValue kept = null;
            for (int i = 0; i < remaining; i++) {
                Bytes m = s.randomMember();
                if (kept == null) kept = SetValue.forFirstMember(m.array());
                kept.add(m.array(), max);
                s.remove(m.array());
            }
            s.forEach(m -> {
                c.addBulk(m);
                popped.add(m.array());
            });
            db.replaceValue(key, kept);
        }
        propagateRemovals(c, a[1], popped);
        db.signalModified(key);
    }

    private static void srandmember(Client c, byte[][] a) {
        if (a.length == 3) {
            srandmemberWithCount(c, a);
            return;
        }
        if (a.length > 3) throw RedisError.SYNTAX;
        SetValue s = read(c, a[1]);
        if (s == null) c.addNull();
        else c.addBulk(s.randomMember());
    }

    private static void srandmemberWithCount(Client c, byte[][] a) {
        long requested = parseRandomCount(a[2]);
        SetValue s = read(c, a[1]);
        if (s == null || requested == 0) {
            c.addArrayLen(0);
            return;
        }
        if (requested < 0 || requested == 1) {
            long count = Math.abs(requested);
            c.addArrayLen(count);
            for (long i = 0; i < count; i++) c.addBulk(s.randomMember());
            return;
        }
        int size = s.size();
        List<Bytes> chosen;
        if (requested >= size) chosen = s.members();
        else if (s.isIntset()) chosen = orderedSample(s.members(), (int) requested);
        else chosen = distinctSample(s::randomMember, s::members, size, (int) requested);
        c.addArrayLen(chosen.size());
        for (Bytes m : chosen) c.addBulk(m);
    }

    /** k distinct elements chosen uniformly, kept in their original order (selection sampling). */
    static List<Bytes> orderedSample(List<Bytes> all, int k) {
        List<Bytes> out = new ArrayList<>(k);
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int n = all.size();
        for (int i = 0; i < n && out.size() < k; i++) {
            if (rnd.nextInt(n - i) < k - out.size()) out.add(all.get(i));
        }
        return out;
    }

    /**
     * k distinct elements, as Redis's cases 3 and 4: when k is a large share of the set, start from
     * everything and drop random elements; otherwise draw random elements until k are distinct.
     */
    static List<Bytes> distinctSample(Supplier<Bytes> random, Supplier<List<Bytes>> all, int size, int k) {
        if ((long) k * 3 > size) {
            List<Bytes> copy = all.get();
            Collections.shuffle(copy, ThreadLocalRandom.current());
            return new ArrayList<>(copy.subList(0, k));
        }
        Set<Bytes> picked = new LinkedHashSet<>();
        while (picked.size() < k) picked.add(random.get());
        return new ArrayList<>(picked);
    }

    /**
     * SINTER, SINTERSTORE, SINTERCARD and SMEMBERS (a one-key intersection, as in Redis): keys are
     * argv[from..to]; {@code limit} 0 means no limit for the cardinality variant.
     */
    private static void intersect(Client c, byte[][] a, int from, int to, Bytes dst, boolean cardinalityOnly, long limit) {
        Database db = c.db();
        int n = to - from + 1;
        SetValue[] sets = new SetValue[n];
        boolean anyMissing = false;
        for (int i = 0; i < n; i++) {
            Bytes k = new Bytes(a[from + i]);
            SetValue s = dst != null ? db.lookupWrite(k, RType.SET) : db.lookupRead(k, RType.SET);
            if (s == null) anyMissing = true;
            sets[i] = s;
        }
        if (anyMissing) {
            if (dst != null) {
                storeResult(c, dst, null, "sinterstore");
            } else if (cardinalityOnly) {
                c.addInteger(0);
            } else {
                c.addSetLen(0);
            }
            return;
        }
        Arrays.sort(sets, Comparator.comparingInt(SetValue::size));
        SetValue smallest = sets[0];
        List<Bytes> result = new ArrayList<>();
        for (Bytes m : smallest.members()) {
            boolean inAll = true;
            for (int j = 1; j < n && inAll; j++) {
                if (sets[j] != smallest && !sets[j].contains(m)) inAll = false;
            }
            if (!inAll) continue;
            result.add(m);
            if (cardinalityOnly && limit > 0 && result.size() >= limit) break;
        }
        if (cardinalityOnly) {
            c.addInteger(result.size());
        } else if (dst != null) {
            SetValue out = new SetValue();
            int max = maxIntset(c);
            for (Bytes m : result) out.add(m.array(), max);
            storeResult(c, dst, out, "sinterstore");
        } else {
            c.addSetLen(result.size());
            for (Bytes m : result) c.addBulk(m);
        }
    }

    /** Writes a STORE result (or deletes the destination when empty) and replies its size. */
    private static void storeResult(Client c, Bytes dst, SetValue result, String event) {
        Database db = c.db();
        if (result != null && result.size() > 0) {
            db.set(dst, result);
            c.addInteger(result.size());
            notify(c, event, dst);
        } else {
            c.addInteger(0);
            if (db.delete(dst)) notifyDel(c, dst);
        }
    }

    private static void sintercard(Client c, byte[][] a) {
        long numKeys;
        Long parsed = Numbers.parseLongStrict(a[1]);
        if (parsed == null || parsed < 1) throw new RedisError("ERR numkeys should be greater than 0");
        numKeys = parsed;
        if (numKeys > a.length - 2) throw new RedisError("ERR Number of keys can't be greater than number of args");
        long limit = 0;
        for (int i = 2 + (int) numKeys; i < a.length; i++) {
            if (Args.is(a[i], "limit") && i + 1 < a.length) {
                Long l = Numbers.parseLongStrict(a[++i]);
                if (l == null || l < 0) throw new RedisError("ERR LIMIT can't be negative");
                limit = l;
            } else {
                throw RedisError.SYNTAX;
            }
        }
        intersect(c, a, 2, 1 + (int) numKeys, null, true, limit);
    }

    /** SUNION, SDIFF and their STORE forms: keys are argv[from..]; missing keys are empty sets. */
    private static void unionDiff(Client c, byte[][] a, int from, Bytes dst, boolean diff) {
        Database db = c.db();
        int n = a.length - from;
        SetValue[] sets = new SetValue[n];
        for (int i = 0; i < n; i++) {
            Bytes k = new Bytes(a[from + i]);
            sets[i] = dst != null ? db.lookupWrite(k, RType.SET) : db.lookupRead(k, RType.SET);
        }
        SetValue result = new SetValue();
        int max = maxIntset(c);
        if (!diff) {
            for (SetValue s : sets) {
                if (s != null) s.forEach(m -> result.add(m.array(), max));
            }
        } else if (sets[0] != null) {
            sets[0].forEach(m -> {
                for (int j = 1; j < n; j++) {
                    if (sets[j] != null && sets[j].contains(m)) return;
                }
                result.add(m.array(), max);
            });
        }
        if (dst != null) {
            storeResult(c, dst, result, diff ? "sdiffstore" : "sunionstore");
        } else {
            c.addSetLen(result.size());
            result.forEach(c::addBulk);
        }
    }

    /** SSCAN: an intset is returned whole with cursor 0; a hashtable is walked with SCAN's cursor. */
    private static void sscan(Client c, byte[][] a) {
        long cursor = KeyCommands.parseCursor(a[2]);
        SetValue s = read(c, a[1]);
        if (s == null) {
            replyEmptyScan(c);
            return;
        }
        ScanOptions opt = ScanOptions.parse(a, 3);
        List<Bytes> found = new ArrayList<>();
        if (s.isIntset()) {
            s.forEach(found::add);
            cursor = 0;
        } else {
            long maxIterations = opt.count() * 10;
            // tested with != 0 like C's "maxiterations--": a COUNT whose cap overflows means no cap
            do {
                cursor = s.scan(cursor, found::add);
            } while (cursor != 0 && maxIterations-- != 0 && found.size() < opt.count());
        }
        List<byte[]> out = new ArrayList<>(found.size());
        for (Bytes m : found) {
            if (opt.pattern() == null || Glob.matches(opt.pattern(), m.array(), false)) out.add(m.array());
        }
        c.addArrayLen(2);
        c.addBulk(Long.toUnsignedString(cursor));
        c.addBulkArray(out);
    }

    static void replyEmptyScan(Client c) {
        c.addArrayLen(2);
        c.addBulk("0");
        c.addArrayLen(0);
    }

    /** HSCAN/SSCAN options (scanGenericCommand): COUNT >= 1, MATCH; TYPE is SCAN's only. */
    record ScanOptions(long count, byte[] pattern) {
        static ScanOptions parse(byte[][] a, int from) {
            long count = 10;
            byte[] pattern = null;
            for (int i = from; i < a.length; i++) {
                int left = a.length - i - 1;
                if (Args.is(a[i], "count") && left >= 1) {
                    count = Args.toLong(a[++i]);
                    if (count < 1) throw RedisError.SYNTAX;
                } else if (Args.is(a[i], "match") && left >= 1) {
                    pattern = a[++i];
                    if (pattern.length == 1 && pattern[0] == '*') pattern = null;
                } else {
                    throw RedisError.SYNTAX;
                }
            }
            return new ScanOptions(count, pattern);
        }
    }
}
