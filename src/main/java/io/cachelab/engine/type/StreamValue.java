package io.cachelab.engine.type;

import io.cachelab.engine.util.Bytes;

import java.util.Map;
import java.util.TreeMap;

/**
 * A stream (Redis's stream.h / t_stream.c). Entries live in a TreeMap ordered by ID: it gives the
 * ordered range walks, seeks and first/last lookups Redis gets from its radix tree of listpacks,
 * without re-implementing the node packing that only matters for memory. The counters that 7.0
 * keeps for consumer-group lag (entries-added, max-deleted-id, recorded first ID) are kept exactly
 * as Redis keeps them, because XINFO reports them and lag is estimated from them. Groups and
 * consumers are TreeMaps by name since Redis's rax iterates them in byte order.
 */
public final class StreamValue extends RValue {
    /** A stream ID: two unsigned 64-bit numbers compared as such. */
    public record ID(long ms, long seq) implements Comparable<ID> {
        public static final ID ZERO = new ID(0, 0);
        public static final ID MAX = new ID(-1L, -1L);

        @Override
        public int compareTo(ID o) {
            int c = Long.compareUnsigned(ms, o.ms);
            return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
        }

        public boolean isZero() {
            return ms == 0 && seq == 0;
        }

        /** The next ID, or null when this is the largest one. */
        public ID next() {
            if (seq != -1L) return new ID(ms, seq + 1);
            if (ms != -1L) return new ID(ms + 1, 0);
            return null;
        }

        /** The previous ID, or null when this is 0-0. */
        public ID prev() {
            if (seq != 0) return new ID(ms, seq - 1);
            if (ms != 0) return new ID(ms - 1, -1L);
            return null;
        }

        @Override
        public String toString() {
            return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
        }

