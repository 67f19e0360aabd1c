package io.cachelab.engine.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** FUNCTION libraries on the function runtime; expected texts are redis-server 7.0.15's. */
class FunctionRuntimeTest {
    final ScriptRuntime runtime = ScriptRuntime.forFunctions();
    final FakeHost host = new FakeHost();

    List<FunctionRegistration.RegisteredFunction> load(String body) throws ScriptRuntime.ScriptException {
        return runtime.loadLibrary(("\n" + body).getBytes(StandardCharsets.ISO_8859_1), 500);
    }

    String loadError(String body) {
        try {
            load(body);
            return "loaded";
        } catch (ScriptRuntime.ScriptException e) {
            return e.getMessage();
        }
    }

    String call(FunctionRegistration.RegisteredFunction f, String[] keys, String... args) {
        ScriptRun run = new ScriptRun(host, f.name(), ScriptRun.MODE_FUNCTION, 5000);
        RespBuffer out = new RespBuffer();
        runtime.runFunction(run, f.callback(), bytes(keys), bytes(args), out, 2);
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    static byte[][] bytes(String[] s) {
        byte[][] b = new byte[s.length][];
        for (int i = 0; i < s.length; i++) {
            b[i] = s[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return b;
    }

    @Test
    void libraryCodeSeesOnlyTheLibraryApi() {
        assertThat(loadError("local t = {} for k in pairs(redis) do end")).isEqualTo(
                "Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'pairs'");
        assertThat(loadError("redis.call('ping')")).isEqualTo(
                "Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'call'");
        assertThat(loadError("x = 1")).isEqualTo(
                "Error registering functions: ERR user_function:2: Attempt to modify a readonly table");
        assertThat(loadError("return 1")).isEqualTo("No functions registered");
        assertThat(loadError("local a = = 1")).isEqualTo(
                "Error compiling function: user_function:2: unexpected symbol near '='");
        assertThat(loadError("error('boom')")).isEqualTo(
                "Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'error'");
        assertThat(loadError("local v = redis.REDIS_VERSION .. redis.LOG_WARNING redis.log(redis.LOG_NOTICE, 'hi')\n"
                + "redis.register_function('f', function() return 1 end)")).isEqualTo("loaded");
        assertThat(host.logs).isEmpty();
    }

    @Test
    void registerFunctionChecksItsArguments() {
        assertThat(loadError("redis.register_function('f5', function() return 1 end)\n"
                + "redis.register_function('f5', function() return 1 end)"))
                .isEqualTo("Error registering functions: ERR Function already exists in the library");
        assertThat(loadError("redis.register_function{function_name='f8', callback=function() end, flags={'bad-flag'}}"))
                .isEqualTo("Error registering functions: ERR unknown flag given");
        assertThat(loadError("redis.register_function('f10')")).isEqualTo("Error registering functions: ERR calling "
                + "redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
        assertThat(loadError("redis.register_function{function_name='f11', callback=function() end, xx=1}"))
                .isEqualTo("Error registering functions: ERR unknown argument given to redis.register_function");
        assertThat(loadError("redis.register_function('f3args', function() return 1 end, 'f1 description')"))
                .isEqualTo("Error registering functions: ERR wrong number of arguments to redis.register_function");
        assertThat(loadError("redis.register_function()"))
                .isEqualTo("Error registering functions: ERR wrong number of arguments to redis.register_function");
        assertThat(loadError("redis.register_function(nil, function() end)"))
                .isEqualTo("Error registering functions: ERR first argument to redis.register_function must be a string");
        assertThat(loadError("redis.register_function{function_name='x', callback=function() end, flags='no-writes'}"))
                .isEqualTo("Error registering functions: ERR flags argument to redis.register_function must be a table "
                        + "representing function flags");
        assertThat(loadError("redis.register_function{function_name='x', callback=function() end, "
                + "flags={function() return 1 end}}")).isEqualTo("Error registering functions: ERR unknown flag given");
        assertThat(loadError("redis.register_function{[1]='x'}"))
                .isEqualTo("Error registering functions: ERR unknown argument given to redis.register_function");
        assertThat(loadError("redis.register_function('a-b', function() end)")).isEqualTo("Error registering functions: "
                + "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
    }

    @Test
    void functionsRunWithTheFullApiAndReportTheirName() throws Exception {
        List<FunctionRegistration.RegisteredFunction> fs = load(
                "local function helper() return 5 end\n"
                + "redis.register_function('rk_glob', function(keys, args) return {helper(), #keys, #args, type(string)} end)\n"
                + "redis.register_function{function_name='rk_err', callback=function(keys, args) return redis.call('nosuch') end,"
                + " flags={'no-writes', 'allow-stale'}, description='d'}\n"
                + "redis.register_function('rk_err3', function(keys, args) return KEYS end)");
        assertThat(fs).extracting(FunctionRegistration.RegisteredFunction::name).containsExactly("rk_glob", "rk_err", "rk_err3");
        assertThat(fs.get(1).flags()).isEqualTo(Set.of("no-writes", "allow-stale"));
        assertThat(fs.get(1).description()).isEqualTo("d");
        assertThat(call(fs.get(0), new String[] {"a", "b"}, "c")).isEqualTo("*4\r\n:5\r\n:2\r\n:1\r\n$5\r\ntable\r\n");
        assertThat(call(fs.get(1), new String[0])).isEqualTo(
                "-ERR Unknown Redis command called from script script: rk_err, on @user_function:4.\r\n");
        assertThat(call(fs.get(2), new String[0])).isEqualTo("-ERR user_function:5: Script attempted to access "
                + "nonexistent global variable 'KEYS' script: rk_err3, on @user_function:5.\r\n");
    }

    @Test
    void loadIsBoundedInTime() {
        assertThatThrownBy(() -> runtime.loadLibrary("\nwhile true do end".getBytes(StandardCharsets.US_ASCII), 50))
                .hasMessage("Error registering functions: ERR FUNCTION LOAD timeout");
    }
}
