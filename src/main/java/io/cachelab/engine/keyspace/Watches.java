package io.cachelab.engine.keyspace;

import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.Bytes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WATCHed keys (multi.c): key -> clients watching it. Any write to the key (signalModifiedKey), its
 * expiry or a flush marks those clients' transactions dirty, so their EXEC answers null.
 */
public final class Watches {
    private record DbKey(Database db, Bytes key) {
    }

    private final Map<DbKey, List<Client>> watching = new HashMap<>();

    public void watch(Client c, Database db, Bytes key) {
        for (Client.WatchedKey w : c.watched) {
            if (w.db() == db && w.key().equals(key)) return;
        }
        c.watched.add(new Client.WatchedKey(db, key, db.dict.containsKey(key) && db.isExpired(key)));
        watching.computeIfAbsent(new DbKey(db, key), k -> new ArrayList<>()).add(c);
    }

    public void unwatchAll(Client c) {
        for (Client.WatchedKey w : c.watched) {
            DbKey dk = new DbKey(w.db(), w.key());
            List<Client> l = watching.get(dk);
            if (l != null) {
                l.remove(c);
                if (l.isEmpty()) watching.remove(dk);
            }
        }
        c.watched.clear();
        c.casDirty = false;
    }

    public void touch(Database db, Bytes key) {
        if (watching.isEmpty()) return;
        List<Client> l = watching.get(new DbKey(db, key));
        if (l != null) for (Client c : l) c.casDirty = true;
    }

    /**
     * FLUSHDB/FLUSHALL/SWAPDB (touchAllWatchedKeysInDb): clients watching a key of {@code db} are
     * dirtied if the key exists there, or, for SWAPDB, in the database swapped in ({@code other}).
     */
    public void touchAll(Database db, Database other) {
        for (Map.Entry<DbKey, List<Client>> e : watching.entrySet()) {
            if (e.getKey().db() != db) continue;
            Bytes key = e.getKey().key();
            if (db.dict.containsKey(key) || (other != null && other.dict.containsKey(key))) {
                for (Client c : e.getValue()) c.casDirty = true;
            }
        }
    }

    /** Watched keys that were live at WATCH time but have logically expired since (isWatchedKeyExpired). */
    public boolean anyExpiredSinceWatch(Client c) {
        for (Client.WatchedKey w : c.watched) {
            if (!w.expiredAtWatch() && w.db().dict.containsKey(w.key()) && w.db().isExpired(w.key())) return true;
        }
        return false;
    }

    public int watchedKeyCount() {
        return watching.size();
    }
}
