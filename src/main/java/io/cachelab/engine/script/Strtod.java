package io.cachelab.engine.script;

/**
 * The prefix-parsing part of C's strtod, which lua-cjson (and Lua's tonumber) rely on: decimal with
 * exponent, hexadecimal "0x..", "inf"/"infinity"/"nan", optional sign. Reports how many characters
 * it used; 0 means no number.
 */
final class Strtod {
    private Strtod() {
    }

    static double parse(String s, int[] used) {
        int i = 0;
        int n = s.length();
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        String rest = s.substring(i).toLowerCase();
        if (rest.startsWith("infinity")) {
            used[0] = i + 8;
            return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (rest.startsWith("inf")) {
            used[0] = i + 3;
            return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (rest.startsWith("nan")) {
            used[0] = i + 3;
            return Double.NaN;
        }
        if (rest.startsWith("0x")) {
            int j = i + 2;
            double v = 0;
            boolean any = false;
            while (j < n && Character.digit(s.charAt(j), 16) >= 0) {
                v = v * 16 + Character.digit(s.charAt(j), 16);
                j++;
                any = true;
            }
            if (!any) {
                used[0] = i + 1;
                return neg ? -0.0 : 0.0;
            }
            used[0] = j;
            return neg ? -v : v;
        }
        int start = i;
        int digits = 0;
        while (i < n && Character.isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && Character.isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            used[0] = 0;
            return 0;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
                j++;
            }
            int expDigits = 0;
            while (j < n && Character.isDigit(s.charAt(j))) {
                j++;
                expDigits++;
            }
            if (expDigits > 0) {
                i = j;
            }
        }
        used[0] = i;
        double v = Double.parseDouble(s.substring(start, i));
        return neg ? -v : v;
    }
}
