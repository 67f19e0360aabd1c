package io.cachelab.engine.net;

import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.Bytes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WATCHed keys (multi.c): key -> watch entries. Any write to the key (signalModifiedKey), its
 * expiry or a flush marks those clients' transactions dirty, so their EXEC answers null.
 * Each entry remembers whether the key was already logically expired (stale) when watched:
 * deleting or flushing such a key is no logical change, as in Redis 7.0.
 */
public final class Watches {
    private record DbKey(Database db, Bytes key) {
    }

    private final Map<DbKey, List<Client.WatchedKey>> watching = new HashMap<>();

    public void watch(Client c, Database db, Bytes key) {
        for (Client.WatchedKey w : c.watched) {
            if (w.db == db && w.key.equals(key)) return;
        }
        Client.WatchedKey wk = new Client.WatchedKey(c, db, key, db.dict().containsKey(key) && db.isExpired(key));
        c.watched.add(wk);
        watching.computeIfAbsent(new DbKey(db, key), k -> new ArrayList<>()).add(wk);
    }

    public void unwatchAll(Client c) {
        removeWatches(c);
        c.multi().casDirty(false);
    }

    private void removeWatches(Client c) {
        for (Client.WatchedKey w : c.watched) {
            DbKey dk = new DbKey(w.db, w.key);
            List<Client.WatchedKey> l = watching.get(dk);
            if (l != null) {
                l.remove(w);
                if (l.isEmpty()) watching.remove(dk);
            }
        }
        c.watched.clear();
    }

    /** touchWatchedKey. */
    public void touch(Database db, Bytes key) {
        if (watching.isEmpty()) return;
        List<Client.WatchedKey> l = watching.get(new DbKey(db, key));
        if (l == null) return;
        for (Client.WatchedKey wk : l.toArray(new Client.WatchedKey[0])) {
            if (wk.expired) {
                // a stale key that is now deleted: logically nothing changed
                if (!db.dict().containsKey(key)) {
                    wk.expired = false;
                    continue;
                }
                // Redis 7.0 stops here (a `break` in touchWatchedKey): a stale key written again
                // leaves this and the following watchers alone
                break;
            }
            wk.client.multi().casDirty(true);
            // dirty already: no need to keep its watches until EXEC (Redis does the same)
            removeWatches(wk.client);
        }
    }

    /**
     * FLUSHDB/FLUSHALL/SWAPDB (touchAllWatchedKeysInDb): clients watching a key of {@code emptied} are
     * dirtied if the key exists there, or, for SWAPDB, in the database swapped in ({@code replacedWith}),
     * except where a stale key stays stale or disappears, or a missing key becomes a stale one.
     */
    public void touchAll(Database emptied, Database replacedWith) {
        for (Map.Entry<DbKey, List<Client.WatchedKey>> e : watching.entrySet()) {
            if (e.getKey().db() != emptied) continue;
            Bytes key = e.getKey().key();
            boolean existsInEmptied = emptied.dict().containsKey(key);
            boolean existsInReplacement = replacedWith != null && replacedWith.dict().containsKey(key);
            if (!existsInEmptied && !existsInReplacement) continue;
            for (Client.WatchedKey wk : e.getValue()) {
                if (wk.expired) {
                    if (!existsInReplacement) {
                        wk.expired = false;
                        continue;
                    } else if (replacedWith.isExpired(key)) {
                        continue;
                    }
                } else if (!existsInEmptied && replacedWith.isExpired(key)) {
                    wk.expired = true;
                    continue;
                }
                wk.client.multi().casDirty(true);
            }
        }
    }

    /** Watched keys that were live at WATCH time but have logically expired since (isWatchedKeyExpired). */
    public boolean anyExpiredSinceWatch(Client c) {
        for (Client.WatchedKey w : c.watched) {
            if (!w.expired && w.db.dict().containsKey(w.key) && w.db.isExpired(w.key)) return true;
        }
        return false;
    }

    public int watchedKeyCount() {
        return watching.size();
    }
}
