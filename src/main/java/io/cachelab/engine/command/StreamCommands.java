package io.cachelab.engine.command;

import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.keyspace.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.RType;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.StreamValue;
import io.cachelab.engine.type.StreamValue.Consumer;
import io.cachelab.engine.type.StreamValue.Group;
import io.cachelab.engine.type.StreamValue.ID;
import io.cachelab.engine.type.StreamValue.Pending;
import io.cachelab.engine.util.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The stream family (Redis's t_stream.c). Argument parsing follows Redis's order of checks so the
 * same bad request fails with the same error. Blocking XREAD/XREADGROUP rely on the engine's
 * re-run model: a blocked command is executed again when its key is signalled, so a `$` ID is
 * rewritten in argv to the concrete last ID before blocking (as Redis 7.2 does), otherwise the
 * re-run would never see anything newer.
 */
public final class StreamCommands {
    private StreamCommands() {
    }

    private static final String INVALID_ID = "ERR Invalid stream ID specified as stream command argument";

    static void register(CommandTable t) {
        t.add("xadd", -5, "write denyoom fast", 1, 1, 1, StreamCommands::xadd).group("stream");
        t.add("xlen", 2, "readonly fast", 1, 1, 1, StreamCommands::xlen).group("stream");
        t.add("xrange", -4, "readonly", 1, 1, 1, (c, a) -> xrange(c, a, false)).group("stream");
        t.add("xrevrange", -4, "readonly", 1, 1, 1, (c, a) -> xrange(c, a, true)).group("stream");
        t.add("xdel", -3, "write fast", 1, 1, 1, StreamCommands::xdel).group("stream");
        t.add("xtrim", -4, "write", 1, 1, 1, StreamCommands::xtrim).group("stream");
        t.add("xsetid", -3, "write denyoom fast", 1, 1, 1, StreamCommands::xsetid).group("stream");
        t.add("xread", -4, "readonly blocking movablekeys", 0, 0, 0, (c, a) -> xread(c, a, false))
                .keys(streamsKeys()).group("stream");
        t.add("xreadgroup", -7, "write blocking movablekeys", 0, 0, 0, (c, a) -> xread(c, a, true))
                .keys(streamsKeys()).group("stream");
        t.add("xack", -4, "write fast", 1, 1, 1, StreamCommands::xack).group("stream");
        t.add("xpending", -3, "readonly", 1, 1, 1, StreamCommands::xpending).group("stream");
        t.add("xclaim", -6, "write fast", 1, 1, 1, StreamCommands::xclaim).group("stream");
        t.add("xautoclaim", -6, "write fast", 1, 1, 1, StreamCommands::xautoclaim).group("stream");
        CommandSpec xgroup = t.container("xgroup", -2, "").group("stream");
        xgroup.sub("create", -5, "write denyoom", 2, 2, 1, StreamCommands::xgroupCreate);
        xgroup.sub("setid", -5, "write", 2, 2, 1, StreamCommands::xgroupSetid);
        xgroup.sub("destroy", 4, "write", 2, 2, 1, StreamCommands::xgroupDestroy);
        xgroup.sub("createconsumer", 5, "write denyoom", 2, 2, 1, StreamCommands::xgroupCreateConsumer);
        xgroup.sub("delconsumer", 5, "write", 2, 2, 1, StreamCommands::xgroupDelConsumer);
        xgroup.sub("help", 2, "loading stale", 0, 0, 0, StreamCommands::xgroupHelp);
        CommandSpec xinfo = t.container("xinfo", -2, "").group("stream");
        xinfo.sub("stream", -3, "readonly", 2, 2, 1, StreamCommands::xinfoStream);
        xinfo.sub("groups", 3, "readonly", 2, 2, 1, StreamCommands::xinfoGroups);
        xinfo.sub("consumers", 4, "readonly", 2, 2, 1, StreamCommands::xinfoConsumers);
        xinfo.sub("help", 2, "loading stale", 0, 0, 0, StreamCommands::xinfoHelp);
    }

    /** The keys of XREAD/XREADGROUP: the first half of what follows STREAMS. */
    private static CommandSpec.KeyFinder streamsKeys() {
        return argv -> {
            for (int i = 1; i < argv.length; i++) {
                if (Args.is(argv[i], "streams")) {
                    int n = (argv.length - i - 1) / 2;
                    int[] keys = new int[n];
                    for (int k = 0; k < n; k++) keys[k] = i + 1 + k;
                    return keys;
                }
            }
            return new int[0];
        };
    }

    // ---- IDs ----------------------------------------------------------------------------------

    /** string2ull: plain decimal digits within 0..2^64-1. */
    private static boolean parseUnsigned(byte[] b, int from, int to, long[] out) {
        if (from >= to || to - from > 20) return false;
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) return false;
            long hi = Math.multiplyHigh(v, 10L) + ((v < 0) ? 10 : 0);
            long lo = v * 10;
            if (hi != 0) return false;
            long sum = lo + d;
            if (Long.compareUnsigned(sum, lo) < 0) return false;
            v = sum;
        }
        out[0] = v;
        return true;
    }

    /**
     * streamGenericParseIDOrReply. {@code seqGiven} (may be null) receives false for "ms-*";
     * a missing sequence becomes {@code missingSeq}.
     */
    static ID parseId(byte[] b, long missingSeq, boolean strict, boolean[] seqGiven) {
        if (b.length > 127) throw new RedisError(INVALID_ID);
        if (b.length == 1 && (b[0] == '-' || b[0] == '+')) {
            if (strict) throw new RedisError(INVALID_ID);
            return b[0] == '-' ? ID.ZERO : ID.MAX;
        }
        if (seqGiven != null) seqGiven[0] = true;
        int dash = -1;
        for (int i = 0; i < b.length; i++) if (b[i] == '-') { dash = i; break; }
        long[] n = new long[1];
        if (!parseUnsigned(b, 0, dash < 0 ? b.length : dash, n)) throw new RedisError(INVALID_ID);
        long ms = n[0];
        long seq;
        if (dash >= 0) {
            if (seqGiven != null && b.length - dash - 1 == 1 && b[dash + 1] == '*') {
                seq = 0;
                seqGiven[0] = false;
            } else {
                if (!parseUnsigned(b, dash + 1, b.length, n)) throw new RedisError(INVALID_ID);
                seq = n[0];
            }
        } else {
            seq = missingSeq;
        }
        return new ID(ms, seq);
    }

    static ID parseStrict(byte[] b) {
        return parseId(b, 0, true, null);
    }

    /** streamParseIntervalIDOrReply: "(" excludes; returns the inclusive bound or throws. */
    private static ID parseInterval(byte[] b, long missingSeq, boolean start) {
        if (b.length > 1 && b[0] == '(') {
            ID id = parseId(java.util.Arrays.copyOfRange(b, 1, b.length), missingSeq, true, null);
            ID r = start ? id.next() : id.prev();
            if (r == null) throw new RedisError(start ? "ERR invalid start ID for the interval" : "ERR invalid end ID for the interval");
            return r;
        }
        return parseId(b, missingSeq, false, null);
    }

    // ---- lookups ------------------------------------------------------------------------------

    private static StreamValue streamRead(Client c, Bytes key) {
        return c.db().lookupRead(key, RType.STREAM);
    }

    private static StreamValue streamWrite(Client c, Bytes key) {
        return c.db().lookupWrite(key, RType.STREAM);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void changed(Client c, Bytes key, String event) {
        c.db().signalModified(key);
        c.server().notifyKeyspaceEvent(Notify.STREAM, event, key, c.db().id());
    }

    private static Consumer lookupConsumer(Group g, Bytes name, boolean refresh, long now) {
        Consumer cons = g.consumers.get(name);
        if (cons != null && refresh) cons.seenTime = now;
        return cons;
    }

    private static Consumer createConsumer(Client c, Group g, Bytes name, Bytes key, long now) {
        Consumer cons = new Consumer(name, now);
        g.consumers.put(name, cons);
        c.server().notifyKeyspaceEvent(Notify.STREAM, "xgroup-createconsumer", key, c.db().id());
        return cons;
    }

    private static int nodeMaxEntries(Client c) {
        return c.server().config().getInt("stream-node-max-entries");
    }

    // ---- XADD / XTRIM -------------------------------------------------------------------------

    private static final class TrimArgs {
        int strategy; // 0 none, 1 maxlen, 2 minid
        boolean approx;
        long maxlen;
        ID minid;
        long limit = -1;
        boolean noMkstream;
        ID id;
        boolean idGiven;
        boolean seqGiven = true;
        int idPos;
    }

    private static TrimArgs parseAddOrTrim(byte[][] a, boolean xadd, int nodeMaxEntries) {
        TrimArgs t = new TrimArgs();
        boolean limitGiven = false;
        int i = 2;
        for (; i < a.length; i++) {
            int more = a.length - 1 - i;
            byte[] opt = a[i];
            if (xadd && opt.length == 1 && opt[0] == '*') {
                break;
            } else if (Args.is(opt, "maxlen") && more > 0) {
                if (t.strategy != 0) throw new RedisError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                t.approx = false;
                byte[] next = a[i + 1];
                if (more >= 2 && next.length == 1 && next[0] == '~') {
                    t.approx = true;
                    i++;
                } else if (more >= 2 && next.length == 1 && next[0] == '=') {
                    i++;
                }
                t.maxlen = Args.toLong(a[i + 1]);
                if (t.maxlen < 0) throw new RedisError("ERR The MAXLEN argument must be >= 0.");
                i++;
                t.strategy = 1;
            } else if (Args.is(opt, "minid") && more > 0) {
                if (t.strategy != 0) throw new RedisError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                t.approx = false;
                byte[] next = a[i + 1];
                if (more >= 2 && next.length == 1 && next[0] == '~') {
                    t.approx = true;
                    i++;
                } else if (more >= 2 && next.length == 1 && next[0] == '=') {
                    i++;
                }
                t.minid = parseStrict(a[i + 1]);
                i++;
                t.strategy = 2;
            } else if (Args.is(opt, "limit") && more > 0) {
                t.limit = Args.toLong(a[i + 1]);
                if (t.limit < 0) throw new RedisError("ERR The LIMIT argument must be >= 0.");
                limitGiven = true;
                i++;
            } else if (xadd && Args.is(opt, "nomkstream")) {
                t.noMkstream = true;
            } else if (xadd) {
                boolean[] sg = new boolean[1];
                t.id = parseId(opt, 0, true, sg);
                t.seqGiven = sg[0];
                t.idGiven = true;
                break;
            } else {
                throw RedisError.SYNTAX;
            }
        }
        t.idPos = i;
        if (t.limit > 0 && t.strategy == 0) throw new RedisError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
        if (!xadd && t.strategy == 0) throw new RedisError("ERR syntax error, XTRIM must be called with a trimming strategy");
        if (limitGiven) {
            if (!t.approx) throw new RedisError("ERR syntax error, LIMIT cannot be used without the special ~ option");
        } else if (t.approx) {
            t.limit = 100L * Math.max(1, Math.min(nodeMaxEntries, 1_000_000));
        } else {
            t.limit = 0;
        }
        return t;
    }

    private static long trim(StreamValue sv, TrimArgs t) {
        return sv.trim(t.maxlen, t.strategy == 2 ? t.minid : null, t.approx, t.limit);
    }

    private static void xadd(Client c, byte[][] a) {
        TrimArgs t = parseAddOrTrim(a, true, nodeMaxEntries(c));
        int fieldPos = t.idPos + 1;
        int n = a.length - fieldPos;
        if (n < 2 || n % 2 == 1) throw RedisError.wrongArgs("xadd");
        if (t.idGiven && t.seqGiven && t.id.isZero()) throw new RedisError("ERR The ID specified in XADD must be greater than 0-0");
        Bytes key = new Bytes(a[1]);
        Database db = c.db();
        StreamValue sv = streamWrite(c, key);
        boolean created = false;
        if (sv == null) {
            if (t.noMkstream) {
                c.addNull();
                return;
            }
            sv = new StreamValue();
            created = true;
        }
        if (sv.lastId.equals(ID.MAX)) throw new RedisError("ERR The stream has exhausted the last possible ID, unable to add more items");
        ID id;
        ID last = sv.lastId;
        if (!t.idGiven) {
            long ms = c.server().commandTimeMs();
            if (Long.compareUnsigned(ms, last.ms()) > 0) id = new ID(ms, 0);
            else id = last.next();
        } else if (!t.seqGiven) {
            if (t.id.ms() == last.ms()) {
                if (last.seq() == -1L) throw new RedisError("ERR The ID specified in XADD is equal or smaller than the target stream top item");
                id = new ID(last.ms(), last.seq() + 1);
            } else if (Long.compareUnsigned(t.id.ms(), last.ms()) > 0) {
                id = new ID(t.id.ms(), 0);
            } else {
                throw new RedisError("ERR The ID specified in XADD is equal or smaller than the target stream top item");
            }
        } else {
            if (t.id.compareTo(last) <= 0) throw new RedisError("ERR The ID specified in XADD is equal or smaller than the target stream top item");
            id = t.id;
        }
        byte[][] fv = new byte[n][];
        System.arraycopy(a, fieldPos, fv, 0, n);
        if (created) db.add(key, sv);
        sv.append(id, fv, nodeMaxEntries(c), c.server().config().getLong("stream-node-max-bytes"));
        c.addBulk(id.bytes());
        changed(c, key, "xadd");
        if (t.strategy != 0 && trim(sv, t) > 0) {
            db.reaccount(key);
            c.server().notifyKeyspaceEvent(Notify.STREAM, "xtrim", key, db.id());
        }
    }

    private static void xtrim(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        TrimArgs t = parseAddOrTrim(a, false, nodeMaxEntries(c));
        StreamValue sv = streamWrite(c, key);
        if (sv == null) {
            c.addInteger(0);
            return;
        }
        long removed = trim(sv, t);
        if (removed > 0) changed(c, key, "xtrim");
        c.addInteger(removed);
    }

    private static void xlen(Client c, byte[][] a) {
        StreamValue sv = streamRead(c, new Bytes(a[1]));
        c.addInteger(sv == null ? 0 : sv.length());
    }

    private static void xdel(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        StreamValue sv = streamWrite(c, key);
        if (sv == null) {
            c.addInteger(0);
            return;
        }
        ID[] ids = new ID[a.length - 2];
        for (int i = 2; i < a.length; i++) ids[i - 2] = parseStrict(a[i]);
        long deleted = 0;
        for (ID id : ids) if (sv.delete(id)) deleted++;
        if (deleted > 0) changed(c, key, "xdel");
        c.addInteger(deleted);
    }

    private static void xsetid(Client c, byte[][] a) {
        ID id = parseStrict(a[2]);
        ID maxDel = ID.ZERO;
        long entriesAdded = -1;
        for (int i = 3; i < a.length; i += 2) {
            boolean more = i + 1 < a.length;
            if (Args.is(a[i], "entriesadded") && more) {
                entriesAdded = Args.toLong(a[i + 1]);
                if (entriesAdded < 0) throw new RedisError("ERR entries_added must be positive");
            } else if (Args.is(a[i], "maxdeletedid") && more) {
                maxDel = parseStrict(a[i + 1]);
                if (id.compareTo(maxDel) < 0) throw new RedisError("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
            } else {
                throw RedisError.SYNTAX;
            }
        }
        Bytes key = new Bytes(a[1]);
        StreamValue sv = streamWrite(c, key);
        if (sv == null) throw RedisError.NO_SUCH_KEY;
        if (sv.length() > 0) {
            if (id.compareTo(sv.entries.lastKey()) < 0) throw new RedisError("ERR The ID specified in XSETID is smaller than the target stream top item");
            if (entriesAdded != -1 && sv.length() > entriesAdded) throw new RedisError("ERR The entries_added specified in XSETID is smaller than the target stream length");
        }
        sv.lastId = id;
        if (entriesAdded != -1) sv.entriesAdded = entriesAdded;
        if (!maxDel.isZero()) sv.maxDeletedId = maxDel;
        c.addOk();
        c.db().reaccount(key);
        c.server().notifyKeyspaceEvent(Notify.STREAM, "xsetid", key, c.db().id());
    }

    // ---- XRANGE -------------------------------------------------------------------------------

    private static void addEntry(Client c, ID id, byte[][] fv) {
        c.addArrayLen(2);
        c.addBulk(id.bytes());
        c.addArrayLen(fv.length);
        for (byte[] b : fv) c.addBulk(b);
    }

    private static void xrange(Client c, byte[][] a, boolean rev) {
        byte[] startArg = rev ? a[3] : a[2];
        byte[] endArg = rev ? a[2] : a[3];
        ID start = parseInterval(startArg, 0, true);
        ID end = parseInterval(endArg, -1L, false);
        long count = -1;
        for (int j = 4; j < a.length; j++) {
            if (Args.is(a[j], "count") && j + 1 < a.length) {
                count = Args.toLong(a[++j]);
                if (count < 0) count = 0;
            } else {
                throw RedisError.SYNTAX;
            }
        }
        StreamValue sv = streamRead(c, new Bytes(a[1]));
        if (sv == null) {
            c.addArrayLen(0);
            return;
        }
        if (count == 0) {
            c.addNullArray();
            return;
        }
        if (start.compareTo(end) > 0) {
            c.addArrayLen(0);
            return;
        }
        NavigableMap<ID, byte[][]> range = sv.entries.subMap(start, true, end, true);
        if (rev) range = range.descendingMap();
        int mark = c.addDeferredLen();
        long n = 0;
        for (Map.Entry<ID, byte[][]> e : range.entrySet()) {
            if (count > 0 && n == count) break;
            addEntry(c, e.getKey(), e.getValue());
            n++;
        }
        c.setDeferredArrayLen(mark, n);
    }

    // ---- XREAD / XREADGROUP -------------------------------------------------------------------

    private static void xread(Client c, byte[][] a, boolean group) {
        long timeout = -1;
        long count = 0;
        int streamsArg = 0;
        int streamsCount = 0;
        boolean noack = false;
        byte[] groupName = null;
        byte[] consumerName = null;
        String cmd = group ? "XREADGROUP" : "XREAD";
        for (int i = 1; i < a.length; i++) {
            int more = a.length - i - 1;
            byte[] o = a[i];
            if (Args.is(o, "block") && more > 0) {
                if (c.scriptClient) throw new RedisError("ERR " + s(a[0]) + " command is not allowed with BLOCK option from scripts");
                i++;
                Long v = io.cachelab.engine.type.Numbers.parseLongStrict(a[i]);
                if (v == null) throw new RedisError("ERR timeout is not an integer or out of range");
                if (v < 0) throw new RedisError("ERR timeout is negative");
                timeout = v;
            } else if (Args.is(o, "count") && more > 0) {
                i++;
                count = Args.toLong(a[i]);
                if (count < 0) count = 0;
            } else if (Args.is(o, "streams") && more > 0) {
                streamsArg = i + 1;
                streamsCount = a.length - streamsArg;
                if (streamsCount % 2 != 0) throw new RedisError("ERR Unbalanced XREAD"
                        + " list of streams: for each stream key an ID or '$' must be specified.");
                streamsCount /= 2;
                break;
            } else if (Args.is(o, "group") && more >= 2) {
                if (!group) throw new RedisError("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                groupName = a[i + 1];
                consumerName = a[i + 2];
                i += 2;
            } else if (Args.is(o, "noack")) {
                if (!group) throw new RedisError("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                noack = true;
            } else {
                throw RedisError.SYNTAX;
            }
        }
        if (streamsArg == 0) throw RedisError.SYNTAX;
        if (group && groupName == null) throw new RedisError("ERR Missing GROUP option for XREADGROUP");
        boolean rerun = c.blockedState != null;
        Database db = c.db();
        ID[] ids = new ID[streamsCount];
        Group[] groups = new Group[streamsCount];
        Bytes gname = groupName == null ? null : new Bytes(groupName);
        for (int i = streamsArg + streamsCount; i < a.length; i++) {
            int idx = i - streamsArg - streamsCount;
            Bytes key = new Bytes(a[i - streamsCount]);
            RValue v = db.lookupRead(key);
            if (v != null && !(v instanceof StreamValue)) {
                if (rerun && group) throw new RedisError("UNBLOCKED the stream key no longer exists");
                if (!rerun) throw RedisError.WRONGTYPE;
                v = null; // a blocked XREAD ignores a key that changed type, and keeps waiting
            }
            StreamValue sv = (StreamValue) v;
            if (gname != null) {
                Group g = sv == null ? null : sv.groups.get(gname);
                if (g == null) {
                    if (rerun && sv == null) throw new RedisError("UNBLOCKED the stream key no longer exists");
                    throw new RedisError("NOGROUP No such key '" + s(key.array()) + "' or consumer group '" + s(groupName)
                            + "' in XREADGROUP with GROUP option");
                }
                groups[idx] = g;
            }
            byte[] idArg = a[i];
            if (idArg.length == 1 && idArg[0] == '$') {
                if (group) throw new RedisError("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.");
                ids[idx] = sv == null ? ID.ZERO : sv.lastId;
                continue;
            } else if (idArg.length == 1 && idArg[0] == '>') {
                if (!group) throw new RedisError("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
                ids[idx] = ID.MAX;
                continue;
            }
            ids[idx] = parseStrict(idArg);
        }
        long now = c.server().commandTimeMs();
        int outer = -1;
        int served = 0;
        for (int i = 0; i < streamsCount; i++) {
            Bytes key = new Bytes(a[streamsArg + i]);
            RValue rv = db.lookupRead(key);
            if (!(rv instanceof StreamValue sv)) continue;
            ID gt = ids[i];
            boolean sync = false;
            boolean history = false;
            if (group) {
                if (gt.equals(ID.MAX)) {
                    if (sv.length() > 0 && sv.entries.lastKey().compareTo(groups[i].lastId) > 0) {
                        gt = groups[i].lastId;
                        sync = true;
                    }
                } else {
                    history = true;
                    sync = true;
                }
            } else if (sv.length() > 0 && sv.entries.lastKey().compareTo(gt) > 0) {
                sync = true;
            }
            if (!sync) continue;
            if (outer < 0) {
                outer = c.resp() == 2 ? c.addDeferredLen() : c.addDeferredLen();
            }
            served++;
            if (c.resp() == 2) c.addArrayLen(2);
            c.addBulk(key.array());
            if (group) {
                Group g = groups[i];
                Consumer cons = lookupConsumer(g, new Bytes(consumerName), true, now);
                if (cons == null) cons = createConsumer(c, g, new Bytes(consumerName), key, now);
                if (history) replyHistory(c, sv, cons, gt, count);
                else deliverNew(c, sv, g, cons, gt, count, noack, now);
                c.db().reaccount(key);
            } else {
                ID from = gt.next();
                int mark = c.addDeferredLen();
                long n = 0;
                if (from != null) {
                    for (Map.Entry<ID, byte[][]> e : sv.entries.tailMap(from, true).entrySet()) {
                        if (count > 0 && n == count) break;
                        addEntry(c, e.getKey(), e.getValue());
                        n++;
                    }
                }
                c.setDeferredArrayLen(mark, n);
            }
        }
        if (outer >= 0) {
            if (c.resp() == 2) c.setDeferredArrayLen(outer, served);
            else c.setDeferredMapLen(outer, served);
            return;
        }
        if (timeout != -1) {
            // '$' becomes the concrete ID, so the re-run on a signal sees the new entries.
            for (int i = 0; i < streamsCount; i++) {
                byte[] idArg = a[streamsArg + streamsCount + i];
                if (idArg.length == 1 && idArg[0] == '$') a[streamsArg + streamsCount + i] = ids[i].bytes();
            }
            List<Bytes> keys = new ArrayList<>();
            for (int i = 0; i < streamsCount; i++) {
                Bytes k = new Bytes(a[streamsArg + i]);
                if (!keys.contains(k)) keys.add(k);
            }
            long deadline = timeout == 0 ? 0 : System.currentTimeMillis() + timeout;
            c.server().blocking().block(c, keys, deadline, true);
            return;
        }
        c.addNullArray();
    }

    /** New entries for a group consumer (">"): moves the group's last ID and fills the PELs. */
    private static void deliverNew(Client c, StreamValue sv, Group g, Consumer cons, ID gt, long count, boolean noack, long now) {
        ID from = gt.next();
        int mark = c.addDeferredLen();
        long n = 0;
        if (from != null) {
            for (Map.Entry<ID, byte[][]> e : sv.entries.tailMap(from, true).entrySet()) {
                if (count > 0 && n == count) break;
                ID id = e.getKey();
                g.lastId = id;
                // streamReplyWithRange: entries_read follows the group's position when it can be known.
                if (g.entriesRead != StreamValue.INVALID_ENTRIES_READ && !sv.rangeHasTombstones(id, null)) {
                    g.entriesRead++;
                } else if (sv.entriesAdded > 0) {
                    g.entriesRead = sv.estimateDistanceFromFirstEverEntry(id);
                }
                if (!noack) {
                    Pending p = g.pel.get(id);
                    if (p != null) {
                        p.consumer.pel.remove(id);
                        p.consumer = cons;
                        p.deliveryTime = now;
                        p.deliveryCount = 1;
                    } else {
                        p = new Pending(now, 1, cons);
                        g.pel.put(id, p);
                    }
                    cons.pel.put(id, p);
                }
                addEntry(c, id, e.getValue());
                n++;
            }
        }
        c.setDeferredArrayLen(mark, n);
    }

    /** History (an explicit ID): the consumer's own pending entries after {@code gt}. */
    private static void replyHistory(Client c, StreamValue sv, Consumer cons, ID gt, long count) {
        ID from = gt;
        int mark = c.addDeferredLen();
        long n = 0;
        long now = c.server().commandTimeMs();
        for (Map.Entry<ID, Pending> e : cons.pel.tailMap(from, gt.isZero()).entrySet()) {
            if (count > 0 && n == count) break;
            ID id = e.getKey();
            byte[][] fv = sv.entries.get(id);
            if (fv == null) {
                c.addArrayLen(2);
                c.addBulk(id.bytes());
                c.addNullArray();
            } else {
                Pending p = e.getValue();
                p.deliveryTime = now;
                p.deliveryCount++;
                addEntry(c, id, fv);
            }
            n++;
        }
        c.setDeferredArrayLen(mark, n);
    }

    // ---- XACK / XPENDING ----------------------------------------------------------------------

    private static Group groupOrNull(StreamValue sv, byte[] name) {
        return sv == null ? null : sv.groups.get(new Bytes(name));
    }

    private static void xack(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        StreamValue sv = streamWrite(c, key);
        Group g = groupOrNull(sv, a[2]);
        if (g == null) {
            c.addInteger(0);
            return;
        }
        ID[] ids = new ID[a.length - 3];
        for (int i = 3; i < a.length; i++) ids[i - 3] = parseStrict(a[i]);
        long acked = 0;
        for (ID id : ids) {
            Pending p = g.pel.remove(id);
            if (p != null) {
                p.consumer.pel.remove(id);
                acked++;
            }
        }
        if (acked > 0) c.db().reaccount(key);
        c.addInteger(acked);
    }

    private static void xpending(Client c, byte[][] a) {
        boolean justinfo = a.length == 3;
        if (a.length != 3 && (a.length < 6 || a.length > 9)) throw RedisError.SYNTAX;
        long minIdle = 0;
        ID start = null;
        ID end = null;
        long count = 0;
        Bytes consumerName = null;
        if (a.length >= 6) {
            int startIdx = 3;
            if (Args.is(a[3], "idle")) {
                minIdle = Args.toLong(a[4]);
                if (minIdle < 0) minIdle = 0;
                startIdx += 2;
                if (a.length < 8) throw RedisError.SYNTAX;
            }
            count = Args.toLong(a[startIdx + 2]);
            if (count < 0) count = 0;
            start = parseInterval(a[startIdx], 0, true);
            end = parseInterval(a[startIdx + 1], -1L, false);
            if (startIdx + 3 < a.length) consumerName = new Bytes(a[startIdx + 3]);
        }
        StreamValue sv = streamRead(c, new Bytes(a[1]));
        Group g = groupOrNull(sv, a[2]);
        if (g == null) {
            throw new RedisError("NOGROUP No such key '" + s(a[1]) + "' or consumer group '" + s(a[2]) + "'");
        }
        if (justinfo) {
            c.addArrayLen(4);
            c.addInteger(g.pel.size());
            if (g.pel.isEmpty()) {
                c.addNull();
                c.addNull();
                c.addNullArray();
                return;
            }
            c.addBulk(g.pel.firstKey().bytes());
            c.addBulk(g.pel.lastKey().bytes());
            int mark = c.addDeferredLen();
            long n = 0;
            for (Consumer cons : g.consumers.values()) {
                if (cons.pel.isEmpty()) continue;
                c.addArrayLen(2);
                c.addBulk(cons.name.array());
                c.addBulk(Long.toString(cons.pel.size()));
                n++;
            }
            c.setDeferredArrayLen(mark, n);
            return;
        }
        NavigableMap<ID, Pending> pel;
        if (consumerName != null) {
            Consumer cons = g.consumers.get(consumerName);
            if (cons == null) {
                c.addArrayLen(0);
                return;
            }
            pel = cons.pel;
        } else {
            pel = g.pel;
        }
        long now = c.server().commandTimeMs();
        int mark = c.addDeferredLen();
        long n = 0;
        if (start.compareTo(end) <= 0) {
            for (Map.Entry<ID, Pending> e : pel.subMap(start, true, end, true).entrySet()) {
                if (n == count) break;
                Pending p = e.getValue();
                long idle = now - p.deliveryTime;
                if (minIdle > 0 && idle < minIdle) continue;
                c.addArrayLen(4);
                c.addBulk(e.getKey().bytes());
                c.addBulk(p.consumer.name.array());
                c.addInteger(idle < 0 ? 0 : idle);
                c.addInteger(p.deliveryCount);
                n++;
            }
        }
        c.setDeferredArrayLen(mark, n);
    }

    // ---- XCLAIM / XAUTOCLAIM ------------------------------------------------------------------

    private static long longOr(byte[] b, String msg) {
        Long v = io.cachelab.engine.type.Numbers.parseLongStrict(b);
        if (v == null) throw new RedisError("ERR " + msg);
        return v;
    }

    private static void xclaim(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        StreamValue sv = streamRead(c, key);
        Group g = groupOrNull(sv, a[2]);
        if (g == null) throw new RedisError("NOGROUP No such key '" + s(a[1]) + "' or consumer group '" + s(a[2]) + "'");
        long minIdle = longOr(a[4], "Invalid min-idle-time argument for XCLAIM");
        if (minIdle < 0) minIdle = 0;
        List<ID> ids = new ArrayList<>();
        int j = 5;
        for (; j < a.length; j++) {
            try {
                ids.add(parseStrict(a[j]));
            } catch (RedisError e) {
                break;
            }
        }
        long now = c.server().commandTimeMs();
        long deliveryTime = -1;
        long retryCount = -1;
        boolean force = false;
        boolean justid = false;
        ID lastId = ID.ZERO;
        for (; j < a.length; j++) {
            boolean more = j + 1 < a.length;
            byte[] opt = a[j];
            if (Args.is(opt, "force")) {
                force = true;
            } else if (Args.is(opt, "justid")) {
                justid = true;
            } else if (Args.is(opt, "idle") && more) {
                deliveryTime = now - longOr(a[++j], "Invalid IDLE option argument for XCLAIM");
            } else if (Args.is(opt, "time") && more) {
                deliveryTime = longOr(a[++j], "Invalid TIME option argument for XCLAIM");
            } else if (Args.is(opt, "retrycount") && more) {
                retryCount = longOr(a[++j], "Invalid RETRYCOUNT option argument for XCLAIM");
            } else if (Args.is(opt, "lastid") && more) {
                lastId = parseStrict(a[++j]);
            } else {
                throw new RedisError("ERR Unrecognized XCLAIM option '" + s(opt) + "'");
            }
        }
        boolean dirty = false;
        if (lastId.compareTo(g.lastId) > 0) {
            g.lastId = lastId;
            dirty = true;
        }
        if (deliveryTime != -1) {
            if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
        } else {
            deliveryTime = now;
        }
        Bytes name = new Bytes(a[3]);
        Consumer cons = null;
        int mark = c.addDeferredLen();
        long n = 0;
        for (ID id : ids) {
            Pending p = g.pel.get(id);
            byte[][] fv = sv.entries.get(id);
            if (fv == null) {
                if (p != null) {
                    g.pel.remove(id);
                    p.consumer.pel.remove(id);
                    dirty = true;
                }
                continue;
            }
            if (force && p == null) {
                p = new Pending(now, 1, null); // streamCreateNACK starts at one delivery
                g.pel.put(id, p);
            }
            if (p == null) continue;
            if (p.consumer != null && minIdle > 0 && now - p.deliveryTime < minIdle) continue;
            if (cons == null) {
                cons = lookupConsumer(g, name, true, now);
                if (cons == null) cons = createConsumer(c, g, name, key, now);
            }
            if (p.consumer != cons && p.consumer != null) p.consumer.pel.remove(id);
            p.deliveryTime = deliveryTime;
            if (retryCount >= 0) p.deliveryCount = retryCount;
            else if (!justid) p.deliveryCount++;
            if (p.consumer != cons) {
                cons.pel.put(id, p);
                p.consumer = cons;
            }
            if (justid) c.addBulk(id.bytes());
            else addEntry(c, id, fv);
            n++;
            dirty = true;
        }
        c.setDeferredArrayLen(mark, n);
        if (dirty) c.db().reaccount(key);
    }

    private static void xautoclaim(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        StreamValue sv = streamRead(c, key);
        long minIdle = longOr(a[4], "Invalid min-idle-time argument for XAUTOCLAIM");
        if (minIdle < 0) minIdle = 0;
        ID start = parseInterval(a[5], 0, true);
        long count = 100;
        boolean justid = false;
        for (int j = 6; j < a.length; j++) {
            boolean more = j + 1 < a.length;
            if (Args.is(a[j], "count") && more) {
                Long v = io.cachelab.engine.type.Numbers.parseLongStrict(a[j + 1]);
                long max = Long.MAX_VALUE / 16;
                if (v == null || v < 1 || v > max) throw new RedisError("ERR COUNT must be > 0");
                count = v;
                j++;
            } else if (Args.is(a[j], "justid")) {
                justid = true;
            } else {
                throw RedisError.SYNTAX;
            }
        }
        Group g = groupOrNull(sv, a[2]);
        if (g == null) throw new RedisError("NOGROUP No such key '" + s(a[1]) + "' or consumer group '" + s(a[2]) + "'");
        long attempts = count * 10;
        long now = c.server().commandTimeMs();
        Bytes name = new Bytes(a[3]);
        Consumer cons = null;
        List<ID> deleted = new ArrayList<>();
        c.addArrayLen(3);
        // The cursor is only known after the walk; build the claimed part aside.
        List<Object[]> claimed = new ArrayList<>();
        ID cursor = start;
        ID next = null;
        boolean dirty = false;
        while (true) {
            Map.Entry<ID, Pending> e = g.pel.ceilingEntry(cursor);
            if (e == null) {
                next = null;
                break;
            }
            if (attempts == 0 || count == 0) {
                next = e.getKey();
                break;
            }
            attempts--;
            ID id = e.getKey();
            Pending p = e.getValue();
            ID after = id.next();
            byte[][] fv = sv.entries.get(id);
            if (fv == null) {
                g.pel.remove(id);
                p.consumer.pel.remove(id);
                deleted.add(id);
                count--;
                dirty = true;
            } else if (minIdle == 0 || now - p.deliveryTime >= minIdle) {
                if (cons == null) {
                    cons = lookupConsumer(g, name, true, now);
                    if (cons == null) cons = createConsumer(c, g, name, key, now);
                }
                if (p.consumer != cons) {
                    p.consumer.pel.remove(id);
                    cons.pel.put(id, p);
                    p.consumer = cons;
                }
                p.deliveryTime = now;
                if (!justid) p.deliveryCount++;
                claimed.add(new Object[] {id, fv});
                count--;
                dirty = true;
            }
            if (after == null) {
                next = null;
                break;
            }
            cursor = after;
        }
        c.addBulk((next == null ? ID.ZERO : next).bytes());
        c.addArrayLen(claimed.size());
        for (Object[] cl : claimed) {
            if (justid) c.addBulk(((ID) cl[0]).bytes());
            else addEntry(c, (ID) cl[0], (byte[][]) cl[1]);
        }
        c.addArrayLen(deleted.size());
        for (ID id : deleted) c.addBulk(id.bytes());
        if (dirty) c.db().reaccount(key);
    }

    // ---- XGROUP -------------------------------------------------------------------------------

    private static final class GroupArgs {
        boolean mkstream;
        long entriesRead = StreamValue.INVALID_ENTRIES_READ;
        StreamValue sv;
        Group group;
    }

    /** The shared prologue of xgroupCommand: options, key lookup, existence checks. */
    private static GroupArgs groupPrologue(Client c, byte[][] a, boolean create, boolean setid, boolean needGroup) {
        GroupArgs g = new GroupArgs();
        for (int i = 5; i < a.length; ) {
            if (create && Args.is(a[i], "mkstream")) {
                g.mkstream = true;
                i++;
            } else if ((create || setid) && Args.is(a[i], "entriesread") && i + 1 < a.length) {
                g.entriesRead = Args.toLong(a[i + 1]);
                if (g.entriesRead < 0 && g.entriesRead != StreamValue.INVALID_ENTRIES_READ) {
                    throw new RedisError("ERR value for ENTRIESREAD must be positive or -1");
                }
                i += 2;
            } else {
                throw new RedisError("ERR unknown subcommand or wrong number of arguments for '" + s(a[1]) + "'. Try XGROUP HELP.");
            }
        }
        g.sv = streamWrite(c, new Bytes(a[2]));
        if (!g.mkstream) {
            if (g.sv == null) throw new RedisError("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.");
            g.group = g.sv.groups.get(new Bytes(a[3]));
            if (g.group == null && needGroup) {
                throw new RedisError("NOGROUP No such consumer group '" + s(a[3]) + "' for key name '" + s(a[2]) + "'");
            }
        }
        return g;
    }

    private static void xgroupCreate(Client c, byte[][] a) {
        GroupArgs g = groupPrologue(c, a, true, false, false);
        if (a.length > 8) throw new RedisError("ERR unknown subcommand or wrong number of arguments for '" + s(a[1]) + "'. Try XGROUP HELP.");
        ID id;
        if (a[4].length == 1 && a[4][0] == '$') id = g.sv == null ? ID.ZERO : g.sv.lastId;
        else id = parseStrict(a[4]);
        Bytes key = new Bytes(a[2]);
        if (g.sv == null) {
            g.sv = new StreamValue();
            c.db().add(key, g.sv);
            c.db().signalModified(key);
        }
        Bytes name = new Bytes(a[3]);
        if (g.sv.groups.containsKey(name)) throw new RedisError("BUSYGROUP Consumer Group name already exists");
        g.sv.groups.put(name, new Group(id, g.entriesRead));
        c.db().reaccount(key);
        c.addOk();
        c.server().notifyKeyspaceEvent(Notify.STREAM, "xgroup-create", key, c.db().id());
    }

    private static void xgroupSetid(Client c, byte[][] a) {
        GroupArgs g = groupPrologue(c, a, false, true, true);
        if (a.length != 5 && a.length != 7) throw new RedisError("ERR unknown subcommand or wrong number of arguments for '" + s(a[1]) + "'. Try XGROUP HELP.");
        ID id;
        if (a[4].length == 1 && a[4][0] == '$') id = g.sv.lastId;
        else id = parseId(a[4], 0, false, null);
        g.group.lastId = id;
        g.group.entriesRead = g.entriesRead;
        c.addOk();
        Bytes key = new Bytes(a[2]);
        c.db().reaccount(key);
        c.server().notifyKeyspaceEvent(Notify.STREAM, "xgroup-setid", key, c.db().id());
    }

    private static void xgroupDestroy(Client c, byte[][] a) {
        GroupArgs g = groupPrologue(c, a, false, false, false);
        Bytes key = new Bytes(a[2]);
        if (g.group == null) {
            c.addInteger(0);
            return;
        }
        g.sv.groups.remove(new Bytes(a[3]));
        c.addInteger(1);
        c.db().reaccount(key);
        c.server().notifyKeyspaceEvent(Notify.STREAM, "xgroup-destroy", key, c.db().id());
        // signalKeyAsReady, not signalModifiedKey: blocked XREADGROUP clients re-run and answer NOGROUP.
        c.server().blocking().keyModified(c.db(), key);
    }

    private static void xgroupCreateConsumer(Client c, byte[][] a) {
        GroupArgs g = groupPrologue(c, a, false, false, true);
        Bytes name = new Bytes(a[4]);
        if (g.group.consumers.containsKey(name)) {
            c.addInteger(0);
            return;
        }
        Bytes key = new Bytes(a[2]);
        createConsumer(c, g.group, name, key, c.server().commandTimeMs());
        c.db().reaccount(key);
        c.addInteger(1);
    }

    private static void xgroupDelConsumer(Client c, byte[][] a) {
        GroupArgs g = groupPrologue(c, a, false, false, true);
        Bytes name = new Bytes(a[4]);
        Consumer cons = g.group.consumers.remove(name);
        if (cons == null) {
            c.addInteger(0);
            return;
        }
        long pending = cons.pel.size();
        for (ID id : cons.pel.keySet()) g.group.pel.remove(id);
        c.addInteger(pending);
        Bytes key = new Bytes(a[2]);
        c.db().reaccount(key);
        c.server().notifyKeyspaceEvent(Notify.STREAM, "xgroup-delconsumer", key, c.db().id());
    }

    private static void addHelp(Client c, String... lines) {
        c.addArrayLen(lines.length);
        for (String l : lines) c.addSimple(l);
    }

    private static void xgroupHelp(Client c, byte[][] a) {
        addHelp(c,
                "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "CREATE <key> <groupname> <id|$> [option]",
                "    Create a new consumer group. Options are:",
                "    * MKSTREAM",
                "      Create the empty stream if it does not exist.",
                "    * ENTRIESREAD entries_read",
                "      Set the group's entries_read counter (internal use).",
                "CREATECONSUMER <key> <groupname> <consumer>",
                "    Create a new consumer in the specified group.",
                "DELCONSUMER <key> <groupname> <consumer>",
                "    Remove the specified consumer.",
                "DESTROY <key> <groupname>",
                "    Remove the specified group.",
                "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                "    Set the current group ID and entries_read counter.",
                "HELP",
                "    Prints this help.");
    }

    // ---- XINFO --------------------------------------------------------------------------------

    private static void xinfoHelp(Client c, byte[][] a) {
        addHelp(c,
                "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "CONSUMERS <key> <groupname>",
                "    Show consumers of <groupname>.",
                "GROUPS <key>",
                "    Show the stream consumer groups.",
                "STREAM <key> [FULL [COUNT <count>]",
                "    Show information about the stream.",
                "HELP",
                "    Prints this help.");
    }

    private static StreamValue xinfoKey(Client c, byte[] key) {
        StreamValue sv = streamRead(c, new Bytes(key));
        if (sv == null) throw RedisError.NO_SUCH_KEY;
        return sv;
    }

    private static void addLag(Client c, StreamValue sv, Group g) {
        Long lag = sv.lag(g);
        if (lag == null) c.addNull();
        else c.addInteger(lag);
    }

    private static void addEntryOrNil(Client c, Map.Entry<ID, byte[][]> e) {
        if (e == null) c.addNull();
        else addEntry(c, e.getKey(), e.getValue());
    }

    private static long radixKeys(StreamValue sv) {
        return sv.nodes.size();
    }

    /**
     * The node count of Redis's rax holding the node keys (128-bit big-endian IDs): a compressed
     * trie where each run without branching is one node, each branching point one node, and each
     * key ends in an empty leaf node; an empty rax is its root alone.
     */
    private static long radixNodes(StreamValue sv) {
        if (sv.nodes.isEmpty()) return 1;
        List<byte[]> keys = new ArrayList<>(sv.nodes.size());
        for (ID id : sv.nodes.keySet()) {
            byte[] k = new byte[16];
            for (int i = 0; i < 8; i++) {
                k[i] = (byte) (id.ms() >>> (56 - 8 * i));
                k[8 + i] = (byte) (id.seq() >>> (56 - 8 * i));
            }
            keys.add(k);
        }
        return trieNodes(keys, 0, keys.size(), 0);
    }

    /** Nodes under keys[from, to) (sorted, distinct, 16 bytes) from byte {@code depth} on. */
    private static long trieNodes(List<byte[]> keys, int from, int to, int depth) {
        if (to - from == 1) return (depth < 16 ? 1 : 0) + 1;
        byte[] first = keys.get(from);
        byte[] last = keys.get(to - 1);
        int branchAt = depth;
        while (first[branchAt] == last[branchAt]) branchAt++;
        long n = (branchAt > depth ? 1 : 0) + 1;
        int start = from;
        for (int i = from + 1; i <= to; i++) {
            if (i == to || keys.get(i)[branchAt] != keys.get(start)[branchAt]) {
                n += trieNodes(keys, start, i, branchAt + 1);
                start = i;
            }
        }
        return n;
    }

    private static void xinfoStream(Client c, byte[][] a) {
        boolean full = false;
        long count = 10;
        if (a.length > 3) {
            RedisError syntax = new RedisError("ERR unknown subcommand or wrong number of arguments for '" + s(a[1]) + "'. Try XINFO HELP.");
            if (!Args.is(a[3], "full") || (a.length != 4 && a.length != 6)) throw syntax;
            full = true;
            if (a.length == 6) {
                if (!Args.is(a[4], "count")) throw syntax;
                count = Args.toLong(a[5]);
                if (count < 0) count = 10;
            }
        }
        StreamValue sv = xinfoKey(c, a[2]);
        long now = c.server().commandTimeMs();
        c.addMapLen(full ? 9 : 10);
        c.addBulk("length");
        c.addInteger(sv.length());
        c.addBulk("radix-tree-keys");
        c.addInteger(radixKeys(sv));
        c.addBulk("radix-tree-nodes");
        c.addInteger(radixNodes(sv));
        c.addBulk("last-generated-id");
        c.addBulk(sv.lastId.bytes());
        c.addBulk("max-deleted-entry-id");
        c.addBulk(sv.maxDeletedId.bytes());
        c.addBulk("entries-added");
        c.addInteger(sv.entriesAdded);
        c.addBulk("recorded-first-entry-id");
        c.addBulk(sv.firstId.bytes());
        if (!full) {
            c.addBulk("groups");
            c.addInteger(sv.groups.size());
            c.addBulk("first-entry");
            addEntryOrNil(c, sv.entries.firstEntry());
            c.addBulk("last-entry");
            addEntryOrNil(c, sv.entries.lastEntry());
            return;
        }
        c.addBulk("entries");
        long n = count == 0 ? sv.length() : Math.min(count, sv.length());
        c.addArrayLen(n);
        Iterator<Map.Entry<ID, byte[][]>> it = sv.entries.entrySet().iterator();
        for (long i = 0; i < n; i++) {
            Map.Entry<ID, byte[][]> e = it.next();
            addEntry(c, e.getKey(), e.getValue());
        }
        c.addBulk("groups");
        c.addArrayLen(sv.groups.size());
        for (Map.Entry<Bytes, Group> ge : sv.groups.entrySet()) {
            Group g = ge.getValue();
            c.addMapLen(7);
            c.addBulk("name");
            c.addBulk(ge.getKey().array());
            c.addBulk("last-delivered-id");
            c.addBulk(g.lastId.bytes());
            c.addBulk("entries-read");
            if (g.entriesRead == StreamValue.INVALID_ENTRIES_READ) c.addNull();
            else c.addInteger(g.entriesRead);
            c.addBulk("lag");
            addLag(c, sv, g);
            c.addBulk("pel-count");
            c.addInteger(g.pel.size());
            c.addBulk("pending");
            long pn = count == 0 ? g.pel.size() : Math.min(count, g.pel.size());
            c.addArrayLen(pn);
            Iterator<Map.Entry<ID, Pending>> pit = g.pel.entrySet().iterator();
            for (long i = 0; i < pn; i++) {
                Map.Entry<ID, Pending> pe = pit.next();
                c.addArrayLen(4);
                c.addBulk(pe.getKey().bytes());
                c.addBulk(pe.getValue().consumer.name.array());
                c.addInteger(pe.getValue().deliveryTime);
                c.addInteger(pe.getValue().deliveryCount);
            }
            c.addBulk("consumers");
            c.addArrayLen(g.consumers.size());
            for (Consumer cons : g.consumers.values()) {
                c.addMapLen(4);
                c.addBulk("name");
                c.addBulk(cons.name.array());
                c.addBulk("seen-time");
                c.addInteger(cons.seenTime);
                c.addBulk("pel-count");
                c.addInteger(cons.pel.size());
                c.addBulk("pending");
                long cn = count == 0 ? cons.pel.size() : Math.min(count, cons.pel.size());
                c.addArrayLen(cn);
                Iterator<Map.Entry<ID, Pending>> cit = cons.pel.entrySet().iterator();
                for (long i = 0; i < cn; i++) {
                    Map.Entry<ID, Pending> pe = cit.next();
                    c.addArrayLen(3);
                    c.addBulk(pe.getKey().bytes());
                    c.addInteger(pe.getValue().deliveryTime);
                    c.addInteger(pe.getValue().deliveryCount);
                }
            }
        }
    }

    private static void xinfoGroups(Client c, byte[][] a) {
        StreamValue sv = xinfoKey(c, a[2]);
        c.addArrayLen(sv.groups.size());
        for (Map.Entry<Bytes, Group> ge : sv.groups.entrySet()) {
            Group g = ge.getValue();
            c.addMapLen(6);
            c.addBulk("name");
            c.addBulk(ge.getKey().array());
            c.addBulk("consumers");
            c.addInteger(g.consumers.size());
            c.addBulk("pending");
            c.addInteger(g.pel.size());
            c.addBulk("last-delivered-id");
            c.addBulk(g.lastId.bytes());
            c.addBulk("entries-read");
            if (g.entriesRead == StreamValue.INVALID_ENTRIES_READ) c.addNull();
            else c.addInteger(g.entriesRead);
            c.addBulk("lag");
            addLag(c, sv, g);
        }
    }

    private static void xinfoConsumers(Client c, byte[][] a) {
        StreamValue sv = xinfoKey(c, a[2]);
        Group g = sv.groups.get(new Bytes(a[3]));
        if (g == null) throw new RedisError("NOGROUP No such consumer group '" + s(a[3]) + "' for key name '" + s(a[2]) + "'");
        long now = c.server().commandTimeMs();
        c.addArrayLen(g.consumers.size());
        for (Consumer cons : g.consumers.values()) {
            c.addMapLen(3);
            c.addBulk("name");
            c.addBulk(cons.name.array());
            c.addBulk("pending");
            c.addInteger(cons.pel.size());
            c.addBulk("idle");
            long idle = now - cons.seenTime;
            c.addInteger(idle < 0 ? 0 : idle);
        }
    }
}
