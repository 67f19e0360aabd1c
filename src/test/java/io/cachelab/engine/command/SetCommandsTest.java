package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static io.cachelab.engine.command.HashCommandsTest.WRONGTYPE;
import static io.cachelab.engine.command.HashCommandsTest.encoding;
import static io.cachelab.engine.command.HashCommandsTest.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Set commands through Jedis and raw RESP. Every expected value and error text here was first read
 * from a real redis-server 7.0.15 given the same commands.
 */
class SetCommandsTest {
    static final TestEngine ENGINE = TestEngine.start();

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @BeforeEach
    void flush() {
        try (Jedis j = ENGINE.jedis()) {
            j.flushAll();
            j.configSet("set-max-intset-entries", "512");
        }
    }

    static String[] range(int from, int to) {
        return IntStream.range(from, to).mapToObj(Integer::toString).toArray(String[]::new);
    }

    @Test
    void membershipAndIntsetOrder() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.sadd("s", "3", "1", "2")).isEqualTo(3);
            assertThat(j.sadd("s", "2", "4")).isEqualTo(1);
            assertThat(raw(j, "SMEMBERS", "s")).containsExactly("1", "2", "3", "4");
            assertThat(j.scard("s")).isEqualTo(4);
            assertThat(j.scard("missing")).isZero();
            assertThat(j.sismember("s", "3")).isTrue();
            assertThat(j.sismember("s", "7")).isFalse();
            assertThat(j.sismember("s", "x")).isFalse();
            assertThat(j.sismember("missing", "x")).isFalse();
            assertThat(j.smismember("s", "4", "7", "x")).containsExactly(true, false, false);
            assertThat(j.smismember("missing", "a", "b")).containsExactly(false, false);
            assertThat(j.smembers("missing")).isEmpty();

            j.sadd("t", "5", "-1", "0", "10", "-0", "01");
            assertThat(encoding(j, "t")).isEqualTo("hashtable"); // "-0" and "01" are not integers
            assertThat(j.smembers("t")).containsExactlyInAnyOrder("5", "-1", "0", "10", "-0", "01");
            assertThat(j.srem("t", "5", "nope")).isEqualTo(1);
            assertThat(j.srem("missing", "a")).isZero();
            assertThat(j.srem("t", "-1", "0", "10", "-0", "01", "-1")).isEqualTo(5);
            assertThat(j.exists("t")).isFalse();
            assertThatThrownBy(() -> raw(j, "SMISMEMBER", "s"))
                    .hasMessage("ERR wrong number of arguments for 'smismember' command");
        }
    }

    @Test
    void encodingFollowsTheIntsetThreshold() {
        try (Jedis j = ENGINE.jedis()) {
            j.sadd("s", range(0, 512));
            assertThat(encoding(j, "s")).isEqualTo("intset");
            j.sadd("s", "512");
            assertThat(encoding(j, "s")).isEqualTo("hashtable");
            j.srem("s", range(0, 510));
            assertThat(encoding(j, "s")).isEqualTo("hashtable");

            j.sadd("mixed", "1", "2");
            assertThat(encoding(j, "mixed")).isEqualTo("intset");
            j.sadd("mixed", "a");
            assertThat(encoding(j, "mixed")).isEqualTo("hashtable");
            j.srem("mixed", "a");
            assertThat(encoding(j, "mixed")).isEqualTo("hashtable");

            j.configSet("set-max-intset-entries", "2");
            j.sadd("small", "1", "2");
            assertThat(encoding(j, "small")).isEqualTo("intset");
            j.sadd("small", "3");
            assertThat(encoding(j, "small")).isEqualTo("hashtable");
            j.configSet("set-max-intset-entries", "512");

            // STORE results start as an intset, like createIntsetObject
            j.sadd("a", range(0, 300));
            j.sadd("b", range(250, 600));
            assertThat(j.sunionstore("u", "a", "b")).isEqualTo(600);
            assertThat(encoding(j, "u")).isEqualTo("hashtable");
            assertThat(j.sinterstore("u", "a", "b")).isEqualTo(50);
            assertThat(encoding(j, "u")).isEqualTo("intset");
            assertThat(raw(j, "SMEMBERS", "u")).containsExactly(range(250, 300));
            assertThat(j.sdiffstore("u", "b", "a")).isEqualTo(300);
            assertThat(encoding(j, "u")).isEqualTo("intset");

            // SPOP keeping a small remainder rebuilds it, so integers become an intset again
            j.sadd("p", range(0, 600));
            assertThat(encoding(j, "p")).isEqualTo("hashtable");
            assertThat(j.spop("p", 500)).hasSize(500);
            assertThat(j.scard("p")).isEqualTo(100);
            assertThat(encoding(j, "p")).isEqualTo("intset");
            j.sadd("q", range(0, 600));
            assertThat(j.spop("q", 10)).hasSize(10);
            assertThat(encoding(j, "q")).isEqualTo("hashtable");
        }
    }

    @Test
    void spopAndSrandmember() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.spop("missing")).isNull();
            assertThat(j.spop("missing", 3)).isEmpty();
            assertThat(j.srandmember("missing")).isNull();
            assertThat(j.srandmember("missing", 3)).isEmpty();
            j.sadd("s", range(1, 11));
            assertThat(j.spop("s", 0)).isEmpty();
            assertThat(j.srandmember("s", 0)).isEmpty();
            assertThat(j.srandmember("s", 100)).containsExactly(range(1, 11));
            assertThat(j.srandmember("s", 4)).hasSize(4).doesNotHaveDuplicates().isSubsetOf(range(1, 11));
            assertThat(j.srandmember("s", -30)).hasSize(30).isSubsetOf(range(1, 11));
            assertThat(j.srandmember("s")).isIn((Object[]) range(1, 11));

            Set<String> popped = new HashSet<>();
            popped.add(j.spop("s"));
            popped.addAll(j.spop("s", 1));
            popped.addAll(j.spop("s", 7));
            assertThat(popped).hasSize(9);
            assertThat(j.scard("s")).isEqualTo(1);
            popped.addAll(j.spop("s", 7));
            assertThat(popped).containsExactlyInAnyOrder(range(1, 11));
            assertThat(j.exists("s")).isFalse();

            j.sadd("one", "x");
            assertThat(j.spop("one")).isEqualTo("x");
            assertThat(j.exists("one")).isFalse();

            j.sadd("h", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
            assertThat(j.srandmember("h", 3)).hasSize(3).doesNotHaveDuplicates();
            assertThat(j.srandmember("h", 9)).hasSize(9).doesNotHaveDuplicates();

            assertThatThrownBy(() -> raw(j, "SPOP", "h", "-1")).hasMessage("ERR value is out of range, must be positive");
            assertThatThrownBy(() -> raw(j, "SPOP", "h", "x")).hasMessage("ERR value is out of range, must be positive"); // redis-server 7.0.15 answers this for a non-number too
            assertThatThrownBy(() -> raw(j, "SPOP", "h", "1", "2")).hasMessage("ERR syntax error");
            assertThatThrownBy(() -> raw(j, "SRANDMEMBER", "h", "1", "2")).hasMessage("ERR syntax error");
            assertThatThrownBy(() -> raw(j, "SRANDMEMBER", "h", "x"))
                    .hasMessage("ERR value is not an integer or out of range");
            assertThatThrownBy(() -> raw(j, "SRANDMEMBER", "h", "-9223372036854775808"))
                    .hasMessage("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
    }

    /** Redis's "SRANDMEMBER histogram distribution" test: chi-square over 10 members, df = 9. */
    @Test
    void randomMembersAreFairlyDistributed() {
        try (Jedis j = ENGINE.jedis()) {
            j.sadd("ht", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
            j.sadd("ints", range(1, 11));
            j.hset("hash", java.util.Map.of("a", "1", "b", "1", "c", "1", "d", "1", "e", "1", "f", "1", "g", "1",
                    "h", "1", "i", "1", "j", "1"));
            j.configSet("hash-max-listpack-entries", "1");
            j.hset("bighash", java.util.Map.of("a", "1", "b", "1", "c", "1", "d", "1", "e", "1", "f", "1", "g", "1",
                    "h", "1", "i", "1", "j", "1"));
            j.configSet("hash-max-listpack-entries", "128");
            assertThat(encoding(j, "ht")).isEqualTo("hashtable");
            assertThat(encoding(j, "bighash")).isEqualTo("hashtable");
            for (String key : new String[] {"ht", "ints"}) {
                assertThat(chiSquare(j.srandmember(key, -1000))).as(key).isLessThan(40);
                for (int size : new int[] {8, 2}) {
                    List<String> all = new ArrayList<>();
                    for (int i = 0; i < 1000 / size; i++) all.addAll(j.srandmember(key, size));
                    assertThat(chiSquare(all)).as(key + " " + size).isLessThan(40);
                }
            }
            for (String key : new String[] {"hash", "bighash"}) {
                assertThat(chiSquare(j.hrandfield(key, -1000))).as(key).isLessThan(40);
            }
        }
    }

    private static double chiSquare(List<String> samples) {
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (String s : samples) counts.merge(s, 1, Integer::sum);
        double expected = (double) samples.size() / counts.size();
        double chi = 0;
        for (int n : counts.values()) chi += (n - expected) * (n - expected) / expected;
        return chi;
    }

    @Test
    void smove() {
        try (Jedis j = ENGINE.jedis()) {
            j.sadd("i", "1", "2", "3");
            j.sadd("j", "2", "3", "4");
            assertThat(j.smove("i", "j", "1")).isEqualTo(1);
            assertThat(raw(j, "SMEMBERS", "i")).containsExactly("2", "3");
            assertThat(raw(j, "SMEMBERS", "j")).containsExactly("1", "2", "3", "4");
            assertThat(j.smove("i", "j", "1")).isZero();
            assertThat(j.smove("i", "i", "2")).isEqualTo(1);
            assertThat(j.smove("i", "i", "9")).isZero();
            assertThat(j.smove("i", "j", "2")).isEqualTo(1); // already in j: still 1
            assertThat(j.smove("i", "fresh", "3")).isEqualTo(1);
            assertThat(j.exists("i")).isFalse();
            assertThat(j.smembers("fresh")).containsExactly("3");
            assertThat(encoding(j, "fresh")).isEqualTo("intset");
            assertThat(j.smove("missing", "j", "1")).isZero();

            j.set("str", "x");
            assertThat(j.smove("missing", "str", "1")).isZero();
            assertThatThrownBy(() -> j.smove("j", "str", "1")).hasMessage(WRONGTYPE);
            assertThatThrownBy(() -> j.smove("str", "j", "1")).hasMessage(WRONGTYPE);
            assertThat(j.scard("j")).isEqualTo(4);
        }
    }

    @Test
    void algebra() {
        try (Jedis j = ENGINE.jedis()) {
            j.sadd("i", "1", "2", "3");
            j.sadd("j", "2", "3", "4");
            j.sadd("k", "3", "4", "5");
            assertThat(j.sinter("i", "j")).containsExactlyInAnyOrder("2", "3");
            assertThat(j.sinter("i", "j", "k")).containsExactly("3");
            assertThat(j.sinter("i", "missing")).isEmpty();
            assertThat(raw(j, "SUNION", "i", "j", "k")).containsExactly("1", "2", "3", "4", "5");
            assertThat(raw(j, "SUNION", "missing", "k")).containsExactly("3", "4", "5");
            assertThat(raw(j, "SDIFF", "i", "j")).containsExactly("1");
            assertThat(raw(j, "SDIFF", "k", "i", "missing")).containsExactly("4", "5");
            assertThat(j.sdiff("missing", "i")).isEmpty();
            assertThat(j.sdiff("i", "i")).isEmpty();

            assertThat(j.sinterstore("dst", "i", "j")).isEqualTo(2);
            assertThat(raw(j, "SMEMBERS", "dst")).containsExactly("2", "3");
            assertThat(j.sunionstore("dst", "i", "j", "k")).isEqualTo(5);
            assertThat(j.sdiffstore("dst", "i", "j", "k")).isEqualTo(1);
            assertThat(j.smembers("dst")).containsExactly("1");
            j.expire("dst", 100);
            assertThat(j.sunionstore("dst", "i")).isEqualTo(3);
            assertThat(j.ttl("dst")).isEqualTo(-1); // a STORE replaces the key, TTL included
            assertThat(j.sdiffstore("dst", "i", "i")).isZero();
            assertThat(j.exists("dst")).isFalse();
            j.sadd("dst", "x");
            assertThat(j.sinterstore("dst", "i", "missing")).isZero();
            assertThat(j.exists("dst")).isFalse();

            // a STORE overwrites a destination of another type
            j.set("str", "x");
            assertThat(j.sinterstore("str", "i")).isEqualTo(3);
            assertThat(j.type("str")).isEqualTo("set");

            assertThat(j.sintercard("i", "j", "k")).isEqualTo(1);
            assertThat(j.sintercard(2, "i", "j")).isEqualTo(2);
            assertThat(raw(j, "SINTERCARD", "2", "i", "j", "LIMIT", "1")).containsExactly("1");
            assertThat(raw(j, "SINTERCARD", "2", "i", "j", "LIMIT", "0")).containsExactly("2");
            assertThat(raw(j, "SINTERCARD", "2", "i", "j", "LIMIT", "1", "LIMIT", "2")).containsExactly("2");
            assertThat(raw(j, "SINTERCARD", "2", "i", "missing")).containsExactly("0");
            assertThatThrownBy(() -> raw(j, "SINTERCARD", "0", "i")).hasMessage("ERR numkeys should be greater than 0");
            assertThatThrownBy(() -> raw(j, "SINTERCARD", "x", "i")).hasMessage("ERR numkeys should be greater than 0");
            assertThatThrownBy(() -> raw(j, "SINTERCARD", "2", "i"))
                    .hasMessage("ERR Number of keys can't be greater than number of args");
            assertThatThrownBy(() -> raw(j, "SINTERCARD", "1", "i", "LIMIT", "-1")).hasMessage("ERR LIMIT can't be negative");
            assertThatThrownBy(() -> raw(j, "SINTERCARD", "1", "i", "LIMIT", "x")).hasMessage("ERR LIMIT can't be negative");
            assertThatThrownBy(() -> raw(j, "SINTERCARD", "1", "i", "LIMIT")).hasMessage("ERR syntax error");
            assertThatThrownBy(() -> raw(j, "SINTERCARD", "1", "i", "foo")).hasMessage("ERR syntax error");
            assertThat(raw(j, "COMMAND", "GETKEYS", "SINTERCARD", "2", "a", "b", "LIMIT", "1")).containsExactly("a", "b");
        }
    }

    @Test
    void wrongTypeEverywhere() {
        try (Jedis j = ENGINE.jedis()) {
            j.set("str", "x");
            j.sadd("s", "1");
            List<String[]> commands = List.of(
                    new String[] {"SADD", "str", "a"}, new String[] {"SREM", "str", "a"}, new String[] {"SCARD", "str"},
                    new String[] {"SISMEMBER", "str", "a"}, new String[] {"SMISMEMBER", "str", "a"},
                    new String[] {"SMEMBERS", "str"}, new String[] {"SPOP", "str"}, new String[] {"SPOP", "str", "2"},
                    new String[] {"SRANDMEMBER", "str"}, new String[] {"SRANDMEMBER", "str", "2"},
                    new String[] {"SSCAN", "str", "0"},
                    new String[] {"SINTER", "s", "str"}, new String[] {"SINTER", "str", "missing"},
                    // 7.0.15 checks every key's type before noticing a missing one
                    new String[] {"SINTER", "missing", "str"}, new String[] {"SINTERSTORE", "d", "missing", "str"},
                    new String[] {"SINTERCARD", "2", "missing", "str"},
                    new String[] {"SUNION", "missing", "str"}, new String[] {"SUNIONSTORE", "d", "s", "str"},
                    new String[] {"SDIFF", "s", "str"}, new String[] {"SDIFF", "missing", "str"},
                    new String[] {"SDIFFSTORE", "d", "str", "s"});
            for (String[] cmd : commands) {
                assertThatThrownBy(() -> j.sendCommand(() -> cmd[0].getBytes(), Arrays.copyOfRange(cmd, 1, cmd.length)))
                        .as(String.join(" ", cmd)).hasMessage(WRONGTYPE);
            }
            assertThat(j.exists("d")).isFalse();
        }
    }

    @Test
    void resp3ReplyTypes() {
        try (Jedis j = ENGINE.jedis(); RawResp r = new RawResp(ENGINE.port())) {
            j.sadd("s", "2", "1", "3");
            r.call("HELLO", "3");
            assertThat(r.call("SMEMBERS", "s")).isEqualTo("~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
            assertThat(r.call("SMEMBERS", "missing")).isEqualTo("~0\r\n");
            assertThat(r.call("SINTER", "missing")).isEqualTo("~0\r\n");
            assertThat(r.call("SUNION", "s")).isEqualTo("~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
            assertThat(r.call("SDIFF", "missing")).isEqualTo("~0\r\n");
            assertThat(r.call("SPOP", "missing", "2")).isEqualTo("~0\r\n");
            assertThat(r.call("SPOP", "missing")).isEqualTo("_\r\n");
            assertThat(r.call("SRANDMEMBER", "missing", "2")).isEqualTo("*0\r\n");
            assertThat(r.call("SRANDMEMBER", "s", "5")).isEqualTo("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
            assertThat(r.call("SRANDMEMBER", "s", "-2")).startsWith("*2\r\n");
            assertThat(r.call("SMISMEMBER", "s", "1", "9")).isEqualTo("*2\r\n:1\r\n:0\r\n");
            assertThat(r.call("SINTERCARD", "1", "s")).isEqualTo(":3\r\n");
            assertThat(r.call("SPOP", "s", "5")).isEqualTo("~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
        }
    }

    @Test
    void sscan() {
        try (Jedis j = ENGINE.jedis()) {
            j.sadd("ints", "3", "1", "2");
            ScanResult<String> all = j.sscan("ints", "0", new ScanParams().count(1));
            assertThat(all.getCursor()).isEqualTo("0");
            assertThat(all.getResult()).containsExactly("1", "2", "3");
            assertThat(j.sscan("ints", "5", new ScanParams().match("2")).getResult()).containsExactly("2");
            assertThat(j.sscan("missing", "0").getResult()).isEmpty();
            assertThatThrownBy(() -> raw(j, "SSCAN", "ints", "x")).hasMessage("ERR invalid cursor");
            assertThatThrownBy(() -> raw(j, "SSCAN", "ints", "0", "COUNT", "0")).hasMessage("ERR syntax error");
            assertThatThrownBy(() -> raw(j, "SSCAN", "ints", "0", "TYPE", "set")).hasMessage("ERR syntax error");

            List<String> members = new ArrayList<>();
            for (int i = 0; i < 1000; i++) members.add("m" + i);
            j.sadd("big", members.toArray(String[]::new));
            Set<String> seen = new HashSet<>();
            String cursor = "0";
            int calls = 0;
            do {
                ScanResult<String> page = j.sscan("big", cursor, new ScanParams().count(25));
                seen.addAll(page.getResult());
                cursor = page.getCursor();
                calls++;
                if (calls == 3) for (int i = 0; i < 3000; i++) j.sadd("big", "extra" + i);
                if (calls == 10) for (int i = 0; i < 3000; i++) j.srem("big", "extra" + i);
            } while (!cursor.equals("0"));
            assertThat(calls).isGreaterThan(10);
            assertThat(seen).containsAll(members);

            Set<String> matched = new HashSet<>();
            cursor = "0";
            do {
                ScanResult<String> page = j.sscan("big", cursor, new ScanParams().match("m1*").count(50));
                matched.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals("0"));
            assertThat(matched).hasSize(111).allMatch(m -> m.startsWith("m1"));
        }
    }

    @Test
    void writesBreakWatchAndFireKeyspaceEvents() {
        try (Jedis j = ENGINE.jedis(); Jedis other = ENGINE.jedis(); RawResp sub = new RawResp(ENGINE.port())) {
            j.sadd("w", "a");
            j.watch("w");
            other.srem("w", "a");
            Transaction t = j.multi();
            t.scard("w");
            assertThat(t.exec()).isNull();

            j.configSet("notify-keyspace-events", "KEA");
            try {
                sub.call("PSUBSCRIBE", "__keyevent@0__:*");
                j.sadd("a", "1", "2");
                j.sadd("a", "1"); // nothing added, no event
                j.sadd("b", "2", "3");
                j.sinterstore("d", "a", "b");
                j.smove("a", "b", "1");
                j.srem("a", "2");
                j.spop("b");
                j.sdiffstore("d", "b", "b");
                List<String> events = new ArrayList<>();
                for (int i = 0; i < 9; i++) {
                    String[] msg = sub.read().split("\r\n");
                    events.add(msg[6].replace("__keyevent@0__:", "") + " " + msg[8]);
                }
                assertThat(events).containsExactly("sadd a", "sadd b", "sinterstore d", "srem a", "sadd b",
                        "srem a", "del a", "spop b", "del d");
            } finally {
                j.configSet("notify-keyspace-events", "");
            }
        }
    }
}
