package io.cachelab.engine.script;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * LuaBitOp ("bit"), as bundled with Redis: 32-bit operations whose results are signed numbers.
 * Arguments are normalised like LuaBitOp's barg(): the double is reduced modulo 2^32 (it adds
 * 2^52+2^51 and takes the low word), so 2^32+5 becomes 5 and fractions round to nearest-even.
 */
final class BitLib {
    private BitLib() {
    }

    static int arg(Varargs a, int i, String fn) {
        double d = LuaFn.checkNumber(a, i, fn);
        return toBit(d);
    }

    static int toBit(double d) {
        double shifted = d + 6755399441055744.0; // 2^52 + 2^51
        return (int) Double.doubleToRawLongBits(shifted);
    }

    interface IntOp {
        int apply(int x, int y);
    }

    private static LuaFn fold(String name, IntOp op) {
        return new LuaFn(name, a -> {
            int r = arg(a, 1, name);
            for (int i = 2; i <= a.narg(); i++) {
                r = op.apply(r, arg(a, i, name));
            }
            return LuaValue.valueOf(r);
        });
    }

    private static LuaFn shift(String name, IntOp op) {
        return new LuaFn(name, a -> LuaValue.valueOf(op.apply(arg(a, 1, name), arg(a, 2, name) & 31)));
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.rawset("tobit", new LuaFn("tobit", a -> LuaValue.valueOf(arg(a, 1, "tobit"))));
        t.rawset("bnot", new LuaFn("bnot", a -> LuaValue.valueOf(~arg(a, 1, "bnot"))));
        t.rawset("band", fold("band", (x, y) -> x & y));
        t.rawset("bor", fold("bor", (x, y) -> x | y));
        t.rawset("bxor", fold("bxor", (x, y) -> x ^ y));
        t.rawset("lshift", shift("lshift", (x, n) -> x << n));
        t.rawset("rshift", shift("rshift", (x, n) -> x >>> n));
        t.rawset("arshift", shift("arshift", (x, n) -> x >> n));
        t.rawset("rol", shift("rol", Integer::rotateLeft));
        t.rawset("ror", shift("ror", Integer::rotateRight));
        t.rawset("bswap", new LuaFn("bswap", a -> LuaValue.valueOf(Integer.reverseBytes(arg(a, 1, "bswap")))));
        t.rawset("tohex", new LuaFn("tohex", a -> {
            int b = arg(a, 1, "tohex");
            int n = a.isnoneornil(2) ? 8 : arg(a, 2, "tohex");
            String digits = "0123456789abcdef";
            if (n < 0) {
                n = n == Integer.MIN_VALUE ? Integer.MAX_VALUE : -n;
                digits = "0123456789ABCDEF";
            }
            if (n > 8) {
                n = 8;
            }
            char[] buf = new char[n];
            for (int i = n - 1; i >= 0; i--) {
                buf[i] = digits.charAt(b & 15);
                b >>= 4;
            }
            return LuaValue.valueOf(new String(buf));
        }));
        return t;
    }

}
