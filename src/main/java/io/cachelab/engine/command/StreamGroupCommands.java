package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;

import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
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

import static io.cachelab.engine.command.StreamCommands.*;

/**
 * Consumer groups (t_stream.c): XGROUP, XACK, XPENDING, XCLAIM and XAUTOCLAIM — the pending entries
 * list that makes a stream a reliable queue. Split from StreamCommands, which parses IDs, appends,
 * trims and reads; XREADGROUP lives there with XREAD because they share the blocking read.
 */
final class StreamGroupCommands {
    private StreamGroupCommands() {
    }

    // ---- propagation: streamPropagateXCLAIM and friends ----------------------------------------

    private static byte[] b(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** A delivery or claim replays as XCLAIM ... FORCE JUSTID LASTID, whatever command made it. */
    static void propagateClaim(Client c, byte[] key, byte[] group, Consumer cons, ID id, Pending p, Group g) {
        server(c).addDirty(1);
        server(c).propagation().also(c.db().id(), b("XCLAIM"), key, group, cons.name.array(), b("0"), id.bytes(),
                b("TIME"), b(Long.toString(p.deliveryTime())), b("RETRYCOUNT"), b(Long.toString(p.deliveryCount())),
                b("FORCE"), b("JUSTID"), b("LASTID"), g.lastId().bytes());
    }

    /** A claimed entry that was deleted from the stream leaves the PEL: replayed as XACK. */
    static void propagateAck(Client c, byte[] key, byte[] group, ID id) {
        server(c).addDirty(1);
        server(c).propagation().also(c.db().id(), b("XACK"), key, group, id.bytes());
    }

    /** streamPropagateGroupID. */
    static void propagateGroupId(Client c, byte[] key, byte[] group, Group g) {
        server(c).addDirty(1);
        server(c).propagation().also(c.db().id(), b("XGROUP"), b("SETID"), key, group, g.lastId().bytes(),
                b("ENTRIESREAD"), b(Long.toString(g.entriesRead())));
    }

    /** streamPropagateConsumerCreation. */
    static void propagateConsumerCreation(Client c, byte[] key, byte[] group, byte[] consumer) {
        server(c).addDirty(1);
        server(c).propagation().also(c.db().id(), b("XGROUP"), b("CREATECONSUMER"), key, group, consumer);
    }

    // ---- XACK / XPENDING ----------------------------------------------------------------------

    static Group groupOrNull(StreamValue sv, byte[] name) {
        return sv == null ? null : sv.groups.get(new Bytes(name));
    }

    static void xack(Client c, byte[][] a) {
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
                p.consumer().pel.remove(id);
                acked++;
            }
        }
        if (acked > 0) c.db().reaccount(key);
        server(c).addDirty(acked);
        c.addInteger(acked);
    }

    static void xpending(Client c, byte[][] a) {
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
            pendingSummary(c, g);
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
        long now = server(c).commandTimeMs();
        int mark = c.addDeferredLen();
        long n = 0;
        if (start.compareTo(end) <= 0) {
            for (Map.Entry<ID, Pending> e : pel.subMap(start, true, end, true).entrySet()) {
                if (n == count) break;
                Pending p = e.getValue();
                long idle = now - p.deliveryTime();
                if (minIdle > 0 && idle < minIdle) continue;
                c.addArrayLen(4);
                c.addBulk(e.getKey().bytes());
                c.addBulk(p.consumer().name.array());
                c.addInteger(idle < 0 ? 0 : idle);
                c.addInteger(p.deliveryCount());
                n++;
            }
        }
        c.setDeferredArrayLen(mark, n);
    }

    /** XPENDING key group: the PEL's size, first and last IDs, and the count per consumer. */
    private static void pendingSummary(Client c, Group g) {
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
    }

    // ---- XCLAIM / XAUTOCLAIM ------------------------------------------------------------------

    static long longOr(byte[] b, String msg) {
        Long v = Numbers.parseLongStrict(b);
        if (v == null) throw new RedisError("ERR " + msg);
        return v;
    }

    /** XCLAIM's options after the IDs: IDLE, TIME, RETRYCOUNT, FORCE, JUSTID, LASTID. */
    private static final class ClaimOptions {
        long deliveryTime = -1;
        long retryCount = -1;
        boolean force;
        boolean justid;
        ID lastId = ID.ZERO;

        ClaimOptions(byte[][] a, int from, long now) {
            for (int j = from; j < a.length; j++) {
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
        }
    }

    static void xclaim(Client c, byte[][] a) {
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
        long now = server(c).commandTimeMs();
        ClaimOptions o = new ClaimOptions(a, j, now);
        boolean force = o.force;
        boolean justid = o.justid;
        long retryCount = o.retryCount;
        boolean dirty = false;
        if (g.raiseLastId(o.lastId)) dirty = true;
        long deliveryTime = o.deliveryTime;
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
                    p.consumer().pel.remove(id);
                    propagateAck(c, a[1], a[2], id);
                    dirty = true;
                }
                continue;
            }
            if (force && p == null) {
                p = new Pending(now, 1, null); // streamCreateNACK starts at one delivery
                g.pel.put(id, p);
            }
            if (p == null) continue;
            if (p.consumer() != null && minIdle > 0 && now - p.deliveryTime() < minIdle) continue;
            if (cons == null) {
                cons = lookupConsumer(g, name, true, now);
                if (cons == null) cons = createConsumer(c, g, name, key, now);
            }
            p.moveTo(id, cons);
            p.delivered(deliveryTime, retryCount >= 0 ? retryCount : justid ? p.deliveryCount() : p.deliveryCount() + 1);
            if (justid) c.addBulk(id.bytes());
            else addEntry(c, id, fv);
            propagateClaim(c, a[1], a[2], cons, id, p, g);
            n++;
            dirty = true;
        }
        c.setDeferredArrayLen(mark, n);
        if (dirty) c.db().reaccount(key);
    }

    static void xautoclaim(Client c, byte[][] a) {
        Bytes key = new Bytes(a[1]);
        StreamValue sv = streamRead(c, key);
        long minIdle = longOr(a[4], "Invalid min-idle-time argument for XAUTOCLAIM");
        if (minIdle < 0) minIdle = 0;
        ID start = parseInterval(a[5], 0, true);
        long count = 100;
        boolean justid = false;
        for (int j = 6; j < a.length; j++) {
            if (Args.is(a[j], "count") && j + 1 < a.length) {
                count = autoclaimCount(a[++j]);
            } else if (Args.is(a[j], "justid")) {
                justid = true;
            } else {
                throw RedisError.SYNTAX;
            }
        }
        Group g = groupOrNull(sv, a[2]);
        if (g == null) throw new RedisError("NOGROUP No such key '" + s(a[1]) + "' or consumer group '" + s(a[2]) + "'");
        long attempts = count * 10;
        long now = server(c).commandTimeMs();
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
                p.consumer().pel.remove(id);
                deleted.add(id);
                propagateAck(c, a[1], a[2], id);
                count--;
                dirty = true;
            } else if (minIdle == 0 || now - p.deliveryTime() >= minIdle) {
                if (cons == null) {
                    cons = lookupConsumer(g, name, true, now);
                    if (cons == null) cons = createConsumer(c, g, name, key, now);
                }
                p.moveTo(id, cons);
                p.delivered(now, justid ? p.deliveryCount() : p.deliveryCount() + 1);
                claimed.add(new Object[] {id, fv});
                propagateClaim(c, a[1], a[2], cons, id, p, g);
                count--;
                dirty = true;
            }
            if (after == null) {
                next = null;
                break;
            }
            cursor = after;
        }
        replyAutoclaim(c, next, claimed, deleted, justid);
        if (dirty) c.db().reaccount(key);
    }

    /** XAUTOCLAIM's COUNT: 1 to LONG_MAX / 16 (Redis multiplies it by the attempts factor). */
    private static long autoclaimCount(byte[] arg) {
        Long v = Numbers.parseLongStrict(arg);
        long max = Long.MAX_VALUE / 16;
        if (v == null || v < 1 || v > max) throw new RedisError("ERR COUNT must be > 0");
        return v;
    }

    /** The next cursor (0-0 when the walk ended), the claimed entries (or IDs with JUSTID), the deleted IDs. */
    private static void replyAutoclaim(Client c, ID next, List<Object[]> claimed, List<ID> deleted, boolean justid) {
        c.addBulk((next == null ? ID.ZERO : next).bytes());
        c.addArrayLen(claimed.size());
        for (Object[] cl : claimed) {
            if (justid) c.addBulk(((ID) cl[0]).bytes());
            else addEntry(c, (ID) cl[0], (byte[][]) cl[1]);
        }
        c.addArrayLen(deleted.size());
        for (ID id : deleted) c.addBulk(id.bytes());
    }

    // ---- XGROUP -------------------------------------------------------------------------------

    static final class GroupArgs {
        boolean mkstream;
        long entriesRead = StreamValue.INVALID_ENTRIES_READ;
        StreamValue sv;
        Group group;
    }

    /** The shared prologue of xgroupCommand: options, key lookup, existence checks. */
    static GroupArgs groupPrologue(Client c, byte[][] a, boolean create, boolean setid, boolean needGroup) {
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

    static void xgroupCreate(Client c, byte[][] a) {
        GroupArgs g = groupPrologue(c, a, true, false, false);
        if (a.length > 8) throw new RedisError("ERR unknown subcommand or wrong number of arguments for '" + s(a[1]) + "'. Try XGROUP HELP.");
        ID id;
        if (a[4].length == 1 && a[4][0] == '$') id = g.sv == null ? ID.ZERO : g.sv.lastId();
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
        server(c).notifyKeyspaceEvent(Notify.STREAM, "xgroup-create", key, c.db().id());
        server(c).addDirty(1);
    }

    static void xgroupSetid(Client c, byte[][] a) {
        GroupArgs g = groupPrologue(c, a, false, true, true);
        if (a.length != 5 && a.length != 7) throw new RedisError("ERR unknown subcommand or wrong number of arguments for '" + s(a[1]) + "'. Try XGROUP HELP.");
        ID id;
        if (a[4].length == 1 && a[4][0] == '$') id = g.sv.lastId();
        else id = parseId(a[4], 0, false, null);
        g.group.setPosition(id, g.entriesRead);
        c.addOk();
        Bytes key = new Bytes(a[2]);
        c.db().reaccount(key);
        server(c).notifyKeyspaceEvent(Notify.STREAM, "xgroup-setid", key, c.db().id());
        server(c).addDirty(1);
    }

    static void xgroupDestroy(Client c, byte[][] a) {
        GroupArgs g = groupPrologue(c, a, false, false, false);
        Bytes key = new Bytes(a[2]);
        if (g.group == null) {
            c.addInteger(0);
            return;
        }
        g.sv.groups.remove(new Bytes(a[3]));
        c.addInteger(1);
        c.db().reaccount(key);
        server(c).notifyKeyspaceEvent(Notify.STREAM, "xgroup-destroy", key, c.db().id());
        server(c).addDirty(1);
        // signalKeyAsReady, not signalModifiedKey: blocked XREADGROUP clients re-run and answer NOGROUP.
        server(c).blocking().keyModified(c.db(), key);
    }

    static void xgroupCreateConsumer(Client c, byte[][] a) {
        GroupArgs g = groupPrologue(c, a, false, false, true);
        Bytes name = new Bytes(a[4]);
        if (g.group.consumers.containsKey(name)) {
            c.addInteger(0);
            return;
        }
        Bytes key = new Bytes(a[2]);
        createConsumer(c, g.group, name, key, server(c).commandTimeMs());
        c.db().reaccount(key);
        c.addInteger(1);
        server(c).addDirty(1);
    }

    static void xgroupDelConsumer(Client c, byte[][] a) {
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
        server(c).addDirty(1);
        c.db().reaccount(key);
        server(c).notifyKeyspaceEvent(Notify.STREAM, "xgroup-delconsumer", key, c.db().id());
    }


    static void xgroupHelp(Client c, byte[][] a) {
        c.addHelp("XGROUP", "CREATE <key> <groupname> <id|$> [option]",
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
                "    Set the current group ID and entries_read counter.");
    }

}
