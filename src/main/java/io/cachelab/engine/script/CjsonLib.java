package io.cachelab.engine.script;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * lua-cjson 2.1.0 as Redis bundles it: numbers with "%.14g", '/' and DEL escaped, tables that are
 * arrays (only positive integer keys, not "excessively sparse") encoded as JSON arrays and
 * everything else as objects, cjson.null for JSON null, and its error texts ("Expected value but
 * found T_END at character 4"). Strings are bytes: no UTF-8 validation either way, \\u escapes
 * decode to UTF-8. The encode_* / decode_* settings persist in this Lua state, as in Redis.
 */
final class CjsonLib {
    static final LuaUserdata NULL = new LuaUserdata(new Object()) {
        @Override
        public String tojstring() {
            return "userdata: 0x0";
        }
    };

    private int encodeMaxDepth = 1000;
    private int decodeMaxDepth = 1000;
    private int precision = 14;
    private boolean sparseConvert = false;
    private int sparseRatio = 2;
    private int sparseSafe = 10;
    private boolean encodeInvalidNumbers = false;
    private boolean decodeInvalidNumbers = true;

    static LuaTable create() {
        CjsonLib lib = new CjsonLib();
        LuaTable t = new LuaTable();
        t.rawset("encode", new LuaFn("encode", lib::encode));
        t.rawset("decode", new LuaFn("decode", lib::decode));
        t.rawset("null", NULL);
        t.rawset("_NAME", LuaValue.valueOf("cjson"));
        t.rawset("_VERSION", LuaValue.valueOf("2.1.0"));
        t.rawset("new", new LuaFn("new", a -> create()));
        t.rawset("encode_max_depth", new LuaFn("encode_max_depth", a -> {
            lib.encodeMaxDepth = lib.intOption(a, "encode_max_depth", lib.encodeMaxDepth, 1, Integer.MAX_VALUE);
            return LuaValue.valueOf(lib.encodeMaxDepth);
        }));
        t.rawset("decode_max_depth", new LuaFn("decode_max_depth", a -> {
            lib.decodeMaxDepth = lib.intOption(a, "decode_max_depth", lib.decodeMaxDepth, 1, Integer.MAX_VALUE);
            return LuaValue.valueOf(lib.decodeMaxDepth);
        }));
        t.rawset("encode_number_precision", new LuaFn("encode_number_precision", a -> {
            lib.precision = lib.intOption(a, "encode_number_precision", lib.precision, 1, 14);
            return LuaValue.valueOf(lib.precision);
        }));
        t.rawset("encode_keep_buffer", new LuaFn("encode_keep_buffer", a -> LuaValue.TRUE));
        t.rawset("encode_invalid_numbers", new LuaFn("encode_invalid_numbers", a -> {
            if (!a.isnoneornil(1)) {
                lib.encodeInvalidNumbers = a.arg1().toboolean();
            }
            return LuaValue.valueOf(lib.encodeInvalidNumbers);
        }));
        t.rawset("decode_invalid_numbers", new LuaFn("decode_invalid_numbers", a -> {
            if (!a.isnoneornil(1)) {
                lib.decodeInvalidNumbers = a.arg1().toboolean();
            }
            return LuaValue.valueOf(lib.decodeInvalidNumbers);
        }));
        t.rawset("encode_sparse_array", new LuaFn("encode_sparse_array", a -> {
            if (!a.isnoneornil(1)) {
                lib.sparseConvert = a.arg1().toboolean();
            }
            if (!a.isnoneornil(2)) {
                lib.sparseRatio = LuaFn.checkInt(a, 2, "encode_sparse_array");
            }
            if (!a.isnoneornil(3)) {
                lib.sparseSafe = LuaFn.checkInt(a, 3, "encode_sparse_array");
            }
            return LuaValue.varargsOf(new LuaValue[] {LuaValue.valueOf(lib.sparseConvert),
                LuaValue.valueOf(lib.sparseRatio), LuaValue.valueOf(lib.sparseSafe)});
        }));
        return t;
    }

    private int intOption(Varargs a, String fn, int current, int min, int max) {
        if (a.isnoneornil(1)) {
            return current;
        }
        int v = LuaFn.checkInt(a, 1, fn);
        if (v < min || v > max) {
            throw LuaFn.argError(fn, 1, "expected integer between " + min + " and " + max);
        }
        return v;
    }

    // ------------------------------------------------------------------ encode

    private Varargs encode(Varargs a) {
        if (a.narg() != 1) {
            throw LuaFn.argError("encode", 1, "expected 1 argument");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encodeValue(a.arg1(), out, 0);
        return LuaString.valueOf(out.toByteArray());
    }

    private void encodeValue(LuaValue v, ByteArrayOutputStream out, int depth) {
        switch (v.type()) {
            case LuaValue.TSTRING:
                appendString(v.strvalue(), out);
                return;
            case LuaValue.TNUMBER:
                appendNumber(v.todouble(), out);
                return;
            case LuaValue.TBOOLEAN:
                ascii(out, v.toboolean() ? "true" : "false");
                return;
            case LuaValue.TNIL:
                ascii(out, "null");
                return;
            case LuaValue.TTABLE: {
                depth++;
                if (depth > encodeMaxDepth) {
                    throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
                }
                LuaTable t = (LuaTable) v;
                int len = arrayLength(t);
                if (len > 0) {
                    out.write('[');
                    for (int i = 1; i <= len; i++) {
                        if (i > 1) {
                            out.write(',');
                        }
                        encodeValue(t.rawget(i), out, depth);
                    }
                    out.write(']');
                } else {
                    encodeObject(t, out, depth);
                }
                return;
            }
            case LuaValue.TUSERDATA:
            case LuaValue.TLIGHTUSERDATA:
                if (v == NULL) {
                    ascii(out, "null");
                    return;
                }
                throw new LuaError("Cannot serialise " + v.typename() + ": type not supported");
            default:
                throw new LuaError("Cannot serialise " + v.typename() + ": type not supported");
        }
    }

    private void encodeObject(LuaTable t, ByteArrayOutputStream out, int depth) {
        out.write('{');
        boolean first = true;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            if (!first) {
                out.write(',');
            }
            first = false;
            if (k.type() == LuaValue.TSTRING) {
                appendString(k.strvalue(), out);
            } else if (k.type() == LuaValue.TNUMBER) {
                out.write('"');
                appendNumber(k.todouble(), out);
                out.write('"');
            } else {
                throw new LuaError("Cannot serialise " + k.typename() + ": table key must be a number or string");
            }
            out.write(':');
            encodeValue(n.arg(2), out, depth);
        }
        out.write('}');
    }

    /** lua_array_length: the array size, 0 for objects (and empty tables), error if too sparse. */
    private int arrayLength(LuaTable t) {
        double max = 0;
        int items = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            if (k.type() == LuaValue.TNUMBER) {
                double d = k.todouble();
                if (d == Math.floor(d) && d >= 1) {
                    if (d > max) {
                        max = d;
                    }
                    items++;
                    continue;
                }
            }
            return 0;
        }
        if (sparseRatio > 0 && max > (double) items * sparseRatio && max > sparseSafe) {
            if (!sparseConvert) {
                throw new LuaError("Cannot serialise table: excessively sparse array");
            }
            return 0;
        }
        return (int) max;
    }

    private void appendNumber(double d, ByteArrayOutputStream out) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            if (!encodeInvalidNumbers) {
                throw new LuaError("Cannot serialise number: must not be NaN or Inf");
            }
        }
        ascii(out, CFormat.g(d, precision));
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.write(s.charAt(i));
        }
    }

    private static void appendString(LuaString s, ByteArrayOutputStream out) {
        out.write('"');
        for (int i = 0; i < s.m_length; i++) {
            int c = s.m_bytes[s.m_offset + i] & 0xff;
            switch (c) {
                case '"': ascii(out, "\\\""); break;
                case '\\': ascii(out, "\\\\"); break;
                case '/': ascii(out, "\\/"); break;
                case '\b': ascii(out, "\\b"); break;
                case '\f': ascii(out, "\\f"); break;
                case '\n': ascii(out, "\\n"); break;
                case '\r': ascii(out, "\\r"); break;
                case '\t': ascii(out, "\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f) {
                        ascii(out, String.format("\\u%04x", c));
                    } else {
                        out.write(c);
                    }
            }
        }
        out.write('"');
    }

    // ------------------------------------------------------------------ decode

    private enum Tok {
        T_OBJ_BEGIN, T_OBJ_END, T_ARR_BEGIN, T_ARR_END, T_STRING, T_NUMBER, T_BOOLEAN, T_NULL, T_COLON,
        T_COMMA, T_END, T_ERROR
    }

    /** One JSON text being decoded: a cursor and the token just read. */
    private final class Decoder {
        final byte[] b;
        final int end;
        int p;
        int depth;
        Tok type;
        int index;
        LuaValue value;
        String error;

        Decoder(LuaString s) {
            b = s.m_bytes;
            p = s.m_offset;
            end = s.m_offset + s.m_length;
            base = s.m_offset;
        }

        final int base;

        void next() {
            while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\n' || b[p] == '\r')) {
                p++;
            }
            index = p - base;
            value = null;
            if (p >= end) {
                type = Tok.T_END;
                return;
            }
            int c = b[p] & 0xff;
            switch (c) {
                case '{': type = Tok.T_OBJ_BEGIN; p++; return;
                case '}': type = Tok.T_OBJ_END; p++; return;
                case '[': type = Tok.T_ARR_BEGIN; p++; return;
                case ']': type = Tok.T_ARR_END; p++; return;
                case ',': type = Tok.T_COMMA; p++; return;
                case ':': type = Tok.T_COLON; p++; return;
                case '"': string(); return;
                default:
            }
            if (c == '-' || (c >= '0' && c <= '9') || (decodeInvalidNumbers && invalidNumberStart())) {
                number();
            } else if (word("true")) {
                type = Tok.T_BOOLEAN;
                value = LuaValue.TRUE;
            } else if (word("false")) {
                type = Tok.T_BOOLEAN;
                value = LuaValue.FALSE;
            } else if (word("null")) {
                type = Tok.T_NULL;
                value = NULL;
            } else {
                fail("invalid token", index);
            }
        }

        private boolean invalidNumberStart() {
            return startsWithIgnoreCase("inf") || startsWithIgnoreCase("nan");
        }

        private boolean startsWithIgnoreCase(String w) {
            if (end - p < w.length()) {
                return false;
            }
            for (int i = 0; i < w.length(); i++) {
                if (Character.toLowerCase((char) b[p + i]) != w.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private boolean word(String w) {
            if (end - p < w.length()) {
                return false;
            }
            for (int i = 0; i < w.length(); i++) {
                if (b[p + i] != w.charAt(i)) {
                    return false;
                }
            }
            p += w.length();
            return true;
        }

        private void fail(String msg, int at) {
            type = Tok.T_ERROR;
            error = msg;
            index = at;
        }

        private void number() {
            String s = new String(b, p, end - p, StandardCharsets.ISO_8859_1);
            int[] used = {0};
            double d = Strtod.parse(s, used);
            if (used[0] == 0) {
                fail("invalid number", index);
                return;
            }
            p += used[0];
            type = Tok.T_NUMBER;
            value = LuaValue.valueOf(d);
        }

        private void string() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p++;
            while (true) {
                if (p >= end) {
                    fail("unexpected end of string", p - base);
                    return;
                }
                int c = b[p] & 0xff;
                if (c == '"') {
                    p++;
                    break;
                }
                if (c != '\\') {
                    out.write(c);
                    p++;
                    continue;
                }
                if (p + 1 >= end) {
                    fail("unexpected end of string", p - base);
                    return;
                }
                int e = b[p + 1] & 0xff;
                switch (e) {
                    case '"': case '\\': case '/': out.write(e); p += 2; break;
                    case 'b': out.write('\b'); p += 2; break;
                    case 'f': out.write('\f'); p += 2; break;
                    case 'n': out.write('\n'); p += 2; break;
                    case 'r': out.write('\r'); p += 2; break;
                    case 't': out.write('\t'); p += 2; break;
                    case 'u': {
                        int consumed = unicode(out);
                        if (consumed < 0) {
                            fail("invalid unicode escape code", p - base);
                            return;
                        }
                        p += consumed;
                        break;
                    }
                    default:
                        fail("invalid escape code", p - base);
                        return;
                }
            }
            type = Tok.T_STRING;
            value = LuaString.valueOf(out.toByteArray());
        }

        private int hex4(int at) {
            if (at + 4 > end) {
                return -1;
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(b[at + i], 16);
                if (d < 0) {
                    return -1;
                }
                v = v * 16 + d;
            }
            return v;
        }

        private int unicode(ByteArrayOutputStream out) {
            int cp = hex4(p + 2);
            if (cp < 0) {
                return -1;
            }
            int consumed = 6;
            if ((cp & 0xFC00) == 0xDC00) {
                return -1;
            }
            if ((cp & 0xFC00) == 0xD800) {
                if (p + 12 > end || b[p + 6] != '\\' || b[p + 7] != 'u') {
                    return -1;
                }
                int lo = hex4(p + 8);
                if (lo < 0 || (lo & 0xFC00) != 0xDC00) {
                    return -1;
                }
                cp = (((cp & 0x3FF) << 10) | (lo & 0x3FF)) + 0x10000;
                consumed = 12;
            }
            byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            out.write(utf8, 0, utf8.length);
            return consumed;
        }

        LuaError unexpected(String expected) {
            String found = type == Tok.T_ERROR ? error : type.name();
            return new LuaError("Expected " + expected + " but found " + found + " at character " + (index + 1));
        }

        void enter() {
            depth++;
            if (depth > decodeMaxDepth) {
                throw new LuaError("Found too many nested data structures (" + depth + ") at character "
                        + (index + 1));
            }
        }

        LuaValue value() {
            switch (type) {
                case T_STRING:
                case T_NUMBER:
                case T_BOOLEAN:
                case T_NULL:
                    return value;
                case T_OBJ_BEGIN:
                    return object();
                case T_ARR_BEGIN:
                    return array();
                default:
                    throw unexpected("value");
            }
        }

        LuaValue object() {
            enter();
            LuaTable t = new LuaTable();
            next();
            if (type == Tok.T_OBJ_END) {
                depth--;
                return t;
            }
            while (true) {
                if (type != Tok.T_STRING) {
                    throw unexpected("object key string");
                }
                LuaValue key = value;
                next();
                if (type != Tok.T_COLON) {
                    throw unexpected("colon");
                }
                next();
                t.rawset(key, value());
                next();
                if (type == Tok.T_OBJ_END) {
                    depth--;
                    return t;
                }
                if (type != Tok.T_COMMA) {
                    throw unexpected("comma or object end");
                }
                next();
            }
        }

        LuaValue array() {
            enter();
            LuaTable t = new LuaTable();
            next();
            if (type == Tok.T_ARR_END) {
                depth--;
                return t;
            }
            for (int i = 1;; i++) {
                t.rawset(i, value());
                next();
                if (type == Tok.T_ARR_END) {
                    depth--;
                    return t;
                }
                if (type != Tok.T_COMMA) {
                    throw unexpected("comma or array end");
                }
                next();
            }
        }
    }

    private Varargs decode(Varargs a) {
        if (a.narg() != 1) {
            throw LuaFn.argError("decode", 1, "expected 1 argument");
        }
        LuaString s = LuaFn.checkString(a, 1, "decode");
        Decoder d = new Decoder(s);
        d.next();
        LuaValue v = d.value();
        d.next();
        if (d.type != Tok.T_END) {
            throw d.unexpected("the end");
        }
        return v;
    }
}
