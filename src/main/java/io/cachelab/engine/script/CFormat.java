package io.cachelab.engine.script;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * C's {@code %.<p>g} for doubles. Redis's Lua (5.1) prints numbers with {@code %.14g}, passes
 * numeric command arguments with {@code %.17g} and cjson encodes with {@code %.14g}; scripts and
 * clients compare these strings, so Java's own double formatting is not good enough. Rounding goes
 * through the exact binary value (BigDecimal(double)) with half-even, which is what glibc does.
 */
final class CFormat {
    private CFormat() {
    }

    static String g(double v, int precision) {
        if (Double.isNaN(v)) {
            return (Double.doubleToRawLongBits(v) < 0) ? "-nan" : "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
        }
        if (v == Math.rint(v) && Math.abs(v) < (precision >= 15 ? 1e15 : Math.pow(10, precision))) {
            return Long.toString((long) v);
        }
        int p = precision == 0 ? 1 : precision;
        BigDecimal rounded = new BigDecimal(v).round(new MathContext(p, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= p) {
            BigDecimal unscaled = rounded.movePointLeft(exponent);
            String mantissa = stripZeros(unscaled.setScale(p - 1, RoundingMode.HALF_EVEN).toPlainString());
            StringBuilder sb = new StringBuilder(mantissa).append('e').append(exponent < 0 ? '-' : '+');
            int e = Math.abs(exponent);
            if (e < 10) {
                sb.append('0');
            }
            return sb.append(e).toString();
        }
        int decimals = Math.max(p - 1 - exponent, 0);
        return stripZeros(rounded.setScale(decimals, RoundingMode.HALF_EVEN).toPlainString());
    }

    private static String stripZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }
}
