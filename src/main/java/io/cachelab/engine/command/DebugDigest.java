package io.cachelab.engine.command;

import io.cachelab.engine.Server;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.keyspace.Dict;
import io.cachelab.engine.type.HashValue;
import io.cachelab.engine.type.ListValue;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.SetValue;
import io.cachelab.engine.type.StreamValue;
import io.cachelab.engine.type.StringValue;
import io.cachelab.engine.type.ZSetValue;
import io.cachelab.engine.util.Bytes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * DEBUG DIGEST / DIGEST-VALUE, computed as debug.c does (SHA1 mixed for ordered data, xored for
 * unordered data, "!!expire!!" xored in for volatile keys), so the same dataset gives Redis's own
 * hex string and test suites can compare a dataset before and after a reload. Encodings do not
 * enter the digest; only types, contents, order where the type has one, and whether a TTL exists.
 */
final class DebugDigest {
    private static final int STRING = 0, LIST = 1, SET = 2, ZSET = 3, HASH = 4, STREAM = 6;

    private DebugDigest() {
    }

    static String dataset(Server server) {
        byte[] fin = new byte[20];
        for (Database db : server.databases()) {
            if (db.size() == 0) continue;
            mix(fin, intBytes(db.id()));
            for (Dict.Entry<Bytes, RValue> e : db.dict()) {
                byte[] digest = new byte[20];
                mix(digest, e.key().array());
                value(db, e.key(), e.value(), digest);
                xor(fin, digest);
            }
        }
        return hex(fin);
    }

    static String value(Database db, Bytes key) {
        byte[] digest = new byte[20];
        RValue v = db.dict().get(key);
        if (v != null) value(db, key, v, digest);
        return hex(digest);
    }

    private static void value(Database db, Bytes key, RValue v, byte[] digest) {
        int type = switch (v.type()) {
            case STRING -> STRING;
            case LIST -> LIST;
            case SET -> SET;
            case ZSET -> ZSET;
            case HASH -> HASH;
            case STREAM -> STREAM;
        };
        mix(digest, intBytes(type));
        if (v instanceof StringValue s) {
            mix(digest, java.util.Arrays.copyOf(s.array(), s.length()));
        } else if (v instanceof ListValue l) {
            for (int i = 0; i < l.size(); i++) mix(digest, l.get(i));
        } else if (v instanceof SetValue s) {
            s.forEach(m -> xor(digest, m.array()));
        } else if (v instanceof ZSetValue z) {
            for (ZSetValue.Node n = z.first(); n != null; n = n.next()) {
                byte[] ele = new byte[20];
                mix(ele, n.member().array());
                mix(ele, Numbers.formatG17(n.score()).getBytes(StandardCharsets.US_ASCII));
                xor(digest, ele);
            }
        } else if (v instanceof HashValue h) {
            h.forEach((f, val) -> {
                byte[] ele = new byte[20];
                mix(ele, f.array());
                mix(ele, val);
                xor(digest, ele);
            });
        } else if (v instanceof StreamValue st) {
            for (Map.Entry<StreamValue.ID, byte[][]> e : st.entries.entrySet()) {
                StreamValue.ID id = e.getKey();
                mix(digest, (Long.toUnsignedString(id.ms()) + "." + Long.toUnsignedString(id.seq())).getBytes(StandardCharsets.US_ASCII));
                for (byte[] b : e.getValue()) mix(digest, b);
            }
        }
        if (db.expires().get(key) != null) xor(digest, "!!expire!!".getBytes(StandardCharsets.US_ASCII));
    }

    /** xorDigest: digest ^= SHA1(data); order-free, for sets, hash fields and the keys of a db. */
    private static void xor(byte[] digest, byte[] data) {
        byte[] h = sha1(data);
        for (int i = 0; i < 20; i++) digest[i] ^= h[i];
    }

    /** mixDigest: digest = SHA1(digest ^ SHA1(data)). */
    private static void mix(byte[] digest, byte[] data) {
        xor(digest, data);
        System.arraycopy(sha1(digest), 0, digest, 0, 20);
    }

    private static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** htonl(n) as Redis hashes it: four bytes, big-endian. */
    private static byte[] intBytes(int n) {
        return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    private static String hex(byte[] d) {
        StringBuilder sb = new StringBuilder(40);
        for (byte b : d) sb.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
        return sb.toString();
    }
}
