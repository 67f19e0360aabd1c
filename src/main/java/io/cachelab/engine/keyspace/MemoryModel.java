package io.cachelab.engine.keyspace;

import io.cachelab.engine.type.StreamValue;
import io.cachelab.engine.type.HashValue;
import io.cachelab.engine.type.ListValue;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.SetValue;
import io.cachelab.engine.type.StringValue;
import io.cachelab.engine.type.ZSetValue;
import io.cachelab.engine.util.Bytes;

/**
 * What a key would occupy in Redis 7.0 (object.c objectComputeSize + memoryCommand), estimated
 * from the shape of the value rather than measured: jemalloc size classes over the C structures
 * (robj 16, dictEntry 24, sds headers, listpack entries, quicklist nodes of 8 KB, intset widths,
 * skiplist nodes) applied to an element count and a running sum of element bytes that the value
 * types keep in their add/remove methods. Every estimate is O(1); collections use the average
 * element length where Redis would sum per-element allocations.
 *
 * <p>This is what MEMORY USAGE answers: the key's size as Redis would hold it, so a client
 * compares the two servers key by key. used_memory and maxmemory count {@link HeapModel} instead,
 * the same keys as this JVM lays them out (a JVM object costs more than its C struct), so that
 * maxmemory bounds the heap. Both are computed from shapes, never read from the garbage-collected
 * heap, so eviction stays deterministic for the same sequence of commands.
 */
public final class MemoryModel {
    /** used_memory_startup of an empty redis-server 7.0.15 with 16 databases. */
    public static final long BASELINE = 876_032;
    static final int ROBJ = 16;
    static final int DICT_ENTRY = 24;
    static final int DICT = 56;
    static final int QUICKLIST = 40;
    static final int QUICKLIST_NODE = 32;
    static final int LISTPACK_NODE_LIMIT = 8192;
    static final int LISTPACK_HEADER = 7;
    static final int ZSET = 16;
    static final int ZSKIPLIST = 32;
    /** zmalloc_size of the skiplist header node (32 levels). */
    static final int ZSKIPLIST_HEADER = 640;
    /** A skiplist node with the average 1.33 levels, between jemalloc's 48 and 64 classes. */
    static final int ZSKIPLIST_NODE = 56;
    /** A listpack score: small integers take 2 bytes, other doubles their text; an average. */
    static final int LISTPACK_SCORE = 4;

    private MemoryModel() {
    }

    /** jemalloc's size class for a request of {@code n} bytes (four classes per doubling). */
    public static long allocSize(long n) {
        if (n <= 8) return 8;
        if (n <= 128) return (n + 15) & ~15L;
        int k = 63 - Long.numberOfLeadingZeros(n - 1);
        long step = 1L << (k - 2);
        return (n + step - 1) & -step;
    }

    private static int sdsHeader(long len) {
        if (len < 32) return 1;
        if (len < 256) return 3;
        if (len < 65536) return 5;
        return 9;
    }

    /** sdsZmallocSize of a string built with sdsnewlen (keys, set members, hash fields). */
    public static long sdsSize(long len) {
        return allocSize(sdsHeader(len) + len + 1);
    }

    /** Bytes one listpack entry of {@code len} string bytes takes (encoding + data + backlen). */
    static long listpackEntry(long len) {
        long enc = len < 64 ? 1 : len < 4096 ? 2 : 5;
        long body = enc + len;
        long back = body < 128 ? 1 : body < 16384 ? 2 : body < 2097152 ? 3 : body < 268435456 ? 4 : 5;
        return body + back;
    }

    /** What the main dictionary's entry for {@code key} costs beside the value: key sds + dictEntry. */
    public static long keyOverhead(Bytes key) {
        return sdsSize(key.length()) + DICT_ENTRY;
    }

    /** MEMORY USAGE of a key: its sds, its dictEntry and its value. */
    public static long entryBytes(Bytes key, RValue v) {
        return keyOverhead(key) + valueBytes(v);
    }

    /** objectComputeSize, from the counters the value keeps. */
    public static long valueBytes(RValue v) {
        if (v instanceof StringValue s) return stringBytes(s);
        if (v instanceof ListValue l) return listBytes(l.size(), l.elementBytes());
        if (v instanceof HashValue h) return hashBytes(h);
        if (v instanceof SetValue s) return setBytes(s);
        if (v instanceof ZSetValue z) return zsetBytes(z);
        if (v instanceof StreamValue st) return streamBytes(st);
        return ROBJ + 48; // a type this model does not know yet: a small object
    }

