package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import io.cachelab.engine.type.StringValue;
import io.cachelab.engine.util.Bytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import static io.cachelab.engine.command.RawJedis.call;
import static org.assertj.core.api.Assertions.assertThat;

/** Bitmap commands: exact replies and errors as Redis 7.0, and a Bloom-filter-sized workload. */
class BitmapCommandsTest {
    static final TestEngine ENGINE = TestEngine.start();
    static final String OFFSET_ERR = "!ERR bit offset is not an integer or out of range";

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

    private static StringValue stored(String key) {
        return (StringValue) ENGINE.engine().server().db(0).dict().get(Bytes.of(key));
    }

    @Test
    void setbitAndGetbit() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "SETBIT", "k", "7", "1")).isEqualTo(0L);
            assertThat(call(j, "SETBIT", "k", "7", "1")).isEqualTo(1L);
            assertThat(call(j, "SETBIT", "k", "100", "0")).isEqualTo(0L);
            assertThat(call(j, "GET", "k")).isEqualTo("\u0001" + "\0".repeat(12));
            assertThat(call(j, "GETBIT", "k", "7")).isEqualTo(1L);
            assertThat(call(j, "GETBIT", "k", "4294967295")).isEqualTo(0L);
            assertThat(call(j, "GETBIT", "nokey", "0")).isEqualTo(0L);
            assertThat(call(j, "GETBIT", "k", "4294967296")).isEqualTo(OFFSET_ERR);
            assertThat(call(j, "GETBIT", "k", "-1")).isEqualTo(OFFSET_ERR);
            assertThat(call(j, "SETBIT", "k", "x", "1")).isEqualTo(OFFSET_ERR);
            assertThat(call(j, "SETBIT", "k", "4294967296", "1")).isEqualTo(OFFSET_ERR);
            for (String bad : List.of("2", "-1", "x", "01")) {
                assertThat(call(j, "SETBIT", "k", "1", bad)).isEqualTo("!ERR bit is not an integer or out of range");
            }
            j.set("i", "12345");
            assertThat(call(j, "GETBIT", "i", "2")).isEqualTo(1L);
            assertThat(call(j, "OBJECT", "ENCODING", "i")).isEqualTo("int");
            assertThat(call(j, "SETBIT", "i", "0", "0")).isEqualTo(0L);
            assertThat(call(j, "OBJECT", "ENCODING", "i")).isEqualTo("raw");
            RawJedis.putList(ENGINE, "l");
            assertThat(call(j, "SETBIT", "l", "0", "1")).isEqualTo(StringCommandsTest.WRONGTYPE);
            assertThat(call(j, "GETBIT", "l", "0")).isEqualTo(StringCommandsTest.WRONGTYPE);
        }
    }

    @Test
    void aFarSetbitAllocatesOnlyWhatItNeeds() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "SETBIT", "far", "80000000", "1")).isEqualTo(0L);
            assertThat(j.strlen("far")).isEqualTo(10_000_001L);
            assertThat(stored("far").array().length).isEqualTo(10_000_001);
            assertThat(call(j, "SETBIT", "far", "80000008", "1")).isEqualTo(0L);
            assertThat(j.strlen("far")).isEqualTo(10_000_002L);
            assertThat(stored("far").array().length).isLessThanOrEqualTo(10_000_002 + (1 << 20));
            assertThat(call(j, "BITCOUNT", "far")).isEqualTo(2L);
            j.configSet("proto-max-bulk-len", "1mb");
            try {
                assertThat(call(j, "SETBIT", "k", "8388608", "1")).isEqualTo(OFFSET_ERR);
                assertThat(call(j, "SETBIT", "k", "8388607", "1")).isEqualTo(0L);
            } finally {
                j.configSet("proto-max-bulk-len", "512mb");
            }
        }
    }

    /** A 1e6-element, 1% Bloom filter: 9,585,059 bits and 7 probes per element, as Redisson sizes it. */
    @Test
    void bloomFilterSizedWorkload() {
        long bits = 9_585_059L;
        int probes = 7;
        int elements = 30_000;
        SplittableRandom rnd = new SplittableRandom(42);
        BitSet expected = new BitSet((int) bits);
        long[] offsets = new long[elements * probes];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = rnd.nextLong(bits);
            expected.set((int) offsets[i]);
        }
        try (Jedis j = ENGINE.jedis()) {
            Pipeline p = j.pipelined();
            List<Response<Boolean>> before = new ArrayList<>();
            for (long off : offsets) before.add(p.setbit("bloom", off, true));
            p.sync();
            long alreadySet = before.stream().filter(Response::get).count();
            assertThat(alreadySet).isEqualTo(offsets.length - expected.cardinality());
            assertThat(j.bitcount("bloom")).isEqualTo(expected.cardinality());
            assertThat(j.strlen("bloom")).isEqualTo(expected.length() / 8 + (expected.length() % 8 == 0 ? 0 : 1));

            Pipeline q = j.pipelined();
            List<Response<Boolean>> present = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) present.add(q.getbit("bloom", offsets[i]));
            List<Response<Boolean>> probed = new ArrayList<>();
            List<Long> probeOffsets = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                long off = rnd.nextLong(bits);
                probeOffsets.add(off);
                probed.add(q.getbit("bloom", off));
            }
            q.sync();
            assertThat(present).allMatch(Response::get);
            for (int i = 0; i < probed.size(); i++) {
                assertThat(probed.get(i).get()).isEqualTo(expected.get(probeOffsets.get(i).intValue()));
            }
        }
    }

    @Test
    void bitcountRangesAndUnits() {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "SET", "m", "\u0000\u00ff\u0000\u000f\u00f0");
            assertThat(call(j, "BITCOUNT", "m")).isEqualTo(16L);
            assertThat(call(j, "BITCOUNT", "m", "1", "1")).isEqualTo(8L);
            assertThat(call(j, "BITCOUNT", "m", "5", "12", "BIT")).isEqualTo(5L);
            assertThat(call(j, "BITCOUNT", "m", "-5", "-1", "BIT")).isEqualTo(1L);
            assertThat(call(j, "BITCOUNT", "m", "-100", "100")).isEqualTo(16L);
            assertThat(call(j, "BITCOUNT", "m", "-1", "-2")).isEqualTo(0L);
            assertThat(call(j, "BITCOUNT", "m", "-1", "-2", "foo")).isEqualTo(0L);
            assertThat(call(j, "BITCOUNT", "m", "0", "1", "foo")).isEqualTo("!ERR syntax error");
            assertThat(call(j, "BITCOUNT", "m", "0")).isEqualTo("!ERR syntax error");
            assertThat(call(j, "BITCOUNT", "m", "x", "1")).isEqualTo("!ERR value is not an integer or out of range");
            assertThat(call(j, "BITCOUNT", "nokey", "x", "y")).isEqualTo(0L);
            j.set("i", "12345");
            assertThat(call(j, "BITCOUNT", "i")).isEqualTo(17L);
        }
    }

    @Test
    void bitposEdgeCases() {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "SET", "f", "\u00ff\u00ff\u00ff");
            call(j, "SET", "z", "\0\0\0");
            call(j, "SET", "m", "\u0000\u00ff\u0000");
            // all ones: with no end the string counts as zero-padded, with an end it does not
            assertThat(call(j, "BITPOS", "f", "0")).isEqualTo(24L);
            assertThat(call(j, "BITPOS", "f", "0", "1")).isEqualTo(24L);
            assertThat(call(j, "BITPOS", "f", "0", "0", "-1")).isEqualTo(-1L);
            assertThat(call(j, "BITPOS", "f", "0", "0", "-1", "BIT")).isEqualTo(-1L);
            assertThat(call(j, "BITPOS", "f", "0", "100")).isEqualTo(-1L);
            assertThat(call(j, "BITPOS", "f", "1", "7", "15", "BIT")).isEqualTo(7L);
            assertThat(call(j, "BITPOS", "z", "1")).isEqualTo(-1L);
            assertThat(call(j, "BITPOS", "z", "0")).isEqualTo(0L);
            assertThat(call(j, "BITPOS", "nokey", "0")).isEqualTo(0L);
            assertThat(call(j, "BITPOS", "nokey", "1")).isEqualTo(-1L);
            assertThat(call(j, "BITPOS", "m", "1", "3", "20", "BIT")).isEqualTo(8L);
            assertThat(call(j, "BITPOS", "m", "0", "8", "15", "BIT")).isEqualTo(-1L);
            assertThat(call(j, "BITPOS", "m", "0", "8", "16", "BIT")).isEqualTo(16L);
            assertThat(call(j, "BITPOS", "m", "1", "0", "7", "BIT")).isEqualTo(-1L);
            assertThat(call(j, "BITPOS", "m", "0", "-1", "-2")).isEqualTo(-1L);
            assertThat(call(j, "BITPOS", "m", "2")).isEqualTo("!ERR The bit argument must be 1 or 0.");
            assertThat(call(j, "BITPOS", "m", "x")).isEqualTo("!ERR value is not an integer or out of range");
            assertThat(call(j, "BITPOS", "m", "1", "1", "x", "foo")).isEqualTo("!ERR syntax error");
            assertThat(call(j, "BITPOS", "m", "0", "8", "BIT")).isEqualTo("!ERR value is not an integer or out of range");
            assertThat(call(j, "BITPOS", "nokey", "1", "a")).isEqualTo(-1L);
        }
    }

    @Test
    void bitop() {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "SET", "a", "\u00f0\u000f");
            call(j, "SET", "b", "\u00ff");
            assertThat(call(j, "BITOP", "AND", "d", "a", "b")).isEqualTo(2L);
            assertThat(call(j, "GET", "d")).isEqualTo("\u00f0\u0000");
            assertThat(call(j, "BITOP", "OR", "d", "a", "b", "nokey")).isEqualTo(2L);
            assertThat(call(j, "GET", "d")).isEqualTo("\u00ff\u000f");
            assertThat(call(j, "BITOP", "XOR", "d", "a", "b")).isEqualTo(2L);
            assertThat(call(j, "GET", "d")).isEqualTo("\u000f\u000f");
            assertThat(call(j, "BITOP", "NOT", "d", "a")).isEqualTo(2L);
            assertThat(call(j, "GET", "d")).isEqualTo("\u000f\u00f0");
            assertThat(call(j, "OBJECT", "ENCODING", "d")).isEqualTo("raw");
            assertThat(call(j, "BITOP", "NOT", "d", "a", "b")).isEqualTo("!ERR BITOP NOT must be called with a single source key.");
            assertThat(call(j, "BITOP", "NAND", "d", "a")).isEqualTo("!ERR syntax error");
            assertThat(call(j, "BITOP", "AND", "d", "nokey", "nokey2")).isEqualTo(0L);
            assertThat(j.exists("d")).isFalse();
            RawJedis.putList(ENGINE, "l");
            assertThat(call(j, "BITOP", "AND", "d", "a", "l")).isEqualTo(StringCommandsTest.WRONGTYPE);
        }
    }

    @Test
    void bitfieldTypesOffsetsAndOverflow() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "BITFIELD", "bf", "SET", "i8", "0", "100", "GET", "i8", "0", "INCRBY", "i8", "0", "100",
                    "GET", "u8", "0")).isEqualTo(List.of(0L, 100L, -56L, 200L));
            assertThat(call(j, "BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "100", "OVERFLOW", "FAIL",
                    "INCRBY", "i8", "0", "100", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "100"))
                    .isEqualTo(java.util.Arrays.asList(44L, null, -112L));
            assertThat(call(j, "BITFIELD", "bf", "SET", "u63", "#1", "-1", "GET", "u63", "#1", "SET", "i64", "#2",
                    "9223372036854775807", "INCRBY", "i64", "#2", "1"))
                    .isEqualTo(List.of(0L, 9223372036854775807L, 0L, -9223372036854775808L));
            assertThat(call(j, "BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i64", "#2", "-1", "INCRBY", "u63", "#1",
                    "1")).isEqualTo(List.of(-9223372036854775808L, 9223372036854775807L));
            assertThat(call(j, "BITFIELD", "u", "OVERFLOW", "SAT", "SET", "u8", "0", "-1", "GET", "u8", "0",
                    "OVERFLOW", "WRAP", "SET", "u8", "0", "300", "GET", "u8", "0"))
                    .isEqualTo(List.of(0L, 255L, 255L, 44L));
            String typeErr = "!ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
            for (String t : List.of("u64", "i65", "u0", "I8", "x8", "i08", "i")) {
                assertThat(call(j, "BITFIELD", "bf", "GET", t, "0")).as(t).isEqualTo(typeErr);
            }
            assertThat(call(j, "BITFIELD", "bf", "GET", "i8", "#536870911")).isEqualTo(List.of(0L));
            assertThat(call(j, "BITFIELD", "bf", "GET", "i8", "#536870912")).isEqualTo(OFFSET_ERR);
            assertThat(call(j, "BITFIELD", "bf", "GET", "i8", "#-1")).isEqualTo(OFFSET_ERR);
            assertThat(call(j, "BITFIELD", "bf", "GET", "i8", "#1152921504606846976")).isEqualTo(OFFSET_ERR);
            assertThat(call(j, "BITFIELD", "bf", "OVERFLOW", "foo", "GET", "i8", "0"))
                    .isEqualTo("!ERR Invalid OVERFLOW type specified");
            assertThat(call(j, "BITFIELD", "bf", "SET", "i8", "0")).isEqualTo("!ERR syntax error");
            assertThat(call(j, "BITFIELD", "bf")).isEqualTo(List.of());
            assertThat(call(j, "BITFIELD", "nokey", "GET", "u8", "100")).isEqualTo(List.of(0L));
            assertThat(j.exists("nokey")).isFalse();
            // a FAILed write still grows the string to the highest offset named
            assertThat(call(j, "BITFIELD", "grown", "OVERFLOW", "FAIL", "SET", "u8", "80", "1000"))
                    .isEqualTo(java.util.Collections.singletonList(null));
            assertThat(j.strlen("grown")).isEqualTo(11L);
        }
    }

    @Test
    void bitfieldRo() {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "SET", "k", "\u0090");
            assertThat(call(j, "BITFIELD_RO", "k", "GET", "i8", "0", "GET", "u4", "0")).isEqualTo(List.of(-112L, 9L));
            assertThat(call(j, "BITFIELD_RO", "k", "SET", "i8", "0", "1"))
                    .isEqualTo("!ERR BITFIELD_RO only supports the GET subcommand");
            assertThat(call(j, "BITFIELD_RO", "nokey", "GET", "i8", "0")).isEqualTo(List.of(0L));
        }
    }
}
