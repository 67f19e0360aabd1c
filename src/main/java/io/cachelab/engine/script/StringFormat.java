package io.cachelab.engine.script;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.Varargs;

/**
 * string.format with C printf semantics. luaj 3.0.1 prints every %f/%e/%g with Java's
 * String.valueOf (so "%5.2f" of 2.5 gives "2.5"), which scripts written for Redis would notice.
 * Conversions follow Lua 5.1: integers are cast to long long, %s takes strings or numbers (numbers
 * as "%.14g"), %q quotes; output stays bytes.
 */
final class StringFormat {
    private StringFormat() {
    }

    /** One conversion specification: %[flags][width][.precision]conv. */
    private static final class Spec {
        String flags;
        int width = -1;
        int precision = -1;
        char conv;

        /** Parses the specification after a '%' at {@code i}, checking it as Lua 5.1's scanformat does; returns the index after it. */
        int parse(byte[] f, int i) {
            int start = i;
            while (i < f.length && "-+ #0".indexOf(f[i]) >= 0) {
                i++;
            }
            if (i - start > 5) {
                throw new LuaError("invalid format (repeated flags)");
            }
            flags = new String(f, start, i - start, StandardCharsets.ISO_8859_1);
            int digits = 0;
            while (i < f.length && Character.isDigit(f[i])) {
                width = (width < 0 ? 0 : width * 10) + (f[i++] - '0');
                digits++;
            }
            if (i < f.length && f[i] == '.') {
                i++;
                precision = 0;
                int pd = 0;
                while (i < f.length && Character.isDigit(f[i])) {
                    precision = precision * 10 + (f[i++] - '0');
                    pd++;
                }
                if (pd > 2) {
                    throw new LuaError("invalid format (width or precision too long)");
                }
            }
            if (digits > 2) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            if (i >= f.length) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            conv = (char) f[i++];
            return i;
        }
    }

    static Varargs format(Varargs a) {
        LuaString fmt = LuaFn.checkString(a, 1, "format");
        byte[] f = LuaFn.bytes(fmt);
        ByteArrayOutputStream out = new ByteArrayOutputStream(f.length + 16);
        int arg = 1;
        int i = 0;
        while (i < f.length) {
            byte c = f[i++];
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (i < f.length && f[i] == '%') {
                out.write('%');
                i++;
                continue;
            }
            Spec spec = new Spec();
            i = spec.parse(f, i);
            arg++;
            if (spec.conv != '%' && arg > a.narg()) {
                throw LuaFn.argError("format", arg, "no value");
            }
            convert(out, a, arg, spec);
        }
        return LuaString.valueOf(out.toByteArray());
    }

