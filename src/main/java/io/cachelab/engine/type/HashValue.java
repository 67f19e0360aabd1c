package io.cachelab.engine.type;

import io.cachelab.engine.util.Dict;
import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.util.Listpack;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A hash value with Redis 7.0's two encodings (t_hash.c). While small it is a listpack: fields
 * and values in insertion order packed into one byte array ({@link Listpack}), searched linearly, so HGETALL/HKEYS of a
 * small hash answer in the order Redis does. Past hash-max-listpack-entries, or once a field or
 * value longer than hash-max-listpack-value is written, it becomes a {@link Dict} for good, which
 * gives HSCAN the SCAN cursor guarantees and HRANDFIELD fair sampling. The linear search is what
 * Redis's listpack does too, and bounded by the same threshold. The thresholds come from
 * the caller (the commands read the live config) because a value does not know the server.
 */
public final class HashValue extends RValue {
    private static final int INITIAL_LISTPACK_BYTES = 0;

    /** The small encoding: field, value, field, value... in insertion order; null once a table. */
    private Listpack lp;
    private Dict<Bytes, byte[]> table;
    /** Sum of field and value lengths, kept by set/remove so memory accounting is O(1). */
    private long payloadBytes;

    public HashValue() {
        lp = new Listpack(INITIAL_LISTPACK_BYTES);
    }

    @Override
    public RType type() {
        return RType.HASH;
    }

    @Override
    public String encoding() {
        return table == null ? "listpack" : "hashtable";
    }

    public boolean isListpack() {
        return table == null;
    }

    public int size() {
        return table == null ? lp.count() / 2 : table.size();
    }

    public long payloadBytes() {
        return payloadBytes;
    }

    /** The listpack encoding's bytes allocated, 0 once a hashtable (memory accounting). */
    public int listpackCapacity() {
        return table == null ? lp.capacity() : 0;
    }

    /** Hash-table buckets (0 while a listpack), for memory accounting. */
    public int buckets() {
        return table == null ? 0 : table.buckets();
    }

    /** The offset of the field's entry in the listpack, or -1. */
    private int indexOf(Bytes field) {
        byte[] f = field.array();
        for (int o = 0; o < lp.end(); o = lp.next(lp.next(o))) {
            if (lp.equalsAt(o, f)) return o;
        }
        return -1;
    }

    public byte[] get(Bytes field) {
        if (table != null) return table.get(field);
        int o = indexOf(field);
        return o < 0 ? null : lp.get(lp.next(o));
    }

    public boolean contains(Bytes field) {
        return table != null ? table.containsKey(field) : indexOf(field) >= 0;
    }

    /**
     * hashTypeSet: sets a field, true if it was new. A listpack becomes a hashtable when the field or
     * value is longer than {@code maxValueLen} or it grows past {@code maxEntries} fields.
     */
    public boolean set(Bytes field, byte[] value, int maxEntries, int maxValueLen) {
        if (table == null && (field.length() > maxValueLen || value.length > maxValueLen)) convertToTable();
        if (table != null) {
            byte[] old = table.put(field, value);
            payloadBytes += old == null ? field.length() + value.length : value.length - old.length;
            return old == null;
        }
        int o = indexOf(field);
        if (o >= 0) {
            int v = lp.next(o);
            payloadBytes += value.length - lp.length(v);
            lp.replace(v, value);
            return false;
        }
        payloadBytes += field.length() + value.length;
        lp.append(field.array());
        lp.append(value);
        if (size() > maxEntries) convertToTable();
        return true;
    }

    public boolean remove(Bytes field) {
        if (table != null) {
            byte[] old = table.remove(field);
            if (old == null) return false;
            payloadBytes -= field.length() + old.length;
            return true;
        }
        int o = indexOf(field);
        if (o < 0) return false;
        payloadBytes -= field.length() + lp.length(lp.next(o));
        lp.remove(o, 2);
        return true;
    }

    public void convertToTable() {
        if (table != null) return;
        Dict<Bytes, byte[]> t = new Dict<>(size());
        forEach(t::put);
        table = t;
        lp = null;
    }

    /** Visits every field and value in encoding order (insertion order while a listpack). */
    public void forEach(BiConsumer<Bytes, byte[]> visitor) {
        if (table == null) {
            for (int o = 0; o < lp.end(); ) {
                int v = lp.next(o);
                visitor.accept(new Bytes(lp.get(o)), lp.get(v));
                o = lp.next(v);
            }
        } else {
            for (Dict.Entry<Bytes, byte[]> e : table) visitor.accept(e.key(), e.value());
        }
    }

    /** Snapshot of the fields in encoding order. */
    public List<Bytes> fields() {
        List<Bytes> out = new ArrayList<>(size());
        forEach((f, v) -> out.add(f));
        return out;
    }

    /** A random field (uniform in a listpack, dictGetFairRandomKey in a hashtable); null when empty. */
    public Bytes randomField() {
        if (table != null) return SetValue.fairRandomKey(table);
        if (lp.count() == 0) return null;
        int o = 0;
        for (int skip = 2 * ThreadLocalRandom.current().nextInt(size()); skip > 0; skip--) o = lp.next(o);
        return new Bytes(lp.get(o));
    }

    /** One HSCAN step over the hashtable encoding (callers return a listpack whole). */
    public long scan(long cursor, BiConsumer<Bytes, byte[]> visitor) {
        if (table == null) {
            forEach(visitor);
            return 0;
        }
        return table.scan(cursor, visitor);
    }

    @Override
    public RValue copy() {
        HashValue h = new HashValue();
        h.payloadBytes = payloadBytes;
        if (table == null) {
            h.lp = lp.copy();
        } else {
            h.table = new Dict<>(table.size());
            h.lp = null;
            for (Dict.Entry<Bytes, byte[]> e : table) h.table.put(e.key(), e.value());
        }
        return h;
    }

    /** The hashtable encoding's table, null while compact (DEBUG HTSTATS-KEY). */
    public Dict<Bytes, byte[]> hashTable() {
        return table;
    }
}
