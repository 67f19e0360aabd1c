package io.cachelab.engine.keyspace;

import io.cachelab.engine.type.HashValue;
import io.cachelab.engine.type.ListValue;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.SetValue;
import io.cachelab.engine.type.StringValue;
import io.cachelab.engine.type.ZSetValue;
import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.util.Dict;
import io.cachelab.engine.util.Listpack;

/**
 * What a key occupies in this JVM's heap, the number used_memory and maxmemory count (the role of
 * object.c objectComputeSize and zmalloc_used_memory in Redis, whose allocator knows the bytes
 * exactly). The JVM does not tell an object's size cheaply, so it is computed from the shapes of
 * the classes here under this JVM's {@link HeapLayout}: each class's size from its own fields
 * (util.Dict.Entry, util.Bytes, util.Listpack, the value classes, the boxes of scores and expiry
 * times), taken once at start-up, so a field added to a class is priced without a change here.
 * bench/memory.sh prints INFO used_memory against the measured heap for each data set.
 *
 * <p>Like {@link MemoryModel} (Redis's numbers, which MEMORY USAGE answers) every estimate is O(1):
 * collections in a hashtable or skiplist are priced from their counts and average element length.
 */
public final class HeapModel {
    private static final HeapLayout L = HeapLayout.ofThisJvm();
    static final long ENTRY = L.instance(Dict.Entry.class);      // key, value, next
    static final long DICT = L.instance(Dict.class);             // table, size
    static final long BYTES = L.instance(Bytes.class);           // data, hash
    static final long BOX = L.instance(Long.class);              // an expiry time (Long), a score (Double)
    static final long LISTPACK = L.instance(Listpack.class);     // buf, used, count
    static final long STRING = L.instance(StringValue.class);
    static final long HASH = L.instance(HashValue.class);
    static final long SET = L.instance(SetValue.class);
    static final long ZSET = L.instance(ZSetValue.class);
    static final long LIST = L.instance(ListValue.class);
    static final long SKIPLIST_NODE = L.instance(ZSetValue.Node.class);
    private static final int MAX_LEVEL = 32;
    /** A skiplist node's forward and span arrays, averaged over zslRandomLevel's levels (p = 1/4). */
    static final long SKIPLIST_LEVELS = skiplistLevels();

    private HeapModel() {
    }

    /** The layout every size here is computed with (this JVM's). */
    public static HeapLayout layout() {
        return L;
    }

    private static long skiplistLevels() {
        double expected = 0, p = 0.75;
        for (int level = 1; level <= MAX_LEVEL; level++, p /= 4) {
            double weight = level == MAX_LEVEL ? p * 4 / 3 : p;
            expected += weight * (L.refArray(level) + L.longArray(level));
        }
        return Math.round(expected);
    }

    /** A byte[] of {@code n} bytes. */
    public static long byteArray(long n) {
        return L.byteArray(n);
    }

    static long refArray(long n) {
        return L.refArray(n);
    }

    static long longArray(long n) {
        return L.longArray(n);
    }

    /** A key in its database: the dict entry and the key's bytes (the table slot is database overhead). */
    public static long keyOverhead(Bytes key) {
        return ENTRY + byteArray(key.length());
    }

    public static long entryBytes(Bytes key, RValue v) {
        return keyOverhead(key) + valueBytes(v);
    }

    public static long valueBytes(RValue v) {
        if (v instanceof StringValue s) return STRING + byteArray(s.allocated());
        if (v instanceof HashValue h) return hashBytes(h);
        if (v instanceof SetValue s) return setBytes(s);
        if (v instanceof ZSetValue z) return zsetBytes(z);
        if (v instanceof ListValue l) return listBytes(l);
        // streams and the rest: Redis's estimate, doubled for object headers and references
        return 2 * MemoryModel.valueBytes(v);
    }

    /** A hashtable Dict of {@code count} entries whose keys and values average the given lengths. */
    private static long dictBytes(long count, int buckets, long entryExtra) {
        return DICT + refArray(buckets) + count * (ENTRY + entryExtra);
    }

    private static long hashBytes(HashValue h) {
        if (h.isListpack()) return HASH + LISTPACK + byteArray(h.listpackCapacity());
        long count = h.size();
        long avg = count == 0 ? 0 : h.payloadBytes() / (2 * count);
        return HASH + dictBytes(count, h.buckets(), 2 * byteArray(avg));
    }

    private static long setBytes(SetValue s) {
        long count = s.size();
        // an intset is one array: a width byte, then the integers (util.IntSet)
        if (s.isIntset()) return SET + byteArray(1 + count * s.intsetWidth());
        long avg = count == 0 ? 0 : s.memberBytes() / count;
        return SET + dictBytes(count, s.buckets(), byteArray(avg));
    }

    private static long zsetBytes(ZSetValue z) {
        if (z.isListpack()) return ZSET + LISTPACK + byteArray(z.listpackCapacity());
        long count = z.size();
        long avg = count == 0 ? 0 : z.memberBytes() / count;
        long header = SKIPLIST_NODE + refArray(MAX_LEVEL) + longArray(MAX_LEVEL);
        // per member: the dict's entry and boxed score, the node with its level arrays, the member's Bytes and array
        long perMember = BOX + SKIPLIST_NODE + SKIPLIST_LEVELS + BYTES + byteArray(avg);
        return ZSET + header + dictBytes(count, z.dict().buckets(), perMember);
    }

    private static long listBytes(ListValue l) {
        long count = l.size();
        long avg = count == 0 ? 0 : l.elementBytes() / count;
        return LIST + refArray(l.capacity()) + count * byteArray(avg);
    }

    /**
     * A database's tables: the main dict's slots, the expires dict's slots, entries and boxed times,
     * and in cluster mode the per-slot key index.
     */
    public static long databaseOverhead(Database db) {
        long main = db.dict().size() == 0 ? 0 : refArray(db.dict().buckets());
        long expires = db.expires().size() == 0 ? 0
                : refArray(db.expires().buckets()) + (long) (ENTRY + BOX) * db.expires().size();
        SlotIndex slots = db.slotIndex();
        return main + expires + (slots == null || db.dict().size() == 0 ? 0 : slots.heapBytes());
    }
}
