package io.cachelab.engine.persistence;

import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.type.StreamValue;
import io.cachelab.engine.type.StreamValue.Consumer;
import io.cachelab.engine.type.StreamValue.Group;
import io.cachelab.engine.type.StreamValue.ID;
import io.cachelab.engine.type.StreamValue.Pending;
import io.cachelab.engine.util.Bytes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Streams in RDB (rdb.c, RDB_TYPE_STREAM_LISTPACKS[_2]). Entries are written as Redis 7.0 packs
 * them: one listpack per node, keyed by the node's 128-bit big-endian master ID, starting with the
 * master entry (count, deleted, master fields, 0) and followed by entries of flags, ms/seq deltas,
 * values (fields too unless they equal the master's) and lp-count. We keep no deleted entries, so
 * every node is written with deleted = 0. Lengths here are unsigned 64-bit (IDs, and an unknown
 * entries-read written as -1), which the shared primitives do not cover, hence the local ones.
 */
final class StreamRdb {
    private static final int FLAG_DELETED = 1;
    private static final int FLAG_SAMEFIELDS = 2;

    private StreamRdb() {
    }

    static void writeULength(RdbWriter w, long l) {
        if (l >= 0 && l < (1 << 6)) {
            w.writeByte((int) l);
        } else if (l >= 0 && l < (1 << 14)) {
            w.writeByte((int) ((l >> 8) | 0x40));
            w.writeByte((int) (l & 0xff));
        } else if (l >= 0 && l <= 0xFFFFFFFFL) {
            w.writeByte(Rdb.LEN_32BIT);
            for (int i = 3; i >= 0; i--) w.writeByte((int) ((l >>> (8 * i)) & 0xff));
        } else {
            w.writeByte(Rdb.LEN_64BIT);
            for (int i = 7; i >= 0; i--) w.writeByte((int) ((l >>> (8 * i)) & 0xff));
        }
    }

    static long readULength(RdbReader r) throws IOException {
        int b = r.readByte();
        int type = (b & 0xC0) >> 6;
        if (type == 0) return b & 0x3F;
        if (type == 1) return ((long) (b & 0x3F) << 8) | r.readByte();
        int n;
        if (b == Rdb.LEN_32BIT) n = 4;
        else if (b == Rdb.LEN_64BIT) n = 8;
        else throw new RdbFormatException("unknown length encoding " + b);
        long v = 0;
        for (int i = 0; i < n; i++) v = (v << 8) | r.readByte();
        return v;
    }

    private static byte[] idKey(ID id) {
        byte[] k = new byte[16];
        for (int i = 0; i < 8; i++) {
            k[i] = (byte) (id.ms() >>> (56 - 8 * i));
            k[8 + i] = (byte) (id.seq() >>> (56 - 8 * i));
        }
        return k;
    }

    private static ID idFromKey(byte[] k, int off) {
        if (k.length - off < 16) throw new RdbFormatException("stream ID too short");
        long ms = 0;
        long seq = 0;
        for (int i = 0; i < 8; i++) {
            ms = (ms << 8) | (k[off + i] & 0xff);
            seq = (seq << 8) | (k[off + 8 + i] & 0xff);
        }
        return new ID(ms, seq);
    }

    static void write(RdbWriter w, StreamValue s) {
        // Node boundaries: the model's nodes, each holding the live entries from its master ID on.
        List<ID> masters = new ArrayList<>(s.nodes.keySet());
        List<byte[]> packs = new ArrayList<>();
        List<ID> keys = new ArrayList<>();
        for (int n = 0; n < masters.size(); n++) {
            ID master = masters.get(n);
            Map<ID, byte[][]> part = n + 1 < masters.size()
                    ? s.entries.subMap(master, true, masters.get(n + 1), false)
                    : s.entries.tailMap(master, true);
            if (part.isEmpty()) continue;
            byte[][] first = part.values().iterator().next();
            int nf = first.length / 2;
            Listpack lp = new Listpack();
            lp.add(part.size());
            lp.add(0);
            lp.add(nf);
            for (int i = 0; i < nf; i++) lp.add(first[2 * i]);
            lp.add(0);
            for (Map.Entry<ID, byte[][]> e : part.entrySet()) {
                byte[][] fv = e.getValue();
                boolean same = fv.length == first.length;
                for (int i = 0; same && i < nf; i++) same = java.util.Arrays.equals(fv[2 * i], first[2 * i]);
                lp.add(same ? FLAG_SAMEFIELDS : 0);
                lp.add(e.getKey().ms() - master.ms());
                lp.add(e.getKey().seq() - master.seq());
                int efields = fv.length / 2;
                if (same) {
                    for (int i = 0; i < efields; i++) lp.add(fv[2 * i + 1]);
                } else {
                    lp.add(efields);
                    for (byte[] b : fv) lp.add(b);
                }
                lp.add(3 + efields + (same ? 0 : efields + 1));
            }
            keys.add(master);
            packs.add(lp.finish());
        }
        writeULength(w, packs.size());
        for (int i = 0; i < packs.size(); i++) {
            w.writeString(idKey(keys.get(i)));
            w.writeString(packs.get(i));
        }
        writeULength(w, s.length());
        writeULength(w, s.lastId().ms());
        writeULength(w, s.lastId().seq());
        writeULength(w, s.firstId().ms());
        writeULength(w, s.firstId().seq());
        writeULength(w, s.maxDeletedId().ms());
        writeULength(w, s.maxDeletedId().seq());
        writeULength(w, s.entriesAdded());
        writeULength(w, s.groups.size());
        for (Map.Entry<Bytes, Group> ge : s.groups.entrySet()) {
            Group g = ge.getValue();
            w.writeString(ge.getKey().array());
            writeULength(w, g.lastId().ms());
            writeULength(w, g.lastId().seq());
            writeULength(w, g.entriesRead());
            writeULength(w, g.pel.size());
            for (Map.Entry<ID, Pending> pe : g.pel.entrySet()) {
                { byte[] k = idKey(pe.getKey()); w.write(k, 0, 16); }
                w.writeLe(pe.getValue().deliveryTime(), 8);
                writeULength(w, pe.getValue().deliveryCount());
            }
            writeULength(w, g.consumers.size());
            for (Consumer c : g.consumers.values()) {
                w.writeString(c.name.array());
                w.writeLe(c.seenTime(), 8);
                writeULength(w, c.pel.size());
                for (ID id : c.pel.keySet()) { byte[] k = idKey(id); w.write(k, 0, 16); }
            }
        }
    }

    private static long num(byte[] b) {
        Long v = Numbers.parseLongStrict(b);
        if (v == null) throw new RdbFormatException("stream listpack: integer expected");
        return v;
    }

    static StreamValue read(RdbReader r, boolean v2) throws IOException {
        StreamValue s = new StreamValue();
        long nodes = readULength(r);
        List<byte[]> items = new ArrayList<>();
        for (long n = 0; n < nodes; n++) {
            byte[] key = r.readString();
            if (key.length != 16) throw new RdbFormatException("stream node key is not a 128-bit ID");
            readNode(s, idFromKey(key, 0), r.readString(), items);
        }
        long length = readULength(r);
        ID lastId = new ID(readULength(r), readULength(r));
        if (v2) {
            ID firstId = new ID(readULength(r), readULength(r));
            ID maxDeletedId = new ID(readULength(r), readULength(r));
            s.loadIds(lastId, firstId, maxDeletedId, readULength(r));
        } else {
            s.loadIds(lastId, s.entries.isEmpty() ? ID.ZERO : s.entries.firstKey(), ID.ZERO, length);
        }
        if (length != s.length()) throw new RdbFormatException("stream length mismatch");
        long groups = readULength(r);
        for (long gi = 0; gi < groups; gi++) readGroup(r, s, v2);
        return s;
    }

    /** One listpack node: the master entry's fields, then each entry (deleted ones only counted). */
    private static void readNode(StreamValue s, ID master, byte[] lp, List<byte[]> items) throws IOException {
        items.clear();
        try {
            Listpack.decode(lp, items);
        } catch (IllegalArgumentException e) {
            throw new RdbFormatException("bad stream listpack: " + e.getMessage());
        }
        if (items.isEmpty()) throw new RdbFormatException("empty stream listpack");
        int p = 0;
        p++; // count
        long deleted = num(items.get(p++));
        int nf = (int) num(items.get(p++));
        byte[][] masterFields = new byte[nf][];
        for (int i = 0; i < nf; i++) masterFields[i] = items.get(p++);
        p++; // master terminator
        List<ID> ids = new ArrayList<>();
        List<byte[][]> fvs = new ArrayList<>();
        int total = 0;
        while (p < items.size()) {
            int flags = (int) num(items.get(p++));
            ID id = new ID(master.ms() + num(items.get(p++)), master.seq() + num(items.get(p++)));
            byte[][] fv;
            if ((flags & FLAG_SAMEFIELDS) != 0) {
                fv = new byte[nf * 2][];
                for (int i = 0; i < nf; i++) {
                    fv[2 * i] = masterFields[i];
                    fv[2 * i + 1] = items.get(p++);
                }
            } else {
                int ef = (int) num(items.get(p++));
                fv = new byte[ef * 2][];
                for (int i = 0; i < ef * 2; i++) fv[i] = items.get(p++);
            }
            p++; // lp-count
            total++;
            if ((flags & FLAG_DELETED) == 0) {
                ids.add(id);
                fvs.add(fv);
            }
        }
        if (!ids.isEmpty()) s.loadNode(master, ids, fvs, total);
    }

    /** One consumer group: its position, its PEL, then its consumers, each naming its share of the PEL. */
    private static void readGroup(RdbReader r, StreamValue s, boolean v2) throws IOException {
        Bytes name = new Bytes(r.readString());
        ID last = new ID(readULength(r), readULength(r));
        long entriesRead = v2 ? readULength(r) : s.estimateDistanceFromFirstEverEntry(last);
        Group g = new Group(last, entriesRead);
        if (s.groups.put(name, g) != null) throw new RdbFormatException("duplicated consumer group name");
        long pel = readULength(r);
        for (long i = 0; i < pel; i++) {
            ID id = idFromKey(r.readBytes(16), 0);
            long time = r.readLe(8);
            long count = readULength(r);
            g.pel.put(id, new Pending(time, count, null));
        }
        long consumers = readULength(r);
        for (long ci = 0; ci < consumers; ci++) {
            Bytes cname = new Bytes(r.readString());
            Consumer c = new Consumer(cname, r.readLe(8));
            g.consumers.put(cname, c);
            long cpel = readULength(r);
            for (long i = 0; i < cpel; i++) {
                ID id = idFromKey(r.readBytes(16), 0);
                Pending p = g.pel.get(id);
                if (p == null || p.consumer() != null) throw new RdbFormatException("consumer PEL entry not in the group PEL");
                p.moveTo(id, c);
            }
        }
        for (Pending p : g.pel.values()) {
            if (p.consumer() == null) throw new RdbFormatException("group PEL entry without a consumer");
        }
    }
}
