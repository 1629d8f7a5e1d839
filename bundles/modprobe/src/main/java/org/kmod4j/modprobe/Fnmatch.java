package org.kmod4j.modprobe;

/**
 * Shell wildcard matching as POSIX {@code fnmatch(pattern, string, 0)}, which kmod uses to match
 * the alias patterns of modules.alias against a requested name: {@code *} matches any run of
 * characters (slashes included, no FNM_PATHNAME), {@code ?} one character, {@code [...]} one
 * character of a set with ranges and {@code !} or {@code ^} negation, {@code \} quotes the next
 * character. Plus the name normalisation kmod applies before matching.
 */
final class Fnmatch {

    private Fnmatch() {
    }

    /** Whether {@code string} matches {@code pattern}. */
    static boolean matches(String pattern, String string) {
        int p = 0;
        int s = 0;
        int starP = -1;
        int starS = -1;
        while (s < string.length()) {
            if (p < pattern.length()) {
                char c = pattern.charAt(p);
                if (c == '*') {
                    starP = ++p;
                    starS = s;
                    continue;
                }
                if (c == '?') {
                    p++;
                    s++;
                    continue;
                }
                if (c == '[') {
                    int end = bracketEnd(pattern, p);
                    if (end > 0) {
                        if (inBracket(pattern, p + 1, end, string.charAt(s))) {
                            p = end + 1;
                            s++;
                            continue;
                        }
                    } else if (string.charAt(s) == '[') {
                        // an unterminated '[' is an ordinary character
                        p++;
                        s++;
                        continue;
                    }
                } else {
                    if (c == '\\' && p + 1 < pattern.length()) {
                        p++;
                        c = pattern.charAt(p);
                    }
                    if (c == string.charAt(s)) {
                        p++;
                        s++;
                        continue;
                    }
                }
            }
            if (starP < 0) {
                return false;
            }
            // backtrack: let the last '*' swallow one more character
            p = starP;
            s = ++starS;
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** Index of the ']' closing the bracket expression opened at {@code open}, or -1. */
    private static int bracketEnd(String pattern, int open) {
        int i = open + 1;
        if (i < pattern.length() && (pattern.charAt(i) == '!' || pattern.charAt(i) == '^')) {
            i++;
        }
        if (i < pattern.length() && pattern.charAt(i) == ']') {
            i++; // a leading ']' is literal
        }
        for (; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                i++;
            } else if (c == ']') {
                return i;
            }
        }
        return -1;
    }

    private static boolean inBracket(String pattern, int from, int end, char ch) {
        int i = from;
        boolean negate = false;
        if (pattern.charAt(i) == '!' || pattern.charAt(i) == '^') {
            negate = true;
            i++;
        }
        boolean match = false;
        boolean first = true;
        while (i < end) {
            char lo = pattern.charAt(i);
            if (lo == '\\' && i + 1 < end) {
                lo = pattern.charAt(++i);
            } else if (lo == ']' && !first) {
                break;
            }
            first = false;
            i++;
            char hi = lo;
            if (i + 1 < end && pattern.charAt(i) == '-') {
                hi = pattern.charAt(i + 1);
                if (hi == '\\' && i + 2 < end) {
                    hi = pattern.charAt(i + 2);
                    i++;
                }
                i += 2;
            }
            if (lo <= ch && ch <= hi) {
                match = true;
            }
        }
        return match != negate;
    }

    /** kmod's {@code modname_normalize}: '-' becomes '_'. */
    static String normalizeName(String name) {
        return name.replace('-', '_');
    }

    /**
     * kmod's {@code alias_normalize}: '-' becomes '_' except inside a bracket expression, so
     * {@code snd-card-[0-9]} and {@code snd_card_3} compare as the same kind of string.
     */
    static String normalizeAlias(String alias) {
        StringBuilder sb = new StringBuilder(alias.length());
        int i = 0;
        while (i < alias.length()) {
            char c = alias.charAt(i);
            if (c == '[') {
                int end = bracketEnd(alias, i);
                if (end < 0) {
                    sb.append(alias, i, alias.length());
                    break;
                }
                sb.append(alias, i, end + 1);
                i = end + 1;
                continue;
            }
            sb.append(c == '-' ? '_' : c);
            i++;
        }
        return sb.toString();
    }

    /** Whether a requested name matches a module's alias pattern, both normalised. */
    static boolean aliasMatches(String pattern, String requested) {
        return matches(normalizeAlias(pattern), normalizeAlias(requested));
    }
}
