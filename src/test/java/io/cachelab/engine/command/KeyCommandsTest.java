package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import io.cachelab.engine.keyspace.Eviction;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.util.Bytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;

import static io.cachelab.engine.command.RawJedis.call;
import static org.assertj.core.api.Assertions.assertThat;

/** RENAME, COPY, MOVE, OBJECT and TOUCH: replies, TTL handling, access clocks and keyspace events. */
class KeyCommandsTest {
    static final TestEngine ENGINE = TestEngine.start();

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @BeforeEach
    void flush() {
        try (Jedis j = ENGINE.jedis()) {
            j.flushAll();
            j.configSet("maxmemory-policy", "noeviction");
        }
    }

    @Test
    void renameKeepsTheSourceTtlAndDropsTheTargets() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "RENAME", "nokey", "x")).isEqualTo("!ERR no such key");
            assertThat(call(j, "RENAME", "nokey", "nokey")).isEqualTo("!ERR no such key");
            assertThat(call(j, "RENAMENX", "nokey", "x")).isEqualTo("!ERR no such key");
            j.setex("a", 100, "1");
            j.set("b", "2");
            assertThat(call(j, "RENAME", "a", "a")).isEqualTo("OK");
            assertThat(call(j, "RENAMENX", "a", "a")).isEqualTo(0L);
            assertThat(call(j, "RENAMENX", "a", "b")).isEqualTo(0L);
            assertThat(call(j, "RENAME", "b", "c")).isEqualTo("OK");
            assertThat(j.ttl("c")).isEqualTo(-1);
            assertThat(call(j, "RENAME", "a", "c")).isEqualTo("OK");
            assertThat(j.get("c")).isEqualTo("1");
            assertThat(j.ttl("c")).isEqualTo(100);
            assertThat(j.exists("a")).isFalse();
            j.setex("d", 50, "x");
            assertThat(call(j, "RENAMENX", "c", "e")).isEqualTo(1L);
            assertThat(j.ttl("e")).isEqualTo(100);
            assertThat(call(j, "RENAME", "d", "e")).isEqualTo("OK");
            assertThat(j.ttl("e")).isEqualTo(50);
            j.set("p", "1");
            assertThat(call(j, "RENAME", "p", "e")).isEqualTo("OK");
            assertThat(j.ttl("e")).isEqualTo(-1);
        }
    }

    @Test
    void copyAcrossDatabasesWithReplace() {
        try (Jedis j = ENGINE.jedis()) {
            j.setex("c", 100, "2");
            assertThat(call(j, "COPY", "c", "c")).isEqualTo("!ERR source and destination objects are the same");
            assertThat(call(j, "COPY", "c", "c", "DB", "16")).isEqualTo("!ERR DB index is out of range");
            assertThat(call(j, "COPY", "c", "c", "DB", "-1")).isEqualTo("!ERR DB index is out of range");
            assertThat(call(j, "COPY", "c", "c", "DB", "x")).isEqualTo("!ERR value is not an integer or out of range");
            assertThat(call(j, "COPY", "c", "c", "foo")).isEqualTo("!ERR syntax error");
            assertThat(call(j, "COPY", "c", "c", "DB")).isEqualTo("!ERR syntax error");
            assertThat(call(j, "COPY", "nokey", "d")).isEqualTo(0L);
            assertThat(call(j, "COPY", "c", "d")).isEqualTo(1L);
            assertThat(j.ttl("d")).isEqualTo(100);
            assertThat(call(j, "COPY", "c", "d")).isEqualTo(0L);
            j.set("c", "3");
            assertThat(call(j, "COPY", "c", "d", "REPLACE")).isEqualTo(1L);
            assertThat(j.get("d")).isEqualTo("3");
            assertThat(j.ttl("d")).isEqualTo(-1);
            assertThat(call(j, "COPY", "c", "c", "DB", "1")).isEqualTo(1L);
            // the copy is independent of its source
            j.append("c", "x");
            j.select(1);
            assertThat(j.get("c")).isEqualTo("3");
            assertThat(call(j, "OBJECT", "ENCODING", "c")).isEqualTo("int");
        }
    }

    @Test
    void moveBetweenDatabases() {
        try (Jedis j = ENGINE.jedis()) {
            j.setex("m", 100, "v");
            assertThat(call(j, "MOVE", "m", "0")).isEqualTo("!ERR source and destination objects are the same");
            assertThat(call(j, "MOVE", "m", "16")).isEqualTo("!ERR DB index is out of range");
            assertThat(call(j, "MOVE", "m", "x")).isEqualTo("!ERR value is not an integer or out of range");
            assertThat(call(j, "MOVE", "nokey", "1")).isEqualTo(0L);
            assertThat(call(j, "MOVE", "m", "1")).isEqualTo(1L);
            assertThat(j.exists("m")).isFalse();
            j.set("m", "again");
            assertThat(call(j, "MOVE", "m", "1")).isEqualTo(0L);
            j.select(1);
            assertThat(j.get("m")).isEqualTo("v");
            assertThat(j.ttl("m")).isEqualTo(100);
        }
    }

    @Test
    void objectSubcommands() {
        try (Jedis j = ENGINE.jedis()) {
            @SuppressWarnings("unchecked")
            List<Object> help = (List<Object>) call(j, "OBJECT", "HELP");
            assertThat(help).hasSize(15);
            assertThat(help.get(0)).isEqualTo("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
            assertThat(help.get(14)).isEqualTo("    Prints this help.");
            assertThat(call(j, "OBJECT", "HELP", "x")).isEqualTo("!ERR wrong number of arguments for 'object|help' command");
            assertThat(call(j, "OBJECT", "foo")).isEqualTo("!ERR unknown subcommand 'foo'. Try OBJECT HELP.");
            assertThat(call(j, "OBJECT", "ENCODING")).isEqualTo("!ERR wrong number of arguments for 'object|encoding' command");
            for (String sub : List.of("ENCODING", "FREQ", "IDLETIME", "REFCOUNT")) {
                assertThat(call(j, "OBJECT", sub, "nokey")).as(sub).isNull();
            }
            j.set("shared", "100");
            j.set("big", "10000");
            j.set("text", "abc");
            assertThat(call(j, "OBJECT", "REFCOUNT", "shared")).isEqualTo(2147483647L);
            assertThat(call(j, "OBJECT", "REFCOUNT", "big")).isEqualTo(1L);
            assertThat(call(j, "OBJECT", "REFCOUNT", "text")).isEqualTo(1L);
            assertThat(call(j, "OBJECT", "FREQ", "text")).isEqualTo("!ERR An LFU maxmemory policy is not selected, access "
                    + "frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data "
                    + "will take some time to adjust.");
            j.configSet("maxmemory-policy", "allkeys-lfu");
            assertThat(call(j, "OBJECT", "IDLETIME", "text")).isEqualTo("!ERR An LFU maxmemory policy is selected, idle "
                    + "time not tracked. Please note that when switching between policies at runtime LRU and LFU data "
                    + "will take some time to adjust.");
            j.set("fresh", "abc");
            assertThat(call(j, "OBJECT", "FREQ", "fresh")).isEqualTo(5L);
        }
    }

    private static RValue stored(String key) {
        return ENGINE.engine().server().db(0).dict().get(Bytes.of(key));
    }

    @Test
    void touchUpdatesTheAccessClockAndExistsTypeTtlDoNot() {
        try (Jedis j = ENGINE.jedis()) {
            j.set("k", "v");
            j.set("other", "v");
            stored("k").setLru((Eviction.lruClock() - 100) & Eviction.LRU_CLOCK_MAX);
            stored("other").setLru((Eviction.lruClock() - 100) & Eviction.LRU_CLOCK_MAX);
            assertThat((Long) call(j, "OBJECT", "IDLETIME", "k")).isBetween(100L, 101L);
            assertThat(call(j, "EXISTS", "k", "nokey")).isEqualTo(1L);
            assertThat(call(j, "TYPE", "k")).isEqualTo("string");
            assertThat(call(j, "TTL", "k")).isEqualTo(-1L);
            assertThat(call(j, "PTTL", "k")).isEqualTo(-1L);
            assertThat((Long) call(j, "OBJECT", "IDLETIME", "k")).isBetween(100L, 101L);
            assertThat(call(j, "TOUCH", "k", "nokey", "k")).isEqualTo(2L);
            assertThat(call(j, "OBJECT", "IDLETIME", "k")).isEqualTo(0L);
            assertThat((Long) call(j, "OBJECT", "IDLETIME", "other")).isBetween(100L, 101L);
            j.get("other");
            assertThat(call(j, "OBJECT", "IDLETIME", "other")).isEqualTo(0L);
        }
    }

    @Test
    void keyspaceEventsForRenameCopyMove() {
        try (Jedis j = ENGINE.jedis(); RespWire sub = new RespWire(ENGINE.port())) {
            j.configSet("notify-keyspace-events", "Eg");
            try {
                sub.call("PSUBSCRIBE __keyevent@*__:*");
                j.set("a", "1");
                call(j, "RENAME", "a", "b");
                call(j, "RENAMENX", "b", "c");
                call(j, "COPY", "c", "d", "DB", "2");
                call(j, "MOVE", "c", "3");
                call(j, "GETDEL", "d");
                sub.callNoRead("PING");
                List<String> events = new ArrayList<>();
                String msg;
                while (!(msg = sub.readReply()).contains("pong")) events.add(msg);
                assertThat(events).containsExactly(
                        "*[$'pmessage', $'__keyevent@*__:*', $'__keyevent@0__:rename_from', $'a']",
                        "*[$'pmessage', $'__keyevent@*__:*', $'__keyevent@0__:rename_to', $'b']",
                        "*[$'pmessage', $'__keyevent@*__:*', $'__keyevent@0__:rename_from', $'b']",
                        "*[$'pmessage', $'__keyevent@*__:*', $'__keyevent@0__:rename_to', $'c']",
                        "*[$'pmessage', $'__keyevent@*__:*', $'__keyevent@2__:copy_to', $'d']",
                        "*[$'pmessage', $'__keyevent@*__:*', $'__keyevent@0__:move_from', $'c']",
                        "*[$'pmessage', $'__keyevent@*__:*', $'__keyevent@3__:move_to', $'c']");
            } finally {
                j.configSet("notify-keyspace-events", "");
            }
        }
    }
}
