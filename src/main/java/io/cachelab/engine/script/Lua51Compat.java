package io.cachelab.engine.script;

import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The Lua 5.1 that Redis scripts run on, over LuaJ's 5.2 libraries: the globals and library
 * functions 5.1 had and 5.2 dropped or changed (unpack, loadstring, getn, foreach, gfind, math.mod,
 * tonumber's strtod/strtoul parsing, string.format), plus Redis's own error handler global.
 * ScriptRuntime installs them with its loadstring, pcall and random, which need the runtime.
 */
final class Lua51Compat {
    private Lua51Compat() {
    }

    static void install(ScriptGlobals globals, LuaFn loadString, LuaFn pcall, LuaFn xpcall, LuaFn random,
                        LuaFn randomseed) {
        installBase(globals, loadString, pcall, xpcall);
        installTable((LuaTable) globals.get("table"));
        LuaTable coroutine = (LuaTable) globals.get("coroutine");
        coroutine.rawset("running", new LuaFn("running", a -> globals.running.isMainThread()
                ? LuaValue.NIL : globals.running));
        installString((LuaTable) globals.get("string"));
        LuaTable math = (LuaTable) globals.get("math");
        math.rawset("mod", math.get("fmod"));
        math.rawset("log10", new LuaFn("log10", a -> LuaValue.valueOf(Math.log10(LuaFn.checkNumber(a, 1, "log10")))));
        math.rawset("log", new LuaFn("log", a -> LuaValue.valueOf(Math.log(LuaFn.checkNumber(a, 1, "log")))));
        math.rawset("random", random);
        math.rawset("randomseed", randomseed);
    }

    /** unpack, loadstring/load, gcinfo, pcall/xpcall, tonumber, tostring and Redis's error handler. */
    private static void installBase(ScriptGlobals globals, LuaFn loadString, LuaFn pcall, LuaFn xpcall) {
        globals.rawset("unpack", new LuaFn("unpack", Lua51Compat::unpack));
        globals.rawset("loadstring", loadString);
        globals.rawset("load", new LuaFn("load", a -> a.arg1().isfunction()
                ? globals.baselib.get("load").invoke(a) : loadString.invoke(a)));
        globals.rawset("gcinfo", new LuaFn("gcinfo", a -> LuaValue.valueOf(
                (int) ((Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024))));
        globals.rawset("pcall", pcall);
        // Redis keeps its error handler as a global; errors are formatted in Java here, but scripts
        // that list or call it see the same shape: {err='ERR <message>'} for non-table errors.
        globals.rawset("__redis__err__handler", new LuaFn("__redis__err__handler", a -> {
            LuaValue err = a.arg1();
            if (err.istable()) {
                return err;
            }
            LuaTable t = new LuaTable();
            LuaString msg = err.isstring() ? LuaFn.toLuaString(err) : LuaString.valueOf(err.tojstring());
            byte[] b = new byte[4 + msg.m_length];
            System.arraycopy("ERR ".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 4);
            System.arraycopy(msg.m_bytes, msg.m_offset, b, 4, msg.m_length);
            t.rawset(LuaReplies.ERR, LuaString.valueOf(b));
            return t;
        }));
        globals.rawset("tonumber", new LuaFn("tonumber", Lua51Compat::tonumber));
        globals.rawset("xpcall", xpcall);
        globals.rawset("tostring", new LuaFn("tostring", a -> {
            LuaValue v = a.checkvalue(1);
            if (v.type() == LuaValue.TNUMBER) {
                return LuaFn.toLuaString(v);
            }
            LuaValue h = v.metatag(LuaValue.TOSTRING);
            if (!h.isnil()) {
                return h.call(v);
            }
            return v.isstring() ? v : LuaValue.valueOf(v.tojstring());
        }));
    }

    /** Lua 5.1's table library: no pack/unpack, getn/setn/maxn/foreach/foreachi, Redis's concat. */
    private static void installTable(LuaTable t) {
        t.rawset("unpack", LuaValue.NIL);
        t.rawset("pack", LuaValue.NIL);
        t.rawset("concat", new LuaFn("concat", Lua51Compat::tableConcat));
        t.rawset("getn", new LuaFn("getn", a -> LuaValue.valueOf(a.checktable(1).length())));
        t.rawset("setn", new LuaFn("setn", a -> {
            throw new LuaError("'setn' is obsolete");
        }));
        t.rawset("maxn", new LuaFn("maxn", a -> {
            LuaTable tt = a.checktable(1);
            double max = 0;
            LuaValue k = LuaValue.NIL;
            while (!(k = tt.next(k).arg1()).isnil()) {
                if (k.type() == LuaValue.TNUMBER && k.todouble() > max) {
                    max = k.todouble();
                }
            }
            return LuaValue.valueOf(max);
        }));
        t.rawset("foreach", new LuaFn("foreach", a -> {
            LuaTable tt = a.checktable(1);
            LuaFunction f = a.checkfunction(2);
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs n = tt.next(k);
                if ((k = n.arg1()).isnil()) {
                    return LuaValue.NIL;
                }
                LuaValue r = f.call(k, n.arg(2));
                if (!r.isnil()) {
                    return r;
                }
            }
        }));
        t.rawset("foreachi", new LuaFn("foreachi", a -> {
            LuaTable tt = a.checktable(1);
            LuaFunction f = a.checkfunction(2);
            int n = tt.length();
            for (int i = 1; i <= n; i++) {
                LuaValue r = f.call(LuaValue.valueOf(i), tt.get(i));
                if (!r.isnil()) {
                    return r;
                }
            }
            return LuaValue.NIL;
        }));
    }

    /** string.gfind, Lua 5.1's string.format and a string.rep that refuses what would not fit. */
    private static void installString(LuaTable string) {
        string.rawset("gfind", string.get("gmatch"));
        string.rawset("format", new LuaFn("format", StringFormat::format));
        string.rawset("rep", new LuaFn("rep", a -> {
            LuaString str = LuaFn.checkString(a, 1, "rep");
            long n = (long) LuaFn.checkNumber(a, 2, "rep");
            if (n <= 0 || str.m_length == 0) {
                return LuaValue.valueOf("");
            }
            if (n * str.m_length > Integer.MAX_VALUE - 16) {
                throw new LuaError("not enough memory");
            }
            byte[] out = new byte[(int) (n * str.m_length)];
            for (int k = 0; k < n; k++) {
                System.arraycopy(str.m_bytes, str.m_offset, out, k * str.m_length, str.m_length);
            }
            return LuaString.valueOf(out);
        }));

    }

    /** Lua 5.1's tonumber: strtod (hex, inf, nan, surrounding spaces) for base 10, strtoul otherwise. */
    private static Varargs tonumber(Varargs a) {
        LuaValue v = a.checkvalue(1);
        int base = a.isnoneornil(2) ? 10 : LuaFn.checkInt(a, 2, "tonumber");
        if (base == 10) {
            if (v.type() == LuaValue.TNUMBER) {
                return v;
            }
            if (v.type() != LuaValue.TSTRING) {
                return LuaValue.NIL;
            }
            Double d = str2d(v.tojstring());
            return d == null ? LuaValue.NIL : LuaValue.valueOf(d);
        }
        String s = LuaFn.checkString(a, 1, "tonumber").tojstring();
        if (base < 2 || base > 36) {
            throw LuaFn.argError("tonumber", 2, "base out of range");
        }
        int[] used = {0};
        double n = strtoul(s, base, used);
        if (used[0] == 0 || !s.substring(used[0]).isBlank()) {
            return LuaValue.NIL;
        }
        return LuaValue.valueOf(n);
    }

    /** luaO_str2d over glibc's strtod; null when the text is not a number. */
    static Double str2d(String s) {
        int start = 0;
        while (start < s.length() && isSpace(s.charAt(start))) {
            start++;
        }
        int[] used = {0};
        double d = Strtod.parse(s.substring(start), used);
        if (used[0] == 0) {
            return null;
        }
        int end = start + used[0];
        if (end < s.length() && (s.charAt(end) == 'x' || s.charAt(end) == 'X')) {
            d = strtoul(s, 16, used);
            end = used[0];
        }
        while (end < s.length() && isSpace(s.charAt(end))) {
            end++;
        }
        return end == s.length() ? d : null;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** C's strtoul: spaces, sign, optional 0x for base 16; {@code used} gets the end index (0 if none). */
    private static double strtoul(String s, int base, int[] used) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        if (base == 16 && i + 1 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && i + 2 < s.length() && Character.digit(s.charAt(i + 2), 16) >= 0) {
            i += 2;
        }
        int digitsStart = i;
        java.math.BigInteger v = java.math.BigInteger.ZERO;
        java.math.BigInteger b = java.math.BigInteger.valueOf(base);
        while (i < s.length() && Character.digit(s.charAt(i), base) >= 0) {
            v = v.multiply(b).add(java.math.BigInteger.valueOf(Character.digit(s.charAt(i), base)));
            i++;
        }
        if (i == digitsStart) {
            used[0] = 0;
            return 0;
        }
        used[0] = i;
        java.math.BigInteger max = java.math.BigInteger.ONE.shiftLeft(64).subtract(java.math.BigInteger.ONE);
        if (v.compareTo(max) > 0) {
            v = max;
        }
        if (neg) {
            v = java.math.BigInteger.ONE.shiftLeft(64).subtract(v).mod(java.math.BigInteger.ONE.shiftLeft(64));
        }
        return v.doubleValue();
    }

    /**
     * Lua 5.1's unpack, including its stack limit: asking for more values than the C stack holds
     * (8000 slots) is "too many results to unpack" rather than an attempt to allocate them.
     */
    private static Varargs unpack(Varargs a) {
        LuaTable t = a.checktable(1);
        long i = a.isnoneornil(2) ? 1 : (long) LuaFn.checkNumber(a, 2, "unpack");
        long e = a.isnoneornil(3) ? t.length() : (long) LuaFn.checkNumber(a, 3, "unpack");
        i = (int) i;
        e = (int) e;
        if (i > e) {
            return LuaValue.NONE;
        }
        long n = e - i + 1;
        if (n >= Integer.MAX_VALUE || n > 8000 - a.narg()) {
            throw new LuaError("too many results to unpack");
        }
        LuaValue[] values = new LuaValue[(int) n];
        for (int k = 0; k < n; k++) {
            values[k] = t.get((int) (i + k));
        }
        return LuaValue.varargsOf(values);
    }

    /** table.concat with Lua 5.1's number formatting (luaj would print 0.0003 as "3.0E-4"). */
    private static Varargs tableConcat(Varargs a) {
        LuaTable t = a.checktable(1);
        LuaString sep = a.isnoneornil(2) ? LuaString.valueOf("") : LuaFn.checkString(a, 2, "concat");
        int i = a.isnoneornil(3) ? 1 : LuaFn.checkInt(a, 3, "concat");
        int j = a.isnoneornil(4) ? t.length() : LuaFn.checkInt(a, 4, "concat");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int k = i; k <= j; k++) {
            LuaValue v = t.get(k);
            if (!v.isstring()) {
                throw new LuaError("invalid value (" + v.typename() + ") at index " + k + " in table for 'concat'");
            }
            LuaString s = LuaFn.toLuaString(v);
            out.write(s.m_bytes, s.m_offset, s.m_length);
            if (k < j) {
                out.write(sep.m_bytes, sep.m_offset, sep.m_length);
            }
        }
        return LuaString.valueOf(out.toByteArray());
    }
}