        public byte[] bytes() {
            return toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /** One pending entry: shared by the group PEL and the owning consumer's PEL, as in Redis. */
    public static final class Pending {
        private long deliveryTime;
        private long deliveryCount;
        private Consumer consumer;

        public Pending(long deliveryTime, long deliveryCount, Consumer consumer) {
            this.deliveryTime = deliveryTime;
            this.deliveryCount = deliveryCount;
            this.consumer = consumer;
        }

        public long deliveryTime() {
            return deliveryTime;
        }

        public long deliveryCount() {
            return deliveryCount;
        }

        /** The owning consumer; null only while XCLAIM FORCE or RDB loading has not assigned one yet. */
        public Consumer consumer() {
            return consumer;
        }

        /** A delivery at {@code time} that leaves the entry with {@code count} deliveries (XCLAIM TIME/RETRYCOUNT). */
        public void delivered(long time, long count) {
            deliveryTime = time;
            deliveryCount = count;
        }

        /** One more delivery at {@code now}: the consumer reads its history again. */
        public void deliveredAgain(long now) {
            deliveryTime = now;
            deliveryCount++;
        }

        /** Gives entry {@code id} to {@code to}, out of its current owner's PEL (streamClaim's consumer change). */
        public void moveTo(ID id, Consumer to) {
            if (consumer == to) return;
            if (consumer != null) consumer.pel.remove(id);
            to.pel.put(id, this);
            consumer = to;
        }
    }

    public static final class Consumer {
        public final Bytes name;
        private long seenTime;
        public final TreeMap<ID, Pending> pel = new TreeMap<>();

        public Consumer(Bytes name, long seenTime) {
            this.name = name;
            this.seenTime = seenTime;
        }

        /** When the consumer was last seen (its seen-time), in ms. */
        public long seenTime() {
            return seenTime;
        }

        /** The consumer was seen at {@code now}: a read or claim named it. */
        public void touchSeen(long now) {
            seenTime = now;
        }
    }

    public static final class Group {
        private ID lastId;
        /** -1 is Redis's SCG_INVALID_ENTRIES_READ. */
        private long entriesRead;
        public final TreeMap<ID, Pending> pel = new TreeMap<>();
        public final TreeMap<Bytes, Consumer> consumers = new TreeMap<>();

        public Group(ID lastId, long entriesRead) {
            this.lastId = lastId;
            this.entriesRead = entriesRead;
        }

        /** The last ID delivered to the group. */
        public ID lastId() {
            return lastId;
        }

        /** How many entries the group has read, or {@link #INVALID_ENTRIES_READ} when unknown. */
        public long entriesRead() {
            return entriesRead;
        }

        /** XGROUP SETID: the group's position, set outright. */
        public void setPosition(ID lastId, long entriesRead) {
            this.lastId = lastId;
            this.entriesRead = entriesRead;
        }

        /** XCLAIM LASTID: moves the last ID forward, never back; true if it moved. */
        public boolean raiseLastId(ID id) {
            if (id.compareTo(lastId) <= 0) return false;
            lastId = id;
            return true;
        }
    }

    public static final long INVALID_ENTRIES_READ = -1;

    /**
     * The listpack node an entry would live in. Redis's trimming with "~" and LIMIT works in whole
     * nodes, so their boundaries are observable; we keep only what decides them: which entries a
     * node holds (by its first and last ID), live and total (live + deleted) counts and an estimate
     * of the listpack's bytes.
     */
    public static final class Node {
        private ID last;
        private int valid;
        private int total;
        private long bytes;
        private byte[][] masterFields;

        /** The ID of the node's last entry, live or deleted. */
        public ID last() {
            return last;
        }

        /** Live entries. */
        public int valid() {
            return valid;
        }

        /** Live and deleted entries. */
        public int total() {
            return total;
        }

        /** The estimated size of the node's listpack. */
        public long bytes() {
            return bytes;
        }
    }

    /** Field/value pairs flattened: f1, v1, f2, v2, ... */
    public final TreeMap<ID, byte[][]> entries = new TreeMap<>();
    private ID lastId = ID.ZERO;
    private ID firstId = ID.ZERO;
    private ID maxDeletedId = ID.ZERO;
    private long entriesAdded;
    public final TreeMap<Bytes, Group> groups = new TreeMap<>();
    /** Nodes by their master (first) ID. */
    public final TreeMap<ID, Node> nodes = new TreeMap<>();
    /** Sum of field and value lengths, for memory accounting. */
    private long payloadBytes;

    @Override
    public RType type() {
        return RType.STREAM;
    }

    @Override
    public String encoding() {
        return "stream";
    }

    public long length() {
        return entries.size();
    }

    /** The top ID: the largest ever added or set by XSETID. */
    public ID lastId() {
        return lastId;
    }

    /** The first entry's ID as Redis records it (0-0 when empty). */
    public ID firstId() {
        return firstId;
    }

    /** The largest ID ever deleted (XDEL), 0-0 if none. */
    public ID maxDeletedId() {
        return maxDeletedId;
    }

    /** How many entries were ever added. */
    public long entriesAdded() {
        return entriesAdded;
    }

    /** Sum of field and value lengths, for memory accounting. */
    public long payloadBytes() {
        return payloadBytes;
    }

    /** XSETID: entriesAdded -1 and a zero maxDeletedId leave those counters as they are. */
    public void setId(ID lastId, long entriesAdded, ID maxDeletedId) {
        this.lastId = lastId;
        if (entriesAdded != -1) this.entriesAdded = entriesAdded;
        if (!maxDeletedId.isZero()) this.maxDeletedId = maxDeletedId;
    }

    /** RDB loading: the stream's recorded IDs and counter, after its entries. */
    public void loadIds(ID lastId, ID firstId, ID maxDeletedId, long entriesAdded) {
        this.lastId = lastId;
        this.firstId = firstId;
        this.maxDeletedId = maxDeletedId;
        this.entriesAdded = entriesAdded;
    }

    /**
     * Entry {@code id} is delivered to {@code g} (streamReplyWithRange): the group's last ID moves to it
     * and entries_read follows when it can be known, else is estimated.
     */
    public void moveGroupTo(Group g, ID id) {
        g.lastId = id;
        if (g.entriesRead != INVALID_ENTRIES_READ && !rangeHasTombstones(id, null)) {
            g.entriesRead++;
        } else if (entriesAdded > 0) {
            g.entriesRead = estimateDistanceFromFirstEverEntry(id);
        }
    }

    public void append(ID id, byte[][] fieldsValues, int nodeMaxEntries, long nodeMaxBytes) {
        if (entries.isEmpty()) firstId = id;
        entries.put(id, fieldsValues);
        long eleBytes = 0;
        for (byte[] b : fieldsValues) eleBytes += b.length;
        Map.Entry<ID, Node> tail = nodes.lastEntry();
        Node node = tail == null ? null : tail.getValue();
        if (node != null) {
            long maxBytes = nodeMaxBytes == 0 || nodeMaxBytes > (1L << 30) ? (1L << 30) : nodeMaxBytes;
            if (node.bytes + eleBytes >= maxBytes) node = null;
            else if (nodeMaxEntries != 0 && node.total >= nodeMaxEntries) node = null;
        }
        if (node == null) {
            node = new Node();
            node.masterFields = new byte[fieldsValues.length / 2][];
            long b = 7 + 8;
            for (int i = 0; i < fieldsValues.length; i += 2) {
                node.masterFields[i / 2] = fieldsValues[i];
                b += fieldsValues[i].length + 2;
            }
            node.bytes = b;
            nodes.put(id, node);
        }
        boolean sameFields = node.masterFields.length * 2 == fieldsValues.length;
        for (int i = 0; sameFields && i < fieldsValues.length; i += 2) {
            sameFields = java.util.Arrays.equals(node.masterFields[i / 2], fieldsValues[i]);
        }
        long eb = 8;
        for (int i = 0; i < fieldsValues.length; i++) {
            if (i % 2 == 0 && sameFields) continue;
            eb += fieldsValues[i].length + 2;
        }
        node.bytes += eb;
        node.valid++;
        node.total++;
        node.last = id;
        for (byte[] b : fieldsValues) payloadBytes += b.length;
        lastId = id;
        entriesAdded++;
    }

    /** RDB loading: one node's live entries, as they were packed. */
    public void loadNode(ID master, java.util.List<ID> ids, java.util.List<byte[][]> fvs, int total) {
        Node node = new Node();
        node.masterFields = new byte[fvs.get(0).length / 2][];
        for (int i = 0; i < node.masterFields.length; i++) node.masterFields[i] = fvs.get(0)[2 * i];
        for (int i = 0; i < ids.size(); i++) {
            byte[][] fv = fvs.get(i);
            entries.put(ids.get(i), fv);
            for (byte[] b : fv) {
                payloadBytes += b.length;
                node.bytes += b.length + 2;
            }
            node.bytes += 8;
        }
        node.valid = ids.size();
        node.total = total;
        node.last = ids.get(ids.size() - 1);
        nodes.put(master, node);
    }

    /** XDEL of one entry; true if it existed. */
    public boolean delete(ID id) {
        byte[][] fv = entries.remove(id);
        if (fv == null) return false;
        for (byte[] b : fv) payloadBytes -= b.length;
        if (maxDeletedId.compareTo(id) < 0) maxDeletedId = id;
        Map.Entry<ID, Node> ne = nodes.floorEntry(id);
        if (ne != null) {
            Node n = ne.getValue();
            if (n.valid == 1) nodes.remove(ne.getKey());
            else n.valid--;
        }
        if (id.equals(firstId)) recomputeFirst();
        return true;
    }

    private void removeFirstEntry() {
        Map.Entry<ID, byte[][]> e = entries.pollFirstEntry();
        for (byte[] b : e.getValue()) payloadBytes -= b.length;
    }

    /**
     * streamTrim: whole head nodes go while the condition allows; with {@code approx} that is all,
     * otherwise the next node loses single entries. {@code minid} null means MAXLEN; {@code limit}
     * 0 means unlimited. Returns the number of entries removed.
     */
    public long trim(long maxlen, ID minid, boolean approx, long limit) {
        long deleted = 0;
        while (!nodes.isEmpty()) {
            if (minid == null && length() <= maxlen) break;
            Map.Entry<ID, Node> ne = nodes.firstEntry();
            Node n = ne.getValue();
            if (limit > 0 && deleted + n.valid > limit) break;
            boolean removeNode = minid == null ? length() - n.valid >= maxlen : n.last.compareTo(minid) < 0;
            if (removeNode) {
                for (int i = 0; i < n.valid; i++) removeFirstEntry();
                deleted += n.valid;
                nodes.pollFirstEntry();
                continue;
            }
            if (approx) break;
            while (n.valid > 0) {
                if (minid == null ? length() <= maxlen : entries.firstKey().compareTo(minid) >= 0) break;
                removeFirstEntry();
                n.valid--;
                deleted++;
            }
            if (n.valid == 0) nodes.pollFirstEntry();
            break;
        }
        if (entries.isEmpty() || deleted > 0) recomputeFirst();
        return deleted;
    }

    public void recomputeFirst() {
        firstId = entries.isEmpty() ? ID.ZERO : entries.firstKey();
    }

    /** streamRangeHasTombstones. */
    public boolean rangeHasTombstones(ID start, ID end) {
        if (entries.isEmpty() || maxDeletedId.isZero()) return false;
        if (firstId.compareTo(maxDeletedId) > 0) return false;
        ID s = start == null ? ID.ZERO : start;
        ID e = end == null ? ID.MAX : end;
        return s.compareTo(maxDeletedId) <= 0 && maxDeletedId.compareTo(e) <= 0;
    }

    /** streamEstimateDistanceFromFirstEverEntry. */
    public long estimateDistanceFromFirstEverEntry(ID id) {
        if (entriesAdded == 0) return 0;
        if (entries.isEmpty() && id.compareTo(lastId) < 1) return entriesAdded;
        int cmpLast = id.compareTo(lastId);
        if (cmpLast == 0) return entriesAdded;
        if (cmpLast > 0) return INVALID_ENTRIES_READ;
        int cmpFirst = id.compareTo(firstId);
        if (maxDeletedId.isZero() || maxDeletedId.compareTo(firstId) < 0) {
            if (cmpFirst < 0) return entriesAdded - length();
            if (cmpFirst == 0) return entriesAdded - length() + 1;
        }
        return INVALID_ENTRIES_READ;
    }

    /** The lag XINFO reports, or null when it cannot be known (streamReplyWithCGLag). */
    public Long lag(Group g) {
        if (entriesAdded == 0) return 0L;
        if (g.entriesRead != INVALID_ENTRIES_READ && !rangeHasTombstones(g.lastId, null)) return entriesAdded - g.entriesRead;
        long read = estimateDistanceFromFirstEverEntry(g.lastId);
        return read == INVALID_ENTRIES_READ ? null : entriesAdded - read;
    }

    @Override
    public StreamValue copy() {
        StreamValue s = new StreamValue();
        for (Map.Entry<ID, byte[][]> e : entries.entrySet()) s.entries.put(e.getKey(), e.getValue().clone());
        s.lastId = lastId;
        s.firstId = firstId;
        s.maxDeletedId = maxDeletedId;
        s.entriesAdded = entriesAdded;
        s.payloadBytes = payloadBytes;
        for (Map.Entry<ID, Node> ne : nodes.entrySet()) {
            Node o = ne.getValue();
            Node n = new Node();
            n.last = o.last;
            n.valid = o.valid;
            n.total = o.total;
            n.bytes = o.bytes;
            n.masterFields = o.masterFields;
            s.nodes.put(ne.getKey(), n);
        }
        for (Map.Entry<Bytes, Group> ge : groups.entrySet()) {
            Group g = ge.getValue();
            Group ng = new Group(g.lastId, g.entriesRead);
            for (Consumer cons : g.consumers.values()) {
                Consumer nc = new Consumer(cons.name, cons.seenTime);
                ng.consumers.put(cons.name, nc);
            }
            for (Map.Entry<ID, Pending> pe : g.pel.entrySet()) {
                Pending p = pe.getValue();
                Consumer nc = ng.consumers.get(p.consumer.name);
                Pending np = new Pending(p.deliveryTime, p.deliveryCount, nc);
                ng.pel.put(pe.getKey(), np);
                nc.pel.put(pe.getKey(), np);
            }
            s.groups.put(ge.getKey(), ng);
        }
        return s;
    }
}
