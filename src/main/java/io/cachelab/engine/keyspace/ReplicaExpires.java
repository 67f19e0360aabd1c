package io.cachelab.engine.keyspace;

import io.cachelab.engine.util.Bytes;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * expire.c's slaveKeysWithExpire: a replica never expires what its master sent (it waits for the
 * master's DEL), but keys its own clients wrote with a TTL (replica-read-only no) have no master to
 * expire them, so the replica remembers them and expires them itself (expireSlaveKeys).
 */
public final class ReplicaExpires {
    private record DbKey(Database db, Bytes key) {
    }

    private final Set<DbKey> keys = new LinkedHashSet<>();

    /** rememberSlaveKeyWithExpire. */
    public void remember(Database db, Bytes key) {
        keys.add(new DbKey(db, key));
    }

    public int size() {
        return keys.size();
    }

    /** Forgets them all (the replica became a master, or flushed its data for a sync). */
    public void clear() {
        keys.clear();
    }

    /** expireSlaveKeys: deletes the remembered keys whose TTL passed; keys with no TTL left are forgotten. */
    public void expire(long nowMs) {
        Iterator<DbKey> it = keys.iterator();
        while (it.hasNext()) {
            DbKey k = it.next();
            Long when = k.db().expires().get(k.key());
            if (when == null) {
                it.remove();
            } else if (when <= nowMs) {
                k.db().deleteExpired(k.key());
                it.remove();
            }
        }
    }
}
