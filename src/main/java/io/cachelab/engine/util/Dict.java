package io.cachelab.engine.util;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A chained hash table with power-of-two sizes, shaped like Redis's dict.c for two reasons a
 * java.util.HashMap cannot serve: SCAN's reverse-binary cursor (every element present for the whole
 * scan is returned at least once, even if the table grows or shrinks between calls) and fair random
 * sampling of entries (RANDOMKEY, SPOP, active expiry and eviction sample buckets).
 * Resizing rehashes at once rather than incrementally; the cursor guarantee holds either way.
 *
 * <p>An entry is dictEntry's three words and no more: key, value, next. A {@link Bytes} key is
 * kept as its bare array (the wrapper is rebuilt when a caller asks for the key) and no hash is
 * cached (resizing rehashes the bytes), so a small key costs its array and 24 bytes of entry
 * rather than entry, wrapper and array at 80.
 */
public final class Dict<K, V> implements Iterable<Dict.Entry<K, V>> {
    public static final class Entry<K, V> {
        /** The key, or a Bytes key's array. */
        final Object key;
        V value;
        Entry<K, V> next;

        Entry(Object key, V value, Entry<K, V> next) {
            this.key = key;
            this.value = value;
            this.next = next;
        }

        /** The key (a Bytes key is a new wrapper over the stored array). */
        @SuppressWarnings("unchecked")
        public K key() {
            return key instanceof byte[] b ? (K) new Bytes(b) : (K) key;
        }

        int hash() {
            return spread(key instanceof byte[] b ? Bytes.hashOf(b) : key.hashCode());
        }

        boolean holds(Object k) {
            if (key instanceof byte[] b) return k instanceof Bytes other && Arrays.equals(b, other.array());
            return key == k || key.equals(k);
        }

        public V value() {
            return value;
        }

        public void setValue(V v) {
            value = v;
        }
    }

    private static final int MIN_SIZE = 4;

    private Entry<K, V>[] table;
    private int size;

    public Dict() {
        this(MIN_SIZE);
    }

