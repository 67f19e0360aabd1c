package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.HashValue;
import io.cachelab.engine.type.ListValue;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.SetValue;
import io.cachelab.engine.type.StringValue;
import io.cachelab.engine.type.ZSetValue;
import io.cachelab.engine.util.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO (sort.c): sorts a list, set or sorted set numerically or ALPHA, optionally by
 * external keys (BY weight_*, BY hash_*->field), fetching external values (GET pattern, GET #),
 * with LIMIT, DESC and STORE. A BY pattern without '*' means "don't sort": lists and sorted sets
 * keep their own order, sets are sorted ALPHA when stored or inside a script so replies stay
 * deterministic, exactly as Redis does.
 */
final class SortCommand {
    private SortCommand() {
    }

    static void register(Commands t) {
        t.bind("sort", (c, a) -> sort(c, a, false));
        t.bind("sort_ro", (c, a) -> sort(c, a, true));
    }

    private static final class Item {
        final byte[] obj;
        double score;
        byte[] cmp;

        Item(byte[] obj) {
            this.obj = obj;
        }
    }

    /** BY and GET patterns read keys no key spec names: only a user who may read every key may use them. */
    private static boolean mayReadAnyKey(Client c, byte[][] a) {
        if (c.user().unrestricted()) return true;
        CommandSpec spec = server(c).commands().lookup(a[0]);
        return server(c).acl().mayReadAnyKey(c.user(), spec == null ? null : spec.def(), a);
    }

    /** The options sortCommandGeneric parses: order, LIMIT, BY, GET and STORE. */
    private static final class Options {
        boolean desc;
        boolean alpha;
        boolean dontsort;
        long limitStart = 0;
        long limitCount = -1;
        byte[] sortBy;
        byte[] store;
        final List<byte[]> gets = new ArrayList<>();
    }

    private static void sort(Client c, byte[][] a, boolean readonly) {
        Options o = parse(c, a, readonly);
        Database db = c.db();
        RValue value = db.lookupRead(new Bytes(a[1]));
        if (value != null && !(value instanceof ListValue || value instanceof SetValue || value instanceof ZSetValue)) {
            throw RedisError.WRONGTYPE;
        }
        if (o.dontsort && value instanceof SetValue && (o.store != null || c.scriptClient())) {
            o.dontsort = false;
            o.alpha = true;
            o.sortBy = null;
        }
        List<byte[]> elements = elements(value);
        int len = elements.size();
        long start = Math.min(Math.max(o.limitStart, 0), len);
        long count = Math.min(Math.max(o.limitCount, -1), len);
        long end = count < 0 ? len - 1 : start + count - 1;
        if (start >= len) {
            start = len - 1;
            end = len - 2;
        }
        if (end >= len) end = len - 1;

        List<Item> items = new ArrayList<>(len);
        for (byte[] e : elements) items.add(new Item(e));
        if (o.dontsort && o.desc && !(value instanceof SetValue)) {
            // lists and sorted sets keep their own order, reversed for DESC
            java.util.Collections.reverse(items);
        }
        if (!o.dontsort && !order(db, items, o)) {
            throw new RedisError("ERR One or more scores can't be converted into double");
        }
        if (o.store == null) reply(c, db, items, start, end, o.gets);
        else store(c, db, items, start, end, o);
    }

    private static Options parse(Client c, byte[][] a, boolean readonly) {
        Options o = new Options();
        for (int j = 2; j < a.length; j++) {
            int left = a.length - j - 1;
            if (Args.is(a[j], "asc")) o.desc = false;
            else if (Args.is(a[j], "desc")) o.desc = true;
            else if (Args.is(a[j], "alpha")) o.alpha = true;
            else if (Args.is(a[j], "limit") && left >= 2) {
                o.limitStart = Args.toLong(a[j + 1]);
                o.limitCount = Args.toLong(a[j + 2]);
                j += 2;
            } else if (!readonly && Args.is(a[j], "store") && left >= 1) {
                o.store = a[++j];
            } else if (Args.is(a[j], "by") && left >= 1) {
                o.sortBy = a[++j];
                if (indexOf(o.sortBy, (byte) '*') < 0) o.dontsort = true;
                else if (!mayReadAnyKey(c, a)) {
                    throw new RedisError("ERR BY option of SORT denied due to insufficient ACL permissions.");
                }
            } else if (Args.is(a[j], "get") && left >= 1) {
                if (!mayReadAnyKey(c, a)) {
                    throw new RedisError("ERR GET option of SORT denied due to insufficient ACL permissions.");
                }
                o.gets.add(a[++j]);
            } else {
                throw RedisError.SYNTAX;
            }
        }
        return o;
    }

    /**
     * Loads each item's weight (its own value or the BY key's) and sorts as sortCompare does; false when a
     * weight was not a number (the sort still happens, as in Redis, before the error is replied).
     */
    private static boolean order(Database db, List<Item> items, Options o) {
        boolean converted = true;
        for (Item it : items) {
            byte[] by;
            if (o.sortBy != null) {
                by = lookupByPattern(db, o.sortBy, it.obj);
                if (by == null) continue;
            } else {
                by = it.obj;
            }
            if (o.alpha) {
                if (o.sortBy != null) it.cmp = by;
            } else {
                Double d = parseStrtod(by);
                if (d == null) converted = false;
                else it.score = d;
            }
        }
        Comparator<Item> cmp;
        if (!o.alpha) {
            cmp = (x, y) -> {
                int r = Double.compare(x.score == 0.0 ? 0.0 : x.score, y.score == 0.0 ? 0.0 : y.score);
                return r != 0 ? r : Arrays.compareUnsigned(x.obj, y.obj);
            };
        } else if (o.sortBy != null) {
            cmp = (x, y) -> {
                if (x.cmp == null || y.cmp == null) return x.cmp == y.cmp ? 0 : x.cmp == null ? -1 : 1;
                return Arrays.compareUnsigned(x.cmp, y.cmp);
            };
        } else {
            cmp = (x, y) -> Arrays.compareUnsigned(x.obj, y.obj);
        }
        items.sort(o.desc ? cmp.reversed() : cmp);
        return converted;
    }

    private static long outputLength(long start, long end, List<byte[]> gets) {
        return gets.isEmpty() ? end - start + 1 : gets.size() * (end - start + 1);
    }

    /** The items from start to end, or for each the GET patterns' values. */
    private static void reply(Client c, Database db, List<Item> items, long start, long end, List<byte[]> gets) {
        c.addArrayLen(Math.max(0, outputLength(start, end, gets)));
        for (long j = start; j <= end; j++) {
            Item it = items.get((int) j);
            if (gets.isEmpty()) c.addBulk(it.obj);
            for (byte[] g : gets) {
                byte[] v = lookupByPattern(db, g, it.obj);
                if (v == null) c.addNull();
                else c.addBulk(v);
            }
        }
    }

    /** STORE: the output becomes a list at the destination (deleted when empty); replies its length. */
    private static void store(Client c, Database db, List<Item> items, long start, long end, Options o) {
        long outLen = outputLength(start, end, o.gets);
        ListValue out = new ListValue();
        for (long j = start; j <= end; j++) {
            Item it = items.get((int) j);
            if (o.gets.isEmpty()) out.pushTail(it.obj);
            for (byte[] g : o.gets) {
                byte[] v = lookupByPattern(db, g, it.obj);
                out.pushTail(v == null ? new byte[0] : v);
            }
        }
        Bytes dst = new Bytes(o.store);
        if (outLen > 0) {
            db.set(dst, out);
            server(c).notifyKeyspaceEvent(Notify.LIST, "sortstore", dst, db.id());
            server(c).addDirty(outLen - 1);
        } else if (db.delete(dst)) {
            server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", dst, db.id());
        }
        c.addInteger(Math.max(0, outLen));
    }

    private static List<byte[]> elements(RValue value) {
        List<byte[]> out = new ArrayList<>();
        if (value instanceof ListValue l) {
            for (int i = 0; i < l.size(); i++) out.add(l.get(i));
        } else if (value instanceof SetValue s) {
            s.forEach(m -> out.add(m.array()));
        } else if (value instanceof ZSetValue z) {
            for (ZSetValue.Node n = z.first(); n != null; n = n.next()) out.add(n.member().array());
        }
        return out;
    }

    /** strtod as SORT uses it: leading spaces allowed, the whole rest must parse, NaN refused. */
    private static Double parseStrtod(byte[] b) {
        int i = 0;
        while (i < b.length && Character.isWhitespace(b[i])) i++;
        if (i == b.length) return b.length == 0 ? null : null;
        return Numbers.parseDouble(Arrays.copyOfRange(b, i, b.length));
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) if (b[i] == x) return i;
        return -1;
    }

    /** lookupKeyByPattern: "#" is the element; the first '*' is replaced by it; "->field" reads a hash. */
    static byte[] lookupByPattern(Database db, byte[] pattern, byte[] subst) {
        if (pattern.length == 1 && pattern[0] == '#') return subst;
        int star = indexOf(pattern, (byte) '*');
        if (star < 0) return null;
        int arrow = -1;
        for (int i = star + 1; i + 1 < pattern.length; i++) {
            if (pattern[i] == '-' && pattern[i + 1] == '>' && i + 2 < pattern.length) {
                arrow = i;
                break;
            }
        }
        int keyEnd = arrow < 0 ? pattern.length : arrow;
        byte[] key = new byte[star + subst.length + (keyEnd - star - 1)];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(subst, 0, key, star, subst.length);
        System.arraycopy(pattern, star + 1, key, star + subst.length, keyEnd - star - 1);
        RValue v = db.lookupRead(new Bytes(key));
        if (v == null) return null;
        if (arrow >= 0) {
            if (!(v instanceof HashValue h)) return null;
            return h.get(new Bytes(Arrays.copyOfRange(pattern, arrow + 2, pattern.length)));
        }
        if (!(v instanceof StringValue s)) return null;
        return s.bytes();
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
