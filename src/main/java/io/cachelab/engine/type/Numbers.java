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
