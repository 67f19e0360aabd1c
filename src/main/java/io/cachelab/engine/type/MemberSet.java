package io.cachelab.engine.type;

import io.cachelab.engine.util.Bytes;

/**
 * What ZUNIONSTORE, ZINTER, ZDIFF and ZINTERCARD need from a plain set, which Redis accepts as a
 * sorted-set input whose every score is 1. The set type implements it, so the sorted-set commands
 * do not depend on how sets are stored (intset, listpack or hashtable).
 */
public interface MemberSet {
    int size();

    boolean contains(Bytes member);

    Iterable<Bytes> members();
}
