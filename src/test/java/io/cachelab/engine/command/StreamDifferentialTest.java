package io.cachelab.engine.command;

import io.cachelab.engine.it.RealRedis;
import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random stream command sequences (explicit IDs, so no clock is involved) sent to the engine and to
 * a real redis-server 7.0.15; every reply must match, idle times in XPENDING aside. A divergence
 * prints the seed, the step and the recent commands, which is a reproduction.
 */
@Tag("it")
class StreamDifferentialTest {
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

    static Object send(Jedis j, List<String> cmd) {
        try {
            return StreamCommandsTest.plain(j.sendCommand(() -> cmd.get(0).getBytes(StandardCharsets.UTF_8),
                    cmd.subList(1, cmd.size()).toArray(new String[0])));
        } catch (JedisDataException e) {
            return "-" + e.getMessage();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void repliesMatchRealRedis(long seed) {
        Random rnd = new Random(seed);
        String nodeMax = Integer.toString(new int[]{1, 2, 3, 5, 100}[rnd.nextInt(5)]);
        try (Jedis real = new Jedis("127.0.0.1", redisPort, 5000); Jedis ours = engine.jedis()) {
            for (Jedis j : List.of(real, ours)) {
                j.flushAll();
                j.configSet("stream-node-max-entries", nodeMax);
            }
            List<String> history = new ArrayList<>();
            for (int step = 0; step < 500; step++) {
                List<String> cmd = randomCommand(rnd);
                Object expected = normalize(cmd, send(real, cmd));
                Object actual = normalize(cmd, send(ours, cmd));
                history.add(String.join(" ", cmd) + " -> " + expected);
                if (history.size() > 30) history.remove(0);
                assertThat(actual).as("seed %d step %d node-max %s, recent:%n%s", seed, step, nodeMax,
                        String.join("\n", history)).isEqualTo(expected);
            }
        }
    }

    /** XPENDING's extended form carries idle times, which differ by nature. */
    @SuppressWarnings("unchecked")
    static Object normalize(List<String> cmd, Object reply) {
        if (cmd.get(0).equals("XPENDING") && cmd.size() > 3 && reply instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object row : l) {
                List<Object> r = new ArrayList<>((List<Object>) row);
                r.remove(2);
                out.add(r);
            }
            return out;
        }
        return reply;
    }

    static String id(Random r) {
        return r.nextInt(31) + "-" + r.nextInt(4);
    }

    static List<String> randomCommand(Random r) {
        String k = r.nextBoolean() ? "s1" : "s2";
        String g = r.nextBoolean() ? "g1" : "g2";
        String c = "c" + (1 + r.nextInt(3));
        List<String> cmd = new ArrayList<>();
        switch (r.nextInt(21)) {
            case 0 -> {
                cmd.addAll(List.of("XADD", k));
                switch (r.nextInt(3)) {
                    case 0 -> cmd.addAll(List.of("MAXLEN", r.nextBoolean() ? "~" : "=", Integer.toString(r.nextInt(9))));
                    case 1 -> cmd.addAll(List.of("MINID", r.nextBoolean() ? "~" : "=", id(r)));
                    default -> {
                    }
                }
                cmd.addAll(List.of(r.nextBoolean() ? id(r) : r.nextInt(31) + "-*", "f", Integer.toString(r.nextInt(10))));
            }
            case 1 -> cmd.addAll(List.of("XDEL", k, id(r), id(r)));
            case 2 -> cmd.addAll(List.of("XTRIM", k, "MAXLEN", r.nextBoolean() ? "~" : "=", Integer.toString(r.nextInt(9))));
            case 3 -> cmd.addAll(List.of("XRANGE", k, r.nextBoolean() ? "-" : "(" + id(r), r.nextBoolean() ? "+" : id(r),
                    "COUNT", Integer.toString(r.nextInt(6))));
            case 4 -> cmd.addAll(List.of("XREVRANGE", k, r.nextBoolean() ? "+" : id(r), r.nextBoolean() ? "-" : id(r)));
            case 5 -> cmd.addAll(List.of("XLEN", k));
            case 6 -> cmd.addAll(List.of("XGROUP", "CREATE", k, g, r.nextBoolean() ? "$" : id(r), "MKSTREAM"));
            case 7 -> cmd.addAll(List.of("XGROUP", "SETID", k, g, r.nextBoolean() ? "$" : id(r)));
            case 8 -> cmd.addAll(List.of("XGROUP", "DESTROY", k, g));
            case 9 -> cmd.addAll(List.of("XGROUP", "CREATECONSUMER", k, g, c));
            case 10 -> cmd.addAll(List.of("XGROUP", "DELCONSUMER", k, g, c));
            case 11 -> {
                cmd.addAll(List.of("XREADGROUP", "GROUP", g, c, "COUNT", Integer.toString(1 + r.nextInt(4))));
                if (r.nextInt(5) == 0) cmd.add("NOACK");
                cmd.addAll(List.of("STREAMS", k, r.nextInt(3) == 0 ? "0" : ">"));
            }
            case 12 -> cmd.addAll(List.of("XACK", k, g, id(r), id(r)));
            case 13 -> cmd.addAll(List.of("XPENDING", k, g));
            case 14 -> cmd.addAll(List.of("XPENDING", k, g, "-", "+", "10"));
            case 15 -> cmd.addAll(List.of("XCLAIM", k, g, c, "0", id(r), id(r), "JUSTID"));
            case 16 -> cmd.addAll(List.of("XAUTOCLAIM", k, g, c, "0", r.nextBoolean() ? "0" : id(r),
                    "COUNT", Integer.toString(1 + r.nextInt(5)), "JUSTID"));
            case 17 -> cmd.addAll(List.of("XINFO", "GROUPS", k));
            case 18 -> cmd.addAll(List.of("XINFO", "STREAM", k));
            case 19 -> cmd.addAll(List.of("XREAD", "COUNT", Integer.toString(1 + r.nextInt(3)), "STREAMS", k, id(r)));
            default -> cmd.addAll(List.of("XSETID", k, id(r)));
        }
        return cmd;
    }
}
