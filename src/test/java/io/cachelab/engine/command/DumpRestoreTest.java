package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import io.cachelab.engine.persistence.Crc64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DUMP/RESTORE: every type and encoding survives a round trip (contents and OBJECT ENCODING),
 * payloads recorded from redis-server 7.0.15 restore (LZF from real liblzf included), our payloads
 * match Redis's byte for byte where no compression is involved, and errors come in Redis's order
 * with its texts.
 */
class DumpRestoreTest {
    static final TestEngine ENGINE = TestEngine.start();
    static final Jedis J = ENGINE.jedis();

    /** DUMP replies from redis-server 7.0.15 (hex), with the commands that built the keys. */
    // SET s:lzf ("abcabcabcabc"*10 + "xyz"*10)
    static final String REDIS_S_LZF = "00c31240960361626361e06b020278797ae0100201797a0a00e301a5ad6585619e";
    // RPUSH l:mid a b 1 2 300 -70000
    static final String REDIS_L_MID = "1201021919000000060081610281620201010201c12c02f290eefe04ff0a00e396068ce28935f0";
    // SADD set:int 1 2 3 -7 70000 5000000000
    static final String REDIS_SET_INT = "0bc32c38040800000006200301f9ff80000001200b4000000240042000000320034000017011a01902f2052a200900000a0004dd4f9f28487d09";
    // HSET h:small f1 v1 f2 2 f3 -3000
    static final String REDIS_H_SMALL = "101c1c0000000600826631038276310382663203020182663303d44802ff0a000cc6fc16a3745cad";
    // ZADD z:small 1 a 2.5 b -3 c 1e20 d inf e -inf f
    static final String REDIS_Z_SMALL = "1135350000000c00816602842d696e6605816302dffd02816102010181620283322e35048164028531652b32300681650283696e6604ff0a00d7361fd24b2199e1";

    @AfterAll
    static void stop() {
        J.close();
        ENGINE.close();
    }

    @BeforeEach
    void flush() {
        call("FLUSHALL");
        call("CONFIG", "SET", "rdbcompression", "yes");
    }

    static Object call(String... args) {
        return RawJedis.call(J, args);
    }

