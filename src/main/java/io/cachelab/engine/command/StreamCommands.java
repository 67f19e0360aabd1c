package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.RType;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.StreamValue;
import io.cachelab.engine.type.StreamValue.Consumer;
import io.cachelab.engine.type.StreamValue.Group;
import io.cachelab.engine.type.StreamValue.ID;
import io.cachelab.engine.type.StreamValue.Pending;
import io.cachelab.engine.util.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The stream family (Redis's t_stream.c). Argument parsing follows Redis's order of checks so the
 * same bad request fails with the same error. Blocking XREAD/XREADGROUP rely on the engine's
 * re-run model: a blocked command is executed again when its key is signalled, so a `$` ID is
 * rewritten in argv to the concrete last ID before blocking (as Redis 7.2 does), otherwise the
 * re-run would never see anything newer. Consumer-group bookkeeping (XGROUP, XACK, XPENDING,
 * XCLAIM, XAUTOCLAIM) is in StreamGroupCommands and XINFO in StreamInfoCommand; the IDs, lookups
 * and helpers here are package-private for them.
 */
public final class StreamCommands {
    private StreamCommands() {
    }

    static final String INVALID_ID = "ERR Invalid stream ID specified as stream command argument";

    static void register(Commands t) {
        t.bind("xadd", StreamCommands::xadd);
        t.bind("xlen", StreamCommands::xlen);
        t.bind("xrange", (c, a) -> xrange(c, a, false));
        t.bind("xrevrange", (c, a) -> xrange(c, a, true));
        t.bind("xdel", StreamCommands::xdel);
        t.bind("xtrim", StreamCommands::xtrim);
        t.bind("xsetid", StreamCommands::xsetid);
        t.bind("xread", (c, a) -> xread(c, a, false));
        t.bind("xreadgroup", (c, a) -> xread(c, a, true));
        t.bind("xack", StreamGroupCommands::xack);
        t.bind("xpending", StreamGroupCommands::xpending);
        t.bind("xclaim", StreamGroupCommands::xclaim);
        t.bind("xautoclaim", StreamGroupCommands::xautoclaim);
        CommandSpec xgroup = t.container("xgroup");
        xgroup.sub("create", StreamGroupCommands::xgroupCreate);
        xgroup.sub("setid", StreamGroupCommands::xgroupSetid);
        xgroup.sub("destroy", StreamGroupCommands::xgroupDestroy);
        xgroup.sub("createconsumer", StreamGroupCommands::xgroupCreateConsumer);
        xgroup.sub("delconsumer", StreamGroupCommands::xgroupDelConsumer);
        xgroup.sub("help", StreamGroupCommands::xgroupHelp);
        CommandSpec xinfo = t.container("xinfo");
        xinfo.sub("stream", StreamInfoCommand::xinfoStream);
        xinfo.sub("groups", StreamInfoCommand::xinfoGroups);
        xinfo.sub("consumers", StreamInfoCommand::xinfoConsumers);
        xinfo.sub("help", StreamInfoCommand::xinfoHelp);
    }

    // ---- IDs ----------------------------------------------------------------------------------

    /** string2ull: plain decimal digits within 0..2^64-1. */
    static boolean parseUnsigned(byte[] b, int from, int to, long[] out) {
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
    static ID parseInterval(byte[] b, long missingSeq, boolean start) {
        if (b.length > 1 && b[0] == '(') {
            ID id = parseId(java.util.Arrays.copyOfRange(b, 1, b.length), missingSeq, true, null);
            ID r = start ? id.next() : id.prev();
            if (r == null) throw new RedisError(start ? "ERR invalid start ID for the interval" : "ERR invalid end ID for the interval");
            return r;
        }
        return parseId(b, missingSeq, false, null);
    }

    // ---- lookups ------------------------------------------------------------------------------

    static StreamValue streamRead(Client c, Bytes key) {
        return c.db().lookupRead(key, RType.STREAM);
    }

    static StreamValue streamWrite(Client c, Bytes key) {
        return c.db().lookupWrite(key, RType.STREAM);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static void changed(Client c, Bytes key, String event) {
        c.db().signalModified(key);
        server(c).notifyKeyspaceEvent(Notify.STREAM, event, key, c.db().id());
    }

    static Consumer lookupConsumer(Group g, Bytes name, boolean refresh, long now) {
        Consumer cons = g.consumers.get(name);
        if (cons != null && refresh) cons.touchSeen(now);
        return cons;
    }

    static Consumer createConsumer(Client c, Group g, Bytes name, Bytes key, long now) {
        Consumer cons = new Consumer(name, now);
        g.consumers.put(name, cons);
        server(c).notifyKeyspaceEvent(Notify.STREAM, "xgroup-createconsumer", key, c.db().id());
        return cons;
    }

    static int nodeMaxEntries(Client c) {
        return server(c).config().getInt("stream-node-max-entries");
    }

    // ---- XADD / XTRIM -------------------------------------------------------------------------

    static final class TrimArgs {
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

    static TrimArgs parseAddOrTrim(byte[][] a, boolean xadd, int nodeMaxEntries, boolean mustObey) {
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
        if (mustObey) {
            // mustObeyClient: the AOF (or a master) wrote the exact trim it did; no node limit applies
            t.limit = 0;
        } else if (limitGiven) {
            if (!t.approx) throw new RedisError("ERR syntax error, LIMIT cannot be used without the special ~ option");
        } else if (t.approx) {
            t.limit = 100L * Math.max(1, Math.min(nodeMaxEntries, 1_000_000));
        } else {
            t.limit = 0;
        }
        return t;
    }

    static long trim(StreamValue sv, TrimArgs t) {
        return sv.trim(t.maxlen, t.strategy == 2 ? t.minid : null, t.approx, t.limit);
    }

    static void xadd(Client c, byte[][] a) {
        TrimArgs t = parseAddOrTrim(a, true, nodeMaxEntries(c), c.mustObey());
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
        if (sv.lastId().equals(ID.MAX)) throw new RedisError("ERR The stream has exhausted the last possible ID, unable to add more items");
        ID id;
        ID last = sv.lastId();
        if (!t.idGiven) {
            long ms = server(c).commandTimeMs();
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
        sv.append(id, fv, nodeMaxEntries(c), server(c).config().getLong("stream-node-max-bytes"));
        c.addBulk(id.bytes());
        changed(c, key, "xadd");
        if (t.strategy != 0 && trim(sv, t) > 0) {
            db.reaccount(key);
            server(c).notifyKeyspaceEvent(Notify.STREAM, "xtrim", key, db.id());
        }
    }

    static void xtrim(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        TrimArgs t = parseAddOrTrim(a, false, nodeMaxEntries(c), c.mustObey());
        StreamValue sv = streamWrite(c, key);
        if (sv == null) {
            c.addInteger(0);
            return;
        }
        long removed = trim(sv, t);
        if (removed > 0) changed(c, key, "xtrim");
        c.addInteger(removed);
    }

    static void xlen(Client c, byte[][] a) {
        StreamValue sv = streamRead(c, new Bytes(a[1]));
        c.addInteger(sv == null ? 0 : sv.length());
    }

    static void xdel(Client c, byte[][] a) {
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

    static void xsetid(Client c, byte[][] a) {
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
        sv.setId(id, entriesAdded, maxDel);
        c.addOk();
        c.db().reaccount(key);
        server(c).addDirty(1);
        server(c).notifyKeyspaceEvent(Notify.STREAM, "xsetid", key, c.db().id());
    }

    // ---- XRANGE -------------------------------------------------------------------------------

    static void addEntry(Client c, ID id, byte[][] fv) {
        c.addArrayLen(2);
        c.addBulk(id.bytes());
        c.addArrayLen(fv.length);
        for (byte[] b : fv) c.addBulk(b);
    }

    static void xrange(Client c, byte[][] a, boolean rev) {
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

    /** XREAD / XREADGROUP's options, as xreadCommand parses them. */
    private static final class XRead {
        final boolean group;
        long timeout = -1;
        long count;
        int streamsArg;
        int streamsCount;
        boolean noack;
        byte[] groupName;
        byte[] consumerName;
        ID[] ids;
        Group[] groups;

        XRead(boolean group) {
            this.group = group;
        }
    }

    static void xread(Client c, byte[][] a, boolean group) {
        XRead x = parseXread(c, a, group);
        resolveIds(c, a, x);
        if (serveStreams(c, a, x)) return;
        if (x.timeout != -1) {
            blockXread(c, a, x);
            return;
        }
        c.addNullArray();
    }

    private static XRead parseXread(Client c, byte[][] a, boolean group) {
        XRead x = new XRead(group);
        for (int i = 1; i < a.length; i++) {
            int more = a.length - i - 1;
            byte[] o = a[i];
            if (Args.is(o, "block") && more > 0) {
                if (c.scriptClient()) throw new RedisError("ERR " + s(a[0]) + " command is not allowed with BLOCK option from scripts");
                Long v = Numbers.parseLongStrict(a[++i]);
                if (v == null) throw new RedisError("ERR timeout is not an integer or out of range");
                if (v < 0) throw new RedisError("ERR timeout is negative");
                x.timeout = v;
            } else if (Args.is(o, "count") && more > 0) {
                x.count = Math.max(0, Args.toLong(a[++i]));
            } else if (Args.is(o, "streams") && more > 0) {
                x.streamsArg = i + 1;
                int n = a.length - x.streamsArg;
                if (n % 2 != 0) throw new RedisError("ERR Unbalanced XREAD"
                        + " list of streams: for each stream key an ID or '$' must be specified.");
                x.streamsCount = n / 2;
                break;
            } else if (Args.is(o, "group") && more >= 2) {
                if (!group) throw new RedisError("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                x.groupName = a[i + 1];
                x.consumerName = a[i + 2];
                i += 2;
            } else if (Args.is(o, "noack")) {
                if (!group) throw new RedisError("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                x.noack = true;
            } else {
                throw RedisError.SYNTAX;
            }
        }
        if (x.streamsArg == 0) throw RedisError.SYNTAX;
        if (group && x.groupName == null) throw new RedisError("ERR Missing GROUP option for XREADGROUP");
        return x;
    }

    /** Each stream's group and the ID to read after ('$' and '>' resolved), checking types and groups. */
    private static void resolveIds(Client c, byte[][] a, XRead x) {
        boolean rerun = c.isBlocked();
        Database db = c.db();
        x.ids = new ID[x.streamsCount];
        x.groups = new Group[x.streamsCount];
        Bytes gname = x.groupName == null ? null : new Bytes(x.groupName);
        for (int idx = 0; idx < x.streamsCount; idx++) {
            Bytes key = new Bytes(a[x.streamsArg + idx]);
            RValue v = db.lookupRead(key);
            if (v != null && !(v instanceof StreamValue)) {
                if (rerun && x.group) throw new RedisError("UNBLOCKED the stream key no longer exists");
                if (!rerun) throw RedisError.WRONGTYPE;
                v = null; // a blocked XREAD ignores a key that changed type, and keeps waiting
            }
            StreamValue sv = (StreamValue) v;
            if (gname != null) {
                Group g = sv == null ? null : sv.groups.get(gname);
                if (g == null) {
                    if (rerun && sv == null) throw new RedisError("UNBLOCKED the stream key no longer exists");
                    throw new RedisError("NOGROUP No such key '" + s(key.array()) + "' or consumer group '" + s(x.groupName)
                            + "' in XREADGROUP with GROUP option");
                }
                x.groups[idx] = g;
            }
            x.ids[idx] = readAfter(a[x.streamsArg + x.streamsCount + idx], sv, x.group);
        }
    }

    private static ID readAfter(byte[] idArg, StreamValue sv, boolean group) {
        if (idArg.length == 1 && idArg[0] == '$') {
            if (group) throw new RedisError("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.");
            return sv == null ? ID.ZERO : sv.lastId();
        }
        if (idArg.length == 1 && idArg[0] == '>') {
            if (!group) throw new RedisError("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
            return ID.MAX;
        }
        return parseStrict(idArg);
    }

    /** Replies with every stream that has something to serve; false (nothing written) when none has. */
    private static boolean serveStreams(Client c, byte[][] a, XRead x) {
        Database db = c.db();
        int outer = -1;
        int served = 0;
        for (int i = 0; i < x.streamsCount; i++) {
            Bytes key = new Bytes(a[x.streamsArg + i]);
            if (!(db.lookupRead(key) instanceof StreamValue sv)) continue;
            ID gt = x.ids[i];
            boolean history = x.group && !gt.equals(ID.MAX);
            if (x.group && !history) {
                if (sv.length() == 0 || sv.entries.lastKey().compareTo(x.groups[i].lastId()) <= 0) continue;
                gt = x.groups[i].lastId();
            } else if (!x.group && (sv.length() == 0 || sv.entries.lastKey().compareTo(gt) <= 0)) {
                continue;
            }
            if (outer < 0) outer = c.addDeferredLen();
            served++;
            if (c.resp() == 2) c.addArrayLen(2);
            c.addBulk(key.array());
            if (x.group) serveGroup(c, x, i, key, sv, gt, history);
            else serveEntriesAfter(c, sv, gt, x.count);
        }
        if (outer < 0) return false;
        if (c.resp() == 2) c.setDeferredArrayLen(outer, served);
        else c.setDeferredMapLen(outer, served);
        return true;
    }

    private static void serveGroup(Client c, XRead x, int i, Bytes key, StreamValue sv, ID gt, boolean history) {
        long now = server(c).commandTimeMs();
        Group g = x.groups[i];
        Consumer cons = lookupConsumer(g, new Bytes(x.consumerName), true, now);
        if (cons == null) {
            cons = createConsumer(c, g, new Bytes(x.consumerName), key, now);
            // as Redis 7.0.15: only a NOACK read replays the creation, a normal one's XCLAIM creates it
            if (x.noack && !history) StreamGroupCommands.propagateConsumerCreation(c, key.array(), x.groupName, x.consumerName);
        }
        if (history) replyHistory(c, sv, cons, gt, x.count);
        else deliverNew(c, sv, g, cons, gt, x.count, x.noack, now, key.array(), x.groupName);
        c.db().reaccount(key);
    }

    private static void serveEntriesAfter(Client c, StreamValue sv, ID gt, long count) {
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

    private static void blockXread(Client c, byte[][] a, XRead x) {
        // '$' becomes the concrete ID, so the re-run on a signal sees the new entries.
        for (int i = 0; i < x.streamsCount; i++) {
            byte[] idArg = a[x.streamsArg + x.streamsCount + i];
            if (idArg.length == 1 && idArg[0] == '$') a[x.streamsArg + x.streamsCount + i] = x.ids[i].bytes();
        }
        List<Bytes> keys = new ArrayList<>();
        for (int i = 0; i < x.streamsCount; i++) {
            Bytes k = new Bytes(a[x.streamsArg + i]);
            if (!keys.contains(k)) keys.add(k);
        }
        long deadline = x.timeout == 0 ? 0 : System.currentTimeMillis() + x.timeout;
        server(c).blocking().block(c, keys, deadline, true);
    }

    /** New entries for a group consumer (">"): moves the group's last ID and fills the PELs. */
    static void deliverNew(Client c, StreamValue sv, Group g, Consumer cons, ID gt, long count, boolean noack, long now,
                           byte[] key, byte[] groupName) {
        ID lastBefore = g.lastId();
        ID from = gt.next();
        int mark = c.addDeferredLen();
        long n = 0;
        if (from != null) {
            for (Map.Entry<ID, byte[][]> e : sv.entries.tailMap(from, true).entrySet()) {
                if (count > 0 && n == count) break;
                ID id = e.getKey();
                sv.moveGroupTo(g, id);
                if (!noack) {
                    Pending p = g.pel.get(id);
                    if (p != null) {
                        p.moveTo(id, cons);
                        p.delivered(now, 1);
                    } else {
                        p = new Pending(now, 1, cons);
                        g.pel.put(id, p);
                    }
                    cons.pel.put(id, p);
                    StreamGroupCommands.propagateClaim(c, key, groupName, cons, id, p, g);
                }
                addEntry(c, id, e.getValue());
                n++;
            }
        }
        if (noack && !g.lastId().equals(lastBefore)) StreamGroupCommands.propagateGroupId(c, key, groupName, g);
        c.setDeferredArrayLen(mark, n);
    }

    /** History (an explicit ID): the consumer's own pending entries after {@code gt}. */
    static void replyHistory(Client c, StreamValue sv, Consumer cons, ID gt, long count) {
        ID from = gt;
        int mark = c.addDeferredLen();
        long n = 0;
        long now = server(c).commandTimeMs();
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
                p.deliveredAgain(now);
                addEntry(c, id, fv);
            }
            n++;
        }
        c.setDeferredArrayLen(mark, n);
    }
}
