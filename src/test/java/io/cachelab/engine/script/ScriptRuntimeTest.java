package io.cachelab.engine.script;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaFunction;

/**
 * The Lua environment against the answers real redis-server 7.0.15 gives for the same scripts
 * (recorded with redis-cli / raw RESP). Replies are compared as RESP text.
 */
class ScriptRuntimeTest {
    final ScriptRuntime runtime = new ScriptRuntime();
    final FakeHost host = new FakeHost();

    String eval(String script, int clientResp, String... args) {
        return evalBytes(script.getBytes(StandardCharsets.ISO_8859_1), clientResp, args);
    }

    String eval(String script, String... args) {
        return eval(script, 2, args);
    }

    String evalBytes(byte[] script, int clientResp, String... args) {
        String sha = Sha1.hex(script);
        LuaFunction f;
        try {
            f = runtime.compile(script, ScriptRuntime.EVAL_CHUNK);
        } catch (ScriptRuntime.ScriptException e) {
            return "COMPILE " + e.getMessage();
        }
        int numkeys = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        byte[][] keys = new byte[numkeys][];
        byte[][] argv = new byte[Math.max(0, args.length - 1 - numkeys)][];
        for (int i = 0; i < numkeys; i++) {
            keys[i] = args[1 + i].getBytes(StandardCharsets.ISO_8859_1);
        }
        for (int i = 0; i < argv.length; i++) {
            argv[i] = args[1 + numkeys + i].getBytes(StandardCharsets.ISO_8859_1);
        }
        ScriptRun run = new ScriptRun(host, sha, ScriptRun.MODE_EVAL, 5000);
        RespBuffer out = new RespBuffer();
        runtime.runEval(run, f, keys, argv, out, clientResp);
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    static String sha(String script) {
        return Sha1.hex(script.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void resp3RepliesBecomeTypedTablesAfterSetresp() {
        // redis-server 7.0.15: redis.setresp(3) then the same commands; shapes as script_lua.c builds them.
        assertThat(eval("redis.setresp(3) local r = redis.call('hgetall', 'h') return r.map.f")).isEqualTo("$1\r\nv\r\n");
        assertThat(eval("redis.setresp(3) return redis.call('smembers', 's').set.m")).isEqualTo(":1\r\n");
        assertThat(eval("redis.setresp(3) return redis.call('zscore', 'z', 'm').double * 2")).isEqualTo(":3\r\n");
        assertThat(eval("redis.setresp(3) return redis.call('get', 'nokey') == nil")).isEqualTo(":1\r\n");
        assertThat(eval("redis.setresp(3) return redis.call('exists', 'k') == true")).isEqualTo(":1\r\n");
        assertThat(eval("redis.setresp(3) return redis.call('nullarray') == nil")).isEqualTo(":1\r\n");
        // RESP2 shapes of the same replies.
        assertThat(eval("return redis.call('hgetall', 'h')")).isEqualTo("*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
        assertThat(eval("return redis.call('zscore', 'z', 'm')")).isEqualTo("$3\r\n1.5\r\n");
        assertThat(eval("return redis.call('nullarray') == false")).isEqualTo(":1\r\n");
        assertThat(eval("return redis.call('exists', 'k')")).isEqualTo(":1\r\n");
    }

    @Test
    void luaValuesBecomeResp3ForResp3Callers() {
        assertThat(eval("return {double=3.5}", 3)).isEqualTo(",3.5\r\n");
        assertThat(eval("return {double=3.5}", 2)).isEqualTo("$3\r\n3.5\r\n");
        assertThat(eval("return {map={a=1}}", 3)).isEqualTo("%1\r\n$1\r\na\r\n:1\r\n");
        assertThat(eval("return {map={a=1}}", 2)).isEqualTo("*2\r\n$1\r\na\r\n:1\r\n");
        assertThat(eval("return {set={a=true}}", 3)).isEqualTo("~1\r\n$1\r\na\r\n");
        assertThat(eval("return {big_number='123'}", 3)).isEqualTo("(123\r\n");
        assertThat(eval("return {verbatim_string={format='txt', string='hi'}}", 3)).isEqualTo("=6\r\ntxt:hi\r\n");
        assertThat(eval("return true", 3)).isEqualTo(":1\r\n");
        assertThat(eval("return false", 3)).isEqualTo("_\r\n");
        assertThat(eval("redis.setresp(3) return true", 3)).isEqualTo("#t\r\n");
        assertThat(eval("redis.setresp(3) return false", 3)).isEqualTo("#f\r\n");
        assertThat(eval("redis.setresp(3) return false", 2)).isEqualTo(":0\r\n");
        assertThat(eval("return nil", 3)).isEqualTo("_\r\n");
    }

    @Test
    void keysAndArgvStayRawBytes() {
        byte[] script = "return {KEYS[1], ARGV[1], #ARGV[1]}".getBytes(StandardCharsets.ISO_8859_1);
        String reply = evalBytes(script, 2, "1", "k\u00ff\u0000", "\u00e9\u0080");
        assertThat(reply).isEqualTo("*3\r\n$3\r\nk\u00ff\u0000\r\n$2\r\n\u00e9\u0080\r\n:2\r\n");
        assertThat(eval("return redis.call('echo', ARGV[1])", "0", "\u00ff\u00fe")).isEqualTo("$2\r\n\u00ff\u00fe\r\n");
        assertThat(host.calls).contains("echo \u00ff\u00fe");
    }

    @Test
    void redissonUnlockStyleChecksSeeFalseForNil() {
        String unlock = "if (redis.call('get', KEYS[1]) == false) then return nil end "
                + "if redis.call('get', KEYS[1]) == ARGV[1] then return 1 end return 0";
        assertThat(eval(unlock, "1", "lock", "token")).isEqualTo("$-1\r\n");
        host.data.put("lock", "token".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(eval(unlock, "1", "lock", "token")).isEqualTo(":1\r\n");
        assertThat(eval(unlock, "1", "lock", "other")).isEqualTo(":0\r\n");
    }

    @Test
    void globalsDoNotLeakBetweenScripts() {
        assertThat(eval("a = 1")).startsWith("-ERR user_script:1: Attempt to modify a readonly table");
        assertThat(eval("return KEYS[1]", "1", "x")).isEqualTo("$1\r\nx\r\n");
        assertThat(eval("return #KEYS")).isEqualTo(":0\r\n");
    }

    @Test
    void longScriptsCallTheHostPeriodicallyAndCanBeKilled() {
        ScriptRun[] seen = new ScriptRun[1];
        host.onBusy = () -> { };
        LuaFunction f = compile("local i = 0 while true do i = i + 1 end");
        ScriptRun run = new ScriptRun(new FakeHost() {
            @Override
            public void busy(ScriptRun r) {
                busyCalls++;
                seen[0] = r;
                if (busyCalls == 3) {
                    r.kill();
                }
            }
        }, "sha", ScriptRun.MODE_EVAL, 20);
        RespBuffer out = new RespBuffer();
        runtime.runEval(run, f, new byte[0][], new byte[0][], out, 2);
        assertThat(new String(out.toByteArray(), StandardCharsets.ISO_8859_1))
                .isEqualTo("-ERR Script killed by user with SCRIPT KILL... script: sha, on @user_script:1.\r\n");
        assertThat(run.timedOut()).isTrue();
        assertThat(run.elapsedMillis()).isGreaterThanOrEqualTo(20);
        assertThat(seen[0]).isSameAs(run);
    }

    @Test
    void pcallCannotSwallowAKill() {
        LuaFunction f = compile("while true do pcall(function() while true do end end) end");
        FakeHost killer = new FakeHost();
        ScriptRun run = new ScriptRun(killer, "sha", ScriptRun.MODE_EVAL, 10);
        killer.onBusy = run::kill;
        RespBuffer out = new RespBuffer();
        runtime.runEval(run, f, new byte[0][], new byte[0][], out, 2);
        assertThat(new String(out.toByteArray(), StandardCharsets.ISO_8859_1))
                .startsWith("-ERR Script killed by user with SCRIPT KILL...");
        // the runtime is usable afterwards
        assertThat(eval("return 1")).isEqualTo(":1\r\n");
    }

    /** Redis's "JSON smoke test" and "cmsgpack pack/unpack smoke test" scripts (both answer OK there). */
    @Test
    void redisSuiteSmokeScriptsPass() throws Exception {
        for (String name : new String[] {"cjson-smoke.lua", "cmsgpack-smoke.lua"}) {
            try (var in = getClass().getResourceAsStream(name)) {
                assertThat(evalBytes(in.readAllBytes(), 2)).as(name).isEqualTo("$2\r\nOK\r\n");
            }
        }
    }

    @Test
    void fastScriptsNeverCallTheHost() {
        assertThat(eval("local s = 0 for i = 1, 100000 do s = s + i end return s")).isEqualTo(":5000050000\r\n");
        assertThat(host.busyCalls).isZero();
    }

    LuaFunction compile(String script) {
        try {
            return runtime.compile(script.getBytes(StandardCharsets.ISO_8859_1), ScriptRuntime.EVAL_CHUNK);
        } catch (ScriptRuntime.ScriptException e) {
            throw new AssertionError(e);
        }
    }
}
