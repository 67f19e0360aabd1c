package io.cachelab.engine.script;

import java.nio.charset.StandardCharsets;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The two conversions at the heart of the bridge, as Redis's script_lua.c does them: a command's
 * reply is parsed from the RESP bytes the script's client wrote (so every command works unchanged,
 * and RESP3 types keep their identity after redis.setresp(3)), and a script's return value is
 * written as RESP for the caller. Strings stay raw bytes in both directions.
 */
final class LuaReplies {
    static final LuaString ERR = LuaString.valueOf("err");
    static final LuaString OK = LuaString.valueOf("ok");
    static final LuaString DOUBLE = LuaString.valueOf("double");
    static final LuaString MAP = LuaString.valueOf("map");
    static final LuaString SET = LuaString.valueOf("set");
    static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
    static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");
    static final LuaString FORMAT = LuaString.valueOf("format");
    static final LuaString STRING = LuaString.valueOf("string");
    /** Marks an error already counted in the error stats when the command failed (as Redis does). */
    static final LuaString IGNORE_STATS = LuaString.valueOf("ignore_error_stats_update");

    private LuaReplies() {
    }

    // ---------------------------------------------------------------- RESP -> Lua

    /**
     * Parses one reply; an error reply becomes the {err=...} table redis.pcall returns. The array
     * must not change afterwards: strings in the result point into it.
     */
    static LuaValue toLua(byte[] reply) {
        int[] pos = {0};
        return parse(reply, pos);
    }

    private static LuaValue parse(byte[] b, int[] pos) {
        int p = pos[0];
        byte type = b[p];
        int eol = lineEnd(b, p);
        pos[0] = eol + 2;
        switch (type) {
            case ':':
                return LuaValue.valueOf((double) parseLong(b, p + 1, eol));
            case '$': {
                long n = parseLong(b, p + 1, eol);
                if (n < 0) {
                    return LuaValue.FALSE;
                }
                LuaString s = LuaString.valueOf(b, eol + 2, (int) n);
                pos[0] = eol + 2 + (int) n + 2;
                return s;
            }
            case '+':
                return wrap(OK, LuaString.valueOf(b, p + 1, eol - p - 1));
            case '-': {
                LuaTable t = errorTable(new String(b, p, eol - p, StandardCharsets.ISO_8859_1));
                t.rawset(IGNORE_STATS, LuaValue.TRUE);
                return t;
            }
            case '*':
                return array(b, pos, parseLong(b, p + 1, eol));
            case '%':
                return map(b, pos, parseLong(b, p + 1, eol));
            case '~':
                return set(b, pos, parseLong(b, p + 1, eol));
            case '_':
                return LuaValue.NIL;
            case '#':
                return LuaValue.valueOf(b[p + 1] == 't');
            case ',':
                return wrap(DOUBLE, LuaValue.valueOf(parseDouble(new String(b, p + 1, eol - p - 1,
                        StandardCharsets.ISO_8859_1))));
            case '(':
                return wrap(BIG_NUMBER, LuaString.valueOf(b, p + 1, eol - p - 1));
            case '=':
                return verbatim(b, pos, eol + 2, (int) parseLong(b, p + 1, eol));
            case '|': {
                long n = parseLong(b, p + 1, eol);
                for (int i = 0; i < n * 2; i++) {
                    parse(b, pos);
                }
                return parse(b, pos);
            }
            default:
                throw new IllegalStateException("unexpected RESP type " + (char) type);
        }
    }

    /** A one-field table, {key = value}, as script_lua.c makes for status, double and big number replies. */
    private static LuaTable wrap(LuaString key, LuaValue value) {
        LuaTable t = new LuaTable();
        t.rawset(key, value);
        return t;
    }

    /** An array reply: a sequence, or false for the null array. */
    private static LuaValue array(byte[] b, int[] pos, long n) {
        if (n < 0) {
            return LuaValue.FALSE;
        }
        LuaTable t = new LuaTable((int) n, 0);
        for (int i = 1; i <= n; i++) {
            t.rawset(i, parse(b, pos));
        }
        return t;
    }

