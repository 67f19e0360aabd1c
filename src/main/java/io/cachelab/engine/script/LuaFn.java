package io.cachelab.engine.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * A Lua function backed by a Java lambda, plus the argument checks of Lua 5.1's auxiliary library
 * with its message shapes ("bad argument #1 to 'pack' (number expected, got nil)"), which scripts
 * and tests see verbatim in error replies.
 */
final class LuaFn extends VarArgFunction {
    interface Body {
        Varargs apply(Varargs args);
    }

    private final Body body;

    LuaFn(String name, Body body) {
        this.name = name;
        this.body = body;
    }

    @Override
    public Varargs invoke(Varargs args) {
        return body.apply(args);
    }

    static LuaError argError(String fn, int arg, String msg) {
        return new LuaError("bad argument #" + arg + " to '" + fn + "' (" + msg + ")");
    }

    static String typeName(LuaValue v) {
        return v.isnil() ? "no value" : v.typename();
    }

    static double checkNumber(Varargs a, int i, String fn) {
        LuaValue v = a.arg(i);
        if (v.isnumber()) {
            return v.todouble();
        }
        throw argError(fn, i, "number expected, got " + (i > a.narg() ? "no value" : v.typename()));
    }

    static int checkInt(Varargs a, int i, String fn) {
        return (int) (long) checkNumber(a, i, fn);
    }

    static LuaString checkString(Varargs a, int i, String fn) {
        LuaValue v = a.arg(i);
        if (v.isstring()) {
            return toLuaString(v);
        }
        throw argError(fn, i, "string expected, got " + (i > a.narg() ? "no value" : v.typename()));
    }

    /** Lua 5.1's number-to-string coercion ("%.14g"); luaj's own differs for non-integers. */
    static LuaString toLuaString(LuaValue v) {
        if (v.type() == LuaValue.TNUMBER) {
            return LuaString.valueOf(CFormat.g(v.todouble(), 14));
        }
        return v.strvalue();
    }

    static byte[] bytes(LuaString s) {
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, s.m_length);
        return b;
    }
}
