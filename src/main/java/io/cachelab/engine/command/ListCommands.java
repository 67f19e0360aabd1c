package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.ListValue;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.util.Bytes;

import java.util.Arrays;

/**
 * The list family (Redis's t_list.c). Every command follows the same order Redis does, because the
 * order decides which error a malformed call gets: options and numbers are parsed first, then the
 * key is looked up, then types are checked. Writes end with listChanged/elementsRemoved so the
 * WATCH signal, keyspace events and deletion of an emptied list happen in one place.
 * Blocking variants try the non-blocking path first and only park the client when every key is
 * empty; the blocking manager re-runs the same handler when a key is signalled.
 */
public final class ListCommands {
    private ListCommands() {
    }

    static final int HEAD = 0;
    static final int TAIL = 1;

    static void register(Commands t) {
        t.bind("lpush", (c, a) -> push(c, a, HEAD, false));
        t.bind("rpush", (c, a) -> push(c, a, TAIL, false));
        t.bind("lpushx", (c, a) -> push(c, a, HEAD, true));
        t.bind("rpushx", (c, a) -> push(c, a, TAIL, true));
        t.bind("lpop", (c, a) -> pop(c, a, HEAD));
        t.bind("rpop", (c, a) -> pop(c, a, TAIL));
        t.bind("llen", ListCommands::llen);
        t.bind("lindex", ListCommands::lindex);
        t.bind("lset", ListCommands::lset);
        t.bind("lrange", ListCommands::lrange);
        t.bind("ltrim", ListCommands::ltrim);
        t.bind("lrem", ListCommands::lrem);
        t.bind("linsert", ListCommands::linsert);
        t.bind("lpos", ListCommands::lpos);
        t.bind("lmove", (c, a) -> lmove(c, a, false));
        t.bind("rpoplpush", (c, a) -> rpoplpush(c, a, false));
        t.bind("lmpop", (c, a) -> lmpop(c, a, false));
        t.bind("blpop", (c, a) -> bpop(c, a, HEAD));
        t.bind("brpop", (c, a) -> bpop(c, a, TAIL));
        t.bind("blmove", (c, a) -> lmove(c, a, true));
        t.bind("brpoplpush", (c, a) -> rpoplpush(c, a, true));
        t.bind("blmpop", (c, a) -> lmpop(c, a, true));
    }

    // ---- shared helpers -------------------------------------------------------------------

    static ListValue listForRead(Client c, Bytes key) {
        RValue v = c.db().lookupRead(key);
        if (v == null) return null;
        if (!(v instanceof ListValue l)) throw RedisError.WRONGTYPE;
        return l;
    }

    static ListValue listForWrite(Client c, Bytes key) {
        RValue v = c.db().lookupWrite(key);
        if (v == null) return null;
        if (!(v instanceof ListValue l)) throw RedisError.WRONGTYPE;
        return l;
    }

    /**
     * The source of a blocking pop. When the blocking manager re-runs a parked client, a key that
     * now holds another type is skipped rather than answered WRONGTYPE: Redis 7.0 serves a client
     * blocked on a list only from a list and leaves it waiting otherwise.
     */
    static ListValue listForBlockingPop(Client c, Bytes key) {
        RValue v = c.db().lookupWrite(key);
        if (v == null) return null;
        if (v instanceof ListValue l) return l;
        if (c.isBlocked()) return null;
        throw RedisError.WRONGTYPE;
    }

    /** The keys to wait on, each once (BLPOP k k 0 is legal; Redis's blockForKeys skips repeats). */
    static java.util.List<Bytes> distinctKeys(Bytes[] keys) {
        if (keys.length == 1) return java.util.List.of(keys[0]);
        return new java.util.ArrayList<>(new java.util.LinkedHashSet<>(Arrays.asList(keys)));
    }

    static long parseLong(byte[] arg) {
        Long v = Numbers.parseLongStrict(arg);
        if (v == null) throw new RedisError("ERR value is not an integer or out of range");
        return v;
    }

    /** getPositiveLongFromObjectOrReply: a count argument of LPOP, ZPOPMIN and friends. */
    static long parsePositiveCount(byte[] arg) {
        Long v = Numbers.parseLongStrict(arg);
        if (v == null || v < 0) throw new RedisError("ERR value is out of range, must be positive");
        return v;
    }

    /** getRangeLongFromObjectOrReply(1, LONG_MAX, msg): numkeys and COUNT of the *MPOP commands. */
    static long parseAtLeastOne(byte[] arg, String error) {
        Long v = Numbers.parseLongStrict(arg);
        if (v == null || v < 1) throw new RedisError("ERR " + error);
        return v;
    }

