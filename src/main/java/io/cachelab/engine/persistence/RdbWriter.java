package io.cachelab.engine.persistence;

import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.type.ScoreFormat;
import io.cachelab.engine.util.Bytes;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes RDB version 10 as rdb.c does (rdbSaveObject, rdbSaveRawString, rdbSaveLen): the same
 * type per encoding, strings as 8/16/32-bit integers when they read as one (up to 11 bytes),
 * LZF-compressed above 20 bytes when compression is on and saves at least 4 bytes. Output goes
 * to an in-memory buffer (DUMP) or is streamed to a file in 64 KB chunks, checksummed on the way.
 */
final class RdbWriter {
    private static final int FLUSH_AT = 1 << 16;
    /** Bytes per quicklist node for list-max-listpack-size -1..-5. */
    private static final int[] NODE_BYTES = {4096, 8192, 16384, 32768, 65536};
    private static final int SIZE_SAFETY_LIMIT = 8192;
    /** quicklist.c's estimate of a listpack entry's header and backlen bytes. */
    private static final int SIZE_ESTIMATE_OVERHEAD = 8;

    private final OutputStream sink;
    private final boolean compress;
    private final int listFill;
    private byte[] buf = new byte[4096];
    private int len;
    private long crc;
    private long written;

    /** @param sink where to stream the bytes, or null to keep them in memory ({@link #toByteArray()}). */
    RdbWriter(OutputStream sink, boolean compress, int listFill) {
        this.sink = sink;
        this.compress = compress;
        this.listFill = listFill == 0 ? -2 : listFill;
    }

    // ---- raw output ----

