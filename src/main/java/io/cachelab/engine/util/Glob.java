package io.cachelab.engine.util;

/**
 * Redis's glob matcher (stringmatchlen): *, ?, [abc], [^a], [a-z], and backslash escapes. Used by
 * KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG GET. Iterative over bytes, so binary keys match too.
 */
public final class Glob {
    private Glob() {
    }

    public static boolean matches(String pattern, String s, boolean nocase) {
        return matches(pattern.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                s.getBytes(java.nio.charset.StandardCharsets.UTF_8), nocase);
    }

    public static boolean matches(byte[] p, byte[] s, boolean nocase) {
        return match(p, 0, s, 0, nocase, 0, new boolean[1]);
    }

    private static int fold(int c, boolean nocase) {
        return nocase && c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    /**
     * {@code skipLonger} is Redis's skipLongerMatches: once the rest of the pattern after a '*' has
     * failed to match starting anywhere in the rest of the string, no earlier '*' can succeed by
     * consuming more, so the whole search stops. Without it "a*a*a*...b" against a long run of 'a'
     * backtracks exponentially and would freeze the only command thread.
     */
    private static boolean match(byte[] p, int pi, byte[] s, int si, boolean nocase, int nesting, boolean[] skipLonger) {
        if (nesting > 1000) return false;
        while (pi < p.length && si < s.length) {
            int pc = p[pi] & 0xff;
            switch (pc) {
                case '*': {
                    while (pi + 1 < p.length && p[pi + 1] == '*') pi++;
                    if (pi + 1 == p.length) return true;
                    for (int k = si; k < s.length; k++) {
                        if (match(p, pi + 1, s, k, nocase, nesting + 1, skipLonger)) return true;
                        if (skipLonger[0]) return false;
                    }
                    skipLonger[0] = true;
                    return false;
                }
                case '?':
                    si++;
                    break;
                case '[': {
                    pi++;
                    boolean not = pi < p.length && p[pi] == '^';
                    if (not) pi++;
                    boolean matched = false;
                    int c = fold(s[si] & 0xff, nocase);
                    while (true) {
                        if (pi >= p.length) {
                            pi--;
                            break;
                        }
                        int x = p[pi] & 0xff;
                        if (x == '\\' && pi + 1 < p.length) {
                            pi++;
                            if (fold(p[pi] & 0xff, nocase) == c) matched = true;
                        } else if (x == ']') {
                            break;
                        } else if (pi + 2 < p.length && p[pi + 1] == '-') {
                            int start = fold(x, nocase);
                            int end = fold(p[pi + 2] & 0xff, nocase);
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            pi += 2;
                            if (c >= start && c <= end) matched = true;
                        } else if (fold(x, nocase) == c) {
                            matched = true;
                        }
                        pi++;
                    }
                    if (not) matched = !matched;
                    if (!matched) return false;
                    si++;
                    break;
                }
                case '\\':
                    if (pi + 1 < p.length) pi++;
                    // fall through: match the escaped character literally
                default:
                    if (fold(p[pi] & 0xff, nocase) != fold(s[si] & 0xff, nocase)) return false;
                    si++;
                    break;
            }
            pi++;
        }
        while (pi < p.length && p[pi] == '*') pi++;
        return pi == p.length && si == s.length;
    }
}
