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
    void scratch() {
        String[] scripts = {
            "x=1", "return y", "redis.call = 1", "string.foo=1", "_G.x=1", "rawset(_G,'x',1) return x",
            "return _VERSION", "setmetatable(_G, nil)", "return redis.call('nosuch')", "return redis.pcall('nosuch')",
            "return redis.call()", "error('boom')", "error({err='MY boom'})", "return redis.error_reply('X y')",
            "return {err='foo'}", "return redis.status_reply('FINE')", "return 3.99", "return -3.99",
            "return {1,2,nil,4}", "return true", "return false", "return nil", "return {1,'a',{2,{3}},true,false,3.7}",
            "return redis.call('incr','k') + 'x'", "return redis.sha1hex('')",
            "return redis.REDIS_VERSION .. ' ' .. redis.REDIS_VERSION_NUM", "return math.random(1000)",
            "return math.random(1000)", "local ok, e = pcall(redis.call, 'nosuch') return e",
            "local ok, e = pcall(error, {err='X'}) return e", "return tostring(1e15)..' '..tostring(0.1)..' '..tostring(2^53)..' '..tostring(1/0)",
            "x = = 1", "return 'a' .. nil", "local t = nil; return t.x", "return nosuchfn()",
            "local function f() return f() + 1 end return f()", "return loadstring('return 1+1')()",
            "local ok,e = pcall(function() error('x') end) return e", "return redis.setresp(4)",
            "redis.log(99, 'x')", "return redis.sha1hex()", "return redis.status_reply()",
            "return redis.error_reply('-X')", "return redis.call('set', 'k', {})",
            "return redis.call('set', 'k', 1.5)", "return redis.call('get', 'k')", "return table.getn({1,2})",
            "return math.mod(7,3)", "return unpack({1,2})", "return coroutine.wrap(function() coroutine.yield(5) end)()",
            "return string.format('%d %s %5.2f', 3, 'a', 2.5)", "return redis.call('get', 'nokey') == false",
            "return redis.call('lpush', 'k', 'x')", "return redis.pcall('lpush', 'k', 'x')",
            "return type(redis.pcall('lpush', 'k', 'x'))",
        };
        for (String s : scripts) {
            System.out.println(s + "\n   => " + eval(s).replace("\r\n", "\\r\\n"));
        }
    }
}
