package io.cachelab.engine.keyspace;

import io.cachelab.engine.util.Bytes;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The keys of each hash slot (Redis 7.0's slots_to_keys, db.c slotToKeyAdd/Del): kept only in
 * cluster mode, so CLUSTER COUNTKEYSINSLOT, GETKEYSINSLOT and deleting a slot's keys cost what the
 * slot holds, not the keyspace.
 */
public final class SlotIndex {
    private final int[] counts = new int[KeySlot.SLOTS];
    @SuppressWarnings("unchecked")
    private final LinkedHashSet<Bytes>[] keys = new LinkedHashSet[KeySlot.SLOTS];

    void add(Bytes key) {
        int slot = KeySlot.slot(key.array(), 0, key.length());
        LinkedHashSet<Bytes> set = keys[slot];
        if (set == null) keys[slot] = set = new LinkedHashSet<>();
        if (set.add(key)) counts[slot]++;
    }

    void remove(Bytes key) {
        int slot = KeySlot.slot(key.array(), 0, key.length());
        LinkedHashSet<Bytes> set = keys[slot];
        if (set != null && set.remove(key)) {
            counts[slot]--;
            if (set.isEmpty()) keys[slot] = null;
        }
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
