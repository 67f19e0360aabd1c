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
    private static final redis.clients.jedis.commands.ProtocolCommand DEBUG = () -> "DEBUG".getBytes();

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

    @Test
    void pauseWriteLetsScriptsThatDeclareNoWritesRunAndHoldsFunctionLoad() throws Exception {
        try (Jedis admin = ENGINE.jedis(); Jedis other = ENGINE.jedis()) {
            admin.functionLoadReplace("#!lua name=pauselib\nredis.register_function{function_name='pausef', "
                    + "callback=function() return 'hello' end, flags={'no-writes'}}");
            admin.clientPause(100_000, redis.clients.jedis.args.ClientPauseMode.WRITE);
            try {
                other.getClient().setSoTimeout(2_000);
                assertThat(other.eval("#!lua flags=no-writes\nreturn 'unique script'", 0)).isEqualTo("unique script");
                assertThat(other.fcall("pausef", List.of(), List.of())).isEqualTo("hello");
                assertThat(other.sendCommand(redis.clients.jedis.Protocol.Command.FUNCTION, "LIST")).isNotNull();
                // a script without the flag, and FUNCTION LOAD, wait for the pause to end
                other.getClient().setSoTimeout(300);
                assertThatThrownBy(() -> other.eval("return 1", 0)).hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);
            } finally {
                admin.clientUnpause();
            }
        }
        try (Jedis j = ENGINE.jedis()) {
            j.clientPause(100_000, redis.clients.jedis.args.ClientPauseMode.WRITE);
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", ENGINE.port())) {
                s.setSoTimeout(300);
                String code = "#!lua name=pauselib2\nredis.register_function('pausef2', function() return 1 end)";
                s.getOutputStream().write(("*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n$" + code.length() + "\r\n" + code + "\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(java.net.SocketTimeoutException.class);
                j.clientUnpause();
                s.setSoTimeout(2_000);
                byte[] reply = new byte[13];
                assertThat(s.getInputStream().readNBytes(reply, 0, 13)).isEqualTo(13);
                assertThat(new String(reply, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("$9\r\npauselib2");
            } finally {
                j.clientUnpause();
                j.functionDelete("pauselib");
                j.functionDelete("pauselib2");
            }
        }
    }

    @Test
    void debugProtocolSendsAnAttributeOrAPushBeforeTheRealReply() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", ENGINE.port())) {
            s.setSoTimeout(2_000);
            var out = s.getOutputStream();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            out.write("DEBUG PROTOCOL attrib\r\nDEBUG PROTOCOL push\r\nHELLO 3\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("$39");
            assertThat(in.readLine()).isEqualTo("Some real reply following the attribute");
            assertThat(in.readLine()).isEqualTo("-ERR RESP2 is not supported by this command");
            assertThat(in.readLine()).startsWith("%");
            while (in.ready()) in.readLine();
            Thread.sleep(100);
            while (in.ready()) in.readLine();
            out.write("DEBUG PROTOCOL attrib\r\nDEBUG PROTOCOL push\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(List.of(in.readLine(), in.readLine(), in.readLine(), in.readLine(), in.readLine(), in.readLine(),
                    in.readLine(), in.readLine(), in.readLine())).containsExactly("|1", "$14", "key-popularity", "*2", "$7",
                    "key:123", ":90", "$39", "Some real reply following the attribute");
            assertThat(List.of(in.readLine(), in.readLine(), in.readLine(), in.readLine(), in.readLine(), in.readLine()))
                    .containsExactly(">2", "$16", "server-cpu-usage", ":42", "$40", "Some real reply following the push reply");
        }
    }

    @Test
    void subscriptionPushesAreSentEvenWithClientReplyOff() throws Exception {
        for (int resp : new int[] {2, 3}) {
            try (java.net.Socket sub = new java.net.Socket("127.0.0.1", ENGINE.port()); Jedis pub = ENGINE.jedis()) {
                sub.setSoTimeout(2_000);
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(sub.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
                if (resp == 3) {
                    sub.getOutputStream().write("HELLO 3\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    String line;
                    while (!(line = in.readLine()).equals("modules")) assertThat(line).isNotNull();
                    assertThat(in.readLine()).isEqualTo("*0");
                }
                String push = resp == 3 ? ">3" : "*3";
                sub.getOutputStream().write("CLIENT REPLY OFF\r\nSUBSCRIBE replyoff\r\nPING\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertThat(List.of(in.readLine(), in.readLine(), in.readLine(), in.readLine(), in.readLine(), in.readLine()))
                        .containsExactly(push, "$9", "subscribe", "$8", "replyoff", ":1");
                assertThat(pub.publish("replyoff", "hi")).isEqualTo(1);
                assertThat(List.of(in.readLine(), in.readLine(), in.readLine(), in.readLine(), in.readLine(), in.readLine(),
                        in.readLine())).containsExactly(push, "$7", "message", "$8", "replyoff", "$2", "hi");
            }
        }
    }

    @Test
    void debugObjectSeesALogicallyExpiredKeyWithoutDeletingIt() throws Exception {
        try (Jedis j = ENGINE.jedis()) {
            j.sendCommand(DEBUG, "set-active-expire", "0");
            try {
                j.set("debugobj", "value", redis.clients.jedis.params.SetParams.setParams().px(1));
                Thread.sleep(5);
                assertThat(new String((byte[]) j.sendCommand(DEBUG, "OBJECT", "debugobj"),
                        java.nio.charset.StandardCharsets.UTF_8)).startsWith("Value at:");
                assertThat(j.eval("return redis.call('EXISTS', 'debugobj')", 0)).isEqualTo(0L);
                assertThatThrownBy(() -> j.sendCommand(DEBUG, "OBJECT", "debugobj"))
                        .hasMessage("ERR no such key");
            } finally {
                j.sendCommand(DEBUG, "set-active-expire", "1");
            }
        }
    }

    @Test
    void aKeyThatExpiredDuringTheExecThatPushedItDoesNotServeABlockedClient() throws Exception {
        try (Jedis j = ENGINE.jedis(); Jedis blocked = ENGINE.jedis()) {
            j.sendCommand(DEBUG, "set-active-expire", "0");
            try {
                long id = blocked.clientId();
                Thread t = new Thread(() -> {
                    try {
                        blocked.brpop(0, "blockedexpired");
                    } catch (RuntimeException closed) {
                        // CLIENT UNBLOCK answers nil; the connection stays usable
                    }
                });
                t.start();
                long deadline = System.currentTimeMillis() + 5_000;
                while (!j.clientList(id).contains("flags=b") && System.currentTimeMillis() < deadline) Thread.sleep(5);
                var tx = j.multi();
                tx.rpush("blockedexpired", "hello");
                tx.pexpire("blockedexpired", 100);
                tx.sendCommand(DEBUG, "sleep", "0.2");
                tx.exec();
                assertThat(j.clientList(id)).contains("flags=b");
                assertThat(j.exists("blockedexpired")).isFalse();
                j.clientUnblock(id);
                t.join(5_000);
                assertThat(t.isAlive()).isFalse();
            } finally {
                j.sendCommand(DEBUG, "set-active-expire", "1");
            }
        }
    }
}
