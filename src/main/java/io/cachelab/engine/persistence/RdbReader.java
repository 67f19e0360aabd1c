package io.cachelab.engine.persistence;

import io.cachelab.engine.type.HashValue;
import io.cachelab.engine.type.ListValue;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.SetValue;
import io.cachelab.engine.type.StringValue;
import io.cachelab.engine.type.ZSetValue;
import io.cachelab.engine.util.Bytes;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what Redis 7.0's rdbLoadObject accepts for strings, lists, sets, hashes and sorted sets,
 * the older encodings included (plain LIST, ziplist lists/quicklist v1, zipmap and ziplist
 * hashes, ZSET with text scores, ziplist sorted sets), and rebuilds each value with the encoding
 * Redis would give it on load: small collections stay or become listpack/intset by the live
 * *-max-* limits, larger ones become hashtables/skiplists. Any malformed input ends in
 * {@link RdbFormatException}, never in a half-built value.
 */
final class RdbReader {
    /** The encoding thresholds in force while loading (from the server's config). */
    record Limits(int hashMaxEntries, int hashMaxValue, int zsetMaxEntries, int zsetMaxValue, int setMaxIntset) {
    }

    /** What a file holds besides values, and each key/value as it is read. */
    interface Visitor {
        void aux(String key, byte[] value);

        void function(byte[] code);

        void selectDb(int id);

        void resizeDb(long size, long expires);

        /** @param expireMs absolute expiry or -1; @param idle seconds or -1; @param freq LFU counter or -1 */
        void entry(Bytes key, RValue value, long expireMs, long idle, int freq);
    }

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;
    private int crcFrom;
    private long crc;
    private final Limits limits;
    private long fetched;

    RdbReader(InputStream in, Limits limits) {
        this.in = in;
        this.buf = new byte[1 << 16];
        this.limits = limits;
    }

    /** Over a byte array (a DUMP payload): {@code n} bytes from {@code off}. */
    RdbReader(byte[] data, int off, int n, Limits limits) {
        this.in = null;
        this.buf = data;
        this.pos = off;
        this.crcFrom = off;
        this.limit = off + n;
        this.limits = limits;
    }

    /** Bytes of the stream parsed so far (rio's processed_bytes, for the loading progress). */
    long consumed() {
        return fetched - (limit - pos);
    }

    // ---- raw input ----

