package io.cachelab.engine.type;

import io.cachelab.engine.util.Dict;
import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.util.IntSet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A set value with Redis 7.0's two encodings (t_set.c, intset.c). While every member is an integer
 * (string2ll-strict) and there are at most set-max-intset-entries of them it is an intset: sorted
 * integers packed 2, 4 or 8 bytes wide in one array ({@link IntSet}), searched by bisection, which is why SMEMBERS of a small integer set comes back
 * sorted, as in Redis. A non-integer member or one member too many turns it into a {@link Dict} for
 * good (7.0 has no listpack sets), giving SSCAN the SCAN cursor guarantees and SPOP/SRANDMEMBER
 * fair sampling. The threshold comes from the caller, which reads the live config.
 */
public final class SetValue extends RValue {
    private static final Boolean PRESENT = Boolean.TRUE;
    /** GETFAIR_NUM_ENTRIES in dict.c. */
    private static final int FAIR_SAMPLE = 15;

    /** The encoding: an {@link IntSet} array, or the hashtable's Dict (one field, not two: 8 bytes a set). */
    private Object enc;
    /** Sum of member lengths while a hashtable (an intset is sized from its count and range). */
    private long memberBytes;

    /** An empty intset, as createIntsetObject (the STORE commands start their result this way). */
    public SetValue() {
        enc = IntSet.empty();
    }

    private byte[] ints() {
        return (byte[]) enc;
    }

    /** The hashtable, or null while an intset. */
    @SuppressWarnings("unchecked")
    private Dict<Bytes, Boolean> table() {
        return enc instanceof Dict<?, ?> d ? (Dict<Bytes, Boolean>) d : null;
    }

    /** setTypeCreate: an intset if the first member is an integer, else a hashtable. */
    public static SetValue forFirstMember(byte[] member) {
        SetValue s = new SetValue();
        if (Numbers.parseLongStrict(member) == null) s.convertToTable();
        return s;
    }

    @Override
    public RType type() {
        return RType.SET;
    }

    @Override
    public String encoding() {
        return table() == null ? "intset" : "hashtable";
    }

    public boolean isIntset() {
        return table() == null;
    }

    public int size() {
        return table() == null ? IntSet.size(ints()) : table().size();
    }

    /** Sum of member lengths in the hashtable encoding, 0 while an intset. */
    public long memberBytes() {
        return memberBytes;
    }

    /** Hash-table buckets (0 while an intset), for memory accounting. */
    public int buckets() {
        return table() == null ? 0 : table().buckets();
    }

    /** Bytes per element of the intset encoding (intset.c: 2, 4 or 8, raised by the widest member so far). */
    public int intsetWidth() {
        return table() == null ? IntSet.width(ints()) : 2;
    }

    private int search(long v) {
        return IntSet.search(ints(), v);
    }

    public boolean contains(Bytes member) {
        if (table() != null) return table().containsKey(member);
        Long v = Numbers.parseLongStrict(member.array());
        return v != null && search(v) >= 0;
    }

    public boolean contains(byte[] member) {
        if (table() != null) return table().containsKey(new Bytes(member));
        Long v = Numbers.parseLongStrict(member);
        return v != null && search(v) >= 0;
    }

    /** setTypeAdd: true if added. An intset converts on a non-integer or past {@code maxIntsetEntries}. */
    public boolean add(byte[] member, int maxIntsetEntries) {
        if (table() == null) {
            Long v = Numbers.parseLongStrict(member);
            if (v != null) {
                byte[] before = ints();
                enc = IntSet.add(before, v);
                if (enc == before) return false;
                if (IntSet.size(ints()) > maxIntsetEntries) convertToTable();
                return true;
            }
            convertToTable();
        }
        if (table().put(new Bytes(member), PRESENT) != null) return false;
        memberBytes += member.length;
        return true;
    }

    public boolean remove(byte[] member) {
        if (table() != null) {
            if (table().remove(new Bytes(member)) == null) return false;
            memberBytes -= member.length;
            return true;
        }
        Long v = Numbers.parseLongStrict(member);
        if (v == null) return false;
        byte[] before = ints();
        enc = IntSet.remove(before, v);
        return enc != before;
    }

    public void convertToTable() {
        if (table() != null) return;
        Dict<Bytes, Boolean> t = new Dict<>(IntSet.size(ints()));
        long bytes = 0;
        for (int i = 0; i < IntSet.size(ints()); i++) {
            Bytes m = intMember(i);
            bytes += m.length();
            t.put(m, PRESENT);
        }
        memberBytes = bytes;
        enc = t;
    }

    private Bytes intMember(int i) {
        return new Bytes(Long.toString(IntSet.get(ints(), i)).getBytes(StandardCharsets.US_ASCII));
    }

    /** Visits every member in encoding order (ascending while an intset). */
    public void forEach(Consumer<Bytes> visitor) {
        if (table() == null) {
            for (int i = 0; i < IntSet.size(ints()); i++) visitor.accept(intMember(i));
        } else {
            for (Dict.Entry<Bytes, Boolean> e : table()) visitor.accept(e.key());
        }
    }

    /** Snapshot of the members in encoding order. */
    public List<Bytes> members() {
        List<Bytes> out = new ArrayList<>(size());
        forEach(out::add);
        return out;
    }

    /**
     * A random member; null when empty. Uniform in an intset; in a hashtable it is Redis's
     * dictGetFairRandomKey (a uniform pick among a sample of consecutive buckets), because a plain
     * random-bucket pick favours members alone in their bucket and fails SRANDMEMBER's chi-square test.
     */
    public Bytes randomMember() {
        if (table() != null) return fairRandomKey(table());
        return IntSet.size(ints()) == 0 ? null : intMember(ThreadLocalRandom.current().nextInt(IntSet.size(ints())));
    }

    static <K> K fairRandomKey(Dict<K, ?> table) {
        if (table.isEmpty()) return null;
        List<? extends Dict.Entry<K, ?>> sample = table.sample(FAIR_SAMPLE);
        if (sample.isEmpty()) return table.randomEntry().key();
        return sample.get(ThreadLocalRandom.current().nextInt(sample.size())).key();
    }

    /** One SSCAN step over the hashtable encoding (an intset is visited whole, cursor 0). */
    public long scan(long cursor, Consumer<Bytes> visitor) {
        if (table() == null) {
            forEach(visitor);
            return 0;
        }
        return table().scan(cursor, (k, v) -> visitor.accept(k));
    }

    @Override
    public RValue copy() {
        SetValue s = new SetValue();
        Dict<Bytes, Boolean> table = table();
        if (table == null) {
            s.enc = ints().clone();
        } else {
            Dict<Bytes, Boolean> t = new Dict<>(table.size());
            for (Dict.Entry<Bytes, Boolean> e : table) t.put(e.key(), PRESENT);
            s.enc = t;
            s.memberBytes = memberBytes;
        }
        return s;
    }

    /** The hashtable encoding's table, null while compact (DEBUG HTSTATS-KEY). */
    public Dict<Bytes, Boolean> hashTable() {
        return table();
    }
}