    static String bin(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static String hex(String isoBytes) {
        return HexFormat.of().formatHex(isoBytes.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String unhex(String hex) {
        return bin(HexFormat.of().parseHex(hex));
    }

    /** The key's whole content as one comparable value, by type. */
    static Object content(String key) {
        String type = (String) call("TYPE", key);
        return switch (type) {
            case "string" -> call("GET", key);
            case "list" -> call("LRANGE", key, "0", "-1");
            case "set" -> sorted(call("SMEMBERS", key));
            case "hash" -> call("HGETALL", key);
            case "zset" -> call("ZRANGE", key, "0", "-1", "WITHSCORES");
            default -> type;
        };
    }

    @SuppressWarnings("unchecked")
    static List<String> sorted(Object o) {
        List<String> l = new ArrayList<>((List<String>) o);
        l.sort(null);
        return l;
    }

    static void fillEveryEncoding() {
        call("SET", "s:int", "12345");
        call("SET", "s:bigint", "123456789012345");
        call("SET", "s:embstr", "hello");
        call("SET", "s:raw", "x".repeat(30) + "y".repeat(30));
        call("SETRANGE", "s:setrange", "0", "ab");
        call("SET", "s:binary", bin(new byte[]{0, (byte) 0xff, 13, 10, (byte) 0x80}));
        call("SET", "s:empty", "");
        call("RPUSH", "l:small", "a", "b", "1", "-2", "300", "-70000", "5000000000");
        List<String> big = new ArrayList<>(List.of("RPUSH", "l:big"));
        for (int i = 0; i < 3000; i++) big.add("element-" + i + "-" + "z".repeat(i % 50));
        call(big.toArray(new String[0]));
        call("RPUSH", "l:huge-element", "h".repeat(20000), "small");
        call("SADD", "set:intset", "1", "2", "3", "-7", "70000", "5000000000");
        call("SADD", "set:hashtable", "a", "b", "c", "1");
        List<String> bigSet = new ArrayList<>(List.of("SADD", "set:bigints"));
        for (int i = 0; i < 600; i++) bigSet.add(Integer.toString(i * 7));
        call(bigSet.toArray(new String[0]));
        call("HSET", "h:listpack", "f1", "v1", "f2", "2", "f3", "-3000");
        call("HSET", "h:hashtable", "f", "v".repeat(100));
        call("ZADD", "z:listpack", "1", "a", "2.5", "b", "-3", "c", "1e20", "d", "inf", "e", "-inf", "f", "0.1", "g");
        List<String> bigZ = new ArrayList<>(List.of("ZADD", "z:skiplist"));
        for (int i = 0; i < 200; i++) {
            bigZ.add(i + ".25");
            bigZ.add("m" + i);
        }
        call(bigZ.toArray(new String[0]));
    }

    static final List<String> KEYS = List.of("s:int", "s:bigint", "s:embstr", "s:raw", "s:binary", "s:empty",
            "l:small", "l:big", "l:huge-element", "set:intset", "set:hashtable", "set:bigints", "h:listpack", "h:hashtable",
            "z:listpack", "z:skiplist");

    @Test
    void everyTypeAndEncodingSurvivesARoundTrip() {
        fillEveryEncoding();
        for (String compression : List.of("yes", "no")) {
            call("CONFIG", "SET", "rdbcompression", compression);
            for (String key : KEYS) {
                Object payload = call("DUMP", key);
                assertThat(payload).as(key).isInstanceOf(String.class);
                String copy = key + ":copy";
                assertThat(call("RESTORE", copy, "0", (String) payload, "REPLACE")).as(key).isEqualTo("OK");
                assertThat(call("OBJECT", "ENCODING", copy)).as(key).isEqualTo(call("OBJECT", "ENCODING", key));
                assertThat(content(copy)).as(key).isEqualTo(content(key));
                assertThat(call("TTL", copy)).isEqualTo(-1L);
            }
        }
        assertThat(call("OBJECT", "ENCODING", "set:bigints:copy")).isEqualTo("hashtable");
        // a short raw string comes back as embstr: loading runs tryObjectEncoding (checked on redis 7.0.15)
        assertThat(call("OBJECT", "ENCODING", "s:setrange")).isEqualTo("raw");
        call("RESTORE", "s:setrange:copy", "0", (String) call("DUMP", "s:setrange"));
        assertThat(call("OBJECT", "ENCODING", "s:setrange:copy")).isEqualTo("embstr");
        assertThat(call("GET", "s:setrange:copy")).isEqualTo("ab");
    }

    @Test
    void payloadsFromRealRedisRestore() {
        assertThat(call("RESTORE", "s:lzf", "0", unhex(REDIS_S_LZF))).isEqualTo("OK");
        assertThat(call("GET", "s:lzf")).isEqualTo("abcabcabcabc".repeat(10) + "xyz".repeat(10));
        assertThat(call("RESTORE", "l:mid", "0", unhex(REDIS_L_MID))).isEqualTo("OK");
        assertThat(call("LRANGE", "l:mid", "0", "-1")).isEqualTo(List.of("a", "b", "1", "2", "300", "-70000"));
        assertThat(call("RESTORE", "set:int", "0", unhex(REDIS_SET_INT))).isEqualTo("OK");
        assertThat(call("SMEMBERS", "set:int")).isEqualTo(List.of("-7", "1", "2", "3", "70000", "5000000000"));
        assertThat(call("OBJECT", "ENCODING", "set:int")).isEqualTo("intset");
        assertThat(call("RESTORE", "h:small", "0", unhex(REDIS_H_SMALL))).isEqualTo("OK");
        assertThat(call("HGETALL", "h:small")).isEqualTo(List.of("f1", "v1", "f2", "2", "f3", "-3000"));
        assertThat(call("RESTORE", "z:small", "0", unhex(REDIS_Z_SMALL))).isEqualTo("OK");
        assertThat(call("ZRANGE", "z:small", "0", "-1", "WITHSCORES")).isEqualTo(
                List.of("f", "-inf", "c", "-3", "a", "1", "b", "2.5", "d", "1e+20", "e", "inf"));
        assertThat(call("OBJECT", "ENCODING", "z:small")).isEqualTo("listpack");
    }

    @Test
    void uncompressedPayloadsAreByteIdenticalToRedis() {
        call("RPUSH", "l:mid", "a", "b", "1", "2", "300", "-70000");
        call("HSET", "h:small", "f1", "v1", "f2", "2", "f3", "-3000");
        call("ZADD", "z:small", "1", "a", "2.5", "b", "-3", "c", "1e20", "d", "inf", "e", "-inf", "f");
        assertThat(hex((String) call("DUMP", "l:mid"))).isEqualTo(REDIS_L_MID);
        assertThat(hex((String) call("DUMP", "h:small"))).isEqualTo(REDIS_H_SMALL);
        assertThat(hex((String) call("DUMP", "z:small"))).isEqualTo(REDIS_Z_SMALL);
    }

    @Test
    void dumpOfAMissingKeyIsNil() {
        assertThat(call("DUMP", "nope")).isNull();
    }

    @Test
    void errorsComeInRedisOrder() {
        call("SET", "k", "v");
        String payload = (String) call("DUMP", "k");
        assertThat(call("RESTORE", "k", "0", payload)).isEqualTo("!BUSYKEY Target key name already exists.");
        // options are parsed before the key is looked at
        assertThat(call("RESTORE", "k", "0", payload, "BOGUS")).isEqualTo("!ERR syntax error");
        assertThat(call("RESTORE", "n", "-1", payload)).isEqualTo("!ERR Invalid TTL value, must be >= 0");
        assertThat(call("RESTORE", "n", "abc", payload)).isEqualTo("!ERR value is not an integer or out of range");
        assertThat(call("RESTORE", "n", "0", "short")).isEqualTo("!ERR DUMP payload version or checksum are wrong");
        byte[] bad = payload.getBytes(StandardCharsets.ISO_8859_1);
        bad[1] ^= 1;
        assertThat(call("RESTORE", "n", "0", bin(bad))).isEqualTo("!ERR DUMP payload version or checksum are wrong");
        assertThat(call("RESTORE", "n", "0", bin(withFooter(new byte[]{0, 1, 'v'}, 11))))
                .isEqualTo("!ERR DUMP payload version or checksum are wrong");
        // a correct footer around a value that lies about its length
        assertThat(call("RESTORE", "n", "0", bin(withFooter(new byte[]{0, 9, 'v'}, 10)))).isEqualTo("!ERR Bad data format");
        assertThat(call("RESTORE", "n", "0", bin(withFooter(new byte[]{42, 1, 'v'}, 10)))).isEqualTo("!ERR Bad data format");
        // an empty set is not a value
        assertThat(call("RESTORE", "n", "0", bin(withFooter(new byte[]{2, 0}, 10)))).isEqualTo("!ERR Bad data format");
        assertThat(call("RESTORE", "n", "0", payload, "IDLETIME", "-1")).isEqualTo("!ERR Invalid IDLETIME value, must be >= 0");
        assertThat(call("RESTORE", "n", "0", payload, "FREQ", "256")).isEqualTo("!ERR Invalid FREQ value, must be >= 0 and <= 255");
        assertThat(call("RESTORE", "n", "0", payload, "IDLETIME", "1", "FREQ", "1")).isEqualTo("!ERR syntax error");
        assertThat(call("RESTORE", "n", "0", payload, "IDLETIME")).isEqualTo("!ERR syntax error");
        assertThat(call("EXISTS", "n")).isEqualTo(0L);
        // an older RDB version is accepted
        assertThat(call("RESTORE", "n", "0", bin(withFooter(new byte[]{0, 1, 'v'}, 9)))).isEqualTo("OK");
        assertThat(call("GET", "n")).isEqualTo("v");
    }

    @Test
    void mangledPayloadsWithAValidChecksumAreRefusedCleanly() {
        fillEveryEncoding();
        java.util.Random rnd = new java.util.Random(42);
        int ok = 0;
        int refused = 0;
        for (String key : KEYS) {
            byte[] payload = ((String) call("DUMP", key)).getBytes(StandardCharsets.ISO_8859_1);
            byte[] body = java.util.Arrays.copyOf(payload, payload.length - 10);
            for (int round = 0; round < 40; round++) {
                byte[] m = body.clone();
                int edits = 1 + rnd.nextInt(3);
                for (int e = 0; e < edits; e++) m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                if (rnd.nextInt(4) == 0) m = java.util.Arrays.copyOf(m, rnd.nextInt(m.length) + 1);
                Object reply = call("RESTORE", "fuzz", "0", bin(withFooter(m, 10)), "REPLACE");
                if ("OK".equals(reply)) ok++;
                else {
                    assertThat(reply).as(key).isEqualTo("!ERR Bad data format");
                    refused++;
                }
            }
        }
        assertThat(ok + refused).isEqualTo(KEYS.size() * 40);
        assertThat(refused).isGreaterThan(0);
        assertThat(call("PING")).isEqualTo("PONG");
    }

    static byte[] withFooter(byte[] body, int version) {
        byte[] p = new byte[body.length + 10];
        System.arraycopy(body, 0, p, 0, body.length);
        p[body.length] = (byte) version;
        p[body.length + 1] = (byte) (version >> 8);
        long crc = Crc64.of(p, 0, body.length + 2);
        for (int i = 0; i < 8; i++) p[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        return p;
    }

    @Test
    void ttlReplaceAbsttlAndIdletime() {
        call("SET", "k", "v1");
        String payload = (String) call("DUMP", "k");
        call("SET", "k", "v2");
        assertThat(call("RESTORE", "k", "5000", payload, "REPLACE")).isEqualTo("OK");
        assertThat(call("GET", "k")).isEqualTo("v1");
        assertThat((Long) call("PTTL", "k")).isBetween(4000L, 5000L);
        long at = System.currentTimeMillis() + 100_000;
        assertThat(call("RESTORE", "abs", Long.toString(at), payload, "ABSTTL")).isEqualTo("OK");
        assertThat(call("PEXPIRETIME", "abs")).isEqualTo(at);
        // a TTL already in the past: OK, and no key (an old one is deleted by REPLACE)
        assertThat(call("RESTORE", "gone", "1", payload, "ABSTTL")).isEqualTo("OK");
        assertThat(call("EXISTS", "gone")).isEqualTo(0L);
        assertThat(call("RESTORE", "k", "1", payload, "ABSTTL", "REPLACE")).isEqualTo("OK");
        assertThat(call("EXISTS", "k")).isEqualTo(0L);
        assertThat(call("RESTORE", "idle", "0", payload, "IDLETIME", "1000")).isEqualTo("OK");
        assertThat((Long) call("OBJECT", "IDLETIME", "idle")).isBetween(1000L, 1002L);
    }

    @Test
    void restoreFiresItsKeyspaceEventAndCountsAsAChange() {
        call("SET", "k", "v");
        String payload = (String) call("DUMP", "k");
        long before = dirty();
        assertThat(call("RESTORE", "k2", "0", payload)).isEqualTo("OK");
        assertThat(dirty()).isEqualTo(before + 1);
    }

    static long dirty() {
        String info = (String) call("INFO", "persistence");
        for (String line : info.split("\r\n")) {
            if (line.startsWith("rdb_changes_since_last_save:")) return Long.parseLong(line.substring(line.indexOf(':') + 1));
        }
        throw new AssertionError(info);
    }
}
