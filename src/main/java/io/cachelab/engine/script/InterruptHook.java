package io.cachelab.engine.script;

import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * The time-limit hook. luaj calls its debug library on every VM instruction, so installing this
 * as {@code globals.debuglib} (without exposing a {@code debug} table) is the equivalent of Redis's
 * lua_sethook(LUA_MASKCOUNT): every few thousand instructions it looks at the clock and, past the
 * busy threshold, lets the server serve other clients; once SCRIPT KILL marked the run it raises
 * an error at every instruction so a pcall cannot swallow it. Call-stack bookkeeping is skipped:
 * nothing here needs it and it would slow every call.
 */
final class InterruptHook extends DebugLib {
    private static final int CHECK_EVERY = 10_000;
    private static final long BUSY_CALLBACK_NANOS = 1_000_000;

    private final ScriptRuntime runtime;
    private int countdown = CHECK_EVERY;
    private long lastBusyCall;

    InterruptHook(ScriptRuntime runtime) {
        this.runtime = runtime;
    }

    void reset() {
        countdown = CHECK_EVERY;
        lastBusyCall = 0;
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        if (--countdown > 0) {
            return;
        }
        countdown = CHECK_EVERY;
        check();
    }

    /** Also called by the redis API between commands, so a loop of redis.call is interruptible. */
    void check() {
        ScriptRun run = runtime.current();
        if (run == null) {
            if (runtime.loadTimedOut()) {
                countdown = 1;
                throw new LuaError(LuaReplies.errorTable("FUNCTION LOAD timeout"));
            }
            return;
        }
        if (run.killed()) {
            countdown = 1;
            throw killError();
        }
        if (run.busyThresholdMillis > 0 && run.elapsedMillis() >= run.busyThresholdMillis) {
            long now = System.nanoTime();
            if (!run.timedOut || now - lastBusyCall >= BUSY_CALLBACK_NANOS) {
                run.timedOut = true;
                lastBusyCall = now;
                run.host.busy(run);
                if (run.killed()) {
                    countdown = 1;
                    throw killError();
                }
            }
        }
    }

    LuaError killError() {
        // Redis 7.0 uses this text for functions killed with FUNCTION KILL too.
        return new LuaError(LuaReplies.errorTable("Script killed by user with SCRIPT KILL..."));
    }

    @Override
    public LuaValue call(LuaValue modname, LuaValue env) {
        return LuaValue.NIL;
    }

    @Override
    public void onCall(LuaFunction f) {
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
    }

    @Override
    public void onReturn() {
    }

    @Override
    public String traceback(int level) {
        return "";
    }
}
