package io.cachelab.engine.script;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * lua-cmsgpack 0.4.0 as Redis bundles it: integral numbers in the smallest integer encoding,
 * others as float32 when exact else float64, tables as arrays when their keys are exactly 1..n,
 * nesting deeper than 16 packed as nil; unpack_one / unpack_limit return the next 0-based offset
 * (-1 once the input is used up) before the values.
 */
final class CmsgpackLib {
    private static final int MAX_NESTING = 16;

    private CmsgpackLib() {
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.rawset("pack", new LuaFn("pack", CmsgpackLib::pack));
        t.rawset("unpack", new LuaFn("unpack", a -> unpack(a, 0, 0, true)));
        t.rawset("unpack_one", new LuaFn("unpack_one", a -> unpack(a, 1, (long) a.optdouble(2, 0), false)));
        t.rawset("unpack_limit", new LuaFn("unpack_limit",
                a -> unpack(a, (long) a.optdouble(2, 0), (long) a.optdouble(3, 0), false)));
        t.rawset("_NAME", LuaValue.valueOf("cmsgpack"));
        t.rawset("_VERSION", LuaValue.valueOf("lua-cmsgpack 0.4.0"));
        t.rawset("_COPYRIGHT", LuaValue.valueOf("Copyright (C) 2012, Salvatore Sanfilippo"));
        t.rawset("_DESCRIPTION", LuaValue.valueOf("MessagePack C implementation for Lua"));
        return t;
    }

    // ------------------------------------------------------------------ pack

    private static Varargs pack(Varargs a) {
        if (a.narg() == 0) {
            throw LuaFn.argError("pack", 0, "MessagePack pack needs input.");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 1; i <= a.narg(); i++) {
            encode(a.arg(i), out, 0);
        }
        return LuaString.valueOf(out.toByteArray());
    }

    private static void encode(LuaValue v, ByteArrayOutputStream out, int level) {
        switch (v.type()) {
            case LuaValue.TSTRING: {
                LuaString s = v.strvalue();
                int len = s.m_length;
                if (len < 32) {
                    out.write(0xa0 | len);
                } else if (len <= 0xff) {
                    out.write(0xd9);
                    out.write(len);
                } else if (len <= 0xffff) {
                    out.write(0xda);
                    be(out, len, 2);
                } else {
                    out.write(0xdb);
                    be(out, len, 4);
                }
                out.write(s.m_bytes, s.m_offset, len);
                return;
            }
            case LuaValue.TBOOLEAN:
                out.write(v.toboolean() ? 0xc3 : 0xc2);
                return;
            case LuaValue.TNUMBER: {
                double d = v.todouble();
                if (!Double.isInfinite(d) && !Double.isNaN(d) && (double) (long) d == d) {
                    encodeInt((long) d, out);
                } else {
                    float f = (float) d;
                    if ((double) f == d) {
                        out.write(0xca);
                        be(out, Float.floatToRawIntBits(f) & 0xffffffffL, 4);
                    } else {
                        out.write(0xcb);
                        be(out, Double.doubleToRawLongBits(d), 8);
                    }
                }
                return;
            }
            case LuaValue.TTABLE:
                if (level >= MAX_NESTING) {
                    out.write(0xc0);
                    return;
                }
                encodeTable((LuaTable) v, out, level + 1);
                return;
            default:
                out.write(0xc0);
        }
    }

    private static void encodeInt(long n, ByteArrayOutputStream out) {
        if (n >= 0) {
            if (n <= 127) {
                out.write((int) n);
            } else if (n <= 0xff) {
                out.write(0xcc);
                out.write((int) n);
            } else if (n <= 0xffff) {
                out.write(0xcd);
                be(out, n, 2);
            } else if (n <= 0xffffffffL) {
                out.write(0xce);
                be(out, n, 4);
            } else {
                out.write(0xcf);
                be(out, n, 8);
            }
        } else {
            if (n >= -32) {
                out.write((int) (n & 0xff));
            } else if (n >= -128) {
                out.write(0xd0);
                out.write((int) (n & 0xff));
            } else if (n >= -32768) {
                out.write(0xd1);
                be(out, n, 2);
            } else if (n >= Integer.MIN_VALUE) {
                out.write(0xd2);
                be(out, n, 4);
            } else {
                out.write(0xd3);
                be(out, n, 8);
            }
        }
    }

