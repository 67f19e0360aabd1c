package io.cachelab.engine.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachelab.engine.TestEngine;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Scripting through a real client (Jedis) against the engine on a random port: the flows Redisson
 * relies on, long scripts answered -BUSY to other clients until SCRIPT KILL, and FUNCTION
 * DUMP/RESTORE with a payload produced by redis-server 7.0.15. Expected texts are Redis's.
 */
class ScriptingEngineTest {
    static final TestEngine ENGINE = TestEngine.start("lua-time-limit", "100");

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @BeforeEach
    void clean() {
        try (Jedis j = ENGINE.jedis()) {
            j.flushAll();
            j.scriptFlush();
            j.functionFlush();
        }
    }

    /** Redisson's RLock unlock script (RedissonLock#unlockInnerAsync, without pub/sub details). */
    static final String UNLOCK = "if (redis.call('hexists', KEYS[1], ARGV[3]) == 0) then return nil; end; "
            + "return 1;";
    static final String UNLOCK_STRING = "if (redis.call('get', KEYS[1]) == false) then return nil; end; "
            + "if (redis.call('get', KEYS[1]) == ARGV[1]) then redis.call('del', KEYS[1]); return 1; end; return 0;";

    @Test
    void evalshaFallsBackToScriptLoadOnNoscript() {
        try (Jedis j = ENGINE.jedis()) {
            String sha = Sha1.hex(UNLOCK_STRING.getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> j.evalsha(sha, List.of("lock"), List.of("me")))
                    .isInstanceOf(JedisNoScriptException.class)
                    .hasMessage("NOSCRIPT No matching script. Please use EVAL.");
            assertThat(j.scriptLoad(UNLOCK_STRING)).isEqualTo(sha);
            assertThat(j.scriptExists(sha)).isTrue();
            assertThat(j.evalsha(sha, List.of("lock"), List.of("me"))).isNull();
            j.set("lock", "me");
            assertThat(j.evalsha(sha, List.of("lock"), List.of("other"))).isEqualTo(0L);
            assertThat(j.evalsha(sha, List.of("lock"), List.of("me"))).isEqualTo(1L);
            assertThat(j.exists("lock")).isFalse();
            // Redisson tries EVALSHA_RO first; here it exists and refuses writes like Redis.
            assertThat(j.sendCommand(Protocol.Command.EVALSHA_RO, sha, "1", "lock", "me")).isNull();
        }
    }