    /** A RESP3 map: {map = {k = v, ...}}, nil keys dropped. */
    private static LuaValue map(byte[] b, int[] pos, long n) {
        LuaTable inner = new LuaTable();
        for (int i = 0; i < n; i++) {
            LuaValue k = parse(b, pos);
            LuaValue v = parse(b, pos);
            if (!k.isnil()) {
                inner.rawset(k, v);
            }
        }
        return wrap(MAP, inner);
    }

    /** A RESP3 set: {set = {member = true, ...}}, nil members dropped. */
    private static LuaValue set(byte[] b, int[] pos, long n) {
        LuaTable inner = new LuaTable();
        for (int i = 0; i < n; i++) {
            LuaValue k = parse(b, pos);
            if (!k.isnil()) {
                inner.rawset(k, LuaValue.TRUE);
            }
        }
        return wrap(SET, inner);
    }

    /** A verbatim string of {@code n} bytes at {@code start}: {verbatim_string = {string = ..., format = ...}}. */
    private static LuaValue verbatim(byte[] b, int[] pos, int start, int n) {
        pos[0] = start + n + 2;
        LuaTable inner = new LuaTable();
        inner.rawset(STRING, LuaString.valueOf(b, start + 4, n - 4));
        inner.rawset(FORMAT, LuaString.valueOf(b, start, 3));
        return wrap(VERBATIM, inner);
    }

    private static double parseDouble(String s) {
        switch (s) {
            case "inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            case "nan":
                return Double.NaN;
            default:
                return Double.parseDouble(s);
        }
    }

    private static int lineEnd(byte[] b, int from) {
        int i = from;
        while (b[i] != '\r') {
            i++;
        }
        return i;
    }

