package io.cachelab.engine.type;

import io.cachelab.engine.util.Dict;
import io.cachelab.engine.util.Bytes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A hash value with Redis 7.0's two encodings (t_hash.c). While small it is a "listpack": fields
 * and values in insertion order in two parallel arrays, searched linearly, so HGETALL/HKEYS of a
 * small hash answer in the order Redis does. Past hash-max-listpack-entries, or once a field or
 * value longer than hash-max-listpack-value is written, it becomes a {@link Dict} for good, which
 * gives HSCAN the SCAN cursor guarantees and HRANDFIELD fair sampling. The linear search is what
 * Redis's listpack does too, and bounded by the same threshold. The thresholds come from
 * the caller (the commands read the live config) because a value does not know the server.
 */
public final class HashValue extends RValue {
    private static final int INITIAL_LISTPACK = 8;

    private Bytes[] lpFields;
    private byte[][] lpValues;
    private int lpSize;
    private Dict<Bytes, byte[]> table;
    /** Sum of field and value lengths, kept by set/remove so memory accounting is O(1). */
    private long payloadBytes;

    public HashValue() {
        lpFields = new Bytes[INITIAL_LISTPACK];
        lpValues = new byte[INITIAL_LISTPACK][];
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
        return table == null ? lpSize : table.size();
    }

    public long payloadBytes() {
        return payloadBytes;
    }

    /** Hash-table buckets (0 while a listpack), for memory accounting. */
    public int buckets() {
        return table == null ? 0 : table.buckets();
    }

    private int indexOf(Bytes field) {
        for (int i = 0; i < lpSize; i++) {
            if (lpFields[i].equals(field)) return i;
        }
        return -1;
    }

    public byte[] get(Bytes field) {
        if (table != null) return table.get(field);
        int i = indexOf(field);
        return i < 0 ? null : lpValues[i];
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
        int i = indexOf(field);
        if (i >= 0) {
            payloadBytes += value.length - lpValues[i].length;
            lpValues[i] = value;
            return false;
        }
        payloadBytes += field.length() + value.length;
        if (lpSize == lpFields.length) {
            lpFields = Arrays.copyOf(lpFields, lpSize * 2);
            lpValues = Arrays.copyOf(lpValues, lpSize * 2);
        }
        lpFields[lpSize] = field;
        lpValues[lpSize] = value;
        lpSize++;
        if (lpSize > maxEntries) convertToTable();
        return true;
    }

    public boolean remove(Bytes field) {
        if (table != null) {
            byte[] old = table.remove(field);
            if (old == null) return false;
            payloadBytes -= field.length() + old.length;
            return true;
        }
        int i = indexOf(field);
        if (i < 0) return false;
        payloadBytes -= field.length() + lpValues[i].length;
        int tail = lpSize - i - 1;
        System.arraycopy(lpFields, i + 1, lpFields, i, tail);
        System.arraycopy(lpValues, i + 1, lpValues, i, tail);
        lpSize--;
        lpFields[lpSize] = null;
        lpValues[lpSize] = null;
        return true;
    }

    public void convertToTable() {
        if (table != null) return;
        Dict<Bytes, byte[]> t = new Dict<>(lpSize);
        for (int i = 0; i < lpSize; i++) t.put(lpFields[i], lpValues[i]);
        table = t;
        lpFields = null;
        lpValues = null;
        lpSize = 0;
    }

    /** Visits every field and value in encoding order (insertion order while a listpack). */
    public void forEach(BiConsumer<Bytes, byte[]> visitor) {
        if (table == null) {
            for (int i = 0; i < lpSize; i++) visitor.accept(lpFields[i], lpValues[i]);
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
        return lpSize == 0 ? null : lpFields[ThreadLocalRandom.current().nextInt(lpSize)];
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
            h.lpFields = Arrays.copyOf(lpFields, lpFields.length);
            h.lpValues = Arrays.copyOf(lpValues, lpValues.length);
            h.lpSize = lpSize;
        } else {
            h.table = new Dict<>(table.size());
            h.lpFields = null;
            h.lpValues = null;
            for (Dict.Entry<Bytes, byte[]> e : table) h.table.put(e.key(), e.value());
        }
        return h;
    }

    /** The hashtable encoding's table, null while compact (DEBUG HTSTATS-KEY). */
    public Dict<Bytes, byte[]> hashTable() {
        return table;
    }
}
