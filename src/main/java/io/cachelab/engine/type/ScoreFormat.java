package io.cachelab.engine.type;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Sorted-set scores as Redis 7.0 writes them: C's "%.17g" (addReplyDouble, RESP2 bulk and RESP3
 * double alike). That is not Java's shortest round-trip form: ZADD z 1.1 a then ZSCORE answers
 * "1.1000000000000001" on redis-server 7.0.15, and clients comparing strings see the difference.
 */
public final class ScoreFormat {
    private static final MathContext SEVENTEEN = new MathContext(17, RoundingMode.HALF_EVEN);

    private ScoreFormat() {
    }

    /**
     * d2string (util.c): how a listpack stores a score, which ZSCAN of a small sorted set returns —
     * integral values within +-LLONG_MAX/2 print as integers, others as %.17g.
     */
    public static String d2string(double d) {
        if (!Double.isNaN(d) && !Double.isInfinite(d) && d != 0
                && d >= (double) (-Long.MAX_VALUE / 2) && d <= (double) (Long.MAX_VALUE / 2) && d == (long) d) {
            return Long.toString((long) d);
        }
        return format(d);
    }

    public static String format(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return 1 / d < 0 ? "-0" : "0";
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        BigDecimal bd = new BigDecimal(d).round(SEVENTEEN);
        int exp = bd.precision() - bd.scale() - 1;
        if (exp < -4 || exp >= 17) {
            String digits = bd.unscaledValue().abs().toString();
            int end = digits.length();
            while (end > 1 && digits.charAt(end - 1) == '0') end--;
            StringBuilder sb = new StringBuilder(24);
            if (bd.signum() < 0) sb.append('-');
            sb.append(digits.charAt(0));
            if (end > 1) sb.append('.').append(digits, 1, end);
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) sb.append('0');
            return sb.append(a).toString();
        }
        String s = bd.setScale(Math.max(0, 16 - exp), RoundingMode.HALF_EVEN).toPlainString();
        if (s.indexOf('.') >= 0) {
            int end = s.length();
            while (s.charAt(end - 1) == '0') end--;
            if (s.charAt(end - 1) == '.') end--;
            s = s.substring(0, end);
        }
        return s;
    }
}
