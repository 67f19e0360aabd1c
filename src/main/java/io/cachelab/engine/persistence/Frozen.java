package io.cachelab.engine.persistence;

import io.cachelab.engine.type.StreamValue;
import io.cachelab.engine.type.HashValue;
import io.cachelab.engine.type.ListValue;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.SetValue;
import io.cachelab.engine.type.StringValue;
import io.cachelab.engine.type.ZSetValue;
import io.cachelab.engine.util.Bytes;

import java.util.Arrays;

/**
 * A value as the RDB writer needs it, taken on the event-loop thread: flat arrays of references
 * plus the encoding the value reports. This is our stand-in for fork's copy-on-write: the element
 * byte arrays are never changed in place once stored (commands replace them), so sharing them
 * with a background writer is safe and only the containers are copied, which costs one pass of
 * reference copies per value instead of a deep copy. String buffers are the exception (APPEND
 * and SETRANGE edit them in place), so strings are copied.
 */
sealed interface Frozen {
    record Str(byte[] bytes) implements Frozen {
    }

    record List(byte[][] items) implements Frozen {
    }

    record IntSet(long[] values) implements Frozen {
    }

    record Set(Bytes[] members) implements Frozen {
    }

    record Hash(boolean listpack, Bytes[] fields, byte[][] values) implements Frozen {
    }

    /** Members in ascending (score, member) order. */
    record ZSet(boolean listpack, Bytes[] members, double[] scores) implements Frozen {
    }

    /** Streams are copied whole: their PEL and group state is mutable, and they are rarely huge. */
    record Stream(StreamValue value) implements Frozen {
    }

    static Frozen of(RValue v) {
        if (v instanceof StreamValue s) return new Stream(s.copy());
        if (v instanceof StringValue s) {
            return new Str(Arrays.copyOf(s.array(), s.length()));
        }
        if (v instanceof ListValue l) {
            byte[][] items = new byte[l.size()][];
            for (int i = 0; i < items.length; i++) items[i] = l.get(i);
            return new List(items);
        }
        if (v instanceof SetValue s) {
            if (s.isIntset()) {
                long[] values = new long[s.size()];
                int[] i = {0};
                s.forEach(m -> values[i[0]++] = Numbers.parseLongStrict(m.array()));
                return new IntSet(values);
            }
            Bytes[] members = new Bytes[s.size()];
            int[] i = {0};
            s.forEach(m -> members[i[0]++] = m);
            return new Set(members);
        }
        if (v instanceof HashValue h) {
            Bytes[] fields = new Bytes[h.size()];
            byte[][] values = new byte[h.size()][];
            int[] i = {0};
            h.forEach((f, val) -> {
                fields[i[0]] = f;
                values[i[0]++] = val;
            });
            return new Hash(h.isListpack(), fields, values);
        }
        if (v instanceof ZSetValue z) {
            Bytes[] members = new Bytes[z.size()];
            double[] scores = new double[z.size()];
            int i = 0;
            for (ZSetValue.Node n = z.first(); n != null; n = n.next()) {
                members[i] = n.member();
                scores[i++] = n.score();
            }
            return new ZSet(z.isListpack(), members, scores);
        }
        throw new IllegalArgumentException("no RDB encoding for " + v.type());
    }
}
