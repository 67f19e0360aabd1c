package io.cachelab.engine.type;

import java.nio.charset.StandardCharsets;

/** Redis's number parsing and formatting rules (string2ll, string2ld, the %.17g reply format). */
public final class Numbers {
    private Numbers() {
    }

    /** string2ll: optional '-', no '+', no leading zeros, no spaces, fits in a long; else null. */
    public static Long parseLongStrict(byte[] b, int off, int len) {
        if (len == 0 || len > 20) return null;
        int i = off;
        int end = off + len;
        boolean neg = false;
        if (b[i] == '-') {
            neg = true;
            if (++i == end) return null;
        }
        if (b[i] == '0') {
            return (i + 1 == end && !neg) ? 0L : null;
        }
        long v = 0;
        if (end - i <= 18) {
            for (; i < end; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) return null;
                v = v * 10 + d;
            }
            return neg ? -v : v;
        }
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) return null;
            // accumulate negatively so Long.MIN_VALUE parses
            if (v < (Long.MIN_VALUE + d) / 10) return null;
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) return null;
            v = -v;
        }
        return v;
    }

    /** Whether {@link #parseLongStrict} would accept these bytes, without boxing the result. */
    public static boolean isLongStrict(byte[] b, int off, int len) {
        if (len == 0 || len > 20) return false;
        int i = off;
        int end = off + len;
        boolean neg = b[i] == '-';
        if (neg && ++i == end) return false;
        if (b[i] == '0') return i + 1 == end && !neg;
        if (end - i <= 18) {
            // 18 digits cannot overflow a long: no per-digit overflow check (the common case)
            for (; i < end; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) return false;
            }
            return true;
        }
        long v = 0;
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) return false;
            if (v < (Long.MIN_VALUE + d) / 10) return false;
            v = v * 10 - d;
        }
        return neg || v != Long.MIN_VALUE;
    }

    /** The value of bytes {@link #isLongStrict} accepted (unchecked otherwise). */
    public static long parseLongUnchecked(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        boolean neg = b[i] == '-';
        if (neg) i++;
        long v = 0;
        for (; i < end; i++) v = v * 10 - (b[i] - '0');
        return neg ? v : -v;
    }

    /** Decimal digits of {@code v}, sign included (ll2string's length). */
    public static int decimalLength(long v) {
        if (v == Long.MIN_VALUE) return 20;
        long x = Math.abs(v);
        int n = 1;
        for (long p = 10; n < 19 && x >= p; p *= 10) n++;
        return v < 0 ? n + 1 : n;
    }

    /** Writes {@code v} in decimal at {@code dst[0..]} and returns the length (no String made). */
    public static int formatLong(long v, byte[] dst) {
        int n = decimalLength(v);
        if (v == Long.MIN_VALUE) {
            byte[] min = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(min, 0, dst, 0, min.length);
            return n;
        }
        int i = n;
        long x = Math.abs(v);
        do {
            dst[--i] = (byte) ('0' + x % 10);
            x /= 10;
        } while (x > 0);
        if (v < 0) dst[0] = '-';
        return n;
    }

    /** {@code v} in decimal as a new exact-size array. */
    public static byte[] longBytes(long v) {
        byte[] out = new byte[decimalLength(v)];
        formatLong(v, out);
        return out;
    }

    public static Long parseLongStrict(byte[] b) {
        return parseLongStrict(b, 0, b.length);
    }

    /**
     * Parses a double as Redis's string2ld/strtod does for scores and INCRBYFLOAT: no spaces,
     * "inf"/"-inf"/"+inf" accepted, NaN refused. Returns null when not a valid number.
     */
    public static Double parseDouble(byte[] b) {
        if (b.length == 0 || b.length > 5000) return null;
        String s = new String(b, StandardCharsets.US_ASCII);
        if (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) return null;
        switch (s.toLowerCase()) {
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
        }
        // Java accepts trailing d/f type suffixes and hex floats differently from strtod: refuse them.
        char last = s.charAt(s.length() - 1);
        if (last == 'd' || last == 'D' || last == 'f' || last == 'F') return null;
        if (s.contains("N") || s.contains("n") || s.contains("_")) return null;
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d)) return null;
            // strtod's ERANGE, which getDoubleFromObject refuses: overflow to infinity ("1e400")
            // and underflow to zero ("1e-400"); the literal infinities were handled above
            if (Double.isInfinite(d)) return null;
            if (d == 0.0 && hasNonZeroMantissa(s)) return null;
            return d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean hasNonZeroMantissa(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == 'e' || ch == 'E' || ch == 'p' || ch == 'P') return false;
            if (ch >= '1' && ch <= '9') return true;
        }
        return false;
    }

    /** Formats a double like Redis replies do (%.17g, shortest form that round-trips; inf/-inf). */
    public static String formatDouble(double d) {
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == Math.rint(d) && Math.abs(d) < 1e17) {
            long l = (long) d;
            if (l == 0 && 1 / d < 0) return "-0";
            return Long.toString(l);
        }
        String s = Double.toString(d);
        // Java uses "1.0E20"; %.17g would give "1e+20"
        int e = s.indexOf('E');
        if (e >= 0) {
            String mant = s.substring(0, e);
            if (mant.endsWith(".0")) mant = mant.substring(0, mant.length() - 2);
            int exp = Integer.parseInt(s.substring(e + 1));
            return mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return s;
    }

    /** C's "%.17g" exactly (17 significant digits, zeros trimmed): AOF rewrite scores, DEBUG DIGEST. */
    public static String formatG17(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0" : "0";
        java.math.BigDecimal bd = new java.math.BigDecimal(d).round(new java.math.MathContext(17));
        int exp = bd.precision() - bd.scale() - 1;
        if (exp < -4 || exp >= 17) {
            String m = bd.movePointLeft(exp).stripTrailingZeros().toPlainString();
            return m + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return bd.stripTrailingZeros().toPlainString();
    }

    /** Formats like INCRBYFLOAT/HINCRBYFLOAT (%.17Lf then trailing zeros trimmed): no exponent. */
    public static String formatLongDouble(double d) {
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        java.math.BigDecimal bd = new java.math.BigDecimal(Double.toString(d));
        String s = bd.stripTrailingZeros().toPlainString();
        if (s.equals("-0")) return "0";
        return s;
    }
}