    /** Argument {@code arg} converted as {@code spec} says. */
    private static void convert(ByteArrayOutputStream out, Varargs a, int arg, Spec spec) {
        String flags = spec.flags;
        int width = spec.width;
        int precision = spec.precision;
        char conv = spec.conv;
        switch (conv) {
            case 'c': {
                int ch = (int) LuaFn.checkNumber(a, arg, "format");
                pad(out, new byte[] {(byte) ch}, flags, width);
                break;
            }
            case 'd': case 'i': {
                long v = (long) LuaFn.checkNumber(a, arg, "format");
                ascii(out, javaFormat(flags, width, precision, 'd', v));
                break;
            }
            case 'u': {
                long v = (long) LuaFn.checkNumber(a, arg, "format");
                String s = Long.toUnsignedString(v);
                ascii(out, javaFormat(flags, width, precision, 's', s));
                break;
            }
            case 'o': case 'x': case 'X': {
                long v = (long) LuaFn.checkNumber(a, arg, "format");
                ascii(out, javaFormat(flags, width, precision, conv, v));
                break;
            }
            case 'e': case 'E': case 'f': {
                double v = LuaFn.checkNumber(a, arg, "format");
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    ascii(out, javaFormat(flags.replace("0", ""), width, -1, 's', CFormat.g(v, 1)));
                } else {
                    ascii(out, fixedOrExp(flags, width, precision < 0 ? 6 : precision, conv, v));
                }
                break;
            }
            case 'g': case 'G':
                pad(out, general(flags, width, precision, conv, LuaFn.checkNumber(a, arg, "format")), flags, width);
                break;
            case 'q':
                quote(out, LuaFn.checkString(a, arg, "format"));
                break;
            case 's': {
                LuaString s = LuaFn.checkString(a, arg, "format");
                byte[] b = LuaFn.bytes(s);
                if (precision >= 0 && precision < b.length) {
                    b = java.util.Arrays.copyOf(b, precision);
                }
                pad(out, b, flags, width);
                break;
            }
            default:
                throw new LuaError("invalid option '%" + conv + "' to 'format'");
        }
    }

    /** %g and %G: C's shortest of %e and %f, with the sign flags and zero padding applied here. */
    private static byte[] general(String flags, int width, int precision, char conv, double v) {
        String s = CFormat.g(v, precision < 0 ? 6 : precision);
        if (flags.contains("+") && v >= 0) {
            s = "+" + s;
        } else if (flags.contains(" ") && v >= 0) {
            s = " " + s;
        }
        if (conv == 'G') {
            s = s.toUpperCase();
        }
        if (flags.contains("0") && !flags.contains("-") && width > s.length()) {
            boolean sign = s.startsWith("-") || s.startsWith("+") || s.startsWith(" ");
            String body = sign ? s.substring(1) : s;
            s = (sign ? s.substring(0, 1) : "") + "0".repeat(width - s.length()) + body;
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * %f and %e rounded from the exact binary value with half-even, as glibc does (Java's
     * formatter rounds half-up: "%.0f" of 2.5 would print 3 where C prints 2).
     */
    private static String fixedOrExp(String flags, int width, int precision, char conv, double v) {
        boolean negative = v < 0 || (v == 0 && 1 / v < 0);
        java.math.BigDecimal exact = new java.math.BigDecimal(Math.abs(v));
        String body;
        if (conv == 'f') {
            body = exact.setScale(precision, java.math.RoundingMode.HALF_EVEN).toPlainString();
        } else {
            int exponent = 0;
            String digits;
            if (v == 0) {
                digits = "0".repeat(precision + 1);
            } else {
                java.math.BigDecimal r = exact.round(new java.math.MathContext(precision + 1,
                        java.math.RoundingMode.HALF_EVEN));
                exponent = r.precision() - r.scale() - 1;
                digits = r.unscaledValue().toString();
                if (digits.length() < precision + 1) {
                    digits = digits + "0".repeat(precision + 1 - digits.length());
                }
                digits = digits.substring(0, precision + 1);
            }
            StringBuilder sb = new StringBuilder().append(digits.charAt(0));
            if (precision > 0 || flags.contains("#")) {
                sb.append('.');
            }
            sb.append(digits, 1, digits.length());
            sb.append(conv).append(exponent < 0 ? '-' : '+');
            int ae = Math.abs(exponent);
            if (ae < 10) {
                sb.append('0');
            }
            body = sb.append(ae).toString();
        }
        if (conv == 'f' && precision == 0 && flags.contains("#")) {
            body = body + ".";
        }
        String sign = negative ? "-" : flags.contains("+") ? "+" : flags.contains(" ") ? " " : "";
        int padding = width - sign.length() - body.length();
        if (padding <= 0) {
            return sign + body;
        }
        if (flags.contains("-")) {
            return sign + body + " ".repeat(padding);
        }
        if (flags.contains("0")) {
            return sign + "0".repeat(padding) + body;
        }
        return " ".repeat(padding) + sign + body;
    }

    private static String javaFormat(String flags, int width, int precision, char conv, Object v) {
        StringBuilder spec = new StringBuilder("%");
        String fl = flags;
        if (fl.contains("-") && fl.contains("0")) {
            fl = fl.replace("0", "");
        }
        if (fl.contains("+") && fl.contains(" ")) {
            fl = fl.replace(" ", "");
        }
        if ((conv == 'd' || conv == 'x' || conv == 'X' || conv == 'o') && precision >= 0) {
            // C: a precision on integers means minimum digits, and disables the 0 flag.
            String digits;
            long n = (Long) v;
            digits = switch (conv) {
                case 'x' -> Long.toHexString(n);
                case 'X' -> Long.toHexString(n).toUpperCase();
                case 'o' -> Long.toOctalString(n);
                default -> Long.toString(Math.abs(n));
            };
            if (digits.length() < precision) {
                digits = "0".repeat(precision - digits.length()) + digits;
            }
            if (precision == 0 && n == 0) {
                digits = "";
            }
            String sign = conv == 'd' ? (n < 0 ? "-" : fl.contains("+") ? "+" : fl.contains(" ") ? " " : "") : "";
            String s = sign + digits;
            if (width > s.length()) {
                s = fl.contains("-") ? s + " ".repeat(width - s.length()) : " ".repeat(width - s.length()) + s;
            }
            return s;
        }
        spec.append(fl);
        if (width > 0) {
            spec.append(width);
        }
        if (precision >= 0 && conv != 'd' && conv != 'x' && conv != 'X' && conv != 'o' && conv != 's') {
            spec.append('.').append(precision);
        }
        spec.append(conv);
        if (conv == 'x' || conv == 'X' || conv == 'o') {
            if (spec.indexOf("+") >= 0 || spec.indexOf(" ") >= 0) {
                spec = new StringBuilder(spec.toString().replace("+", "").replace(" ", ""));
            }
        }
        return String.format(java.util.Locale.ROOT, spec.toString(), v);
    }

    private static void pad(ByteArrayOutputStream out, byte[] b, String flags, int width) {
        int padding = Math.max(0, width - b.length);
        if (!flags.contains("-")) {
            for (int k = 0; k < padding; k++) {
                out.write(' ');
            }
        }
        out.write(b, 0, b.length);
        if (flags.contains("-")) {
            for (int k = 0; k < padding; k++) {
                out.write(' ');
            }
        }
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        for (int k = 0; k < s.length(); k++) {
            out.write(s.charAt(k));
        }
    }

    private static void quote(ByteArrayOutputStream out, LuaString s) {
        out.write('"');
        for (int k = 0; k < s.m_length; k++) {
            int c = s.m_bytes[s.m_offset + k] & 0xff;
            switch (c) {
                case '"': case '\\': case '\n':
                    out.write('\\');
                    out.write(c);
                    break;
                case '\r':
                    ascii(out, "\\r");
                    break;
                case 0:
                    ascii(out, "\\000");
                    break;
                default:
                    out.write(c);
            }
        }
        out.write('"');
    }
}