    @Test
    void structPackAsRedissonUsesIt() {
        try (Jedis j = ENGINE.jedis()) {
            // RMapCache stores values as struct.pack('dLc0', idleTimeout, len, value)
            // answer of redis-server 7.0.15 for the same script: 0, "value", 22, 16
            Object r = j.eval("local v = struct.pack('dLc0', 0, string.len(ARGV[1]), ARGV[1]) "
                    + "redis.call('set', KEYS[1], v) "
                    + "local t, val, pos = struct.unpack('dLc0', redis.call('get', KEYS[1])) "
                    + "return {t, val, pos, struct.size('dL')}", List.of("cache"), List.of("value"));
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) r;
            assertThat(list.get(0)).isEqualTo(0L);
            assertThat(list.get(1)).isEqualTo("value");
            assertThat(list.get(2)).isEqualTo(22L);
            assertThat(list.get(3)).isEqualTo(16L);
            byte[] stored = j.get("cache".getBytes(StandardCharsets.UTF_8));
            assertThat(HexFormat.of().formatHex(stored)).isEqualTo("0000000000000000" + "0500000000000000"
                    + HexFormat.of().formatHex("value".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void longScriptMakesOthersBusyUntilScriptKill() throws Exception {
        try (Jedis runner = ENGINE.jedis(); Jedis other = ENGINE.jedis()) {
            CompletableFuture<Object> result = CompletableFuture.supplyAsync(() -> {
                try {
                    return runner.eval("local i = 0 while true do i = i + 1 end");
                } catch (JedisDataException e) {
                    return e.getMessage();
                }
            });
            String busy = awaitBusy(other);
            assertThat(busy).isEqualTo("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
            assertThatThrownBy(other::functionKill).hasMessage(
                    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
            assertThat(other.scriptKill()).isEqualTo("OK");
            Object reply = result.get(10, TimeUnit.SECONDS);
            assertThat((String) reply).startsWith("ERR Script killed by user with SCRIPT KILL... script: ");
            assertThat(other.ping()).isEqualTo("PONG");
            assertThatThrownBy(other::scriptKill).hasMessage("NOTBUSY No scripts in execution right now.");
        }
    }

    @Test
    void scriptThatWroteCannotBeKilled() throws Exception {
        try (Jedis runner = ENGINE.jedis(); Jedis other = ENGINE.jedis()) {
            // runs for 3 s of wall-clock time (TIME), so it is past the time limit on any machine
            CompletableFuture<Object> result = CompletableFuture.supplyAsync(() -> runner.eval(
                    "redis.call('set', 'w', '1') local t0 = redis.call('time') local n = 0 "
                            + "repeat n = n + 1 local t = redis.call('time') "
                            + "until (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 3000000 return 'done'"));
            awaitBusy(other);
            assertThatThrownBy(other::scriptKill).hasMessage("UNKILLABLE Sorry the script already executed write "
                    + "commands against the dataset. You can either wait the script termination or kill the server in "
                    + "a hard way using the SHUTDOWN NOSAVE command.");
            assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(other.get("w")).isEqualTo("1");
        }
    }

    @Test
    void longFunctionIsKilledWithFunctionKill() throws Exception {
        try (Jedis runner = ENGINE.jedis(); Jedis other = ENGINE.jedis()) {
            runner.functionLoad("#!lua name=loop\nredis.register_function('loop', function() while true do end end)");
            CompletableFuture<Object> result = CompletableFuture.supplyAsync(() -> {
                try {
                    return runner.fcall("loop", List.of(), List.of());
                } catch (JedisDataException e) {
                    return e.getMessage();
                }
            });
            assertThat(awaitBusy(other)).isEqualTo(
                    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
            assertThatThrownBy(other::scriptKill).hasMessage(
                    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
            Object stats = other.sendCommand(Protocol.Command.FUNCTION, "STATS");
            assertThat(stats.toString()).isNotNull();
            assertThat(other.functionKill()).isEqualTo("OK");
            assertThat(result.get(10, TimeUnit.SECONDS))
                    .isEqualTo("ERR Script killed by user with SCRIPT KILL... script: loop, on @user_function:2.");
        }
    }

    private static String awaitBusy(Jedis other) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                other.get("probe");
            } catch (JedisDataException e) {
                return e.getMessage();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("never busy");
    }

    @Test
    void functionDumpFromRealRedisRestores() {
        // FUNCTION DUMP of redis-server 7.0.15 (the code is LZF-compressed inside the payload)
        byte[] payload = HexFormat.of().parseHex("f5c340ca40f01f23216c7561206e616d653d64756d706c69620a2d2d2061206c6f6e6720"
                + "656e6f1875676820636f6d6d656e7420736f20746861742072656469734015067072657373657320150165202039037261727920"
                + "161364652077697468206c7a66207768656e20697420405b00732008063b207061646469205be01607000a6064132e7265676973"
                + "7465725f66756e6374696f6e2827404a046564272c20e000120a6b6579732c206172677329209b057475726e2027209901746f20"
                + "43062027202e2e2023402220ce0164290a0042a7f726c741b2fa");
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.functionRestore(payload)).isEqualTo("OK");
            assertThat(j.fcall("dumped", List.of("a", "b"), List.of())).isEqualTo("restored 2");
            assertThatThrownBy(() -> j.functionRestore(payload)).hasMessage("ERR Library dumplib already exists");
            byte[] ours = j.functionDump();
            j.functionFlush();
            assertThat(j.functionRestore(ours)).isEqualTo("OK");
            assertThat(j.fcall("dumped", List.of(), List.of())).isEqualTo("restored 0");
            payload[payload.length - 1] ^= 1;
            assertThatThrownBy(() -> j.functionRestore(payload)).hasMessage("ERR DUMP payload version or checksum are wrong");
        }
    }

    @Test
    void scriptsSeeTheCallersDatabaseAndKeepItsResp() {
        try (Jedis j = ENGINE.jedis()) {
            j.select(3);
            j.set("k", "db3");
            assertThat(j.eval("return redis.call('get', 'k')")).isEqualTo("db3");
            assertThat(j.eval("redis.call('select', 0) return redis.call('get', 'k')")).isNull();
            assertThat(j.get("k")).isEqualTo("db3");
        }
    }

    @Test
    void stringMethodsUseTheScriptsStringLibrary() {
        try (Jedis j = ENGINE.jedis()) {
            j.functionLoad("#!lua name=strlib\nredis.register_function('s', function() "
                    + "return getmetatable('').__index == string end)");
            assertThat(j.eval("return getmetatable('').__index == string")).isEqualTo(1L);
            assertThat(j.fcall("s", List.of(), List.of())).isEqualTo(1L);
            assertThat(j.eval("return ('abc'):upper()")).isEqualTo("ABC");
        }
    }

    /** Redis's "test RESP2/3 ... protocol parsing" cases, which need DEBUG SET-DISABLE-DENY-SCRIPTS. */
    @Test
    void debugProtocolRepliesThroughScripts() {
        try (Jedis j = ENGINE.jedis()) {
            assertThatThrownBy(() -> j.eval("return redis.call('debug', 'protocol', 'double')"))
                    .hasMessageStartingWith("ERR This Redis command is not allowed from script");
            redis.clients.jedis.commands.ProtocolCommand debug = () -> "DEBUG".getBytes(StandardCharsets.US_ASCII);
            j.sendCommand(debug, "set-disable-deny-scripts", "1");
            try {
                assertThat(j.eval("redis.setresp(3) return redis.call('debug', 'protocol', 'double')"))
                        .isEqualTo("3.141");
                assertThat(j.eval("redis.setresp(3) return redis.call('debug', 'protocol', 'bignum')"))
                        .isEqualTo("1234567999999999999999999999999999999");
                assertThat(j.eval("redis.setresp(3) return redis.call('debug', 'protocol', 'false')")).isEqualTo(0L);
                assertThat(j.eval("redis.setresp(3) return redis.call('debug', 'protocol', 'attrib')"))
                        .isEqualTo("Some real reply following the attribute");
                assertThat(j.eval("return {big_number='123\\r\\n123'}")).isEqualTo("123  123");
            } finally {
                j.sendCommand(debug, "set-disable-deny-scripts", "0");
            }
        }
    }

    @Test
    void evalInsideMultiRunsAtExec() {
        try (Jedis j = ENGINE.jedis()) {
            var tx = j.multi();
            tx.eval("return redis.call('incr', KEYS[1])", 1, "n");
            tx.eval("return redis.call('incr', KEYS[1])", 1, "n");
            assertThat(tx.exec()).containsExactly(1L, 2L);
        }
    }

    @Test
    void infoReportsScriptsAndFunctions() {
        try (Jedis j = ENGINE.jedis()) {
            for (int i = 0; i < 5; i++) {
                j.scriptLoad("return " + i);
            }
            j.functionLoad("#!lua name=infolib\nredis.register_function('i1', function() return 1 end)\n"
                    + "redis.register_function('i2', function() return 2 end)");
            String info = j.info("memory");
            assertThat(info).contains("number_of_cached_scripts:5\r\n", "number_of_functions:2\r\n",
                    "number_of_libraries:1\r\n");
            j.scriptFlush();
            assertThat(j.info("memory")).contains("number_of_cached_scripts:0\r\n");
        }
    }

    @Test
    void shutdownEndsABusyScript() throws Exception {
        TestEngine engine = TestEngine.start("lua-time-limit", "50");
        try (Jedis runner = engine.jedis(); Jedis other = engine.jedis()) {
            CompletableFuture<Object> result = CompletableFuture.supplyAsync(() -> {
                try {
                    // it wrote, so SCRIPT KILL cannot stop it: SHUTDOWN NOSAVE must
                    return runner.eval("redis.call('set', 'w', '1') while true do end");
                } catch (RuntimeException e) {
                    return e.getMessage();
                }
            });
            awaitBusy(other);
            assertThatThrownBy(() -> other.sendCommand(Protocol.Command.SHUTDOWN)).hasMessage(
                    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
            try {
                other.sendCommand(Protocol.Command.SHUTDOWN, "NOSAVE");
            } catch (RuntimeException expected) {
                // the connection closes as the server stops
            }
            assertThat(result.get(10, TimeUnit.SECONDS)).isNotNull();
        } finally {
            engine.close();
        }
    }

    /** Redis 7.0's "Consistent eval error reporting": an error is counted once, where it happened. */
    @Test
    void errorsAreCountedOnce() {
        try (Jedis j = ENGINE.jedis()) {
            j.configResetStat();
            assertThatThrownBy(() -> j.eval("return redis.call('select',99)"))
                    .hasMessageStartingWith("ERR DB index is out of range");
            assertThat(j.info("errorstats")).contains("errorstat_ERR:count=1\r\n");
            assertThat(j.info("stats")).contains("total_error_replies:1\r\n");
            assertThat(j.info("commandstats")).containsPattern("cmdstat_select:calls=1,.*rejected_calls=0,failed_calls=1")
                    .containsPattern("cmdstat_eval:calls=1,.*rejected_calls=0,failed_calls=1");

            j.configResetStat();
            assertThat(j.eval("local t = redis.pcall('select',99) "
                    + "if t['err'] == 'ERR DB index is out of range' then return 1 else return 0 end")).isEqualTo(1L);
            assertThat(j.info("stats")).contains("total_error_replies:1\r\n");
            assertThat(j.info("commandstats")).containsPattern("cmdstat_eval:calls=1,.*rejected_calls=0,failed_calls=0");

            j.configResetStat();
            assertThatThrownBy(() -> j.evalReadonly("return redis.call('set','x','y')", List.of("x"), List.of()))
                    .hasMessageStartingWith("ERR Write commands are not allowed from read-only scripts.");
            assertThat(j.info("errorstats")).contains("errorstat_ERR:count=1\r\n");
            assertThat(j.info("stats")).contains("total_error_replies:1\r\n");
            assertThat(j.info("commandstats")).containsPattern("cmdstat_set:calls=0,.*rejected_calls=1,failed_calls=0")
                    .containsPattern("cmdstat_eval_ro:calls=1,.*rejected_calls=0,failed_calls=1");

            j.configResetStat();
            assertThatThrownBy(() -> j.eval("return redis.error_reply('MY_ERR_CODE custom msg')"))
                    .hasMessage("MY_ERR_CODE custom msg");
            assertThat(j.info("errorstats")).contains("errorstat_MY_ERR_CODE:count=1\r\n");
        }
    }

    @Test
    void commandGetkeysUsesNumkeys() {
        try (Jedis j = ENGINE.jedis()) {
            Object keys = j.sendCommand(Protocol.Command.COMMAND, "GETKEYS", "EVAL", "return 1", "2", "a", "b", "c");
            @SuppressWarnings("unchecked")
            List<byte[]> list = (List<byte[]>) keys;
            assertThat(list).extracting(b -> new String(b, StandardCharsets.UTF_8)).containsExactly("a", "b");
        }
    }
}
