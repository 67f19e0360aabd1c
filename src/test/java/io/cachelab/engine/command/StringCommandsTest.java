package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.List;

import static io.cachelab.engine.command.RawJedis.call;
import static org.assertj.core.api.Assertions.assertThat;

/** String commands beyond the core: exact replies, error texts, encodings and TTL effects as Redis 7.0. */
class StringCommandsTest {
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

    @Test
    void incrByFloatFormatsLikeLongDouble() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "INCRBYFLOAT", "k", "0.1")).isEqualTo("0.1");
            assertThat(call(j, "INCRBYFLOAT", "k", "0.2")).isEqualTo("0.3");
            assertThat(call(j, "INCRBYFLOAT", "k", "10.5")).isEqualTo("10.8");
            assertThat(call(j, "INCRBYFLOAT", "k", "3.0e3")).isEqualTo("3010.80000000000000004");
            assertThat(call(j, "GET", "k")).isEqualTo("3010.80000000000000004");
            assertThat(call(j, "OBJECT", "ENCODING", "k")).isEqualTo("embstr");

            j.set("k", "1.5");
            assertThat(call(j, "INCRBYFLOAT", "k", "1.5")).isEqualTo("3");
            j.set("k", "17179869184");
            assertThat(call(j, "INCRBYFLOAT", "k", "1.5")).isEqualTo("17179869185.5");
            j.set("k", "1");
            assertThat(call(j, "INCRBYFLOAT", "k", "-1.1")).isEqualTo("-0.1");
            assertThat(call(j, "INCRBYFLOAT", "k", "1.0e-20")).isEqualTo("-0.1");
            j.set("k", "0");
            assertThat(call(j, "INCRBYFLOAT", "k", "0.024390243902439025")).isEqualTo("0.02439024390243902");
            assertThat(call(j, "INCRBYFLOAT", "k", "-0.024390243902439025")).isEqualTo("0");
            j.set("k", "5");
            assertThat(call(j, "INCRBYFLOAT", "k", "0x10")).isEqualTo("21");
            j.set("k", "1");
            assertThat(call(j, "INCRBYFLOAT", "k", "1e-4940")).isEqualTo("1");
            j.set("k", "0.1");
            assertThat(call(j, "INCRBYFLOAT", "k", "0.123456789012345678901")).isEqualTo("0.22345678901234568");
        }
    }

    @Test
    void incrByFloatRangeAndErrors() {
        try (Jedis j = ENGINE.jedis()) {
            j.set("k", "1e308");
            String doubled = (String) call(j, "INCRBYFLOAT", "k", "1e308");
            // beyond a double, still inside a long double: all 309 integer digits are kept
            assertThat(doubled).hasSize(309).startsWith("199999999999999999993371759311691291321");
            j.set("k", "1");
            String nanOrInf = "!ERR increment would produce NaN or Infinity";
            assertThat(call(j, "INCRBYFLOAT", "k", "inf")).isEqualTo(nanOrInf);
            assertThat(call(j, "INCRBYFLOAT", "k", "-inf")).isEqualTo(nanOrInf);
            assertThat(call(j, "INCRBYFLOAT", "k", "1e4932")).asString().hasSize(4933);
            assertThat(call(j, "INCRBYFLOAT", "k", "1e4932")).isEqualTo(nanOrInf);
            String notFloat = "!ERR value is not a valid float";
            for (String bad : List.of("nan", "1e4933", "1e-4960", " 1", "1 ", "", "1e", "1_0", "1d", "abc")) {
                assertThat(call(j, "INCRBYFLOAT", "k", bad)).as(bad).isEqualTo(notFloat);
            }
            j.set("k", "1");
            call(j, "SETRANGE", "k", "2", "2");
            assertThat(call(j, "INCRBYFLOAT", "k", "1")).isEqualTo(notFloat);
            j.set("k", "inf");
            assertThat(call(j, "INCRBYFLOAT", "k", "1")).isEqualTo(nanOrInf);
            RawJedis.putList(ENGINE, "l");
            assertThat(call(j, "INCRBYFLOAT", "l", "1")).isEqualTo(WRONGTYPE);
        }
    }

    static final String WRONGTYPE = "!WRONGTYPE Operation against a key holding the wrong kind of value";

    @Test
    void getsetGetdelAndMsetnx() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "GETSET", "k", "1")).isNull();
            j.expire("k", 100);
            assertThat(call(j, "GETSET", "k", "2")).isEqualTo("1");
            assertThat(j.ttl("k")).isEqualTo(-1);
            assertThat(call(j, "OBJECT", "ENCODING", "k")).isEqualTo("int");
            assertThat(call(j, "GETDEL", "k")).isEqualTo("2");
            assertThat(call(j, "GETDEL", "k")).isNull();
            assertThat(j.exists("k")).isFalse();

            assertThat(call(j, "MSETNX", "a", "1", "b", "2")).isEqualTo(1L);
            assertThat(call(j, "MSETNX", "a", "1", "c", "2")).isEqualTo(0L);
            assertThat(j.exists("c")).isFalse();
            assertThat(call(j, "MSETNX", "c", "1", "c", "2")).isEqualTo(1L);
            assertThat(j.get("c")).isEqualTo("2");
            assertThat(call(j, "MSETNX", "x", "1", "y")).isEqualTo("!ERR wrong number of arguments for 'msetnx' command");
        }
    }

    @Test
    void getexOptions() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "GETEX", "nokey", "EX", "-1")).isNull();
            assertThat(call(j, "GETEX", "nokey", "foo")).isEqualTo("!ERR syntax error");
            j.set("k", "v");
            assertThat(call(j, "GETEX", "k", "EX", "100")).isEqualTo("v");
            assertThat(j.ttl("k")).isEqualTo(100);
            assertThat(call(j, "GETEX", "k", "PERSIST")).isEqualTo("v");
            assertThat(j.ttl("k")).isEqualTo(-1);
            assertThat(call(j, "GETEX", "k", "PX", "0")).isEqualTo("!ERR invalid expire time in 'getex' command");
            assertThat(call(j, "GETEX", "k", "EX", "9223372036854775807"))
                    .isEqualTo("!ERR invalid expire time in 'getex' command");
            assertThat(call(j, "GETEX", "k", "EX", "10", "PX", "10")).isEqualTo("!ERR syntax error");
            assertThat(call(j, "GETEX", "k", "EX", "10", "EX", "20")).isEqualTo("v");
            assertThat(j.ttl("k")).isEqualTo(20);
            assertThat(call(j, "GETEX", "k", "PERSIST", "EX", "10")).isEqualTo("!ERR syntax error");
            assertThat(call(j, "GETEX", "k", "KEEPTTL")).isEqualTo("!ERR syntax error");
            assertThat(call(j, "GETEX", "k", "EX")).isEqualTo("!ERR syntax error");
            assertThat(call(j, "GETEX", "k", "EXAT", "1")).isEqualTo("v");
            assertThat(j.exists("k")).isFalse();
            RawJedis.putList(ENGINE, "l");
            assertThat(call(j, "GETEX", "l", "EX", "-5")).isEqualTo(WRONGTYPE);
            assertThat(call(j, "GETSET", "l", "x")).isEqualTo(WRONGTYPE);
            assertThat(call(j, "GETDEL", "l")).isEqualTo(WRONGTYPE);
            assertThat(call(j, "GETRANGE", "l", "0", "1")).isEqualTo(WRONGTYPE);
            assertThat(call(j, "SETRANGE", "l", "0", "x")).isEqualTo(WRONGTYPE);
        }
    }

    @Test
    void getrangeAndSubstr() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "GETRANGE", "nokey", "0", "-1")).isEqualTo("");
            j.set("s", "Hello World");
            assertThat(call(j, "GETRANGE", "s", "0", "3")).isEqualTo("Hell");
            assertThat(call(j, "GETRANGE", "s", "-3", "-1")).isEqualTo("rld");
            assertThat(call(j, "GETRANGE", "s", "0", "-1")).isEqualTo("Hello World");
            assertThat(call(j, "GETRANGE", "s", "10", "100")).isEqualTo("d");
            assertThat(call(j, "GETRANGE", "s", "-1", "-5")).isEqualTo("");
            assertThat(call(j, "GETRANGE", "s", "-100", "-90")).isEqualTo("H");
            assertThat(call(j, "GETRANGE", "s", "5", "3")).isEqualTo("");
            assertThat(call(j, "GETRANGE", "s", "x", "1")).isEqualTo("!ERR value is not an integer or out of range");
            assertThat(call(j, "SUBSTR", "s", "0", "3")).isEqualTo("Hell");
            j.set("i", "1234");
            assertThat(call(j, "GETRANGE", "i", "1", "2")).isEqualTo("23");
        }
    }

    @Test
    void setrangeGrowsZeroFilledAndRespectsTheLimit() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "SETRANGE", "k", "0", "")).isEqualTo(0L);
            assertThat(j.exists("k")).isFalse();
            assertThat(call(j, "SETRANGE", "k", "3", "abc")).isEqualTo(6L);
            assertThat(call(j, "GET", "k")).isEqualTo("\0\0\0abc");
            assertThat(call(j, "OBJECT", "ENCODING", "k")).isEqualTo("raw");
            j.set("s", "Hello World");
            assertThat(call(j, "SETRANGE", "s", "6", "Redis")).isEqualTo(11L);
            assertThat(j.get("s")).isEqualTo("Hello Redis");
            assertThat(call(j, "SETRANGE", "s", "-1", "x")).isEqualTo("!ERR offset is out of range");
            String tooBig = "!ERR string exceeds maximum allowed size (proto-max-bulk-len)";
            assertThat(call(j, "SETRANGE", "s", "536870912", "x")).isEqualTo(tooBig);
            assertThat(call(j, "SETRANGE", "s", "9223372036854775807", "xy")).isEqualTo(tooBig);
            assertThat(call(j, "SETRANGE", "s", "536870912", "")).isEqualTo(11L);
            j.configSet("proto-max-bulk-len", "1mb");
            try {
                assertThat(call(j, "SETRANGE", "s", "1048575", "x")).isEqualTo(1048576L);
                assertThat(call(j, "SETRANGE", "s", "1048575", "xy")).isEqualTo(tooBig);
                assertThat(call(j, "APPEND", "s", "x")).isEqualTo(tooBig);
            } finally {
                j.configSet("proto-max-bulk-len", "512mb");
            }
            j.set("w", "1");
            assertThat(call(j, "SETRANGE", "w", "0", "")).isEqualTo(1L);
            assertThat(call(j, "OBJECT", "ENCODING", "w")).isEqualTo("int");
            assertThat(call(j, "SETRANGE", "w", "0", "2")).isEqualTo(1L);
            assertThat(call(j, "OBJECT", "ENCODING", "w")).isEqualTo("raw");
        }
    }

    @Test
    void encodingsFollowHowTheValueWasMade() {
        try (Jedis j = ENGINE.jedis()) {
            j.set("e44", "x".repeat(44));
            j.set("e45", "x".repeat(45));
            j.set("max", "9223372036854775807");
            j.set("over", "9223372036854775808");
            j.set("space", " 1");
            assertThat(call(j, "OBJECT", "ENCODING", "e44")).isEqualTo("embstr");
            assertThat(call(j, "OBJECT", "ENCODING", "e45")).isEqualTo("raw");
            assertThat(call(j, "OBJECT", "ENCODING", "max")).isEqualTo("int");
            assertThat(call(j, "OBJECT", "ENCODING", "over")).isEqualTo("embstr");
            assertThat(call(j, "OBJECT", "ENCODING", "space")).isEqualTo("embstr");
            j.append("space", "1");
            assertThat(call(j, "OBJECT", "ENCODING", "space")).isEqualTo("raw");
            j.append("fresh", "12");
            assertThat(call(j, "OBJECT", "ENCODING", "fresh")).isEqualTo("int");
            j.append("fresh", "3");
            assertThat(call(j, "OBJECT", "ENCODING", "fresh")).isEqualTo("raw");
            j.incr("fresh");
            assertThat(call(j, "OBJECT", "ENCODING", "fresh")).isEqualTo("int");
            assertThat(j.get("fresh")).isEqualTo("124");
            call(j, "INCRBYFLOAT", "f", "1");
            assertThat(call(j, "OBJECT", "ENCODING", "f")).isEqualTo("embstr");
            call(j, "INCRBYFLOAT", "f", "12345678901234567890123456789012345678901234567");
            assertThat(j.get("f")).isEqualTo("12345678901234567889989712775525437900960301056");
            assertThat(call(j, "OBJECT", "ENCODING", "f")).isEqualTo("raw");
        }
    }

    @Test
    void incrUsesSharedIntegersAndEditsUnsharedOnesInPlace() {
        try (Jedis j = ENGINE.jedis()) {
            j.set("foo", "-1");
            j.incr("foo");
            assertThat(call(j, "OBJECT", "REFCOUNT", "foo")).isEqualTo(2147483647L);
            j.set("foo", "9998");
            j.incr("foo");
            assertThat(call(j, "OBJECT", "REFCOUNT", "foo")).isEqualTo(2147483647L);
            j.incr("foo");
            assertThat(call(j, "OBJECT", "REFCOUNT", "foo")).isEqualTo(1L);
            j.set("foo", "20000");
            j.incr("foo");
            String before = ((String) call(j, "DEBUG", "OBJECT", "foo")).split(" ")[1];
            j.incr("foo");
            String after = ((String) call(j, "DEBUG", "OBJECT", "foo")).split(" ")[1];
            assertThat(before).startsWith("at:").isEqualTo(after);
            assertThat(j.get("foo")).isEqualTo("20002");
        }
    }

    @Test
    void inPlaceEditsNeverWriteThroughTheRequestArray() {
        try (Jedis j = ENGINE.jedis()) {
            j.set("a", "hello");
            j.configSet("slowlog-log-slower-than", "0");
            try {
                j.slowlogReset();
                j.set("b", "world");
                call(j, "SETRANGE", "b", "0", "W");
                call(j, "SETBIT", "b", "7", "0");
                assertThat(j.get("b")).isEqualTo("Vorld");
                assertThat(call(j, "SLOWLOG", "GET", "10").toString()).contains("world").doesNotContain("Vorld").doesNotContain("World");
            } finally {
                j.configSet("slowlog-log-slower-than", "10000");
            }
        }
    }

    @Test
    void lcsReplyShapes() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "LCS", "a", "b")).isEqualTo("");
            j.set("a", "ohmytext");
            j.set("b", "mynewtext");
            assertThat(call(j, "LCS", "a", "b")).isEqualTo("mytext");
            assertThat(call(j, "LCS", "a", "b", "LEN")).isEqualTo(6L);
            assertThat(call(j, "LCS", "a", "b", "IDX")).isEqualTo(List.of("matches",
                    List.of(List.of(List.of(4L, 7L), List.of(5L, 8L)), List.of(List.of(2L, 3L), List.of(0L, 1L))),
                    "len", 6L));
            assertThat(call(j, "LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")).isEqualTo(List.of("matches",
                    List.of(List.of(List.of(4L, 7L), List.of(5L, 8L), 4L)), "len", 6L));
            assertThat(call(j, "LCS", "a", "b", "IDX", "LEN"))
                    .isEqualTo("!ERR If you want both the length and indexes, please just use IDX.");
            assertThat(call(j, "LCS", "a", "b", "MINMATCHLEN")).isEqualTo("!ERR syntax error");
            assertThat(call(j, "LCS", "a", "b", "MINMATCHLEN", "x")).isEqualTo("!ERR value is not an integer or out of range");
            assertThat(call(j, "LCS", "nokey", "a", "IDX", "WITHMATCHLEN")).isEqualTo(List.of("matches", List.of(), "len", 0L));
            RawJedis.putList(ENGINE, "h");
            assertThat(call(j, "LCS", "a", "h")).isEqualTo("!ERR The specified keys must contain string values");
        }
    }
}
