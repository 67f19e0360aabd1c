package io.cachelab.engine.persistence;

import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.type.StreamValue;
import io.cachelab.engine.util.Bytes;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * rewriteAppendOnlyFileRio without the RDB preamble (aof-use-rdb-preamble no): the frozen keyspace
 * as the fewest commands that rebuild it, in Redis 7.0's shapes: SET, RPUSH/SADD/ZADD/HMSET in
 * batches of 64 items (AOF_REWRITE_ITEMS_PER_CMD), streams as XADD + XSETID + XGROUP CREATE +
 * XCLAIM ... JUSTID FORCE, and PEXPIREAT after any key with a TTL. Functions come first as
 * FUNCTION LOAD.
 */
final class AofRewrite {
    private static final int ITEMS_PER_CMD = 64;

    private final OutputStream out;

    private AofRewrite(OutputStream out) {
        this.out = out;
    }

    static void writeCommands(Snapshot snap, OutputStream out, java.util.function.IntSupplier keyDelayMicros) throws IOException {
        AofRewrite w = new AofRewrite(out);
        for (byte[] code : snap.functions()) {
            w.count(3);
            w.bulk("FUNCTION");
            w.bulk("LOAD");
            w.bulk(code);
        }
        for (Snapshot.Db db : snap.dbs()) {
            w.count(2);
            w.bulk("SELECT");
            w.bulk(Integer.toString(db.id()));
            for (Snapshot.Entry e : db.entries()) {
                // rdb-key-save-delay slows this rewrite too (test suites use it to keep one running)
                int delay = keyDelayMicros.getAsInt();
                if (delay != 0) Snapshot.debugDelay(delay);
                w.value(e.key().array(), e.value());
                if (e.expireMs() != -1) {
                    w.count(3);
                    w.bulk("PEXPIREAT");
                    w.bulk(e.key().array());
                    w.bulk(Long.toString(e.expireMs()));
                }
            }
        }
    }

    private void value(byte[] key, Frozen v) throws IOException {
        if (v instanceof Frozen.Str s) {
                count(3);
                bulk("SET");
                bulk(key);
                bulk(s.bytes());
        } else if (v instanceof Frozen.List l) {
                for (int i = 0; i < l.items().length; i += ITEMS_PER_CMD) {
                    int n = Math.min(ITEMS_PER_CMD, l.items().length - i);
                    count(2 + n);
                    bulk("RPUSH");
                    bulk(key);
                    for (int j = i; j < i + n; j++) bulk(l.items()[j]);
                }
        } else if (v instanceof Frozen.IntSet s) {
                for (int i = 0; i < s.values().length; i += ITEMS_PER_CMD) {
                    int n = Math.min(ITEMS_PER_CMD, s.values().length - i);
                    count(2 + n);
                    bulk("SADD");
                    bulk(key);
                    for (int j = i; j < i + n; j++) bulk(Long.toString(s.values()[j]));
                }
        } else if (v instanceof Frozen.Set s) {
                for (int i = 0; i < s.members().length; i += ITEMS_PER_CMD) {
                    int n = Math.min(ITEMS_PER_CMD, s.members().length - i);
                    count(2 + n);
                    bulk("SADD");
                    bulk(key);
                    for (int j = i; j < i + n; j++) bulk(s.members()[j].array());
                }
        } else if (v instanceof Frozen.ZSet z) {
                for (int i = 0; i < z.members().length; i += ITEMS_PER_CMD) {
                    int n = Math.min(ITEMS_PER_CMD, z.members().length - i);
                    count(2 + 2 * n);
                    bulk("ZADD");
                    bulk(key);
                    for (int j = i; j < i + n; j++) {
                        bulk(Numbers.formatG17(z.scores()[j]));
                        bulk(z.members()[j].array());
                    }
                }
        } else if (v instanceof Frozen.Hash h) {
                for (int i = 0; i < h.fields().length; i += ITEMS_PER_CMD) {
                    int n = Math.min(ITEMS_PER_CMD, h.fields().length - i);
                    count(2 + 2 * n);
                    bulk("HMSET");
                    bulk(key);
                    for (int j = i; j < i + n; j++) {
                        bulk(h.fields()[j].array());
                        bulk(h.values()[j]);
                    }
                }
        } else if (v instanceof Frozen.Stream st) {
            stream(key, st.value());
        }
    }

    /** rewriteStreamObject. */
    private void stream(byte[] key, StreamValue s) throws IOException {
        if (!s.entries.isEmpty()) {
            for (Map.Entry<StreamValue.ID, byte[][]> e : s.entries.entrySet()) {
                byte[][] fv = e.getValue();
                count(3 + fv.length);
                bulk("XADD");
                bulk(key);
                bulk(e.getKey().toString());
                for (byte[] b : fv) bulk(b);
            }
        } else {
            // the XADD MAXLEN 0 trick: an empty stream still has to exist
            count(7);
            bulk("XADD");
            bulk(key);
            bulk("MAXLEN");
            bulk("0");
            bulk("0-1");
            bulk("x");
            bulk("y");
        }
        count(7);
        bulk("XSETID");
        bulk(key);
        bulk(s.lastId().toString());
        bulk("ENTRIESADDED");
        bulk(Long.toString(s.entriesAdded()));
        bulk("MAXDELETEDID");
        bulk(s.maxDeletedId().toString());
        for (Map.Entry<Bytes, StreamValue.Group> ge : s.groups.entrySet()) {
            StreamValue.Group g = ge.getValue();
            count(7);
            bulk("XGROUP");
            bulk("CREATE");
            bulk(key);
            bulk(ge.getKey().array());
            bulk(g.lastId().toString());
            bulk("ENTRIESREAD");
            bulk(Long.toString(g.entriesRead()));
            for (StreamValue.Consumer c : g.consumers.values()) {
                if (c.pel.isEmpty()) {
                    count(5);
                    bulk("XGROUP");
                    bulk("CREATECONSUMER");
                    bulk(key);
                    bulk(ge.getKey().array());
                    bulk(c.name.array());
                    continue;
                }
                for (Map.Entry<StreamValue.ID, StreamValue.Pending> pe : c.pel.entrySet()) {
                    count(12);
                    bulk("XCLAIM");
                    bulk(key);
                    bulk(ge.getKey().array());
                    bulk(c.name.array());
                    bulk("0");
                    bulk(pe.getKey().toString());
                    bulk("TIME");
                    bulk(Long.toString(pe.getValue().deliveryTime()));
                    bulk("RETRYCOUNT");
                    bulk(Long.toString(pe.getValue().deliveryCount()));
                    bulk("JUSTID");
                    bulk("FORCE");
                }
            }
        }
    }

    private void count(int n) throws IOException {
        out.write('*');
        out.write(Integer.toString(n).getBytes(StandardCharsets.US_ASCII));
        out.write('\r');
        out.write('\n');
    }

    private void bulk(String s) throws IOException {
        bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    private void bulk(byte[] b) throws IOException {
        out.write('$');
        out.write(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
        out.write('\r');
        out.write('\n');
        out.write(b);
        out.write('\r');
        out.write('\n');
    }
}