    /**
     * getTimeoutFromObjectOrReply in seconds: fractional seconds rounded up to milliseconds;
     * 0 blocks forever (returned as 0). Like redis 7.0.15, a value too big for a long long of
     * milliseconds (1e20, inf) wraps negative and is refused as negative.
     */
    static long parseTimeoutDeadline(Client c, byte[] arg) {
        Double secs = ZSetCommands.parseDouble(arg, 0, false);
        if (secs == null) throw new RedisError("ERR timeout is not a float or out of range");
        double ms = secs * 1000.0;
        if (ms >= 9.223372036854775807e18 || ms < 0) throw new RedisError("ERR timeout is negative");
        long tval = (long) Math.ceil(ms);
        if (tval == 0) return 0;
        return server(c).commandTimeMs() + tval;
    }

    static boolean eq(byte[] arg, String word) {
        if (arg.length != word.length()) return false;
        for (int i = 0; i < arg.length; i++) {
            if (Character.toLowerCase((char) arg[i]) != word.charAt(i)) return false;
        }
        return true;
    }

    static int parseWhere(byte[] arg) {
        if (eq(arg, "left")) return HEAD;
        if (eq(arg, "right")) return TAIL;
        throw new RedisError("ERR syntax error");
    }

    private static void notify(Client c, String event, Bytes key) {
        server(c).notifyKeyspaceEvent(Notify.LIST, event, key, c.db().id());
    }

    /** After removing elements: the pop event, deletion of an emptied list, and the WATCH signal. */
    private static void elementsRemoved(Client c, Bytes key, int where, ListValue list) {
        notify(c, where == HEAD ? "lpop" : "rpop", key);
        if (list.isEmpty()) {
            c.db().delete(key);
            server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", key, c.db().id());
        }
        c.db().signalModified(key);
    }

    private static void deleteIfEmpty(Client c, Bytes key, ListValue list) {
        if (list.isEmpty()) {
            c.db().delete(key);
            server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", key, c.db().id());
        }
    }

    // ---- commands -------------------------------------------------------------------------

    private static void push(Client c, byte[][] a, int where, boolean onlyIfExists) {
        Bytes key = new Bytes(a[1]);
        ListValue list = listForWrite(c, key);
        if (list == null) {
            if (onlyIfExists) {
                c.addInteger(0);
                return;
            }
            list = new ListValue();
            c.db().add(key, list);
        }
        for (int i = 2; i < a.length; i++) {
            if (where == HEAD) list.pushHead(a[i]);
            else list.pushTail(a[i]);
        }
        c.addInteger(list.size());
        c.db().signalModified(key);
        notify(c, where == HEAD ? "lpush" : "rpush", key);
    }

    private static void pop(Client c, byte[][] a, int where) {
        if (a.length > 3) throw RedisError.wrongArgs(Args.lower(a[0]));
        boolean hasCount = a.length == 3;
        long count = hasCount ? parsePositiveCount(a[2]) : 0;
        Bytes key = new Bytes(a[1]);
        ListValue list = listForWrite(c, key);
        if (list == null) {
            if (hasCount) c.addNullArray();
            else c.addNull();
            return;
        }
        if (hasCount && count == 0) {
            c.addArrayLen(0);
            return;
        }
        if (!hasCount) {
            c.addBulk(where == HEAD ? list.popHead() : list.popTail());
        } else {
            int n = (int) Math.min(count, list.size());
            c.addArrayLen(n);
            for (int i = 0; i < n; i++) c.addBulk(where == HEAD ? list.popHead() : list.popTail());
        }
        elementsRemoved(c, key, where, list);
    }

    private static void llen(Client c, byte[][] a) {
        ListValue list = listForRead(c, new Bytes(a[1]));
        c.addInteger(list == null ? 0 : list.size());
    }

    private static void lindex(Client c, byte[][] a) {
        ListValue list = listForRead(c, new Bytes(a[1]));
        if (list == null) {
            c.addNull();
            return;
        }
        long index = parseLong(a[2]);
        if (index < 0) index += list.size();
        if (index < 0 || index >= list.size()) c.addNull();
        else c.addBulk(list.get((int) index));
    }

    private static void lset(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        ListValue list = listForWrite(c, key);
        if (list == null) throw new RedisError("ERR no such key");
        long index = parseLong(a[2]);
        if (index < 0) index += list.size();
        if (index < 0 || index >= list.size()) throw new RedisError("ERR index out of range");
        list.set((int) index, a[3]);
        c.addOk();
        c.db().signalModified(key);
        notify(c, "lset", key);
    }

