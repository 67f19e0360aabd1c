package io.cachelab.engine.keyspace;

import io.cachelab.engine.type.HashValue;
import io.cachelab.engine.type.ListValue;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.SetValue;
import io.cachelab.engine.type.StreamValue;
import io.cachelab.engine.type.ZSetValue;

/**
 * When Redis would free a value in its background thread (lazyfree.c). The JVM frees everything
 * through the collector anyway, so only the observable part is kept: the lazyfreed_objects count
 * INFO reports, which follows Redis's free-effort estimate and its threshold of 64 allocations.
 */
public final class LazyFree {
    static final int THRESHOLD = 64;
    /** Bytes per quicklist node at the default list-max-listpack-size -2 (8 kB). */
    private static final long QUICKLIST_NODE_BYTES = 8192;

    private LazyFree() {
    }

    /** lazyfreeGetFreeEffort: about how many allocations freeing the value takes. */
    static long freeEffort(RValue v) {
        if (v instanceof ListValue l) {
            // quicklist nodes, not elements
            return Math.max(1, (l.elementBytes() + 2L * l.size() + QUICKLIST_NODE_BYTES - 1) / QUICKLIST_NODE_BYTES);
        } else if (v instanceof SetValue s) {
            return s.isIntset() ? 1 : s.size();
        } else if (v instanceof ZSetValue z) {
            return z.isListpack() ? 1 : z.size();
        } else if (v instanceof HashValue h) {
            return h.isListpack() ? 1 : h.size();
        } else if (v instanceof StreamValue s) {
            // the radix tree of macro nodes holds about two tree nodes per macro node
            long effort = 1 + 2L * s.nodes.size();
            if (!s.groups.isEmpty()) {
                effort += (long) s.groups.size() * (1 + s.groups.firstEntry().getValue().pel.size());
            }
            return effort;
        }
        return 1;
    }

    /** True when Redis would hand {@code v} to the lazy-free thread once unlinked asynchronously. */
    public static boolean wouldFreeLazily(RValue v) {
        return freeEffort(v) > THRESHOLD;
    }
}
