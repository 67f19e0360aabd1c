package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Sends the same command lists to the engine and to a real redis-server (started here on a free
 * port) and compares every reply as text, error texts and reply types included. The lists live in
 * src/test/resources/differential; the bit-range matrices are generated with a fixed seed.
 */
@Tag("it")
class StringsBitmapsKeysDifferentialTest {
    static TestEngine engine;
    static Process redis;
    static int redisPort;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(new File("/usr/bin/redis-server").canExecute() || onPath("redis-server"), "redis-server not installed");
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try (RespWire w = new RespWire(redisPort)) {
                if (w.call("PING").equals("+PONG")) break;
            } catch (RuntimeException e) {
                if (System.currentTimeMillis() > deadline) throw e;
                Thread.sleep(50);
            }
        }
        engine = TestEngine.start();
    }

    private static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, exe).canExecute()) return true;
        }
        return false;
    }

    @AfterAll
    static void stop() {
        if (engine != null) engine.close();
        if (redis != null) redis.destroy();
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