    private void ensure(int n) {
        if (len + n <= buf.length) return;
        if (sink != null && len > 0) {
            try {
                flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (n <= buf.length) return;
        }
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    void flush() throws IOException {
        if (sink == null || len == 0) return;
        crc = Crc64.update(crc, buf, 0, len);
        sink.write(buf, 0, len);
        written += len;
        len = 0;
    }

    private void maybeFlush() {
        if (sink == null || len < FLUSH_AT) return;
        try {
            flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    void writeByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    void write(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        maybeFlush();
    }

    void writeLe(long v, int n) {
        ensure(n);
        for (int i = 0; i < n; i++) buf[len++] = (byte) (v >>> (8 * i));
    }

    /** The bytes so far (in-memory mode). */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** CRC64 of everything written so far. */
    long checksum() throws IOException {
        flush();
        return sink == null ? Crc64.of(buf, 0, len) : crc;
    }

    long bytesWritten() {
        return written + len;
    }

    // ---- RDB primitives ----

    void writeLength(long l) {
        ensure(9);
        if (l < (1 << 6)) {
            buf[len++] = (byte) l;
        } else if (l < (1 << 14)) {
            buf[len++] = (byte) ((l >> 8) | 0x40);
            buf[len++] = (byte) l;
        } else if (l <= 0xFFFFFFFFL) {
            buf[len++] = (byte) Rdb.LEN_32BIT;
            for (int i = 3; i >= 0; i--) buf[len++] = (byte) (l >>> (8 * i));
        } else {
            buf[len++] = (byte) Rdb.LEN_64BIT;
            for (int i = 7; i >= 0; i--) buf[len++] = (byte) (l >>> (8 * i));
        }
    }

    /** rdbEncodeInteger: true if {@code v} fitted an 8/16/32-bit encoding and was written. */
    private boolean writeEncodedInt(long v) {
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            writeByte(0xC0 | Rdb.ENC_INT8);
            writeLe(v, 1);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            writeByte(0xC0 | Rdb.ENC_INT16);
            writeLe(v, 2);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            writeByte(0xC0 | Rdb.ENC_INT32);
            writeLe(v, 4);
        } else {
            return false;
        }
        return true;
    }

    /** rdbSaveRawString. */
    void writeString(byte[] s) {
        writeString(s, s.length);
    }

    void writeString(byte[] s, int n) {
        if (n <= 11 && n > 0) {
            Long v = Numbers.parseLongStrict(s, 0, n);
            if (v != null && writeEncodedInt(v)) return;
        }
        if (compress && n > 20) {
            byte[] c = Lzf.compress(s, n, n - 4);
            if (c != null) {
                writeByte(0xC0 | Rdb.ENC_LZF);
                writeLength(c.length);
                writeLength(n);
                write(c, 0, c.length);
                return;
            }
        }
        writeLength(n);
        write(s, 0, n);
    }

    void writeString(String s) {
        writeString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** rdbSaveLongLongAsStringObject. */
    void writeLongAsString(long v) {
        if (!writeEncodedInt(v)) writeString(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
    }

    void writeAux(String key, String value) {
        writeByte(Rdb.OPCODE_AUX);
        writeString(key);
        writeString(value);
    }

    // ---- values ----

    /** rdbSaveObjectType: the type byte for a value's current encoding. */
    static int typeOf(Frozen v) {
        if (v instanceof Frozen.Str) return Rdb.TYPE_STRING;
        if (v instanceof Frozen.List) return Rdb.TYPE_LIST_QUICKLIST_2;
        if (v instanceof Frozen.IntSet) return Rdb.TYPE_SET_INTSET;
        if (v instanceof Frozen.Set) return Rdb.TYPE_SET;
        if (v instanceof Frozen.Hash h) return h.listpack() ? Rdb.TYPE_HASH_LISTPACK : Rdb.TYPE_HASH;
        if (v instanceof Frozen.Stream) return Rdb.TYPE_STREAM_LISTPACKS_2;
        Frozen.ZSet z = (Frozen.ZSet) v;
        return z.listpack() ? Rdb.TYPE_ZSET_LISTPACK : Rdb.TYPE_ZSET_2;
    }

    void writeType(Frozen v) {
        writeByte(typeOf(v));
    }

    /** rdbSaveObject. */
    void writeValue(Frozen v) {
        if (v instanceof Frozen.Stream s) {
            StreamRdb.write(this, s.value());
        } else if (v instanceof Frozen.Str s) {
            writeString(s.bytes());
        } else if (v instanceof Frozen.List l) {
            writeQuicklist(l.items());
        } else if (v instanceof Frozen.IntSet s) {
            writeString(LegacyBlobs.encodeIntset(s.values(), s.values().length));
        } else if (v instanceof Frozen.Set s) {
            writeLength(s.members().length);
            for (Bytes m : s.members()) writeString(m.array());
        } else if (v instanceof Frozen.Hash h) {
            if (h.listpack()) {
                Listpack lp = new Listpack();
                for (int i = 0; i < h.fields().length; i++) {
                    lp.add(h.fields()[i].array());
                    lp.add(h.values()[i]);
                }
                writeString(lp.finish());
            } else {
                writeLength(h.fields().length);
                for (int i = 0; i < h.fields().length; i++) {
                    writeString(h.fields()[i].array());
                    writeString(h.values()[i]);
                }
            }
        } else {
            Frozen.ZSet z = (Frozen.ZSet) v;
            if (z.listpack()) {
                Listpack lp = new Listpack();
                for (int i = 0; i < z.members().length; i++) {
                    lp.add(z.members()[i].array());
                    lp.add(ScoreFormat.format(z.scores()[i]));
                }
                writeString(lp.finish());
            } else {
                // Redis walks the skiplist from the tail so loading inserts at the head cheaply
                writeLength(z.members().length);
                for (int i = z.members().length - 1; i >= 0; i--) {
                    writeString(z.members()[i].array());
                    writeLe(Double.doubleToRawLongBits(z.scores()[i]), 8);
                }
            }
        }
    }

    /**
     * A list as quicklist v2: the elements cut into listpack nodes the way quicklist's fill
     * factor does (a byte budget for negative list-max-listpack-size, an entry count for positive
     * values, capped at 8 KB), each node a PACKED container.
     */
    private void writeQuicklist(byte[][] items) {
        java.util.List<Listpack> nodes = new java.util.ArrayList<>();
        Listpack cur = null;
        for (byte[] item : items) {
            if (cur == null || !fits(cur, item.length)) {
                cur = new Listpack();
                nodes.add(cur);
            }
            cur.add(item);
        }
        writeLength(nodes.size());
        for (Listpack lp : nodes) {
            writeLength(Rdb.QUICKLIST_NODE_PACKED);
            writeString(lp.finish());
        }
    }

    private boolean fits(Listpack node, int elementSize) {
        int newSize = node.bytes() + elementSize + SIZE_ESTIMATE_OVERHEAD;
        if (listFill < 0) {
            int idx = Math.min(-listFill, NODE_BYTES.length) - 1;
            return newSize <= NODE_BYTES[idx];
        }
        return newSize <= SIZE_SAFETY_LIMIT && node.count() < listFill;
    }
}
