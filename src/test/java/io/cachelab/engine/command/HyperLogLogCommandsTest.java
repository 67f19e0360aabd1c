package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static io.cachelab.engine.command.RawJedis.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PF* commands. The expected bytes, hashes and counts below were recorded from a real
 * redis-server 7.0.15 fed the very same commands (see each test), so this suite needs no
 * redis-server: a GET of an HLL must be byte-identical to Redis's, whatever encoding it is in.
 */
class HyperLogLogCommandsTest {
    static final TestEngine ENGINE = TestEngine.start();

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @BeforeEach
    void flush() {
        try (Jedis j = ENGINE.jedis()) {
            j.flushAll();
        }
    }

    private static void addRange(Jedis j, String key, String prefix, int from, int to) {
        for (int i = from; i < to; i += 100) {
            String[] args = new String[2 + Math.min(100, to - i)];
            args[0] = "PFADD";
            args[1] = key;
            for (int k = 2; k < args.length; k++) args[k] = prefix + (i + k - 2);
            call(j, args);
        }
    }

    private static byte[] get(Jedis j, String key) {
        return j.get(key.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void sparseBytesMatchRedis() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "PFADD", "small", "a", "b", "c")).isEqualTo(1L);
            assertThat(call(j, "PFADD", "small", "a", "b", "c")).isEqualTo(0L);
            // header "HYLL", sparse, stale cache bit set; then the opcodes (redis 7.0.15: same bytes)
            assertThat(HexFormat.of().formatHex(get(j, "small")))
                    .isEqualTo("48594c4c01000000000000000000008060f38050b1844bfb80425a");
            assertThat(call(j, "PFDEBUG", "DECODE", "small")).isEqualTo("Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");
            assertThat(call(j, "PFCOUNT", "small")).isEqualTo(3L);
            // the cached cardinality is written back, valid bit cleared
            assertThat(HexFormat.of().formatHex(get(j, "small")).substring(16, 32)).isEqualTo("0300000000000000");
            assertThat(call(j, "PFADD", "empty")).isEqualTo(1L);
            assertThat(call(j, "PFADD", "empty")).isEqualTo(0L);
            assertThat(HexFormat.of().formatHex(get(j, "empty"))).isEqualTo("48594c4c0100000000000000000000807fff");
            assertThat(call(j, "PFCOUNT", "empty")).isEqualTo(0L);
            assertThat(call(j, "PFCOUNT", "nokey")).isEqualTo(0L);
        }
    }

    @Test
    void bytesAndCountsMatchRedisInBothEncodings() throws Exception {
        try (Jedis j = ENGINE.jedis()) {
            // PFADD e0..e(n-1) in batches of 100, PFCOUNT, GET: values recorded from redis 7.0.15
            Object[][] expected = {
                {100, 100L, 285, "aebee27e50c672722325ed27d2acb1011cc7138f9a0f43d52abc23308a822a44", "sparse"},
                {1000, 1008L, 1906, "ab6313e24c05ff993730105e09ef76d5c0c4fcde58406d6a29d1889220a056e4", "sparse"},
                {5000, 4968L, 12304, "bd470063c39f632ff0572b22d3ae558cdc523a5ae6f47e7324ed636dcc84e2ec", "dense"},
            };
            for (Object[] e : expected) {
                String key = "n" + e[0];
                addRange(j, key, "e", 0, (int) e[0]);
                assertThat(call(j, "PFCOUNT", key)).isEqualTo(e[1]);
                byte[] bytes = get(j, key);
                assertThat(bytes.length).isEqualTo(e[2]);
                assertThat(sha256(bytes)).isEqualTo(e[3]);
                assertThat(call(j, "PFDEBUG", "ENCODING", key)).isEqualTo(e[4]);
            }
            assertThat(call(j, "PFCOUNT", "n100", "n1000", "n5000", "nokey")).isEqualTo(4968L);
        }
    }

    @Test
    void sparseIsPromotedToDensePastSparseMaxBytes() {
        try (Jedis j = ENGINE.jedis()) {
            // redis 7.0.15 with hll-sparse-max-bytes 3000 turns dense on the 1692nd PFADD of x0, x1, ...
            call(j, "PFADD", "p");
            int i = 0;
            while ("sparse".equals(call(j, "PFDEBUG", "ENCODING", "p"))) {
                call(j, "PFADD", "p", "x" + i++);
            }
            assertThat(i).isEqualTo(1692);
            assertThat(get(j, "p")).hasSize(12304);

            call(j, "CONFIG", "SET", "hll-sparse-max-bytes", "30");
            try {
                call(j, "PFADD", "q", "a", "b", "c", "d", "e", "f");
                assertThat(call(j, "PFDEBUG", "ENCODING", "q")).isEqualTo("dense");
                assertThat(call(j, "PFCOUNT", "q")).isEqualTo(6L);
            } finally {
                call(j, "CONFIG", "SET", "hll-sparse-max-bytes", "3000");
            }
            call(j, "PFADD", "r", "a");
            assertThat(call(j, "PFDEBUG", "TODENSE", "r")).isEqualTo(1L);
            assertThat(call(j, "PFDEBUG", "TODENSE", "r")).isEqualTo(0L);
            assertThat(call(j, "PFCOUNT", "r")).isEqualTo(1L);
            assertThat(call(j, "PFDEBUG", "DECODE", "r")).isEqualTo("!ERR HLL encoding is not sparse");
            @SuppressWarnings("unchecked")
            List<Object> regs = (List<Object>) call(j, "PFDEBUG", "GETREG", "r");
            assertThat(regs).hasSize(16384);
            assertThat(regs.stream().filter(v -> (Long) v != 0).count()).isEqualTo(1);
        }
    }

    @Test
    void hundredThousandElementsWithinRedisErrorBounds() {
        try (Jedis j = ENGINE.jedis()) {
            addRange(j, "big", "big-", 0, 100_000);
            long count = (Long) call(j, "PFCOUNT", "big");
            assertThat(count).isEqualTo(99038L); // redis 7.0.15, same elements
            // standard error 1.04/sqrt(16384) = 0.81%; Redis's own tests allow 5%
            assertThat(Math.abs(count - 100_000) / 100_000.0).isLessThan(0.0081 * 3);
        }
    }

    @Test
    void mergeMatchesRedis() throws Exception {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "PFADD", "small", "a", "b", "c");
            addRange(j, "n100", "e", 0, 100);
            addRange(j, "n1000", "e", 0, 1000);
            addRange(j, "n5000", "e", 0, 5000);
            assertThat(call(j, "PFMERGE", "m", "n100", "n1000", "small")).isEqualTo("OK");
            byte[] m = get(j, "m");
            assertThat(m.length).isEqualTo(1912);
            assertThat(sha256(m)).isEqualTo("da2623397a688b5033416b6cc454346a775e788c2b66b5f30a8fcbd351d1eff0");
            assertThat(call(j, "PFCOUNT", "m")).isEqualTo(1012L);
            // a dense input makes the destination dense: same bytes as the dense source
            assertThat(call(j, "PFMERGE", "m2", "n5000", "n100")).isEqualTo("OK");
            assertThat(call(j, "PFCOUNT", "m2")).isEqualTo(4968L);
            assertThat(sha256(get(j, "m2"))).isEqualTo("bd470063c39f632ff0572b22d3ae558cdc523a5ae6f47e7324ed636dcc84e2ec");
            assertThat(call(j, "PFMERGE", "nothing")).isEqualTo("OK");
            assertThat(call(j, "PFCOUNT", "nothing")).isEqualTo(0L);
        }
    }

    @Test
    void errorsAsRedis() {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "SET", "s", "hello");
            call(j, "LPUSH", "l", "a");
            String notHll = "!WRONGTYPE Key is not a valid HyperLogLog string value.";
            assertThat(call(j, "PFADD", "s", "a")).isEqualTo(notHll);
            assertThat(call(j, "PFCOUNT", "s")).isEqualTo(notHll);
            assertThat(call(j, "PFMERGE", "d", "s")).isEqualTo(notHll);
            assertThat(call(j, "PFADD", "l", "a")).asString().startsWith("!WRONGTYPE Operation against a key");
            assertThat(call(j, "PFDEBUG", "ENCODING", "nokey")).isEqualTo("!ERR The specified key does not exist");
            call(j, "PFADD", "h", "a");
            assertThat(call(j, "PFDEBUG", "FOO", "h")).isEqualTo("!ERR Unknown PFDEBUG subcommand 'FOO'");
            // a sparse HLL whose opcodes run past 16384 registers
            call(j, "SETRANGE", "h", "16", "\u007f\u00ff\u007f\u00ff");
            assertThat(call(j, "PFCOUNT", "h")).isEqualTo("!INVALIDOBJ Corrupted HLL object detected");
            // a dense one of the wrong length
            call(j, "PFADD", "d", "a");
            call(j, "PFDEBUG", "TODENSE", "d");
            call(j, "APPEND", "d", "x");
            assertThat(call(j, "PFCOUNT", "d")).isEqualTo(notHll);
            assertThat(call(j, "PFSELFTEST")).isEqualTo("OK");
        }
    }
}
