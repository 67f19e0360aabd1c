package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The stream family through Jedis. Replies are flattened to strings and nested lists so they can
 * be compared whole; every expected reply and error text was first read from redis-server 7.0.15
 * given the same commands.
 */
class StreamCommandsTest {
    static final TestEngine ENGINE = TestEngine.start();

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @BeforeEach
    void flush() {
        try (Jedis j = ENGINE.jedis()) {
            j.flushAll();
            j.configSet("stream-node-max-entries", "100");
        }
    }

    static Object plain(Object o) {
        if (o instanceof byte[] b) return new String(b, StandardCharsets.UTF_8);
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) out.add(plain(x));
            return out;
        }
        return o;
    }

    static Object r(Jedis j, String... args) {
        String[] rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        return plain(j.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8), rest));
    }

    static void err(Jedis j, String message, String... args) {
        assertThatThrownBy(() -> r(j, args)).hasMessage(message);
    }

    @Test
    void xaddIdsAndErrors() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(r(j, "XADD", "s", "5-1", "a", "1")).isEqualTo("5-1");
            assertThat(r(j, "XADD", "s", "5-*", "b", "2")).isEqualTo("5-2");
            assertThat(r(j, "XADD", "s", "7", "c", "3")).isEqualTo("7-0");
            err(j, "ERR The ID specified in XADD is equal or smaller than the target stream top item", "XADD", "s", "7-0", "x", "y");
            err(j, "ERR The ID specified in XADD is equal or smaller than the target stream top item", "XADD", "s", "6-*", "x", "y");
            err(j, "ERR The ID specified in XADD must be greater than 0-0", "XADD", "t", "0-0", "x", "y");
            err(j, "ERR Invalid stream ID specified as stream command argument", "XADD", "s", "abc", "x", "y");
            err(j, "ERR wrong number of arguments for 'xadd' command", "XADD", "s", "*", "x", "y", "z");
            err(j, "ERR The MAXLEN argument must be >= 0.", "XADD", "s", "MAXLEN", "-1", "*", "x", "y");
            err(j, "ERR syntax error, LIMIT cannot be used without the special ~ option", "XADD", "s", "MAXLEN", "1", "LIMIT", "5", "*", "x", "y");
            assertThat(r(j, "XADD", "nope", "NOMKSTREAM", "*", "x", "y")).isNull();
            assertThat(j.exists("nope")).isFalse();
            assertThat(r(j, "XLEN", "s")).isEqualTo(3L);
            j.set("str", "v");
            err(j, "WRONGTYPE Operation against a key holding the wrong kind of value", "XADD", "str", "*", "a", "b");
            assertThat(r(j, "TYPE", "s")).isEqualTo("stream");
            assertThat(r(j, "OBJECT", "ENCODING", "s")).isEqualTo("stream");
        }
    }

    @Test
    void rangesWithExclusiveBoundsAndCount() {
        try (Jedis j = ENGINE.jedis()) {
            for (int i = 1; i <= 5; i++) r(j, "XADD", "s", i + "-0", "f", "v" + i);
            assertThat(r(j, "XRANGE", "s", "(1-0", "(4-0", "COUNT", "10"))
                    .isEqualTo(List.of(List.of("2-0", List.of("f", "v2")), List.of("3-0", List.of("f", "v3"))));
            // An end without a sequence means seq 2^64-1, so "(4" still includes 4-0, as in Redis.
            assertThat(r(j, "XRANGE", "s", "(3-0", "(4")).isEqualTo(List.of(List.of("4-0", List.of("f", "v4"))));
            assertThat(r(j, "XREVRANGE", "s", "+", "-", "COUNT", "2"))
                    .isEqualTo(List.of(List.of("5-0", List.of("f", "v5")), List.of("4-0", List.of("f", "v4"))));
            assertThat(r(j, "XRANGE", "s", "-", "+", "COUNT", "0")).isNull();
            assertThat(r(j, "XRANGE", "missing", "-", "+")).isEqualTo(List.of());
            err(j, "ERR invalid start ID for the interval", "XRANGE", "s", "(18446744073709551615-18446744073709551615", "+");
            err(j, "ERR Invalid stream ID specified as stream command argument", "XRANGE", "s", "(-", "+");
            assertThat(r(j, "XDEL", "s", "2-0", "9-0")).isEqualTo(1L);
            assertThat(r(j, "XTRIM", "s", "MINID", "4")).isEqualTo(2L);
            assertThat(r(j, "XRANGE", "s", "-", "+")).isEqualTo(List.of(
                    List.of("4-0", List.of("f", "v4")), List.of("5-0", List.of("f", "v5"))));
        }
    }

    @Test
    void approximateTrimRemovesWholeNodesOnly() {
        try (Jedis j = ENGINE.jedis()) {
            j.configSet("stream-node-max-entries", "10");
            for (int i = 0; i < 100; i++) r(j, "XADD", "s", "*", "xitem", "v");
            r(j, "XADD", "s", "MAXLEN", "~", "55", "LIMIT", "30", "*", "xitem", "v");
            assertThat(r(j, "XLEN", "s")).isEqualTo(71L);
            r(j, "XADD", "s", "MAXLEN", "~", "55", "LIMIT", "30", "*", "xitem", "v");
            assertThat(r(j, "XLEN", "s")).isEqualTo(62L);
            assertThat(r(j, "XTRIM", "s", "MAXLEN", "=", "7")).isEqualTo(55L);
        }
    }

    @Test
    void xsetidAndXinfoStreamCounters() {
        try (Jedis j = ENGINE.jedis()) {
            r(j, "XADD", "s", "1-1", "a", "1");
            r(j, "XADD", "s", "2-1", "b", "2");
            r(j, "XDEL", "s", "2-1");
            err(j, "ERR The ID specified in XSETID is smaller than the target stream top item", "XSETID", "s", "0-5");
            assertThat(r(j, "XSETID", "s", "9-9", "ENTRIESADDED", "10", "MAXDELETEDID", "3-0")).isEqualTo("OK");
            assertThat(r(j, "XINFO", "STREAM", "s")).isEqualTo(List.of(
                    "length", 1L, "radix-tree-keys", 1L, "radix-tree-nodes", 2L,
                    "last-generated-id", "9-9", "max-deleted-entry-id", "3-0", "entries-added", 10L,
                    "recorded-first-entry-id", "1-1", "groups", 0L,
                    "first-entry", List.of("1-1", List.of("a", "1")), "last-entry", List.of("1-1", List.of("a", "1"))));
            err(j, "ERR no such key", "XSETID", "missing", "1-1");
        }
    }

    @Test
    void groupDeliverAckPendingClaimAutoclaim() throws Exception {
        try (Jedis j = ENGINE.jedis()) {
            for (int i = 1; i <= 4; i++) r(j, "XADD", "s", i + "-0", "f", "v" + i);
            assertThat(r(j, "XGROUP", "CREATE", "s", "g", "0")).isEqualTo("OK");
            err(j, "BUSYGROUP Consumer Group name already exists", "XGROUP", "CREATE", "s", "g", "$");
            err(j, "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
                    "XGROUP", "CREATE", "missing", "g", "$");
            assertThat(r(j, "XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "s", ">")).isEqualTo(List.of(
                    List.of("s", List.of(List.of("1-0", List.of("f", "v1")), List.of("2-0", List.of("f", "v2")),
                            List.of("3-0", List.of("f", "v3"))))));
            assertThat(r(j, "XACK", "s", "g", "1-0", "1-0", "9-0")).isEqualTo(1L);
            assertThat(r(j, "XPENDING", "s", "g")).isEqualTo(List.of(2L, "2-0", "3-0", List.of(List.of("alice", "2"))));
            assertThat(r(j, "XINFO", "GROUPS", "s")).isEqualTo(List.of(List.of(
                    "name", "g", "consumers", 1L, "pending", 2L, "last-delivered-id", "3-0", "entries-read", 3L, "lag", 1L)));
            // History read: the consumer's own pending entries, counting a delivery each.
            assertThat(r(j, "XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0")).isEqualTo(List.of(
                    List.of("s", List.of(List.of("2-0", List.of("f", "v2")), List.of("3-0", List.of("f", "v3"))))));
            TimeUnit.MILLISECONDS.sleep(30);
            @SuppressWarnings("unchecked")
            List<List<Object>> ext = (List<List<Object>>) r(j, "XPENDING", "s", "g", "IDLE", "20", "-", "+", "10", "alice");
            assertThat(ext).hasSize(2);
            assertThat(ext.get(0).get(0)).isEqualTo("2-0");
            assertThat(ext.get(0).get(1)).isEqualTo("alice");
            assertThat((Long) ext.get(0).get(2)).isGreaterThanOrEqualTo(20L);
            assertThat(ext.get(0).get(3)).isEqualTo(2L);
            // Claim after idle: a min-idle the entries passed moves them; one they did not is skipped.
            assertThat(r(j, "XCLAIM", "s", "g", "bob", "3600000", "2-0")).isEqualTo(List.of());
            assertThat(r(j, "XCLAIM", "s", "g", "bob", "20", "2-0", "JUSTID")).isEqualTo(List.of("2-0"));
            assertThat(r(j, "XPENDING", "s", "g", "-", "+", "10", "bob").toString()).startsWith("[[2-0, bob, ");
            err(j, "ERR Unrecognized XCLAIM option 'BOGUS'", "XCLAIM", "s", "g", "bob", "0", "2-0", "BOGUS");
            // XAUTOCLAIM reports entries deleted meanwhile in its third element.
            r(j, "XDEL", "s", "3-0");
            assertThat(r(j, "XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "10")).isEqualTo(List.of(
                    "0-0", List.of(List.of("2-0", List.of("f", "v2"))), List.of("3-0")));
            assertThat(r(j, "XPENDING", "s", "g")).isEqualTo(List.of(1L, "2-0", "2-0", List.of(List.of("carol", "1"))));
            assertThat(r(j, "XGROUP", "DELCONSUMER", "s", "g", "carol")).isEqualTo(1L);
            assertThat(r(j, "XGROUP", "CREATECONSUMER", "s", "g", "dave")).isEqualTo(1L);
            assertThat(r(j, "XGROUP", "CREATECONSUMER", "s", "g", "dave")).isEqualTo(0L);
            err(j, "NOGROUP No such consumer group 'x' for key name 's'", "XGROUP", "CREATECONSUMER", "s", "x", "dave");
            err(j, "NOGROUP No such key 's' or consumer group 'x' in XREADGROUP with GROUP option",
                    "XREADGROUP", "GROUP", "x", "c", "STREAMS", "s", ">");
            assertThat(r(j, "XGROUP", "DESTROY", "s", "g")).isEqualTo(1L);
            assertThat(r(j, "XINFO", "GROUPS", "s")).isEqualTo(List.of());
        }
    }

    @Test
    void blockingXreadgroupIsWokenByXaddFromAnotherClient() throws Exception {
        try (Jedis j = ENGINE.jedis(); Jedis other = ENGINE.jedis()) {
            r(j, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            CompletableFuture<Object> read = CompletableFuture.supplyAsync(
                    () -> r(j, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "5000", "STREAMS", "s", ">"));
            waitUntilBlocked(other);
            r(other, "XADD", "s", "1-0", "k", "v");
            assertThat(read.get(5, TimeUnit.SECONDS))
                    .isEqualTo(List.of(List.of("s", List.of(List.of("1-0", List.of("k", "v"))))));
            assertThat(r(other, "XPENDING", "s", "g")).isEqualTo(List.of(1L, "1-0", "1-0", List.of(List.of("c", "1"))));
        }
    }

    @Test
    void blockingXreadWithDollarSeesOnlyNewEntries() throws Exception {
        try (Jedis j = ENGINE.jedis(); Jedis other = ENGINE.jedis()) {
            r(j, "XADD", "s", "1-0", "old", "x");
            CompletableFuture<Object> read = CompletableFuture.supplyAsync(
                    () -> r(j, "XREAD", "BLOCK", "5000", "STREAMS", "s", "$"));
            waitUntilBlocked(other);
            r(other, "XADD", "s", "2-0", "new", "y");
            assertThat(read.get(5, TimeUnit.SECONDS))
                    .isEqualTo(List.of(List.of("s", List.of(List.of("2-0", List.of("new", "y"))))));
        }
    }

    @Test
    void blockingReadsTimeOutAndGroupDestroyAnswersNogroup() throws Exception {
        try (Jedis j = ENGINE.jedis(); Jedis other = ENGINE.jedis()) {
            r(j, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            long t0 = System.nanoTime();
            assertThat(r(j, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "100", "STREAMS", "s", ">")).isNull();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(90L);
            CompletableFuture<Object> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return r(j, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
                } catch (RuntimeException e) {
                    return e.getMessage();
                }
            });
            waitUntilBlocked(other);
            r(other, "XGROUP", "DESTROY", "s", "g");
            assertThat(read.get(5, TimeUnit.SECONDS))
                    .isEqualTo("NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option");
        }
    }

    @Test
    void dumpRestoreKeepsEntriesGroupsAndPels() {
        try (Jedis j = ENGINE.jedis()) {
            for (int i = 1; i <= 5; i++) r(j, "XADD", "s", i + "-1", "f", "v" + i, "g", "1");
            r(j, "XADD", "s", "6-1", "other", "x");
            r(j, "XDEL", "s", "2-1");
            r(j, "XGROUP", "CREATE", "s", "g1", "0");
            r(j, "XREADGROUP", "GROUP", "g1", "alice", "COUNT", "3", "STREAMS", "s", ">");
            byte[] dump = j.dump("s");
            assertThat(j.restore("copy", 0, dump)).isEqualTo("OK");
            assertThat(r(j, "XINFO", "STREAM", "copy", "FULL")).isEqualTo(r(j, "XINFO", "STREAM", "s", "FULL"));
            assertThat(r(j, "MEMORY", "USAGE", "s")).isInstanceOf(Long.class);
        }
    }

    /**
     * A DUMP payload written by redis-server 7.0.15: five entries (a sixth with other fields), 2-1
     * deleted but still in the listpack, group g1 with three entries pending for alice and an idle
     * bob, group g2 at the end with an unknown entries-read.
     */
    static final String REDIS_DUMP_HEX = "13011000000000000000010000000000000001c3405d406f126f0000002b00050101010201816602816702002009000020010782763103010105012004600d003220080005201b401d02827633a00d0003601b0034a00d0004600d0035600d0000202d0000203b0c856f74686572068178020601ff050601010102010602026731040181ffffffffffffffff0300000000000000010000000000000001de7cc0fca10100000100000000000000030000000000000001de7cc0fca10100000100000000000000040000000000000001de7cc0fca1010000010205616c696365de7cc0fca10100000300000000000000010000000000000001000000000000000300000000000000010000000000000004000000000000000103626f62e17cc0fca101000000026732060181ffffffffffffffff00000a008a2de4c5592ed278";

    @Test
    void restoresAStreamDumpedByRealRedis() {
        try (Jedis j = ENGINE.jedis()) {
            byte[] payload = java.util.HexFormat.of().parseHex(REDIS_DUMP_HEX);
            assertThat(j.restore("s", 0, payload)).isEqualTo("OK");
            long t = 1795241835742L;
            List<Object> entries = List.of(
                    List.of("1-1", List.of("f", "v1", "g", "1")), List.of("3-1", List.of("f", "v3", "g", "1")),
                    List.of("4-1", List.of("f", "v4", "g", "1")), List.of("5-1", List.of("f", "v5", "g", "1")),
                    List.of("6-1", List.of("other", "x")));
            java.util.Map<String, Object> full = new java.util.LinkedHashMap<>();
            @SuppressWarnings("unchecked")
            List<Object> reply = (List<Object>) r(j, "XINFO", "STREAM", "s", "FULL");
            for (int i = 0; i < reply.size(); i += 2) full.put((String) reply.get(i), reply.get(i + 1));
            assertThat(full.get("length")).isEqualTo(5L);
            assertThat(full.get("last-generated-id")).isEqualTo("6-1");
            assertThat(full.get("max-deleted-entry-id")).isEqualTo("2-1");
            assertThat(full.get("entries-added")).isEqualTo(6L);
            assertThat(full.get("recorded-first-entry-id")).isEqualTo("1-1");
            assertThat(full.get("entries")).isEqualTo(entries);
            java.util.ArrayList<Object> nullable = new java.util.ArrayList<>();
            nullable.addAll(List.of("name", "g1", "last-delivered-id", "4-1", "entries-read"));
            nullable.add(null);
            nullable.add("lag");
            nullable.add(null);
            nullable.addAll(List.of("pel-count", 3L, "pending", List.of(
                            List.of("1-1", "alice", t, 1L), List.of("3-1", "alice", t, 1L), List.of("4-1", "alice", t, 1L)),
                    "consumers", List.of(
                            List.of("name", "alice", "seen-time", t, "pel-count", 3L, "pending",
                                    List.of(List.of("1-1", t, 1L), List.of("3-1", t, 1L), List.of("4-1", t, 1L))),
                            List.of("name", "bob", "seen-time", t + 3, "pel-count", 0L, "pending", List.of()))));
            @SuppressWarnings("unchecked")
            List<Object> groups = (List<Object>) full.get("groups");
            assertThat(groups.get(0)).isEqualTo(nullable);
            assertThat(r(j, "XPENDING", "s", "g1")).isEqualTo(List.of(3L, "1-1", "4-1", List.of(List.of("alice", "3"))));
            // and what we write from it restores again to the same stream
            byte[] ours = j.dump("s");
            assertThat(j.restore("again", 0, ours)).isEqualTo("OK");
            assertThat(r(j, "XINFO", "STREAM", "again", "FULL")).isEqualTo(r(j, "XINFO", "STREAM", "s", "FULL"));
        }
    }

    @Test
    void debugReloadKeepsStreams() {
        try (Jedis j = ENGINE.jedis()) {
            r(j, "XADD", "s", "1-0", "a", "1");
            r(j, "XADD", "s", "2-0", "b", "2");
            r(j, "XGROUP", "CREATE", "s", "g", "0");
            r(j, "XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">");
            r(j, "XGROUP", "CREATE", "e", "g", "$", "MKSTREAM");
            Object before = r(j, "XINFO", "STREAM", "s", "FULL");
            assertThat(r(j, "DEBUG", "RELOAD")).isEqualTo("OK");
            assertThat(r(j, "XINFO", "STREAM", "s", "FULL")).isEqualTo(before);
            assertThat(r(j, "XINFO", "GROUPS", "e").toString()).isEqualTo("[[name, g, consumers, 0, pending, 0, last-delivered-id, 0-0, entries-read, null, lag, 0]]");
        }
    }

    private static void waitUntilBlocked(Jedis j) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (j.info("clients").contains("blocked_clients:1")) return;
            TimeUnit.MILLISECONDS.sleep(5);
        }
        throw new AssertionError("client never blocked");
    }
}
