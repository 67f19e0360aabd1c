package io.cachelab.engine.command;

import io.cachelab.engine.it.RealRedis;
import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends the same command lists to the engine and to a real redis-server (started here on a free
 * port) and compares every reply as text, error texts and reply types included. The lists live in
 * src/test/resources/differential; the bit-range matrices are generated with a fixed seed.
 */
@Tag("it")
class StringsBitmapsKeysDifferentialTest {
    static TestEngine engine;
    static RealRedis redis;
    static int redisPort;

    @BeforeAll
    static void start() {
        redis = RealRedis.start();
        redisPort = redis.port();
        engine = TestEngine.start();
    }


    @AfterAll
    static void stop() {
        if (engine != null) engine.close();
        if (redis != null) redis.close();
    }

    private static List<String> resource(String name) throws IOException {
        try (InputStream in = StringsBitmapsKeysDifferentialTest.class.getResourceAsStream("/differential/" + name)) {
            List<String> lines = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank() && !l.startsWith("#")) lines.add(l);
            }
            return lines;
        }
    }

    private static List<String> run(int port, List<String> commands) {
        List<String> out = new ArrayList<>();
        try (RespWire w = new RespWire(port)) {
            w.call("FLUSHALL");
            for (String cmd : commands) out.add(cmd + " => " + w.call(cmd));
        }
        return out;
    }

    private static void sameReplies(List<String> commands) {
        List<String> expected = run(redisPort, commands);
        List<String> actual = run(engine.port(), commands);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                mismatches.add("redis:  " + expected.get(i) + "\nengine: " + actual.get(i));
            }
        }
        assertThat(mismatches).as("replies that differ from redis-server").isEmpty();
    }

    @Test
    void strings() throws IOException {
        sameReplies(resource("strings.txt"));
    }

    @Test
    void keys() throws IOException {
        sameReplies(resource("keys.txt"));
    }

    @Test
    void bitmaps() throws IOException {
        sameReplies(resource("bitmaps.txt"));
    }

    @Test
    void bitfieldAndBitop() throws IOException {
        sameReplies(resource("bitfield.txt"));
    }

    @Test
    void wrongTypeChecksComeWhereRedisPutsThem() throws IOException {
        sameReplies(resource("wrongtype.txt"));
    }

    @Test
    void lfuClock() throws IOException {
        sameReplies(resource("lfu.txt"));
    }

    /** BITPOS/BITCOUNT over every interesting start/end pair, BYTE and BIT units, on edge-shaped strings. */
    @Test
    void bitRangeMatrix() {
        Random rnd = new Random(7);
        List<String> cmds = new ArrayList<>(List.of("set m \"\\x00\\xff\\x00\\x0f\\xf0\"", "set z \"\\x00\\x00\\x00\"",
                "set f \"\\xff\\xff\\xff\"", "set e \"\"", "set one \"\\x80\""));
        long[] points = {-50, -9, -8, -1, 0, 1, 2, 3, 7, 8, 9, 15, 16, 23, 24, 39, 40, 100};
        for (String key : List.of("m", "z", "f", "e", "one", "nokey")) {
            for (int bit = 0; bit <= 1; bit++) {
                cmds.add("bitpos " + key + " " + bit);
                for (long s : points) {
                    cmds.add("bitpos " + key + " " + bit + " " + s);
                    cmds.add("bitpos " + key + " " + bit + " " + s + " -1 bit");
                    for (long e : points) {
                        if (rnd.nextInt(3) == 0) cmds.add("bitpos " + key + " " + bit + " " + s + " " + e);
                        if (rnd.nextInt(2) == 0) cmds.add("bitpos " + key + " " + bit + " " + s + " " + e + " bit");
                        if (bit == 0 && rnd.nextInt(3) == 0) cmds.add("bitcount " + key + " " + s + " " + e + " bit");
                        if (bit == 0 && rnd.nextInt(4) == 0) cmds.add("bitcount " + key + " " + s + " " + e);
                    }
                }
            }
        }
        sameReplies(cmds);
    }

    /** BITFIELD SET/GET/INCRBY at every width with values at and beyond each type's limits. */
    @Test
    void bitfieldOverflowMatrix() {
        Random rnd = new Random(11);
        List<String> cmds = new ArrayList<>();
        for (int bits : new int[] {1, 2, 3, 5, 7, 8, 9, 15, 16, 31, 32, 33, 62, 63, 64}) {
            for (String sign : List.of("i", "u")) {
                if (sign.equals("u") && bits == 64) continue;
                for (String ow : List.of("wrap", "sat", "fail")) {
                    long[] vals = {0, 1, -1, bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1,
                        bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1)), bits >= 63 ? -1 : (1L << bits) - 1,
                        bits >= 63 ? 5 : 1L << bits, Long.MIN_VALUE, Long.MAX_VALUE, rnd.nextLong()};
                    int off = rnd.nextInt(41);
                    StringBuilder sb = new StringBuilder("bitfield w overflow " + ow);
                    String type = " " + sign + bits + " " + off;
                    for (long v : vals) sb.append(" set").append(type).append(' ').append(v).append(" get").append(type)
                            .append(" incrby").append(type).append(' ').append(v);
                    cmds.add(sb.toString());
                }
            }
        }
        cmds.add("get w");
        sameReplies(cmds);
    }

    /** A seeded random mix of string, bitmap and key commands over four keys, so they interact. */
    @Test
    void randomMix() {
        for (int seed = 1; seed <= 3; seed++) sameReplies(randomCommands(new Random(seed), 3000));
    }

    private static List<String> randomCommands(Random r, int n) {
        String[] keys = {"a", "b", "c", "d"};
        String[] floats = {"0.1", "1.5", "-3", "1e3", "2.5e-3", "10", "-0.1"};
        String[] lcsOpts = {"", "len", "idx", "idx withmatchlen", "idx minmatchlen 2", "idx minmatchlen 2 withmatchlen"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String k = keys[r.nextInt(4)];
            String k2 = keys[r.nextInt(4)];
            String cmd = switch (r.nextInt(24)) {
                case 0 -> "set " + k + " " + value(r);
                case 1 -> "append " + k + " " + value(r);
                case 2 -> "setrange " + k + " " + r.nextInt(31) + " " + value(r);
                case 3 -> "getrange " + k + " " + num(r) + " " + num(r);
                case 4 -> "setbit " + k + " " + r.nextInt(201) + " " + r.nextInt(2);
                case 5 -> "getbit " + k + " " + r.nextInt(201);
                case 6 -> "bitcount " + k + " " + num(r) + " " + num(r) + " " + List.of("", "bit", "byte").get(r.nextInt(3));
                case 7 -> "bitpos " + k + " " + r.nextInt(2) + " " + String.join(" ",
                        List.of(num(r), num(r), r.nextBoolean() ? "bit" : "byte").subList(0, r.nextInt(4)));
                case 8 -> "bitfield " + k + " " + bitfieldOps(r);
                case 9 -> "bitop " + List.of("and", "or", "xor", "not").get(r.nextInt(4)) + " " + k + " " + k2
                        + (r.nextBoolean() ? " z" : "");
                case 10 -> "incrbyfloat " + k + " " + floats[r.nextInt(floats.length)];
                case 11 -> "lcs " + k + " " + k2 + " " + lcsOpts[r.nextInt(lcsOpts.length)];
                case 12 -> "getset " + k + " " + value(r);
                case 13 -> "getdel " + k;
                case 14 -> "msetnx " + k + " " + value(r) + " " + k2 + " " + value(r);
                case 15 -> "rename " + k + " " + k2;
                case 16 -> "renamenx " + k + " " + k2;
                case 17 -> "copy " + k + " " + k2 + (r.nextBoolean() ? " replace" : "");
                case 18 -> "object encoding " + k;
                case 19 -> "get " + k;
                case 20 -> "strlen " + k;
                case 21 -> "incrby " + k + " " + num(r);
                case 22 -> "getex " + k + " " + List.of("", "persist", "ex 100", "px 100000").get(r.nextInt(4));
                default -> "exists " + k + " " + k2;
            };
            out.add(cmd);
        }
        return out;
    }

    private static String num(Random r) {
        return String.valueOf(r.nextInt(121) - 20);
    }

    private static String value(Random r) {
        int kind = r.nextInt(10);
        if (kind < 2) return String.valueOf(r.nextInt(101_001) - 1000);
        if (kind < 3) return List.of("1.5", "-0.25", "3e2", "0.1", "1e-3", "inf", "abc", "\"\"").get(r.nextInt(8));
        String[] parts = {"\\x00", "\\xff", "a", "b", "\\x0f", "\\xf0", "1", "0"};
        StringBuilder sb = new StringBuilder("\"");
        for (int i = r.nextInt(13); i > 0; i--) sb.append(parts[r.nextInt(parts.length)]);
        return sb.append('"').toString();
    }

    private static String bitfieldOps(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(4) + 1; i > 0; i--) {
            String type = (r.nextBoolean() ? "i" : "u") + (r.nextInt(64) + 1);
            String off = r.nextBoolean() ? "#" + r.nextInt(11) : String.valueOf(r.nextInt(101));
            switch (r.nextInt(4)) {
                case 0 -> sb.append(" get ").append(type).append(' ').append(off);
                case 1 -> sb.append(" set ").append(type).append(' ').append(off).append(' ').append(r.nextLong() >> 23);
                case 2 -> sb.append(" incrby ").append(type).append(' ').append(off).append(' ').append(r.nextInt(601) - 300);
                default -> sb.append(" overflow ").append(List.of("wrap", "sat", "fail").get(r.nextInt(3)));
            }
        }
        return sb.toString().trim();
    }

    /** server.dirty (rdb_changes_since_last_save) after each command: one per change, not per call. */
    @Test
    void dirtyCountsChanges() throws IOException {
        List<String> cmds = resource("dirty.txt");
        assertThat(dirtyDeltas(engine.port(), cmds)).containsExactlyElementsOf(dirtyDeltas(redisPort, cmds));
    }

    private static List<String> dirtyDeltas(int port, List<String> cmds) {
        List<String> out = new ArrayList<>();
        try (RespWire w = new RespWire(port)) {
            w.call("FLUSHALL");
            long before = dirty(w);
            for (String cmd : cmds) {
                w.call(cmd);
                long now = dirty(w);
                out.add(cmd + " => +" + (now - before));
                before = now;
            }
        }
        return out;
    }

    private static long dirty(RespWire w) {
        for (String line : w.bulkText("INFO persistence").split("\\r?\\n")) {
            if (line.startsWith("rdb_changes_since_last_save:")) return Long.parseLong(line.substring(28).trim());
        }
        throw new IllegalStateException("no rdb_changes_since_last_save");
    }

    /** Hit/miss statistics and keymiss events: which lookups count (LOOKUP_NOTOUCH, NONOTIFY, write lookups). */
    @Test
    void lookupStatisticsAndKeymissEvents() throws IOException {
        List<String> cmds = resource("lookups.txt");
        assertThat(lookups(engine.port(), cmds)).containsExactlyElementsOf(lookups(redisPort, cmds));
    }

    private static List<String> lookups(int port, List<String> cmds) {
        List<String> got = new ArrayList<>();
        try (RespWire admin = new RespWire(port); RespWire sub = new RespWire(port)) {
            admin.call("FLUSHALL");
            admin.call("CONFIG SET notify-keyspace-events Em");
            sub.call("SUBSCRIBE __keyevent@0__:keymiss");
            try {
                List<String> all = new ArrayList<>(List.of("CONFIG RESETSTAT"));
                all.addAll(cmds);
                run(port, all);
            } finally {
                admin.call("CONFIG SET notify-keyspace-events \"\"");
            }
            sub.callNoRead("PING");
            String msg;
            while (!(msg = sub.readReply()).contains("pong")) got.add(msg);
            for (String line : admin.bulkText("INFO stats").split("\\r?\\n")) {
                if (line.startsWith("keyspace_")) got.add(line);
            }
            assertThat(got).anyMatch(l -> l.startsWith("keyspace_hits:"));
        }
        return got;
    }

    /** Keyspace events: a pattern subscriber on each server, drained with PING after the command list. */
    @Test
    void keyspaceEvents() throws IOException {
        List<String> cmds = resource("events.txt");
        assertThat(events(redisPort, cmds)).containsExactlyElementsOf(events(engine.port(), cmds));
    }

    private static List<String> events(int port, List<String> cmds) {
        List<String> got = new ArrayList<>();
        try (RespWire admin = new RespWire(port); RespWire sub = new RespWire(port)) {
            admin.call("FLUSHALL");
            admin.call("CONFIG SET notify-keyspace-events KEA");
            sub.call("PSUBSCRIBE __key*__:*");
            try {
                run(port, cmds);
            } finally {
                admin.call("CONFIG SET notify-keyspace-events \"\"");
            }
            sub.callNoRead("PING");
            String msg;
            while (!(msg = sub.readReply()).contains("pong")) got.add(msg);
        }
        return got;
    }
}
