package io.cachelab.engine.script;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * One Lua interpreter with Redis 7.0's environment: base/table/string/math/coroutine plus cjson,
 * struct, cmsgpack, bit and the redis API; the Lua 5.1 names luaj (5.2) lacks; no io, os,
 * require, loadfile, dofile, print or debug; every global and library table locked after start.
 * The server keeps one runtime for EVAL scripts and one for FUNCTION libraries, as Redis keeps two
 * lua_States. Not thread-safe: scripts run on the server thread, one at a time.
 */
public final class ScriptRuntime {
    static final String EVAL_CHUNK = "@user_script";
    static final String FUNCTION_CHUNK = "@user_function";

    final ScriptGlobals globals = new ScriptGlobals();
    private final InterruptHook hook = new InterruptHook(this);
    private final Lrand48 random = new Lrand48();
    private final RedisApi redisApi;
    ScriptRun current;
    /** Receives redis.log output outside a run (while FUNCTION LOAD runs a library). */
    private final ScriptLogger logger;
    private final boolean functionMode;
    /** Function mode: what globals resolve to while functions run, and while a library loads. */
    private ReadOnlyTable runtimeApi;
    private ReadOnlyTable loadApi;
    /** Non-null while FUNCTION LOAD runs a library's code. */
    private java.util.List<FunctionRegistration.RegisteredFunction> registering;
    private long loadDeadlineNanos;

    /** The interpreter for EVAL scripts, with no logger for redis.log outside a run. */
    public ScriptRuntime() {
        this(false, null);
    }

    /** The interpreter for EVAL scripts; {@code logger} receives redis.log output outside a run. */
    public ScriptRuntime(ScriptLogger logger) {
        this(false, logger);
    }

    /** The interpreter for FUNCTION libraries (see {@link #loadLibrary}). */
    public static ScriptRuntime forFunctions() {
        return forFunctions(null);
    }

    /** The interpreter for FUNCTION libraries, with a logger for redis.log while a library loads. */
    public static ScriptRuntime forFunctions(ScriptLogger logger) {
        return new ScriptRuntime(true, logger);
    }

    /** Where redis.log goes outside a run (null: nowhere). */
    ScriptLogger logger() {
        return logger;
    }

    private ScriptRuntime(boolean functionMode, ScriptLogger logger) {
        this.functionMode = functionMode;
        this.logger = logger;
        globals.load(new BaseLib());
        // luaj's libraries register themselves in package.loaded; give them one, dropped below.
        LuaTable pkg = new LuaTable();
        pkg.rawset("loaded", new LuaTable());
        globals.rawset("package", pkg);
        globals.load(new TableLib());
        globals.load(new StringLib());
        globals.load(new JseMathLib());
        globals.load(new CoroutineLib());
        LoadState.install(globals);
        LuaC.install(globals);
        globals.debuglib = hook;

        for (String name : new String[] {"dofile", "loadfile", "print", "rawlen", "require", "package",
            "module", "io", "os", "debug", "luajava"}) {
            globals.rawset(name, LuaValue.NIL);
        }
        globals.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        installBaseCompat();
        redisApi = new RedisApi(this);
        if (functionMode) {
            // in Redis the field is nil outside FUNCTION LOAD; LuaJ cannot name the field in its
            // "attempt to call" error, so a stub raises Lua's own text (the caller's line is prefixed)
            redisApi.table().rawset("register_function", new LuaFn("register_function", a -> {
                throw new LuaError("attempt to call field 'register_function' (a nil value)");
            }));
        }
        globals.rawset("redis", redisApi.table());
        globals.rawset("cjson", CjsonLib.create());
        globals.rawset("struct", StructLib.create());
        globals.rawset("cmsgpack", CmsgpackLib.create());
        globals.rawset("bit", BitLib.create());
        lockEverything();
    }

    /** The Lua 5.1 surface Redis's scripts see, with this runtime's loadstring, pcall and random. */
    private void installBaseCompat() {
        Lua51Compat.install(globals, new LuaFn("loadstring", this::loadString), new LuaFn("pcall", this::pcall),
                new LuaFn("xpcall", this::xpcall), new LuaFn("random", this::mathRandom),
                new LuaFn("randomseed", a -> {
                    random.seed(LuaFn.checkInt(a, 1, "randomseed"));
                    return LuaValue.NONE;
                }));
    }

    private Varargs mathRandom(Varargs a) {
        double r = (double) (random.next() % Lrand48.MAX) / (double) Lrand48.MAX;
        switch (a.narg()) {
            case 0:
                return LuaValue.valueOf(r);
            case 1: {
                int u = LuaFn.checkInt(a, 1, "random");
                if (u < 1) {
                    throw LuaFn.argError("random", 1, "interval is empty");
                }
                return LuaValue.valueOf(Math.floor(r * u) + 1);
            }
            case 2: {
                int l = LuaFn.checkInt(a, 1, "random");
                int u = LuaFn.checkInt(a, 2, "random");
                if (l > u) {
                    throw LuaFn.argError("random", 2, "interval is empty");
                }
                return LuaValue.valueOf(Math.floor(r * (u - l + 1)) + l);
            }
            default:
                throw new LuaError("wrong number of arguments");
        }
    }

