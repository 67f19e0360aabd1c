package io.cachelab.engine.keyspace;

import io.cachelab.engine.util.Bytes;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The keys of each hash slot (Redis 7.0's slots_to_keys, db.c slotToKeyAdd/Del): kept only in
 * cluster mode, so CLUSTER COUNTKEYSINSLOT, GETKEYSINSLOT and deleting a slot's keys cost what the
 * slot holds, not the keyspace.
 */
public final class SlotIndex {
    /**
     * Heap per indexed key: a LinkedHashMap entry (hash, key, value, next, before, after: 40 bytes
     * with compressed references), the Bytes wrapper only this index keeps (the keyspace's Dict holds
     * the bare array; 24) and about two table slots; per slot in use, its LinkedHashSet and
     * LinkedHashMap (72). Measured: 1,000,000 keys cost 74 MB more heap after a full GC with
     * cluster-enabled yes than without (Redis 7.0: 16 bytes a key, its slot list links).
     */
    private static final HeapLayout L = HeapModel.layout();
    static final long KEY_BYTES = L.instance(linkedHashMapEntry()) + L.instance(Bytes.class) + 2L * L.ref();
    static final long SLOT_BYTES = L.instance(LinkedHashSet.class) + L.instance(LinkedHashMap.class);
    /** The two per-slot arrays below: 16384 ints and 16384 references. */
    private static final long ARRAYS_BYTES = L.intArray(KeySlot.SLOTS) + L.refArray(KeySlot.SLOTS);

    /** java.util.LinkedHashMap.Entry, a package-private class: named, as HeapLayoutTest names it. */
    private static Class<?> linkedHashMapEntry() {
        try {
            return Class.forName("java.util.LinkedHashMap$Entry");
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int[] counts = new int[KeySlot.SLOTS];
    private long size;
    private int slotsInUse;
    @SuppressWarnings("unchecked")
    private final LinkedHashSet<Bytes>[] keys = new LinkedHashSet[KeySlot.SLOTS];

    void add(Bytes key) {
        int slot = KeySlot.slot(key.array(), 0, key.length());
        LinkedHashSet<Bytes> set = keys[slot];
        if (set == null) {
            keys[slot] = set = new LinkedHashSet<>();
            slotsInUse++;
        }
        if (set.add(key)) {
            counts[slot]++;
            size++;
        }
    }

    void remove(Bytes key) {
        int slot = KeySlot.slot(key.array(), 0, key.length());
        LinkedHashSet<Bytes> set = keys[slot];
        if (set != null && set.remove(key)) {
            counts[slot]--;
            size--;
            if (set.isEmpty()) {
                keys[slot] = null;
                slotsInUse--;
            }
        }
    }

    /** What the index holds on the heap (HeapModel's estimate; INFO used_memory counts it). */
    public long heapBytes() {
        return size * KEY_BYTES + (long) slotsInUse * SLOT_BYTES + ARRAYS_BYTES;
    }

    public int count(int slot) {
        return counts[slot];
    }

    /** Up to {@code max} keys of the slot, the most recently added first (as GETKEYSINSLOT lists them). */
    public List<Bytes> keys(int slot, long max) {
        List<Bytes> out = new ArrayList<>();
        LinkedHashSet<Bytes> set = keys[slot];
        if (set == null || max <= 0) return out;
        List<Bytes> all = new ArrayList<>(set);
        for (int i = all.size() - 1; i >= 0 && out.size() < max; i--) out.add(all.get(i));
        return out;
    }

    /** Every key of the slot (a copy: the caller may delete them). */
    public List<Bytes> all(int slot) {
        LinkedHashSet<Bytes> set = keys[slot];
        return set == null ? new ArrayList<>() : new ArrayList<>(set);
    }

    /** Slots that hold at least one key, ascending. */
    public Iterator<Integer> nonEmptySlots() {
        List<Integer> out = new ArrayList<>();
        for (int s = 0; s < KeySlot.SLOTS; s++) if (counts[s] > 0) out.add(s);
        return out.iterator();
    }
}