    @SuppressWarnings("unchecked")
    public Dict(int capacity) {
        int n = MIN_SIZE;
        while (n < capacity) n <<= 1;
        table = (Entry<K, V>[]) new Entry[n];
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    private static Object stored(Object key) {
        return key instanceof Bytes b ? b.array() : key;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int buckets() {
        return table.length;
    }

    public Entry<K, V> getEntry(Object key) {
        int h = spread(key.hashCode());
        for (Entry<K, V> e = table[h & (table.length - 1)]; e != null; e = e.next) {
            if (e.holds(key)) return e;
        }
        return null;
    }

    public V get(Object key) {
        Entry<K, V> e = getEntry(key);
        return e == null ? null : e.value;
    }

    public boolean containsKey(Object key) {
        return getEntry(key) != null;
    }

    /** Puts and returns the previous value, or null. */
    public V put(K key, V value) {
        int i = spread(key.hashCode()) & (table.length - 1);
        for (Entry<K, V> e = table[i]; e != null; e = e.next) {
            if (e.holds(key)) {
                V old = e.value;
                e.value = value;
                return old;
            }
        }
        table[i] = new Entry<>(stored(key), value, table[i]);
        if (++size > table.length) resize(table.length << 1);
        return null;
    }

    public V remove(Object key) {
        int i = spread(key.hashCode()) & (table.length - 1);
        Entry<K, V> prev = null;
        for (Entry<K, V> e = table[i]; e != null; prev = e, e = e.next) {
            if (e.holds(key)) {
                if (prev == null) table[i] = e.next;
                else prev.next = e.next;
                size--;
                if (table.length > MIN_SIZE && size < table.length / 8) resize(table.length >> 1);
                return e.value;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    public void clear() {
        table = (Entry<K, V>[]) new Entry[MIN_SIZE];
        size = 0;
    }

    @SuppressWarnings("unchecked")
    private void resize(int n) {
        if (n < MIN_SIZE) n = MIN_SIZE;
        Entry<K, V>[] old = table;
        Entry<K, V>[] t = (Entry<K, V>[]) new Entry[n];
        for (Entry<K, V> head : old) {
            for (Entry<K, V> e = head; e != null; ) {
                Entry<K, V> next = e.next;
                int i = e.hash() & (n - 1);
                e.next = t[i];
                t[i] = e;
                e = next;
            }
        }
        table = t;
    }

    /** A uniformly chosen bucket's random element; null when empty. Same bias as Redis's dictGetRandomKey. */
    public Entry<K, V> randomEntry() {
        if (size == 0) return null;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        Entry<K, V> head;
        do {
            head = table[rnd.nextInt(table.length)];
        } while (head == null);
        int len = 0;
        for (Entry<K, V> e = head; e != null; e = e.next) len++;
        int pick = rnd.nextInt(len);
        Entry<K, V> e = head;
        while (pick-- > 0) e = e.next;
        return e;
    }

    /**
     * Up to {@code count} entries from consecutive buckets starting at a random one (dictGetSomeKeys):
     * cheap sampling for expiry and eviction, not uniform.
     */
    public List<Entry<K, V>> sample(int count) {
        List<Entry<K, V>> out = new ArrayList<>(Math.min(count, size));
        if (size == 0) return out;
        int mask = table.length - 1;
        int i = ThreadLocalRandom.current().nextInt(table.length);
        int emptyRun = 0;
        for (int steps = 0; steps < table.length && out.size() < count; steps++, i = (i + 1) & mask) {
            Entry<K, V> e = table[i];
            if (e == null) {
                if (++emptyRun >= 5 && emptyRun > count) {
                    i = ThreadLocalRandom.current().nextInt(table.length) - 1 & mask;
                    emptyRun = 0;
                }
                continue;
            }
            emptyRun = 0;
            for (; e != null && out.size() < count; e = e.next) out.add(e);
        }
        return out;
    }

    /**
     * Visits the bucket at {@code cursor} and returns the next cursor (0 when done), iterating the
     * cursor's bits reversed so a resize between calls never skips an element (dictScan).
     */
    public long scan(long cursor, BiConsumer<K, V> visitor) {
        if (size == 0) return 0;
        long mask = table.length - 1;
        long v = cursor;
        for (Entry<K, V> e = table[(int) (v & mask)]; e != null; e = e.next) visitor.accept(e.key(), e.value);
        v |= ~mask;
        v = Long.reverse(v);
        v++;
        v = Long.reverse(v);
        return v;
    }

    @Override
    public Iterator<Entry<K, V>> iterator() {
        return new Iterator<>() {
            int bucket = -1;
            Entry<K, V> next = advance(null);

            private Entry<K, V> advance(Entry<K, V> from) {
                if (from != null && from.next != null) return from.next;
                while (++bucket < table.length) {
                    if (table[bucket] != null) return table[bucket];
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Entry<K, V> next() {
                if (next == null) throw new NoSuchElementException();
                Entry<K, V> e = next;
                next = advance(e);
                return e;
            }
        };
    }

    /** Snapshot of the keys, safe to iterate while the dict changes. */
    public List<K> keys() {
        List<K> out = new ArrayList<>(size);
        for (Entry<K, V> e : this) out.add(e.key());
        return out;
    }

    /** dictGetStats (DEBUG HTSTATS-KEY): one table, as this dict rehashes at once. */
    public String stats() {
        final int vectLen = 50; // DICT_STATS_VECTLEN
        if (size == 0) return "Hash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n";
        long[] clvector = new long[vectLen];
        long slots = 0;
        long maxChain = 0;
        long totChain = 0;
        for (Entry<K, V> head : table) {
            if (head == null) {
                clvector[0]++;
                continue;
            }
            slots++;
            long chain = 0;
            for (Entry<K, V> e = head; e != null; e = e.next) chain++;
            clvector[(int) Math.min(chain, vectLen - 1)]++;
            maxChain = Math.max(maxChain, chain);
            totChain += chain;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Hash table 0 stats (main hash table):\n")
                .append(" table size: ").append(table.length).append('\n')
                .append(" number of elements: ").append(size).append('\n')
                .append(" different slots: ").append(slots).append('\n')
                .append(" max chain length: ").append(maxChain).append('\n')
                .append(" avg chain length (counted): ").append(String.format(java.util.Locale.ROOT, "%.2f", (float) totChain / slots)).append('\n')
                .append(" avg chain length (computed): ").append(String.format(java.util.Locale.ROOT, "%.2f", (float) size / slots)).append('\n')
                .append(" Chain length distribution:\n");
        for (int i = 0; i < vectLen - 1; i++) {
            if (clvector[i] == 0) continue;
            sb.append("   ").append(i).append(": ").append(clvector[i]).append(" (")
                    .append(String.format(java.util.Locale.ROOT, "%.2f", (float) clvector[i] / table.length * 100)).append("%)\n");
        }
        return sb.toString();
    }
}