    private static void lrange(Client c, byte[][] a) {
        long start = parseLong(a[2]);
        long end = parseLong(a[3]);
        ListValue list = listForRead(c, new Bytes(a[1]));
        if (list == null) {
            c.addArrayLen(0);
            return;
        }
        long len = list.size();
        if (start < 0) start += len;
        if (end < 0) end += len;
        if (start < 0) start = 0;
        if (start > end || start >= len) {
            c.addArrayLen(0);
            return;
        }
        if (end >= len) end = len - 1;
        c.addArrayLen((int) (end - start + 1));
        for (long i = start; i <= end; i++) c.addBulk(list.get((int) i));
    }

    private static void ltrim(Client c, byte[][] a) {
        long start = parseLong(a[2]);
        long end = parseLong(a[3]);
        Bytes key = new Bytes(a[1]);
        ListValue list = listForWrite(c, key);
        if (list == null) {
            c.addOk();
            return;
        }
        long len = list.size();
        if (start < 0) start += len;
        if (end < 0) end += len;
        if (start < 0) start = 0;
        if (start > end || start >= len) {
            list.clear();
        } else {
            if (end >= len) end = len - 1;
            list.retainRange((int) start, (int) end);
        }
        notify(c, "ltrim", key);
        deleteIfEmpty(c, key, list);
        c.db().signalModified(key);
        c.addOk();
    }

    private static void lrem(Client c, byte[][] a) {
        long count = parseLong(a[2]);
        Bytes key = new Bytes(a[1]);
        ListValue list = listForWrite(c, key);
        if (list == null) {
            c.addInteger(0);
            return;
        }
        int removed = list.removeMatching(a[3], count);
        if (removed > 0) {
            notify(c, "lrem", key);
            deleteIfEmpty(c, key, list);
            c.db().signalModified(key);
        }
        c.addInteger(removed);
    }

    private static void linsert(Client c, byte[][] a) {
        boolean after;
        if (eq(a[2], "after")) after = true;
        else if (eq(a[2], "before")) after = false;
        else throw new RedisError("ERR syntax error");
        Bytes key = new Bytes(a[1]);
        ListValue list = listForWrite(c, key);
        if (list == null) {
            c.addInteger(0);
            return;
        }
        int pivot = list.indexOf(a[3]);
        if (pivot < 0) {
            c.addInteger(-1);
            return;
        }
        list.insert(after ? pivot + 1 : pivot, a[4]);
        c.db().signalModified(key);
        notify(c, "linsert", key);
        c.addInteger(list.size());
    }