    /** loadstring/load of text; binary chunks are refused as Redis does since 7.0. */
    private Varargs loadString(Varargs a) {
        LuaString code = LuaFn.checkString(a, 1, "loadstring");
        String chunkName = "=" + chunkId(a.isnoneornil(2) ? new String(LuaFn.bytes(code), StandardCharsets.ISO_8859_1)
                : LuaFn.checkString(a, 2, "loadstring").tojstring());
        if (code.m_length > 0 && code.m_bytes[code.m_offset] == 27) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("attempt to load a binary chunk"));
        }
        try {
            return withoutTailCalls(globals.load(new ByteArrayInputStream(code.m_bytes, code.m_offset,
                    code.m_length), chunkName, "t", globals));
        } catch (LuaError e) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaErrors.value(e));
        }
    }

    /** Lua 5.1's luaO_chunkid: how a chunk name shows in messages ([string "..."] for code). */
    static String chunkId(String source) {
        if (source.startsWith("=")) {
            return source.length() > 60 ? source.substring(1, 60) : source.substring(1);
        }
        if (source.startsWith("@")) {
            String f = source.substring(1);
            return f.length() > 59 ? "..." + f.substring(f.length() - 56) : f;
        }
        int len = 0;
        while (len < source.length() && source.charAt(len) != '\n' && source.charAt(len) != '\r') {
            len++;
        }
        int max = 60 - 17;
        if (len > max) {
            len = max;
        }
        return "[string \"" + source.substring(0, len) + (len < source.length() ? "..." : "") + "\"]";
    }

    /**
     * Redis's pcall: an error raised as a table with an "err" field (redis.call's) reaches the
     * handler as that string; a killed script cannot be caught.
     */
    private Varargs pcall(Varargs a) {
        LuaValue f = a.checkvalue(1);
        try {
            return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(a.subargs(2)));
        } catch (LuaError e) {
            rethrowIfKilled();
            return LuaValue.varargsOf(LuaValue.FALSE, pcallValue(e));
        } catch (StackOverflowError e) {
            rethrowIfKilled();
            return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("stack overflow"));
        }
    }

    private Varargs xpcall(Varargs a) {
        LuaValue f = a.checkvalue(1);
        LuaValue handler = a.arg(2);
        try {
            return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(a.subargs(3)));
        } catch (LuaError e) {
            rethrowIfKilled();
            return LuaValue.varargsOf(LuaValue.FALSE, handler.call(LuaErrors.handlerValue(e)));
        } catch (StackOverflowError e) {
            rethrowIfKilled();
            return LuaValue.varargsOf(LuaValue.FALSE, handler.call(LuaValue.valueOf("stack overflow")));
        }
    }

    private static LuaValue pcallValue(LuaError e) {
        LuaValue v = LuaErrors.handlerValue(e);
        if (v.istable()) {
            LuaValue err = v.rawget(LuaReplies.ERR);
            if (err.isstring()) {
                return err;
            }
        }
        return v;
    }

    private void rethrowIfKilled() {
        if (current != null && current.killed()) {
            throw hook.killError();
        }
    }

    private void lockEverything() {
        LuaTable errorMeta = new LuaTable();
        errorMeta.rawset(LuaValue.INDEX, new LuaFn("__index", a -> {
            throw new LuaError("Script attempted to access nonexistent global variable '"
                    + LuaFn.toLuaString(a.arg(2)).tojstring() + "'");
        }));
        for (String lib : new String[] {"string", "table", "math", "coroutine", "redis", "cjson", "struct",
            "cmsgpack", "bit"}) {
            LuaValue t = globals.rawget(lib);
            if (t instanceof ReadOnlyTable ro) {
                ro.lock();
            } else {
                globals.rawset(lib, ReadOnlyTable.frozenCopy((LuaTable) t));
            }
        }
        globals.rawset("string", sharedStringLibrary((ReadOnlyTable) globals.rawget("string")));
        if (!functionMode) {
            globals.setmetatable(ReadOnlyTable.frozenCopy(errorMeta));
            globals.lock();
            return;
        }
        // Functions: the globals table stays empty and its __index switches between the full API
        // (when functions run) and a library API holding only a small redis table (while FUNCTION
        // LOAD runs the library's code), as Redis 7.0's function_lua.c does.
        runtimeApi = ReadOnlyTable.frozenCopy(globals);
        runtimeApi.unlockForSetup();
        runtimeApi.setmetatable(ReadOnlyTable.frozenCopy(errorMeta));
        runtimeApi.lock();
        LuaTable loadRedis = new LuaTable();
        LuaTable fullRedis = (LuaTable) globals.rawget("redis");
        loadRedis.rawset("register_function", new LuaFn("register_function", this::registerFunction));
        for (String k : new String[] {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION",
            "REDIS_VERSION_NUM"}) {
            loadRedis.rawset(k, fullRedis.rawget(k));
        }
        ReadOnlyTable frozenLoadRedis = ReadOnlyTable.frozenCopy(loadRedis);
        frozenLoadRedis.unlockForSetup();
        frozenLoadRedis.setmetatable(ReadOnlyTable.frozenCopy(errorMeta));
        frozenLoadRedis.lock();
        loadApi = new ReadOnlyTable();
        loadApi.rawset("redis", frozenLoadRedis);
        loadApi.setmetatable(ReadOnlyTable.frozenCopy(errorMeta));
        loadApi.lock();
        LuaValue k = LuaValue.NIL;
        java.util.List<LuaValue> names = new java.util.ArrayList<>();
        while (!(k = globals.next(k).arg1()).isnil()) {
            names.add(k);
        }
        for (LuaValue name : names) {
            globals.rawset(name, LuaValue.NIL);
        }
        LuaTable meta = new LuaTable();
        meta.rawset(LuaValue.INDEX, new LuaFn("__index", a -> (registering != null ? loadApi : runtimeApi)
                .get(a.arg(2))));
        globals.setmetatable(ReadOnlyTable.frozenCopy(meta));
        globals.lock();
    }

    private static ReadOnlyTable sharedString;

    /**
     * luaj keeps the strings' metatable in a static field, so every runtime in the JVM (EVAL's,
     * FUNCTION's, other servers') must use one string library for getmetatable('').__index ==
     * string to hold. Its functions are stateless, so the first runtime's copy serves all.
     */
    private static synchronized ReadOnlyTable sharedStringLibrary(ReadOnlyTable candidate) {
        if (sharedString == null) {
            sharedString = candidate;
            LuaTable stringMeta = new LuaTable();
            stringMeta.rawset(LuaValue.INDEX, candidate);
            LuaString.s_metatable = ReadOnlyTable.frozenCopy(stringMeta);
        }
        return sharedString;
    }

    /**
     * FUNCTION LOAD's engine part: runs a library's code (everything after the "#!lua" line,
     * starting with its newline so line numbers match) in the restricted library environment and
     * returns what it registered. Errors carry Redis's texts without the leading "ERR ".
     */
    public java.util.List<FunctionRegistration.RegisteredFunction> loadLibrary(byte[] code, long timeoutMillis) throws ScriptException {
        if (!functionMode) {
            throw new IllegalStateException("not a function runtime");
        }
        LuaFunction chunk;
        try {
            chunk = (LuaFunction) withoutTailCalls(globals.load(new ByteArrayInputStream(code), FUNCTION_CHUNK, "t",
                    globals));
        } catch (LuaError e) {
            throw new ScriptException("Error compiling function: "
                    + LuaErrors.compileMessage(LuaErrors.value(e).tojstring()));
        }
        java.util.List<FunctionRegistration.RegisteredFunction> result = new java.util.ArrayList<>();
        registering = result;
        loadDeadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
        hook.reset();
        try {
            chunk.call();
        } catch (LuaError e) {
            throw new ScriptException("Error registering functions: " + errorMessage(e));
        } catch (StackOverflowError e) {
            throw new ScriptException("Error registering functions: ERR stack overflow");
        } finally {
            registering = null;
        }
        if (result.isEmpty()) {
            throw new ScriptException("No functions registered");
        }
        return result;
    }

    /** For the hook: past FUNCTION LOAD's time budget? */
    boolean loadTimedOut() {
        return registering != null && System.nanoTime() > loadDeadlineNanos;
    }

    private Varargs registerFunction(Varargs a) {
        if (registering == null) {
            throw new LuaError(LuaReplies.errorTable(
                    "redis.register_function can only be called on FUNCTION LOAD command"));
        }
        registering.add(FunctionRegistration.parse(a, registering));
        return LuaValue.NONE;
    }

    // ------------------------------------------------------------------ compiling and running

    /** Compiles a script body; a syntax error comes back as Lua's message ("user_script:1: ..."). */
    public LuaFunction compile(byte[] body, String chunkName) throws ScriptException {
        if (body.length > 0 && body[0] == 27) {
            throw new ScriptException("attempt to load a binary chunk");
        }
        try {
            LuaValue f = globals.load(new ByteArrayInputStream(body), chunkName, "t", globals);
            return (LuaFunction) withoutTailCalls(f);
        } catch (LuaError e) {
            throw new ScriptException(LuaErrors.compileMessage(LuaErrors.value(e).tojstring()));
        }
    }

    /**
     * Turns every tail call into a call followed by the return that already follows it. luaj runs a
     * tail call after the calling frame is gone, so an error raised by redis.call in
     * "return redis.call(...)" would lose its line; Redis (C functions in Lua 5.1 are never
     * tail-called) reports it. The cost is that tail recursion uses stack.
     */
    static LuaValue withoutTailCalls(LuaValue f) {
        if (f instanceof LuaClosure c) {
            rewriteTailCalls(c.p);
        }
        return f;
    }

    private static void rewriteTailCalls(Prototype p) {
        int[] code = p.code;
        for (int i = 0; i < code.length; i++) {
            if ((code[i] & 0x3f) == Lua.OP_TAILCALL) {
                code[i] = (code[i] & ~0x3f) | Lua.OP_CALL;
            }
        }
        if (p.p != null) {
            for (Prototype child : p.p) {
                rewriteTailCalls(child);
            }
        }
    }

    /** EVAL: KEYS and ARGV become globals, the chunk runs without arguments. */
    public void runEval(ScriptRun run, LuaFunction script, byte[][] keys, byte[][] args, RespBuffer out,
            int clientResp) {
        globals.unlock();
        try {
            globals.rawset("KEYS", array(keys));
            globals.rawset("ARGV", array(args));
        } finally {
            globals.lock();
        }
        run(run, script, LuaValue.NONE, out, clientResp);
    }

    /** FCALL: the function gets the keys and args tables as its two parameters. */
    public void runFunction(ScriptRun run, LuaFunction fn, byte[][] keys, byte[][] args, RespBuffer out,
            int clientResp) {
        run(run, fn, LuaValue.varargsOf(array(keys), array(args)), out, clientResp);
    }

    private void run(ScriptRun run, LuaFunction fn, Varargs args, RespBuffer out, int clientResp) {
        ScriptRun previous = current;
        current = run;
        hook.reset();
        try {
            LuaValue result = fn.invoke(args).arg1();
            run.errorCounted = LuaReplies.countedError(result);
            LuaReplies.write(result, out, clientResp, run.resp, 0);
        } catch (LuaError e) {
            run.errorCounted = LuaReplies.countedError(LuaErrors.value(e));
            out.reset();
            out.error(errorReply(e, run));
        } catch (StackOverflowError e) {
            out.reset();
            out.error("ERR " + chunkDisplay(run) + ": stack overflow");
        } catch (OutOfMemoryError e) {
            // a script building a huge string or table must not take the event loop down
            out.reset();
            out.error("ERR not enough memory");
        } catch (RuntimeException e) {
            out.reset();
            out.error("ERR Error running script " + run.name + ", " + e);
        } finally {
            current = previous;
        }
    }

    private static String chunkDisplay(ScriptRun run) {
        return (run.mode == ScriptRun.MODE_EVAL ? EVAL_CHUNK : FUNCTION_CHUNK).substring(1);
    }

    /**
     * The error line Redis writes for a failed script: the {err=...} text (or "ERR " + Lua's
     * message) followed by " script: <name>, on @user_script:<line>." when a position is known.
     */
    static String errorMessage(LuaError e) {
        LuaValue v = LuaErrors.handlerValue(e);
        if (v.istable()) {
            LuaValue err = v.rawget(LuaReplies.ERR);
            return err.isstring() ? LuaReplies.trimCrlf(new String(LuaFn.bytes(err.strvalue()),
                    StandardCharsets.ISO_8859_1)) : "ERR unknown error";
        }
        return "ERR " + (v.isstring() ? new String(LuaFn.bytes(v.strvalue()), StandardCharsets.ISO_8859_1)
                : v.tojstring());
    }

    static String errorReply(LuaError e, ScriptRun run) {
        String msg = errorMessage(e);
        String where = LuaErrors.fileline(e);
        if (where != null) {
            int colon = where.lastIndexOf(':');
            String line = colon >= 0 ? where.substring(colon + 1) : "?";
            String source = colon >= 0 ? where.substring(0, colon) : where;
            msg = msg + " script: " + run.name + ", on @" + source + ":" + line + ".";
        }
        return msg;
    }

    static LuaTable array(byte[][] items) {
        LuaTable t = new LuaTable(items.length, 0);
        for (int i = 0; i < items.length; i++) {
            t.rawset(i + 1, LuaString.valueOf(items[i]));
        }
        return t;
    }

    /** The run in progress, if any (for the hook and the redis API). */
    ScriptRun current() {
        return current;
    }


    /** A compile-time failure; the message is Lua's, without any Redis prefix. */
    public static final class ScriptException extends Exception {
        public ScriptException(String message) {
            super(message, null, false, false);
        }
    }

}