    private void fill() throws IOException {
        if (in == null) throw new EOFException("unexpected end of RDB data");
        crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) throw new EOFException("unexpected end of RDB file");
        fetched += n;
        pos = 0;
        crcFrom = 0;
        limit = n;
    }

    int readByte() throws IOException {
        if (pos == limit) fill();
        return buf[pos++] & 0xff;
    }

    byte[] readBytes(long n) throws IOException {
        if (n < 0 || n > Integer.MAX_VALUE - 16) throw new RdbFormatException("length out of range: " + n);
        if (in == null && n > limit - pos) throw new RdbFormatException("length beyond the payload");
        byte[] out = new byte[(int) n];
        int done = 0;
        while (done < n) {
            if (pos == limit) fill();
            int k = Math.min((int) n - done, limit - pos);
            System.arraycopy(buf, pos, out, done, k);
            pos += k;
            done += k;
        }
        return out;
    }

    long readLe(int n) throws IOException {
        long v = 0;
        for (int i = 0; i < n; i++) v |= (long) readByte() << (8 * i);
        return v;
    }

    /** CRC64 of every byte consumed so far. */
    long checksumSoFar() {
        crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
        crcFrom = pos;
        return crc;
    }

    /** Bytes not yet consumed (array mode). */
    int remaining() {
        return limit - pos;
    }

    // ---- RDB primitives ----

    /** rdbLoadLen; returns -(enc + 1) for an encoded string marker (11xxxxxx). */
    long readLengthOrEncoding() throws IOException {
        int b = readByte();
        int type = (b & 0xC0) >> 6;
        if (type == 3) return -((b & 0x3F) + 1);
        if (type == 0) return b & 0x3F;
        if (type == 1) return ((long) (b & 0x3F) << 8) | readByte();
        if (b == Rdb.LEN_32BIT) {
            long v = 0;
            for (int i = 0; i < 4; i++) v = (v << 8) | readByte();
            return v;
        }
        if (b == Rdb.LEN_64BIT) {
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | readByte();
            if (v < 0) throw new RdbFormatException("length out of range");
            return v;
        }
        throw new RdbFormatException("unknown length encoding " + b);
    }

    long readLength() throws IOException {
        long l = readLengthOrEncoding();
        if (l < 0) throw new RdbFormatException("an encoded string where a length was expected");
        return l;
    }

    byte[] readString() throws IOException {
        long l = readLengthOrEncoding();
        if (l >= 0) return readBytes(l);
        int enc = (int) (-l - 1);
        switch (enc) {
            case Rdb.ENC_INT8:
                return Listpack.ascii((byte) readByte());
            case Rdb.ENC_INT16:
                return Listpack.ascii((short) readLe(2));
            case Rdb.ENC_INT32:
                return Listpack.ascii((int) readLe(4));
            case Rdb.ENC_LZF: {
                long clen = readLength();
                long ulen = readLength();
                if (ulen > Integer.MAX_VALUE - 16) throw new RdbFormatException("LZF length out of range");
                byte[] c = readBytes(clen);
                try {
                    return Lzf.decompress(c, (int) ulen);
                } catch (IllegalArgumentException e) {
                    throw new RdbFormatException("invalid LZF compressed string");
                }
            }
            default:
                throw new RdbFormatException("unknown string encoding " + enc);
        }
    }

    private double readTextDouble() throws IOException {
        int n = readByte();
        if (n == 253) return Double.NaN;
        if (n == 254) return Double.POSITIVE_INFINITY;
        if (n == 255) return Double.NEGATIVE_INFINITY;
        return parseScore(readBytes(n));
    }

    private static double parseScore(byte[] b) {
        String s = new String(b, StandardCharsets.US_ASCII).trim();
        switch (s.toLowerCase()) {
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan", "-nan" -> {
                return Double.NaN;
            }
            default -> {
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new RdbFormatException("bad score " + s);
                }
            }
        }
    }

    // ---- values ----

    static boolean isValueType(int t) {
        return (t >= Rdb.TYPE_STRING && t <= Rdb.TYPE_ZSET_2) || (t >= Rdb.TYPE_HASH_ZIPMAP && t <= Rdb.TYPE_STREAM_LISTPACKS_2)
                || t == Rdb.TYPE_MODULE || t == Rdb.TYPE_MODULE_2;
    }

    /** rdbLoadObject: the value, or null when it is empty (Redis skips empty keys in files). */
    RValue readValue(int type) throws IOException {
        try {
            return switch (type) {
                case Rdb.TYPE_STRING -> new StringValue(readString());
                case Rdb.TYPE_LIST -> {
                    long n = readLength();
                    ListValue l = new ListValue();
                    for (long i = 0; i < n; i++) l.pushTail(readString());
                    yield l.isEmpty() ? null : l;
                }
                case Rdb.TYPE_SET -> readSet();
                case Rdb.TYPE_ZSET, Rdb.TYPE_ZSET_2 -> readZSet(type == Rdb.TYPE_ZSET_2);
                case Rdb.TYPE_HASH -> readHash();
                case Rdb.TYPE_LIST_QUICKLIST, Rdb.TYPE_LIST_QUICKLIST_2 -> readQuicklist(type == Rdb.TYPE_LIST_QUICKLIST_2);
                case Rdb.TYPE_LIST_ZIPLIST -> {
                    List<byte[]> items = new ArrayList<>();
                    LegacyBlobs.decodeZiplist(readString(), items);
                    ListValue l = new ListValue();
                    for (byte[] e : items) l.pushTail(e);
                    yield l.isEmpty() ? null : l;
                }
                case Rdb.TYPE_SET_INTSET -> {
                    long[] values = LegacyBlobs.decodeIntset(readString());
                    SetValue s = new SetValue();
                    for (long v : values) s.add(Listpack.ascii(v), Integer.MAX_VALUE);
                    if (s.size() > limits.setMaxIntset()) s.convertToTable();
                    yield s.size() == 0 ? null : s;
                }
                case Rdb.TYPE_HASH_ZIPMAP, Rdb.TYPE_HASH_ZIPLIST, Rdb.TYPE_HASH_LISTPACK -> readPackedHash(type);
                case Rdb.TYPE_ZSET_ZIPLIST, Rdb.TYPE_ZSET_LISTPACK -> readPackedZSet(type);
                case Rdb.TYPE_STREAM_LISTPACKS, Rdb.TYPE_STREAM_LISTPACKS_2 -> StreamRdb.read(this, type == Rdb.TYPE_STREAM_LISTPACKS_2);
                case Rdb.TYPE_MODULE, Rdb.TYPE_MODULE_2 -> throw new RdbFormatException("module values are not supported");
                default -> throw new RdbFormatException("unknown value type " + type);
            };
        } catch (IllegalArgumentException e) {
            if (e instanceof RdbFormatException) throw e;
            throw new RdbFormatException(e.getMessage());
        }
    }

    private RValue readSet() throws IOException {
        long n = readLength();
        if (n == 0) return null;
        SetValue s = new SetValue();
        if (n > limits.setMaxIntset()) s.convertToTable();
        for (long i = 0; i < n; i++) {
            if (!s.add(readString(), limits.setMaxIntset())) throw new RdbFormatException("duplicate set members");
        }
        return s;
    }

    private RValue readZSet(boolean binaryScores) throws IOException {
        long n = readLength();
        if (n == 0) return null;
        // built as a skiplist, then made a listpack if small enough (zsetConvert after loading)
        ZSetValue z = new ZSetValue(limits.zsetMaxEntries(), limits.zsetMaxValue());
        z.convertToSkiplist();
        long maxLen = 0;
        for (long i = 0; i < n; i++) {
            Bytes m = new Bytes(readString());
            double score = binaryScores ? Double.longBitsToDouble(readLe(8)) : readTextDouble();
            if (Double.isNaN(score)) throw new RdbFormatException("zset score is NaN");
            if (z.score(m) != null) throw new RdbFormatException("duplicate zset members");
            z.insert(m, score);
            maxLen = Math.max(maxLen, m.length());
        }
        if (z.size() <= limits.zsetMaxEntries() && maxLen <= limits.zsetMaxValue()) z.fitEncoding();
        return z;
    }

    private RValue readHash() throws IOException {
        long n = readLength();
        if (n == 0) return null;
        HashValue h = new HashValue();
        if (n > limits.hashMaxEntries()) h.convertToTable();
        for (long i = 0; i < n; i++) {
            Bytes f = new Bytes(readString());
            byte[] v = readString();
            if (!h.set(f, v, Integer.MAX_VALUE, limits.hashMaxValue())) throw new RdbFormatException("duplicate hash fields");
        }
        return h;
    }

    private RValue readQuicklist(boolean v2) throws IOException {
        long nodes = readLength();
        ListValue l = new ListValue();
        List<byte[]> items = new ArrayList<>();
        for (long i = 0; i < nodes; i++) {
            long container = v2 ? readLength() : Rdb.QUICKLIST_NODE_PACKED;
            byte[] blob = readString();
            if (container == Rdb.QUICKLIST_NODE_PLAIN) {
                l.pushTail(blob);
                continue;
            }
            if (container != Rdb.QUICKLIST_NODE_PACKED) throw new RdbFormatException("unknown quicklist container");
            items.clear();
            if (v2) Listpack.decode(blob, items);
            else LegacyBlobs.decodeZiplist(blob, items);
            for (byte[] e : items) l.pushTail(e);
        }
        return l.isEmpty() ? null : l;
    }

    private RValue readPackedHash(int type) throws IOException {
        byte[] blob = readString();
        List<byte[]> items = new ArrayList<>();
        switch (type) {
            case Rdb.TYPE_HASH_ZIPMAP -> LegacyBlobs.decodeZipmap(blob, items);
            case Rdb.TYPE_HASH_ZIPLIST -> LegacyBlobs.decodeZiplist(blob, items);
            default -> Listpack.decode(blob, items);
        }
        if (items.size() % 2 != 0) throw new RdbFormatException("odd number of hash listpack entries");
        if (items.isEmpty()) return null;
        HashValue h = new HashValue();
        int maxValue = type == Rdb.TYPE_HASH_ZIPMAP ? limits.hashMaxValue() : Integer.MAX_VALUE;
        for (int i = 0; i < items.size(); i += 2) {
            if (!h.set(new Bytes(items.get(i)), items.get(i + 1), Integer.MAX_VALUE, maxValue)) {
                throw new RdbFormatException("duplicate hash fields");
            }
        }
        if (h.size() > limits.hashMaxEntries()) h.convertToTable();
        return h;
    }

    private RValue readPackedZSet(int type) throws IOException {
        byte[] blob = readString();
        List<byte[]> items = new ArrayList<>();
        if (type == Rdb.TYPE_ZSET_ZIPLIST) LegacyBlobs.decodeZiplist(blob, items);
        else Listpack.decode(blob, items);
        if (items.size() % 2 != 0) throw new RdbFormatException("odd number of zset listpack entries");
        if (items.isEmpty()) return null;
        ZSetValue z = new ZSetValue(Integer.MAX_VALUE, Integer.MAX_VALUE);
        for (int i = 0; i < items.size(); i += 2) {
            Bytes m = new Bytes(items.get(i));
            if (z.score(m) != null) throw new RdbFormatException("duplicate zset members");
            z.insert(m, parseScore(items.get(i + 1)));
        }
        if (z.size() > limits.zsetMaxEntries()) z.convertToSkiplist();
        z.setLimits(limits.zsetMaxEntries(), limits.zsetMaxValue());
        return z;
    }

    // ---- whole files ----

    /** Reads a whole RDB file: header, opcodes, values, EOF and (if present and non-zero) the checksum. */
    void readFile(Visitor v, boolean verifyChecksum) throws IOException {
        byte[] magic = readBytes(9);
        String head = new String(magic, StandardCharsets.US_ASCII);
        if (!head.startsWith("REDIS")) throw new RdbFormatException("Wrong signature trying to load DB from file");
        int version;
        try {
            version = Integer.parseInt(head.substring(5));
        } catch (NumberFormatException e) {
            throw new RdbFormatException("Wrong signature trying to load DB from file");
        }
        if (version < 1 || version > Rdb.VERSION) throw new RdbFormatException("Can't handle RDB format version " + version);
        long expireMs = -1;
        long idle = -1;
        int freq = -1;
        while (true) {
            int type = readByte();
            switch (type) {
                case Rdb.OPCODE_EXPIRETIME -> expireMs = readLe(4) * 1000;
                case Rdb.OPCODE_EXPIRETIME_MS -> expireMs = readLe(8);
                case Rdb.OPCODE_FREQ -> freq = readByte();
                case Rdb.OPCODE_IDLE -> idle = readLength();
                case Rdb.OPCODE_SELECTDB -> v.selectDb((int) readLength());
                case Rdb.OPCODE_RESIZEDB -> v.resizeDb(readLength(), readLength());
                case Rdb.OPCODE_AUX -> {
                    String key = new String(readString(), StandardCharsets.UTF_8);
                    v.aux(key, readString());
                }
                case Rdb.OPCODE_FUNCTION2 -> v.function(readString());
                case Rdb.OPCODE_FUNCTION_PRE_GA -> throw new RdbFormatException("Pre-release function format not supported.");
                case Rdb.OPCODE_MODULE_AUX -> throw new RdbFormatException("module auxiliary data is not supported");
                case Rdb.OPCODE_EOF -> {
                    if (version >= 5) {
                        long expected = checksumSoFar();
                        long stored = readLe(8);
                        if (verifyChecksum && stored != 0 && stored != expected) {
                            throw new RdbFormatException("Wrong RDB checksum expected: (" + Long.toHexString(stored)
                                    + ") got (" + Long.toHexString(expected) + "). Aborting now.");
                        }
                    }
                    return;
                }
                default -> {
                    if (!isValueType(type)) throw new RdbFormatException("Unknown RDB encoding type " + type);
                    Bytes key = new Bytes(readString());
                    RValue value = readValue(type);
                    if (value != null) v.entry(key, value, expireMs, idle, freq);
                    expireMs = -1;
                    idle = -1;
                    freq = -1;
                }
            }
        }
    }
}
