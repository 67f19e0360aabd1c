package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Behaviours fixed against Redis 7.0.15's own suite (introspection, functions, latency-monitor,
 * querybuf); every expected value was read from a real redis-server 7.0.15.
 */
class CompatCoreTest {
    private static final TestEngine ENGINE = TestEngine.start();

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @Test
    void hiddenConfigsAnswerOnlyToTheirExactName() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.configGet("key-load-delay")).isEqualTo(Map.of("key-load-delay", "0"));
            assertThat(j.configGet("*")).doesNotContainKey("key-load-delay").containsKey("tls-session-cache-size")
                    .containsEntry("cluster-node-timeout", "15000").containsEntry("proc-title-template",
                            "{title} {listen-addr} {server-mode}");
        }
    }

    @Test
    void configGetWithSeveralArgumentsAnswersEachNameOnce() {
        try (Jedis j = ENGINE.jedis()) {
            Map<String, String> res = j.configGet("maxmemory", "maxmemory*", "bind", "*of");
            assertThat(res).containsKeys("maxmemory", "maxmemory-samples", "maxmemory-clients", "bind", "slaveof", "replicaof");
            assertThat(j.configGet("MAXMEMORY", "maxmemory")).containsOnlyKeys("MAXMEMORY");
        }
    }

    @Test
    void configSetRefusesWhatRedisRefuses() {
        try (Jedis j = ENGINE.jedis()) {
            assertThatThrownBy(() -> j.configSet("dir", "/tmp")).hasMessage(
                    "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
            assertThatThrownBy(() -> j.configSet("rdbchecksum", "no")).hasMessage(
                    "ERR CONFIG SET failed (possibly related to argument 'rdbchecksum') - can't set immutable config");
            assertThatThrownBy(() -> j.configSet("hash-max-listpack-value", "-5")).hasMessage(
                    "ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-value') - argument must be a memory value");
            assertThatThrownBy(() -> j.configSet("appendfsync", "x")).hasMessage("ERR CONFIG SET failed (possibly related to "
                    + "argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no");
            assertThatThrownBy(() -> j.configSet("slowlog-log-slower-than", "-5")).hasMessage("ERR CONFIG SET failed "
                    + "(possibly related to argument 'slowlog-log-slower-than') - argument must be between -1 and "
                    + "9223372036854775807 inclusive");
            assertThatThrownBy(() -> j.configSet("shutdown-on-sigterm", "x")).hasMessage("ERR CONFIG SET failed (possibly "
                    + "related to argument 'shutdown-on-sigterm') - argument(s) must be one of the following: default, save, "
                    + "nosave, now, force");
        }
    }

    @Test
    void maxmemoryClientsTakesAPercentage() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.configSet("maxmemory-clients", "10%")).isEqualTo("OK");
            assertThat(j.configGet("maxmemory-clients")).isEqualTo(Map.of("maxmemory-clients", "10%"));
            assertThatThrownBy(() -> j.configSet("maxmemory-clients", "200%")).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - "
                            + "percentage argument must be less or equal to 100");
            assertThatThrownBy(() -> j.configSet("maxmemory-clients", "abc")).hasMessage("ERR CONFIG SET failed "
                    + "(possibly related to argument 'maxmemory-clients') - argument must be a memory or percent value");
            assertThat(j.configSet("maxmemory-clients", "0")).isEqualTo("OK");
        }
    }

    @Test
    void configSetPortThatCannotBeBoundRollsEverythingBack() throws Exception {
        try (Jedis j = ENGINE.jedis();
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String before = j.configGet("maxmemory").get("maxmemory");
            assertThatThrownBy(() -> j.sendCommand(redis.clients.jedis.Protocol.Command.CONFIG, "set", "maxmemory",
                    "123456", "port", Integer.toString(taken.getLocalPort())))
                    .hasMessage("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this "
                            + "port. Check server logs.");
            assertThat(j.configGet("maxmemory").get("maxmemory")).isEqualTo(before);
        }
        try (Jedis again = ENGINE.jedis()) {
            assertThat(again.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void functionNameErrorsAndShebangParsingFollowRedis70() {
        try (Jedis j = ENGINE.jedis()) {
            assertThatThrownBy(() -> j.functionLoad("#!lua name=lib2\nredis.register_function('', function() return 1 end)"))
                    .hasMessage("ERR Error registering functions: ERR Library names can only contain letters, numbers, "
                            + "or underscores(_) and must be at least one character long");
            assertThatThrownBy(() -> j.functionLoad("#! name=test\nredis.register_function('foo', function() return 1 end)"))
                    .hasMessage("ERR Engine '' not found");
            assertThat(j.functionLoadReplace("#!lua name=\"foo\"\nredis.register_function('foo', function() return 1 end)"))
                    .isEqualTo("foo");
            j.functionLoad("#!lua name=lib\nredis.register_function('f1', function() "
                    + "redis.register_function('f2', function() return 2 end) return 1 end)");
            assertThatThrownBy(() -> j.fcall("f1", List.of(), List.of()))
                    .hasMessage("ERR user_function:2: attempt to call field 'register_function' (a nil value) "
                            + "script: f1, on @user_function:2.");
            j.functionFlush();
        }
    }

    @Test
    void latencyCommandShapes() {
        try (Jedis j = ENGINE.jedis()) {
            assertThatThrownBy(() -> j.sendCommand(redis.clients.jedis.Protocol.Command.LATENCY, "graph", "nosuch"))
                    .hasMessage("ERR No samples available for event 'nosuch'");
            assertThatThrownBy(() -> j.sendCommand(redis.clients.jedis.Protocol.Command.LATENCY, "help", "x"))
                    .hasMessage("ERR wrong number of arguments for 'latency|help' command");
            j.configResetStat();
            j.set("a", "b");
            @SuppressWarnings("unchecked")
            List<Object> histo = (List<Object>) j.sendCommand(redis.clients.jedis.Protocol.Command.LATENCY,
                    "histogram", "set", "blabla");
            assertThat(new String((byte[]) histo.get(0))).isEqualTo("set");
            @SuppressWarnings("unchecked")
            List<Object> cdf = (List<Object>) histo.get(1);
            assertThat(new String((byte[]) cdf.get(0))).isEqualTo("calls");
            assertThat(cdf.get(1)).isEqualTo(1L);
            assertThat(new String((byte[]) cdf.get(2))).isEqualTo("histogram_usec");
        }
    }

    @Test
    void latencyMonitorRecordsSlowCommands() {
        try (Jedis j = ENGINE.jedis()) {
            j.configSet("latency-monitor-threshold", "50");
            try {
                j.sendCommand(() -> redis.clients.jedis.util.SafeEncoder.encode("DEBUG"), "sleep", "0.1");
                @SuppressWarnings("unchecked")
                List<List<Object>> latest = (List<List<Object>>) j.sendCommand(redis.clients.jedis.Protocol.Command.LATENCY, "latest");
                assertThat(latest).hasSize(1);
                assertThat(new String((byte[]) latest.get(0).get(0))).isEqualTo("command");
                assertThat((Long) latest.get(0).get(2)).isBetween(100L, 1000L);
                assertThat(j.sendCommand(redis.clients.jedis.Protocol.Command.LATENCY, "reset", "nosuch")).isEqualTo(0L);
                assertThat(j.sendCommand(redis.clients.jedis.Protocol.Command.LATENCY, "reset")).isEqualTo(1L);
            } finally {
                j.configSet("latency-monitor-threshold", "0");
            }
        }
    }

    @Test
    void queryBufferIsSizedAsRedisReadsIt() {
        try (Jedis j = ENGINE.jedis(); Jedis observer = ENGINE.jedis()) {
            j.clientSetname("qb");
            String line = observer.clientList().lines().filter(l -> l.contains(" name=qb ")).findFirst().orElseThrow();
            // a fresh client after one small command: a 16 KB read in jemalloc's 20 KB class
            assertThat(line).contains(" qbuf=0 qbuf-free=20474 ");
        }
    }
}
