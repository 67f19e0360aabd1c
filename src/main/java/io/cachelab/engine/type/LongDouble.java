package io.cachelab.engine.type;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An x87 80-bit "long double" (64-bit significand, 15-bit exponent) emulated with exact BigDecimal
 * values, for HINCRBYFLOAT (and INCRBYFLOAT if the string family wants it). Redis parses with
 * strtold, adds in long double and replies "%.17Lf" with trailing zeros trimmed, so
 * 17179869184 + 0.1 answers "17179869184.09999999962747097" and 1e308 + 1e308 does not overflow;
 * a Java double cannot reproduce either. Only this slow, rare path pays for the exactness.
 */
public final class LongDouble {
    private static final int SIGNIFICAND_BITS = 64;
    private static final int MAX_EXPONENT = 16383;
    /** The smallest subnormal is 2^-16445; below the normal range precision is fixed at that step. */
    private static final int MIN_NORMAL_EXPONENT = -16382;
    private static final int SUBNORMAL_SHIFT = 16445;
    private static final double LOG2_10 = 3.321928094887362;
    private static final BigInteger FIVE = BigInteger.valueOf(5);
    private static final Pattern DECIMAL = Pattern.compile("([0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE]([+-]?[0-9]+))?");
    private static final Pattern HEX = Pattern.compile("0[xX]([0-9a-fA-F]*)(?:\\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?");

    public static final LongDouble ZERO = new LongDouble(BigDecimal.ZERO, 0);
    public static final LongDouble POSITIVE_INFINITY = new LongDouble(null, 1);
    public static final LongDouble NEGATIVE_INFINITY = new LongDouble(null, -1);

    /** Exact value of the long double; null when infinite. */
    private final BigDecimal value;
    private final int infinity;

    private LongDouble(BigDecimal value, int infinity) {
        this.value = value;
        this.infinity = infinity;
    }

    public static LongDouble of(long v) {
        return new LongDouble(BigDecimal.valueOf(v), 0);
    }

    public boolean isInfinite() {
        return infinity != 0;
    }

    /**
     * string2ld: strtold over the whole argument (no leading space, nothing left over, no embedded
     * NUL), NaN refused, overflow and underflow to zero refused as ERANGE. Null when not a number.
     */
    public static LongDouble parse(byte[] b) {
        if (b.length == 0 || b.length >= 5 * 1024) return null;
        for (byte x : b) if (x == 0) return null;
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int i = 0;
        boolean negative = false;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        String body = s.substring(i);
        String lower = body.toLowerCase();
        if (lower.equals("inf") || lower.equals("infinity")) return negative ? NEGATIVE_INFINITY : POSITIVE_INFINITY;
        BigDecimal exact;
        Matcher hex = HEX.matcher(body);
        Matcher dec = DECIMAL.matcher(body);
        if (hex.matches() && (!hex.group(1).isEmpty() || hex.group(2) != null && !hex.group(2).isEmpty())) {
            String intPart = hex.group(1);
            String frac = hex.group(2) == null ? "" : hex.group(2);
            BigInteger mant = new BigInteger(intPart + frac + "0", 16).shiftRight(4);
            long exp;
            try {
                exp = hex.group(3) == null ? 0 : Long.parseLong(hex.group(3));
            } catch (NumberFormatException e) {
                exp = hex.group(3).startsWith("-") ? Integer.MIN_VALUE : Integer.MAX_VALUE;
            }
            exp -= 4L * frac.length();
            if (mant.signum() == 0) {
                exact = BigDecimal.ZERO;
            } else {
                if (exp + mant.bitLength() > MAX_EXPONENT + 2) return null;
                if (exp + mant.bitLength() < -SUBNORMAL_SHIFT - 2) return null;
                exact = mulPow2(new BigDecimal(mant), (int) exp);
            }
        } else if (dec.matches()) {
            try {
                exact = new BigDecimal(body);
            } catch (NumberFormatException | ArithmeticException e) {
                // an exponent beyond int range: zero stays zero, anything else is ERANGE
                return isZeroMantissa(dec.group(1)) ? ZERO : null;
            }
            if (exact.signum() != 0) {
                long magnitude = (long) exact.precision() - exact.scale();
                if (magnitude > 4933 + 1 || magnitude < -4951 - 1) return null;
            }
        } else {
            return null;
        }
        if (negative) exact = exact.negate();
        LongDouble r = round(exact);
        if (r.isInfinite()) return null;
        if (r.value.signum() == 0 && exact.signum() != 0) return null;
        return r;
    }

    private static boolean isZeroMantissa(String m) {
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            if (c != '0' && c != '.') return false;
        }
        return true;
    }

    /** The sum rounded to long double (round-half-even); NaN (inf + -inf) is returned as null. */
    public LongDouble add(LongDouble o) {
        if (infinity != 0 || o.infinity != 0) {
            if (infinity != 0 && o.infinity != 0 && infinity != o.infinity) return null;
            return infinity != 0 ? this : o;
        }
        return round(value.add(o.value));
    }

    /** ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeros and a bare '.' removed, "-0" as "0". */
    public String toHumanString() {
        if (infinity != 0) return infinity > 0 ? "inf" : "-inf";
        String s = value.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        if (s.indexOf('.') >= 0) {
            while (s.charAt(end - 1) == '0') end--;
            if (s.charAt(end - 1) == '.') end--;
        }
        s = s.substring(0, end);
        return s.equals("-0") ? "0" : s;
    }

    /** Rounds an exact value to the nearest long double. */
    static LongDouble round(BigDecimal x) {
        int sign = x.signum();
        if (sign == 0) return ZERO;
        BigDecimal abs = x.abs();
        long e = (long) Math.floor(abs.unscaledValue().bitLength() - 1 - abs.scale() * LOG2_10);
        BigInteger intPart;
        BigDecimal scaled;
        while (true) {
            if (e < MIN_NORMAL_EXPONENT) {
                scaled = mulPow2(abs, SUBNORMAL_SHIFT);
                BigInteger m = scaled.setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
                if (m.signum() == 0) return ZERO;
                BigDecimal r = mulPow2(new BigDecimal(m), -SUBNORMAL_SHIFT);
                return new LongDouble(sign < 0 ? r.negate() : r, 0);
            }
            scaled = mulPow2(abs, (int) (SIGNIFICAND_BITS - 1 - e));
            intPart = scaled.toBigInteger();
            int bits = intPart.bitLength();
            if (bits > SIGNIFICAND_BITS) e++;
            else if (bits < SIGNIFICAND_BITS) e--;
            else break;
        }
        BigInteger m = scaled.setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
        if (m.bitLength() > SIGNIFICAND_BITS) {
            m = m.shiftRight(1);
            e++;
        }
        if (e > MAX_EXPONENT) return sign > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
        BigDecimal r = mulPow2(new BigDecimal(m), (int) (e - (SIGNIFICAND_BITS - 1)));
        return new LongDouble(sign < 0 ? r.negate() : r, 0);
    }

    /** v * 2^n, exactly (2^-k is 5^k * 10^-k). */
    private static BigDecimal mulPow2(BigDecimal v, int n) {
        if (n >= 0) return v.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(n)));
        return v.multiply(new BigDecimal(FIVE.pow(-n))).scaleByPowerOfTen(n);
    }
}
