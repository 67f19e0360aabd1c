package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;

import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.StreamValue;
import io.cachelab.engine.type.StreamValue.Consumer;
import io.cachelab.engine.type.StreamValue.Group;
import io.cachelab.engine.type.StreamValue.ID;
import io.cachelab.engine.type.StreamValue.Pending;
import io.cachelab.engine.util.Bytes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static io.cachelab.engine.command.StreamCommands.*;

/** XINFO STREAM [FULL] / GROUPS / CONSUMERS: what a stream, its groups and consumers look like, with 7.0's fields. */
final class StreamInfoCommand {
    private StreamInfoCommand() {
    }

    // ---- XINFO --------------------------------------------------------------------------------

    static void xinfoHelp(Client c, byte[][] a) {
        c.addHelp("XINFO", "CONSUMERS <key> <groupname>",
                "    Show consumers of <groupname>.",
                "GROUPS <key>",
                "    Show the stream consumer groups.",
                "STREAM <key> [FULL [COUNT <count>]",
                "    Show information about the stream.");
    }

    static StreamValue xinfoKey(Client c, byte[] key) {
        StreamValue sv = streamRead(c, new Bytes(key));
        if (sv == null) throw RedisError.NO_SUCH_KEY;
        return sv;
    }

    static void addLag(Client c, StreamValue sv, Group g) {
        Long lag = sv.lag(g);
        if (lag == null) c.addNull();
        else c.addInteger(lag);
    }

    static void addEntryOrNil(Client c, Map.Entry<ID, byte[][]> e) {
        if (e == null) c.addNull();
        else addEntry(c, e.getKey(), e.getValue());
    }

    static long radixKeys(StreamValue sv) {
        return sv.nodes.size();
    }

    /**
     * The node count of Redis's rax holding the node keys (128-bit big-endian IDs): a compressed
     * trie where each run without branching is one node, each branching point one node, and each
     * key ends in an empty leaf node; an empty rax is its root alone.
     */
    static long radixNodes(StreamValue sv) {
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
    static long trieNodes(List<byte[]> keys, int from, int to, int depth) {
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

    static void xinfoStream(Client c, byte[][] a) {
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
        c.addMapLen(full ? 9 : 10);
        c.addBulk("length");
        c.addInteger(sv.length());
        c.addBulk("radix-tree-keys");
        c.addInteger(radixKeys(sv));
        c.addBulk("radix-tree-nodes");
        c.addInteger(radixNodes(sv));
        c.addBulk("last-generated-id");
        c.addBulk(sv.lastId().bytes());
        c.addBulk("max-deleted-entry-id");
        c.addBulk(sv.maxDeletedId().bytes());
        c.addBulk("entries-added");
        c.addInteger(sv.entriesAdded());
        c.addBulk("recorded-first-entry-id");
        c.addBulk(sv.firstId().bytes());
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
        for (Map.Entry<Bytes, Group> ge : sv.groups.entrySet()) fullGroup(c, sv, ge.getKey(), ge.getValue(), count);
    }

    /** XINFO STREAM FULL: one group with up to {@code count} of its PEL and of each consumer's (0: all). */
    private static void fullGroup(Client c, StreamValue sv, Bytes name, Group g, long count) {
        c.addMapLen(7);
        c.addBulk("name");
        c.addBulk(name.array());
        c.addBulk("last-delivered-id");
        c.addBulk(g.lastId().bytes());
        c.addBulk("entries-read");
        if (g.entriesRead() == StreamValue.INVALID_ENTRIES_READ) c.addNull();
        else c.addInteger(g.entriesRead());
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
            c.addBulk(pe.getValue().consumer().name.array());
            c.addInteger(pe.getValue().deliveryTime());
            c.addInteger(pe.getValue().deliveryCount());
        }
        c.addBulk("consumers");
        c.addArrayLen(g.consumers.size());
        for (Consumer cons : g.consumers.values()) fullConsumer(c, cons, count);
    }

    private static void fullConsumer(Client c, Consumer cons, long count) {
        c.addMapLen(4);
        c.addBulk("name");
        c.addBulk(cons.name.array());
        c.addBulk("seen-time");
        c.addInteger(cons.seenTime());
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
            c.addInteger(pe.getValue().deliveryTime());
            c.addInteger(pe.getValue().deliveryCount());
        }
    }

    static void xinfoGroups(Client c, byte[][] a) {
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
            c.addBulk(g.lastId().bytes());
            c.addBulk("entries-read");
            if (g.entriesRead() == StreamValue.INVALID_ENTRIES_READ) c.addNull();
            else c.addInteger(g.entriesRead());
            c.addBulk("lag");
            addLag(c, sv, g);
        }
    }

    static void xinfoConsumers(Client c, byte[][] a) {
        StreamValue sv = xinfoKey(c, a[2]);
        Group g = sv.groups.get(new Bytes(a[3]));
        if (g == null) throw new RedisError("NOGROUP No such consumer group '" + s(a[3]) + "' for key name '" + s(a[2]) + "'");
        long now = server(c).commandTimeMs();
        c.addArrayLen(g.consumers.size());
        for (Consumer cons : g.consumers.values()) {
            c.addMapLen(3);
            c.addBulk("name");
            c.addBulk(cons.name.array());
            c.addBulk("pending");
            c.addInteger(cons.pel.size());
            c.addBulk("idle");
            long idle = now - cons.seenTime();
            c.addInteger(idle < 0 ? 0 : idle);
        }
    }
}