    private static long parseLong(byte[] b, int from, int to) {
        boolean neg = b[from] == '-';
        long v = 0;
        for (int i = neg ? from + 1 : from; i < to; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return neg ? -v : v;
    }

    /**
     * The {err=...} table for an error text, as luaPushErrorBuff builds it: a leading '-' is
     * dropped, a text without a code gets "ERR", and trailing CR/LF are trimmed.
     */
    static LuaTable errorTable(String text) {
        String code;
        String msg;
        if (text.startsWith("-")) {
            int sp = text.indexOf(' ');
            if (sp < 0) {
                code = "ERR";
                msg = text.substring(1);
            } else {
                code = text.substring(1, sp);
                msg = text.substring(sp + 1);
            }
        } else {
            code = "ERR";
            msg = text;
        }
        msg = trimCrlf(msg);
        LuaTable t = new LuaTable();
        t.rawset(ERR, LuaString.valueOf((code + " " + msg).getBytes(StandardCharsets.ISO_8859_1)));
        return t;
    }

    static String trimCrlf(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == '\r' || s.charAt(start) == '\n')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == '\r' || s.charAt(end - 1) == '\n')) {
            end--;
        }
        return s.substring(start, end);
    }

    // ---------------------------------------------------------------- Lua -> RESP

    /**
     * Writes a script's return value. {@code scriptResp} is the protocol the script chose with
     * redis.setresp (booleans are written as RESP2 integers/nulls unless it is 3), {@code
     * clientResp} the caller's protocol.
     */
    /** True for an {err=...} table whose error the server already counted. */
    static boolean countedError(LuaValue v) {
        return v.istable() && v.rawget(ERR).isstring() && v.rawget(IGNORE_STATS).toboolean();
    }

    static void write(LuaValue v, RespBuffer out, int clientResp, int scriptResp, int depth) {
        switch (v.type()) {
            case LuaValue.TSTRING: {
                LuaString s = v.strvalue();
                out.bulk(s.m_bytes, s.m_offset, s.m_length);
                return;
            }
            case LuaValue.TBOOLEAN:
                if (scriptResp == 2) {
                    if (v.toboolean()) {
                        out.integer(1);
                    } else {
                        out.nullBulk(clientResp);
                    }
                } else {
                    out.bool(v.toboolean(), clientResp);
                }
                return;
            case LuaValue.TNUMBER:
                out.integer(toLong(v.todouble()));
                return;
            case LuaValue.TTABLE:
                writeTable((LuaTable) v, out, clientResp, scriptResp, depth);
                return;
            default:
                out.nullBulk(clientResp);
        }
    }

    /** C's (long long) cast of a double: truncation, saturating where C would be undefined. */
    static long toLong(double d) {
        // x86-64's cvttsd2si yields 0x8000000000000000 for NaN and anything out of range.
        if (Double.isNaN(d) || d >= 9.223372036854775807E18 || d < -9.223372036854775808E18) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    private static void writeTable(LuaTable t, RespBuffer out, int clientResp, int scriptResp, int depth) {
        if (depth > 1000) {
            out.error("ERR reached lua stack limit");
            return;
        }
        if (writeSingleField(t, out, clientResp)) {
            return;
        }
        LuaValue map = t.rawget(MAP);
        if (map.istable()) {
            writeMap(map, out, clientResp, scriptResp, depth);
            return;
        }
        LuaValue set = t.rawget(SET);
        if (set.istable()) {
            writeSet(set, out, clientResp, scriptResp, depth);
            return;
        }
        int at = out.reserveHeader();
        int n = 0;
        while (true) {
            LuaValue e = t.rawget(n + 1);
            if (e.isnil()) {
                break;
            }
            write(e, out, clientResp, scriptResp, depth + 1);
            n++;
        }
        out.fillHeader(at, '*', n);
    }

    /** The tables that stand for one reply: {err=}, {ok=}, {double=}, {big_number=}, {verbatim_string=}; false if t is none. */
    private static boolean writeSingleField(LuaTable t, RespBuffer out, int clientResp) {
        LuaValue err = t.rawget(ERR);
        if (err.type() == LuaValue.TSTRING) {
            LuaString s = err.strvalue();
            out.error(s.m_bytes, s.m_offset, s.m_length);
            return true;
        }
        LuaValue ok = t.rawget(OK);
        if (ok.type() == LuaValue.TSTRING) {
            LuaString s = ok.strvalue();
            out.simple(s.m_bytes, s.m_offset, s.m_length);
            return true;
        }
        LuaValue dbl = t.rawget(DOUBLE);
        if (dbl.type() == LuaValue.TNUMBER) {
            out.dbl(dbl.todouble(), clientResp);
            return true;
        }
        LuaValue big = t.rawget(BIG_NUMBER);
        if (big.type() == LuaValue.TSTRING) {
            LuaString s = big.strvalue();
            out.bigNumber(s.m_bytes, s.m_offset, s.m_length, clientResp);
            return true;
        }
        LuaValue verbatim = t.rawget(VERBATIM);
        if (verbatim.istable()) {
            LuaValue format = verbatim.rawget(FORMAT);
            LuaValue str = verbatim.rawget(STRING);
            if (format.type() == LuaValue.TSTRING && str.type() == LuaValue.TSTRING) {
                LuaString s = str.strvalue();
                String f = format.tojstring();
                out.verbatim(s.m_bytes, s.m_offset, s.m_length, f.length() >= 3 ? f.substring(0, 3) : f, clientResp);
                return true;
            }
        }
        return false;
    }

    /** {map = {...}}: a RESP3 map, or a flat array of pairs for RESP2. */
    private static void writeMap(LuaValue map, RespBuffer out, int clientResp, int scriptResp, int depth) {
        int at = out.reserveHeader();
        long n = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs next = map.next(k);
            if ((k = next.arg1()).isnil()) {
                break;
            }
            write(k, out, clientResp, scriptResp, depth + 1);
            write(next.arg(2), out, clientResp, scriptResp, depth + 1);
            n++;
        }
        out.fillHeader(at, clientResp >= 3 ? '%' : '*', clientResp >= 3 ? n : n * 2);
    }

    /** {set = {...}}: a RESP3 set of the keys, or an array for RESP2. */
    private static void writeSet(LuaValue set, RespBuffer out, int clientResp, int scriptResp, int depth) {
        int at = out.reserveHeader();
        long n = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs next = set.next(k);
            if ((k = next.arg1()).isnil()) {
                break;
            }
            write(k, out, clientResp, scriptResp, depth + 1);
            n++;
        }
        out.fillHeader(at, clientResp >= 3 ? '~' : '*', n);
    }
}