    private static long stringBytes(StringValue s) {
        String enc = s.encoding();
        if (enc.equals("int")) return ROBJ;
        if (enc.equals("embstr")) return allocSize(ROBJ + 3 + s.length() + 1);
        long alloc = s.allocated();
        return ROBJ + allocSize(sdsHeader(alloc) + alloc + 1);
    }

    static long listBytes(long count, long elementBytes) {
        long size = ROBJ + QUICKLIST;
        if (count == 0) return size;
        long entries = count * listpackEntry(elementBytes / count) + (elementBytes % count);
        long nodes = Math.max(1, (entries + LISTPACK_NODE_LIMIT - 1) / LISTPACK_NODE_LIMIT);
        long perNode = allocSize(LISTPACK_HEADER + entries / nodes);
        return size + nodes * (QUICKLIST_NODE + perNode);
    }

    private static long hashBytes(HashValue h) {
        long count = h.size();
        long payload = h.payloadBytes();
        if (h.isListpack()) {
            if (count == 0) return ROBJ + allocSize(LISTPACK_HEADER);
            long avg = payload / (2 * count);
            return ROBJ + allocSize(LISTPACK_HEADER + 2 * count * (listpackEntry(avg) - avg) + payload);
        }
        long avg = count == 0 ? 0 : payload / (2 * count);
        return ROBJ + DICT + 8L * h.buckets() + count * (DICT_ENTRY + 2 * sdsSize(avg));
    }

    private static long setBytes(SetValue s) {
        long count = s.size();
        if (s.isIntset()) return ROBJ + allocSize(8 + count * s.intsetWidth());
        long avg = count == 0 ? 0 : s.memberBytes() / count;
        return ROBJ + DICT + 8L * s.buckets() + count * (DICT_ENTRY + sdsSize(avg));
    }

    private static long zsetBytes(ZSetValue z) {
        long count = z.size();
        long members = z.memberBytes();
        if (z.isListpack()) {
            long avg = count == 0 ? 0 : members / count;
            return ROBJ + allocSize(LISTPACK_HEADER + count * (listpackEntry(avg) - avg + LISTPACK_SCORE) + members);
        }
        long avg = count == 0 ? 0 : members / count;
        return ROBJ + ZSET + DICT + 8L * z.dict().buckets() + ZSKIPLIST + ZSKIPLIST_HEADER
                + count * (sdsSize(avg) + DICT_ENTRY + ZSKIPLIST_NODE);
    }

    /** streamRadixTreeMemoryUsage, with a rax of k keys taken as k + 1 nodes. */
    private static long rax(long keys) {
        return keys * 16 + (keys + 1) * (4 + 8 * 30);
    }

    /** objectComputeSize for OBJ_STREAM: the node listpacks, then groups, their PELs and consumers. */
    private static long streamBytes(StreamValue s) {
        long size = ROBJ + 112 + rax(s.nodes.size());
        // A node's listpack is preallocated at 4 KB while it is the tail, and shrunk to fit once closed.
        StreamValue.Node tail = s.nodes.isEmpty() ? null : s.nodes.lastEntry().getValue();
        for (StreamValue.Node n : s.nodes.values()) {
            size += allocSize(n == tail ? Math.max(4096, n.bytes()) : n.bytes());
        }
        if (s.groups.isEmpty()) return size;
        size += rax(s.groups.size());
        for (StreamValue.Group g : s.groups.values()) {
            size += 48 + rax(g.pel.size()) + 24L * g.pel.size();
            for (StreamValue.Consumer c : g.consumers.values()) {
                size += 32 + c.name.length() + rax(c.pel.size()) + 8L * c.pel.size();
            }
        }
        return size;
    }

    /** The bucket arrays and expires entries of a database: Redis counts them as overhead, not dataset. */
    public static long databaseOverhead(Database db) {
        long main = db.dict().size() == 0 ? 0 : 8L * db.dict().buckets();
        long expires = db.expires().size() == 0 ? 0 : 8L * db.expires().buckets() + (long) DICT_ENTRY * db.expires().size();
        return main + expires;
    }
}