    private static void lpos(Client c, byte[][] a) {
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int i = 3; i < a.length; i++) {
            boolean more = i + 1 < a.length;
            if (eq(a[i], "rank") && more) {
                rank = parseLong(a[++i]);
                if (rank == 0) {
                    throw new RedisError("ERR RANK can't be zero: use 1 to start from the first match, "
                            + "2 from the second ... or use negative to start from the end of the list");
                }
            } else if (eq(a[i], "count") && more) {
                Long v = Numbers.parseLongStrict(a[++i]);
                if (v == null || v < 0) throw new RedisError("ERR COUNT can't be negative");
                count = v;
            } else if (eq(a[i], "maxlen") && more) {
                Long v = Numbers.parseLongStrict(a[++i]);
                if (v == null || v < 0) throw new RedisError("ERR MAXLEN can't be negative");
                maxlen = v;
            } else {
                throw new RedisError("ERR syntax error");
            }
        }
        ListValue list = listForRead(c, new Bytes(a[1]));
        if (list == null) {
            if (count != -1) c.addArrayLen(0);
            else c.addNull();
            return;
        }
        boolean fromTail = rank < 0;
        // -Long.MIN_VALUE stays negative, so "matches >= rank" holds at the first match, as in 7.0.15
        if (rank < 0) rank = -rank;
        int size = list.size();
        long[] found = new long[count > 0 ? (int) Math.min(count, size) : (count == 0 ? size : 1)];
        int nfound = 0;
        long matches = 0;
        long scanned = 0;
        for (int step = 0; step < size && (maxlen == 0 || scanned < maxlen); step++, scanned++) {
            int idx = fromTail ? size - 1 - step : step;
            if (Arrays.equals(list.get(idx), a[2])) {
                matches++;
                if (matches >= rank) {
                    found[nfound++] = idx;
                    if (count == -1 || (count > 0 && nfound >= count)) break;
                }
            }
        }
        if (count != -1) {
            c.addArrayLen(nfound);
            for (int i = 0; i < nfound; i++) c.addInteger(found[i]);
        } else if (nfound > 0) {
            c.addInteger(found[0]);
        } else {
            c.addNull();
        }
    }

    /** Moves one element; the caller has checked the source exists and is a non-empty list. */
    private static void moveElement(Client c, Bytes src, ListValue source, Bytes dst, int from, int to) {
        ListValue dest = listForWrite(c, dst);
        byte[] value = from == HEAD ? source.popHead() : source.popTail();
        if (dest == null) {
            dest = new ListValue();
            c.db().add(dst, dest);
        }
        if (to == HEAD) dest.pushHead(value);
        else dest.pushTail(value);
        // signalled after the push so the memory estimate that signalModified refreshes sees it
        c.db().signalModified(dst);
        notify(c, to == HEAD ? "lpush" : "rpush", dst);
        c.addBulk(value);
        notify(c, from == HEAD ? "lpop" : "rpop", src);
        deleteIfEmpty(c, src, source);
        c.db().signalModified(src);
    }

    private static void lmove(Client c, byte[][] a, boolean blocking) {
        int from = parseWhere(a[3]);
        int to = parseWhere(a[4]);
        move(c, a, from, to, blocking ? parseTimeoutDeadline(c, a[5]) : -1);
    }

    private static void rpoplpush(Client c, byte[][] a, boolean blocking) {
        move(c, a, TAIL, HEAD, blocking ? parseTimeoutDeadline(c, a[3]) : -1);
    }

    /** LMOVE and friends; {@code deadline} is -1 for the non-blocking forms. */
    private static void move(Client c, byte[][] a, int from, int to, long deadline) {
        Bytes src = new Bytes(a[1]);
        Bytes dst = new Bytes(a[2]);
        ListValue source = deadline < 0 ? listForWrite(c, src) : listForBlockingPop(c, src);
        if (source == null) {
            if (deadline < 0) {
                c.addNull();
            } else {
                // inside MULTI or a script BLMOVE answers a nil bulk at once (lmoveGenericCommand);
                // a real block that times out answers a null array, as every blocked list command
                if (!c.canBlock()) c.addNull();
                else server(c).blocking().block(c, java.util.List.of(src), deadline, true);
            }
            return;
        }
        moveElement(c, src, source, dst, from, to);
    }

    /** A served blocking pop replays as the plain pop of the key it took from. */
    private static final byte[] LPOP = "LPOP".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] RPOP = "RPOP".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static void bpop(Client c, byte[][] a, int where) {
        long deadline = parseTimeoutDeadline(c, a[a.length - 1]);
        Bytes[] keys = new Bytes[a.length - 2];
        for (int i = 1; i < a.length - 1; i++) {
            Bytes key = new Bytes(a[i]);
            keys[i - 1] = key;
            ListValue list = listForBlockingPop(c, key);
            if (list == null) continue;
            c.addArrayLen(2);
            c.addBulk(a[i]);
            c.addBulk(where == HEAD ? list.popHead() : list.popTail());
            server(c).propagation().replace(where == HEAD ? LPOP : RPOP, a[i]);
            elementsRemoved(c, key, where, list);
            return;
        }
        server(c).blocking().block(c, distinctKeys(keys), deadline, true);
    }

    private static void lmpop(Client c, byte[][] a, boolean blocking) {
        int numkeysIdx = blocking ? 2 : 1;
        long numkeys = parseAtLeastOne(a[numkeysIdx], "numkeys should be greater than 0");
        long whereIdx = numkeysIdx + numkeys + 1;
        if (numkeys > a.length || whereIdx >= a.length) throw new RedisError("ERR syntax error");
        int where = parseWhere(a[(int) whereIdx]);
        long count = -1;
        for (int j = (int) whereIdx + 1; j < a.length; j++) {
            if (count == -1 && eq(a[j], "count") && j + 1 < a.length) {
                count = parseAtLeastOne(a[++j], "count should be greater than 0");
            } else {
                throw new RedisError("ERR syntax error");
            }
        }
        if (count == -1) count = 1;
        long deadline = blocking ? parseTimeoutDeadline(c, a[1]) : -1;
        Bytes[] keys = new Bytes[(int) numkeys];
        for (int i = 0; i < numkeys; i++) {
            Bytes key = new Bytes(a[numkeysIdx + 1 + i]);
            keys[i] = key;
            ListValue list = blocking ? listForBlockingPop(c, key) : listForWrite(c, key);
            if (list == null) continue;
            int n = (int) Math.min(count, list.size());
            // replicated as [LR]POP key count, as Redis 7.0 does for LMPOP and BLMPOP
            server(c).propagation().replace(where == HEAD ? LPOP : RPOP, key.array(),
                    Integer.toString(n).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            c.addArrayLen(2);
            c.addBulk(key.array());
            c.addArrayLen(n);
            for (int k = 0; k < n; k++) c.addBulk(where == HEAD ? list.popHead() : list.popTail());
            elementsRemoved(c, key, where, list);
            return;
        }
        if (blocking) server(c).blocking().block(c, distinctKeys(keys), deadline, true);
        else c.addNullArray();
    }
}
