package io.cachelab.engine.script;

import java.nio.charset.StandardCharsets;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The {@code redis} table scripts see. Each function keeps the argument checks and error texts of
 * Redis 7.0's script_lua.c, because scripts (and Redis's own tests) match on them.
 */
final class RedisApi {
    static final String VERSION = "7.0.15";
    static final int VERSION_NUM = 0x07000f;

    private final ScriptRuntime runtime;
    private final LuaTable table = new LuaTable();

    RedisApi(ScriptRuntime runtime) {
        this.runtime = runtime;
        table.rawset("call", new LuaFn("call", a -> command(a, true)));
        table.rawset("pcall", new LuaFn("pcall", a -> command(a, false)));
        table.rawset("sha1hex", new LuaFn("sha1hex", RedisApi::sha1hex));
        table.rawset("error_reply", new LuaFn("error_reply", RedisApi::errorReply));
        table.rawset("status_reply", new LuaFn("status_reply", RedisApi::statusReply));
        table.rawset("log", new LuaFn("log", this::log));
        table.rawset("LOG_DEBUG", LuaValue.valueOf(0));
        table.rawset("LOG_VERBOSE", LuaValue.valueOf(1));
        table.rawset("LOG_NOTICE", LuaValue.valueOf(2));
        table.rawset("LOG_WARNING", LuaValue.valueOf(3));
        table.rawset("REDIS_VERSION", LuaValue.valueOf(VERSION));
        table.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(VERSION_NUM));
        table.rawset("setresp", new LuaFn("setresp", this::setresp));
        table.rawset("set_repl", new LuaFn("set_repl", this::setRepl));
        table.rawset("REPL_NONE", LuaValue.valueOf(0));
        table.rawset("REPL_AOF", LuaValue.valueOf(1));
        table.rawset("REPL_SLAVE", LuaValue.valueOf(2));
        table.rawset("REPL_REPLICA", LuaValue.valueOf(2));
        table.rawset("REPL_ALL", LuaValue.valueOf(3));
        // Effects replication is the only mode in 7.0: the call is kept for old scripts.
        table.rawset("replicate_commands", new LuaFn("replicate_commands", a -> LuaValue.TRUE));
        // The Lua debugger (SCRIPT DEBUG) is not offered; outside it these do nothing, as in Redis.
        table.rawset("breakpoint", new LuaFn("breakpoint", a -> LuaValue.FALSE));
        table.rawset("debug", new LuaFn("debug", a -> LuaValue.NONE));
        table.rawset("acl_check_cmd", new LuaFn("acl_check_cmd", this::aclCheckCmd));
    }

    private static Varargs sha1hex(Varargs a) {
        if (a.narg() != 1) {
            throw new LuaError(LuaReplies.errorTable("wrong number of arguments"));
        }
        LuaString s = LuaFn.toLuaString(a.arg1());
        return LuaValue.valueOf(Sha1.hex(s.m_bytes, s.m_offset, s.m_length));
    }

    private static Varargs errorReply(Varargs a) {
        if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
            return LuaReplies.errorTable("wrong number or type of arguments");
        }
        String err = latin1(a.arg1().strvalue());
        return LuaReplies.errorTable(err.startsWith("-") ? err : "-" + err);
    }

    private static Varargs statusReply(Varargs a) {
        if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
            return LuaReplies.errorTable("wrong number or type of arguments");
        }
        LuaTable t = new LuaTable();
        t.rawset(LuaReplies.OK, a.arg1());
        return t;
    }

    private Varargs setresp(Varargs a) {
        ScriptRun run = requireRun("redis.setresp can only be called inside a script invocation");
        if (a.narg() != 1) {
            throw new LuaError(LuaReplies.errorTable("redis.setresp() requires one argument."));
        }
        int resp = (int) a.arg1().optdouble(0);
        if (resp != 2 && resp != 3) {
            throw new LuaError(LuaReplies.errorTable("RESP version must be 2 or 3."));
        }
        run.resp = resp;
        return LuaValue.NONE;
    }

    private Varargs setRepl(Varargs a) {
        ScriptRun run = requireRun("redis.set_repl can only be called inside a script invocation");
        if (a.narg() != 1) {
            throw new LuaError(LuaReplies.errorTable("redis.set_repl() requires two arguments."));
        }
        int flags = (int) a.arg1().optdouble(0);
        if ((flags & ~3) != 0) {
            throw new LuaError(LuaReplies.errorTable(
                    "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE."));
        }
        run.replFlags = flags;
        return LuaValue.NONE;
    }

    private Varargs aclCheckCmd(Varargs a) {
        ScriptRun run = requireRun("redis.acl_check_cmd can only be called inside a script invocation");
        byte[][] argv = argv(a);
        if (argv == null) {
            throw new LuaError(LuaReplies.errorTable(a.narg() == 0
                    ? "Please specify at least one argument for this redis lib call"
                    : "Lua redis lib command arguments must be strings or integers"));
        }
        Boolean allowed = run.host.aclCheck(run, argv);
        if (allowed == null) {
            throw new LuaError(LuaReplies.errorTable("Invalid command passed to redis.acl_check_cmd()"));
        }
        return LuaValue.valueOf(allowed);
    }

    LuaTable table() {
        return table;
    }

    private ScriptRun requireRun(String error) {
        ScriptRun run = runtime.current();
        if (run == null) {
            throw new LuaError(LuaReplies.errorTable(error));
        }
        return run;
    }

    private Varargs command(Varargs a, boolean raise) {
        ScriptRun run = requireRun("redis.call/pcall can only be called inside a script invocation");
        int argc = a.narg();
        if (argc == 0) {
            return fail(LuaReplies.errorTable("Please specify at least one argument for this redis lib call"), raise);
        }
        byte[][] argv = argv(a);
        if (argv == null) {
            return fail(LuaReplies.errorTable("Lua redis lib command arguments must be strings or integers"), raise);
        }
        byte[] reply = run.host.call(run, argv);
        LuaValue value = LuaReplies.toLua(reply);
        if (raise && reply.length > 0 && reply[0] == '-') {
            throw new LuaError(value);
        }
        return value;
    }

    /** Command arguments as Redis builds them: numbers with "%.17g", strings as bytes; null if neither. */
    private static byte[][] argv(Varargs a) {
        int argc = a.narg();
        if (argc == 0) {
            return null;
        }
        byte[][] argv = new byte[argc][];
        for (int i = 0; i < argc; i++) {
            LuaValue v = a.arg(i + 1);
            if (v.type() == LuaValue.TNUMBER) {
                argv[i] = CFormat.g(v.todouble(), 17).getBytes(StandardCharsets.US_ASCII);
            } else if (v.type() == LuaValue.TSTRING) {
                argv[i] = LuaFn.bytes(v.strvalue());
            } else {
                return null;
            }
        }
        return argv;
    }

    private static Varargs fail(LuaTable error, boolean raise) {
        if (raise) {
            throw new LuaError(error);
        }
        return error;
    }

    private Varargs log(Varargs a) {
        int argc = a.narg();
        if (argc < 2) {
            throw new LuaError(LuaReplies.errorTable("redis.log() requires two arguments or more."));
        }
        if (!a.arg1().isnumber()) {
            throw new LuaError(LuaReplies.errorTable("First argument must be a number (log level)."));
        }
        int level = (int) a.arg1().todouble();
        if (level < 0 || level > 3) {
            throw new LuaError(LuaReplies.errorTable("Invalid debug level."));
        }
        java.io.ByteArrayOutputStream msg = new java.io.ByteArrayOutputStream();
        for (int j = 2; j <= argc; j++) {
            LuaValue v = a.arg(j);
            if (v.isstring()) {
                if (j != 2) {
                    msg.write(' ');
                }
                LuaString s = LuaFn.toLuaString(v);
                msg.write(s.m_bytes, s.m_offset, s.m_length);
            }
        }
        ScriptRun run = runtime.current();
        if (run != null) {
            run.host.log(level, msg.toByteArray());
        } else if (runtime.logger() != null) {
            runtime.logger().log(level, msg.toByteArray());
        }
        return LuaValue.NONE;
    }

    private static String latin1(LuaString s) {
        return new String(s.m_bytes, s.m_offset, s.m_length, StandardCharsets.ISO_8859_1);
    }
}
