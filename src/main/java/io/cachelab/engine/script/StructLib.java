package io.cachelab.engine.script;

import java.io.ByteArrayOutputStream;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Roberto Ierusalimschy's "struct" library as Redis ships it (pack, unpack, size) with the sizes
 * of a 64-bit Linux build: int 4, long 8, native little endian, alignment 1 unless '!' asks for
 * it. Redisson's RMapCache, RRateLimiter and RDelayedQueue scripts depend on it.
 */
final class StructLib {
    private static final int MAXINTSIZE = 32;
    private static final int MAXALIGN = 8;

    private StructLib() {
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.rawset("pack", new LuaFn("pack", StructLib::pack));
        t.rawset("unpack", new LuaFn("unpack", StructLib::unpack));
        t.rawset("size", new LuaFn("size", StructLib::size));
        return t;
    }

    /** Parsing state for one format string. */
    private static final class Format {
        final byte[] f;
        int pos;
        boolean little = true;
        int align = 1;
        final String fn;

        Format(LuaString s, String fn) {
            this.f = LuaFn.bytes(s);
            this.fn = fn;
        }

        boolean more() {
            return pos < f.length;
        }

        int num(int dflt) {
            if (pos >= f.length || !Character.isDigit(f[pos])) {
                return dflt;
            }
            long a = 0;
            while (pos < f.length && Character.isDigit(f[pos])) {
                a = a * 10 + (f[pos++] - '0');
                if (a > Integer.MAX_VALUE) {
                    throw new LuaError("integral size overflow");
                }
            }
            return (int) a;
        }

        int optSize(char opt) {
            switch (opt) {
                case 'B': case 'b': return 1;
                case 'H': case 'h': return 2;
                case 'L': case 'l': case 'T': return 8;
                case 'f': return 4;
                case 'd': return 8;
                case 'x': return 1;
                case 'c': return num(1);
                case 'i': case 'I': {
                    int sz = num(4);
                    if (sz > MAXINTSIZE) {
                        throw new LuaError("integral size " + sz + " is larger than limit of " + MAXINTSIZE);
                    }
                    return sz;
                }
                case 's': case ' ': case '<': case '>': case '!': return 0;
                default:
                    throw LuaFn.argError(fn, 1, "invalid format option '" + opt + "'");
            }
        }

        int toAlign(long len, char opt, int size) {
            if (size <= 1 || opt == 'c') {
                return 0;
            }
            int s = Math.min(size, align);
            if (s <= 1) {
                return 0;
            }
            return (int) ((s - (len & (s - 1))) & (s - 1));
        }

        void common(char opt) {
            switch (opt) {
                case '>':
                    little = false;
                    return;
                case '<':
                    little = true;
                    return;
                case '!': {
                    int a = num(MAXALIGN);
                    if (a <= 0 || (a & (a - 1)) != 0) {
                        throw LuaFn.argError(fn, 1, "alignment " + a + " is not a power of 2");
                    }
                    align = a;
                    return;
                }
                default:
            }
        }
    }