    private static void encodeTable(LuaTable t, ByteArrayOutputStream out, int level) {
        long count = 0;
        double max = 0;
        boolean array = true;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            count++;
            if (k.type() == LuaValue.TNUMBER && k.todouble() >= 1 && k.todouble() == Math.floor(k.todouble())) {
                max = Math.max(max, k.todouble());
            } else {
                array = false;
            }
        }
        if (array && max == count) {
            if (count < 16) {
                out.write(0x90 | (int) count);
            } else if (count <= 0xffff) {
                out.write(0xdc);
                be(out, count, 2);
            } else {
                out.write(0xdd);
                be(out, count, 4);
            }
            for (int i = 1; i <= count; i++) {
                encode(t.rawget(i), out, level);
            }
            return;
        }
        if (count < 16) {
            out.write(0x80 | (int) count);
        } else if (count <= 0xffff) {
            out.write(0xde);
            be(out, count, 2);
        } else {
            out.write(0xdf);
            be(out, count, 4);
        }
        k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            encode(k, out, level);
            encode(n.arg(2), out, level);
        }
    }

    private static void be(ByteArrayOutputStream out, long v, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    // ------------------------------------------------------------------ unpack

    /** Thrown inside decoding; turned into Lua's error messages at the edge. */
    private static final class Incomplete extends RuntimeException {
        Incomplete() {
            super(null, null, false, false);
        }
    }

    private static final class BadFormat extends RuntimeException {
        BadFormat() {
            super(null, null, false, false);
        }
    }

    private static final class Cursor {
        final byte[] b;
        final int base;
        final int len;
        int p;

        Cursor(LuaString s, int offset) {
            b = s.m_bytes;
            base = s.m_offset;
            len = s.m_length;
            p = offset;
        }

        int left() {
            return len - p;
        }

        void need(long n) {
            if (left() < n) {
                throw new Incomplete();
            }
        }

        int u8(int at) {
            return b[base + p + at] & 0xff;
        }

        long uint(int at, int n) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 8) | u8(at + i);
            }
            return v;
        }

        LuaString str(int at, long n) {
            need(at + n);
            LuaString s = LuaString.valueOf(LuaFn.bytes(LuaString.valueOf(b, base + p + at, (int) n)));
            p += at + (int) n;
            return s;
        }
    }

    private static Varargs unpack(Varargs a, long limit, long offset, boolean all) {
        LuaValue in = a.arg1();
        if (!in.isstring()) {
            throw new LuaError("MessagePack decoding needs a string as input.");
        }
        LuaString s = LuaFn.toLuaString(in);
        if (offset < 0 || limit < 0) {
            throw new LuaError("Invalid request to unpack with offset of " + offset + " and limit of " + limit + ".");
        }
        if (offset > s.m_length) {
            throw new LuaError("Start offset " + offset + " greater than input length " + s.m_length + ".");
        }
        Cursor c = new Cursor(s, (int) offset);
        ArrayList<LuaValue> values = new ArrayList<>();
        try {
            while (c.left() > 0 && (limit == 0 || values.size() < limit)) {
                values.add(decode(c));
            }
        } catch (Incomplete e) {
            throw new LuaError("Missing bytes in input.");
        } catch (BadFormat e) {
            throw new LuaError("Bad data format in input.");
        }
        if (all) {
            return LuaValue.varargsOf(values.toArray(new LuaValue[0]));
        }
        LuaValue next = LuaValue.valueOf(c.left() > 0 ? c.p : -1);
        return LuaValue.varargsOf(next, LuaValue.varargsOf(values.toArray(new LuaValue[0])));
    }

    private static LuaValue decode(Cursor c) {
        c.need(1);
        int t = c.u8(0);
        switch (t) {
            case 0xcc: c.need(2); return num(c, 2, c.uint(1, 1));
            case 0xd0: c.need(2); return num(c, 2, (byte) c.uint(1, 1));
            case 0xcd: c.need(3); return num(c, 3, c.uint(1, 2));
            case 0xd1: c.need(3); return num(c, 3, (short) c.uint(1, 2));
            case 0xce: c.need(5); return num(c, 5, c.uint(1, 4));
            case 0xd2: c.need(5); return num(c, 5, (int) c.uint(1, 4));
            case 0xcf: {
                c.need(9);
                long v = c.uint(1, 8);
                c.p += 9;
                return LuaValue.valueOf(v >= 0 ? (double) v : (double) (v >>> 1) * 2.0 + (v & 1));
            }
            case 0xd3: c.need(9); return num(c, 9, c.uint(1, 8));
            case 0xc0: c.p++; return LuaValue.NIL;
            case 0xc3: c.p++; return LuaValue.TRUE;
            case 0xc2: c.p++; return LuaValue.FALSE;
            case 0xca: {
                c.need(5);
                float f = Float.intBitsToFloat((int) c.uint(1, 4));
                c.p += 5;
                return LuaValue.valueOf((double) f);
            }
            case 0xcb: {
                c.need(9);
                double d = Double.longBitsToDouble(c.uint(1, 8));
                c.p += 9;
                return LuaValue.valueOf(d);
            }
            case 0xd9: case 0xc4: c.need(2); return c.str(2, c.uint(1, 1));
            case 0xda: case 0xc5: c.need(3); return c.str(3, c.uint(1, 2));
            case 0xdb: case 0xc6: c.need(5); return c.str(5, c.uint(1, 4));
            case 0xdc: { c.need(3); long n = c.uint(1, 2); c.p += 3; return array(c, n); }
            case 0xdd: { c.need(5); long n = c.uint(1, 4); c.p += 5; return array(c, n); }
            case 0xde: { c.need(3); long n = c.uint(1, 2); c.p += 3; return map(c, n); }
            case 0xdf: { c.need(5); long n = c.uint(1, 4); c.p += 5; return map(c, n); }
            default:
        }
        if ((t & 0x80) == 0) {
            c.p++;
            return LuaValue.valueOf(t);
        }
        if ((t & 0xe0) == 0xe0) {
            c.p++;
            return LuaValue.valueOf((byte) t);
        }
        if ((t & 0xe0) == 0xa0) {
            return c.str(1, t & 0x1f);
        }
        if ((t & 0xf0) == 0x90) {
            c.p++;
            return array(c, t & 0xf);
        }
        if ((t & 0xf0) == 0x80) {
            c.p++;
            return map(c, t & 0xf);
        }
        throw new BadFormat();
    }

    private static LuaValue num(Cursor c, int size, long v) {
        c.p += size;
        return LuaValue.valueOf((double) v);
    }

    private static LuaValue array(Cursor c, long n) {
        LuaTable t = new LuaTable();
        for (int i = 1; i <= n; i++) {
            t.rawset(i, decode(c));
        }
        return t;
    }

    private static LuaValue map(Cursor c, long n) {
        LuaTable t = new LuaTable();
        for (long i = 0; i < n; i++) {
            LuaValue k = decode(c);
            LuaValue v = decode(c);
            if (!k.isnil()) {
                t.rawset(k, v);
            }
        }
        return t;
    }
}
