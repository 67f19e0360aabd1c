package io.cachelab.engine.command;

import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.util.Dict;
import io.cachelab.engine.type.HashValue;
import io.cachelab.engine.type.ListValue;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.type.ScoreFormat;
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
 * DEBUG DIGEST / DIGEST-VALUE with debug.c's exact algorithm, so a digest taken here equals real
 * Redis's for the same data (Redis's tests compare digests across reloads and replicas, and a
 * migration check can compare ours with a real server's). Unordered collections XOR their element
 * digests; lists and streams chain them (mixDigest) so order counts. Encodings play no part.
 */
final class DebugDigest {
    // Redis's OBJ_* type codes, part of the digest
    private static final int OBJ_STRING = 0, OBJ_LIST = 1, OBJ_SET = 2, OBJ_ZSET = 3, OBJ_HASH = 4, OBJ_STREAM = 6;
    private static final byte[] EXPIRE_MARK = "!!expire!!".getBytes(StandardCharsets.US_ASCII);

    private final MessageDigest sha1;

    DebugDigest() {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** computeDatasetDigest: every database with keys, its id mixed in, key/value digests XORed. */
    byte[] dataset(Database[] dbs) {
        byte[] fin = new byte[20];
        byte[] kv = new byte[20];
        for (int j = 0; j < dbs.length; j++) {
            Database db = dbs[j];
            if (db.dict().isEmpty()) continue;
            mix(fin, int32(j));
            for (Dict.Entry<Bytes, RValue> e : db.dict()) {
                java.util.Arrays.fill(kv, (byte) 0);
                mix(kv, e.key().array());
                object(db, e.key(), e.value(), kv);
                xor(fin, kv);
            }
        }
        return fin;
    }

    /** DIGEST-VALUE of one key (logically expired keys included): 20 zero bytes when missing. */
    byte[] value(Database db, Bytes key) {
        byte[] d = new byte[20];
        RValue v = db.dict().get(key);
        if (v != null) object(db, key, v, d);
        return d;
    }

    /** xorObjectDigest. */
    private void object(Database db, Bytes key, RValue o, byte[] digest) {
        switch (o.type()) {
            case STRING -> {
                mix(digest, int32(OBJ_STRING));
                mix(digest, ((StringValue) o).bytes());
            }
            case LIST -> {
                mix(digest, int32(OBJ_LIST));
                ListValue l = (ListValue) o;
                for (int i = 0, n = l.size(); i < n; i++) mix(digest, l.get(i));
            }
            case SET -> {
                mix(digest, int32(OBJ_SET));
                ((SetValue) o).forEach(m -> xor(digest, m.array()));
            }
            case ZSET -> {
                mix(digest, int32(OBJ_ZSET));
                byte[] ele = new byte[20];
                for (ZSetValue.Node n = ((ZSetValue) o).first(); n != null; n = n.next()) {
                    java.util.Arrays.fill(ele, (byte) 0);
                    mix(ele, n.member().array());
                    mix(ele, ScoreFormat.format(n.score()).getBytes(StandardCharsets.US_ASCII));
                    xor(digest, ele);
                }
            }
            case HASH -> {
                mix(digest, int32(OBJ_HASH));
                byte[] ele = new byte[20];
                ((HashValue) o).forEach((f, v) -> {
                    java.util.Arrays.fill(ele, (byte) 0);
                    mix(ele, f.array());
                    mix(ele, v);
                    xor(digest, ele);
                });
            }
            case STREAM -> {
                mix(digest, int32(OBJ_STREAM));
                for (Map.Entry<StreamValue.ID, byte[][]> e : ((StreamValue) o).entries.entrySet()) {
                    StreamValue.ID id = e.getKey();
                    String itemId = Long.toUnsignedString(id.ms()) + "." + Long.toUnsignedString(id.seq());
                    mix(digest, itemId.getBytes(StandardCharsets.US_ASCII));
                    for (byte[] fieldOrValue : e.getValue()) mix(digest, fieldOrValue);
                }
            }
        }
        if (db.expires().containsKey(key)) xor(digest, EXPIRE_MARK);
    }

    static String hex(byte[] digest) {
        StringBuilder sb = new StringBuilder(40);
        for (byte b : digest) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** xorDigest: digest ^= SHA1(data). */
    private void xor(byte[] digest, byte[] data) {
        xorInto(digest, sha1.digest(data));
    }

    /** mixDigest: digest = SHA1(digest ^ SHA1(data)). */
    private void mix(byte[] digest, byte[] data) {
        xor(digest, data);
        System.arraycopy(sha1.digest(digest), 0, digest, 0, 20);
    }

    private static void xorInto(byte[] digest, byte[] other) {
        for (int i = 0; i < 20; i++) digest[i] ^= other[i];
    }
}