    private static Varargs pack(Varargs a) {
        Format h = new Format(LuaFn.checkString(a, 1, "pack"), "pack");
        int arg = 2;
        long total = 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (h.more()) {
            char opt = (char) h.f[h.pos++];
            int size = h.optSize(opt);
            int pad = h.toAlign(total, opt, size);
            total += pad;
            while (pad-- > 0) {
                out.write(0);
            }
            switch (opt) {
                case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I': {
                    double n = LuaFn.checkNumber(a, arg++, "pack");
                    long value = n < 9.223372036854776E18 ? (long) n : unsignedFromDouble(n);
                    putInteger(out, value, h.little, size);
                    break;
                }
                case 'x':
                    out.write(0);
                    break;
                case 'f': {
                    float f = (float) LuaFn.checkNumber(a, arg++, "pack");
                    putInteger(out, Float.floatToRawIntBits(f) & 0xffffffffL, h.little, 4);
                    break;
                }
                case 'd': {
                    double d = LuaFn.checkNumber(a, arg++, "pack");
                    putInteger(out, Double.doubleToRawLongBits(d), h.little, 8);
                    break;
                }
                case 'c': case 's': {
                    LuaString s = LuaFn.checkString(a, arg, "pack");
                    arg++;
                    int l = s.m_length;
                    if (size == 0) {
                        size = l;
                    }
                    if (l < size) {
                        throw LuaFn.argError("pack", arg, "string too short");
                    }
                    out.write(s.m_bytes, s.m_offset, size);
                    if (opt == 's') {
                        out.write(0);
                        size++;
                    }
                    break;
                }
                default:
                    h.common(opt);
            }
            total += size;
        }
        return LuaString.valueOf(out.toByteArray());
    }

    private static long unsignedFromDouble(double n) {
        if (n >= 1.8446744073709552E19) {
            return -1L;
        }
        return new java.math.BigDecimal(n).toBigInteger().longValue();
    }

    private static void putInteger(ByteArrayOutputStream out, long value, boolean little, int size) {
        if (little) {
            for (int i = 0; i < size; i++) {
                out.write(i < 8 ? (int) (value >>> (8 * i)) & 0xff : 0);
            }
        } else {
            for (int i = size - 1; i >= 0; i--) {
                out.write(i < 8 ? (int) (value >>> (8 * i)) & 0xff : 0);
            }
        }
    }

    private static long getInteger(byte[] b, int off, boolean little, boolean signed, int size) {
        long l = 0;
        int n = Math.min(size, 8);
        for (int i = 0; i < n; i++) {
            int idx = little ? off + i : off + size - 1 - i;
            l |= (long) (b[idx] & 0xff) << (i * 8);
        }
        if (signed && size < 8) {
            long mask = -1L << (size * 8 - 1);
            if ((l & mask) != 0) {
                l |= mask;
            }
        }
        return l;
    }

    private static Varargs unpack(Varargs a) {
        Format h = new Format(LuaFn.checkString(a, 1, "unpack"), "unpack");
        LuaString data = LuaFn.checkString(a, 2, "unpack");
        byte[] d = data.m_bytes;
        int base = data.m_offset;
        long ld = data.m_length;
        long pos = (long) a.optdouble(3, 1) - 1;
        if (pos < 0) {
            throw LuaFn.argError("unpack", 3, "offset must be 1 or greater");
        }
        java.util.ArrayList<LuaValue> results = new java.util.ArrayList<>();
        while (h.more()) {
            char opt = (char) h.f[h.pos++];
            int size = h.optSize(opt);
            pos += h.toAlign(pos, opt, size);
            if (pos + size > ld) {
                throw LuaFn.argError("unpack", 2, "data string too short");
            }
            switch (opt) {
                case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I': {
                    boolean signed = Character.isLowerCase(opt);
                    long v = getInteger(d, base + (int) pos, h.little, signed, size);
                    double n = signed ? (double) v : unsignedToDouble(v);
                    results.add(LuaValue.valueOf(n));
                    break;
                }
                case 'x':
                    break;
                case 'f': {
                    int bits = (int) getInteger(d, base + (int) pos, h.little, false, 4);
                    results.add(LuaValue.valueOf((double) Float.intBitsToFloat(bits)));
                    break;
                }
                case 'd': {
                    long bits = getInteger(d, base + (int) pos, h.little, false, 8);
                    results.add(LuaValue.valueOf(Double.longBitsToDouble(bits)));
                    break;
                }
                case 'c': {
                    if (size == 0) {
                        if (results.isEmpty() || !results.get(results.size() - 1).isnumber()) {
                            throw new LuaError("format 'c0' needs a previous size");
                        }
                        size = (int) results.remove(results.size() - 1).todouble();
                        if (pos + size > ld) {
                            throw LuaFn.argError("unpack", 2, "data string too short");
                        }
                    }
                    results.add(LuaString.valueOf(d, base + (int) pos, size));
                    break;
                }
                case 's': {
                    int e = -1;
                    for (long i = pos; i < ld; i++) {
                        if (d[base + (int) i] == 0) {
                            e = (int) i;
                            break;
                        }
                    }
                    if (e < 0) {
                        throw new LuaError("unfinished string in data");
                    }
                    size = e - (int) pos + 1;
                    results.add(LuaString.valueOf(d, base + (int) pos, size - 1));
                    break;
                }
                default:
                    h.common(opt);
            }
            pos += size;
        }
        results.add(LuaValue.valueOf((double) (pos + 1)));
        return LuaValue.varargsOf(results.toArray(new LuaValue[0]));
    }

    private static double unsignedToDouble(long v) {
        if (v >= 0) {
            return (double) v;
        }
        return (double) (v >>> 1) * 2.0 + (v & 1);
    }

    private static Varargs size(Varargs a) {
        Format h = new Format(LuaFn.checkString(a, 1, "size"), "size");
        long pos = 0;
        while (h.more()) {
            char opt = (char) h.f[h.pos++];
            int size = h.optSize(opt);
            pos += h.toAlign(pos, opt, size);
            if (opt == 's') {
                throw LuaFn.argError("size", 1, "option 's' has no fixed size");
            } else if (opt == 'c' && size == 0) {
                throw LuaFn.argError("size", 1, "option 'c0' has no fixed size");
            }
            if (opt != 'c' && size == 0) {
                h.common(opt);
            }
            pos += size;
        }
        return LuaValue.valueOf((double) pos);
    }
}
