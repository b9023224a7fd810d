package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular expression written in Go's RE2 syntax (what Caddy configs use), run by {@link Pattern}, with Go's
 * {@code ReplaceAllString} template expansion ({@code $1}, {@code ${1}}, {@code $name}, {@code ${name}},
 * {@code $$}). Immutable and thread-safe.
 *
 * <p>The pattern is translated where the two dialects differ: {@code (?P<name>re)} and {@code (?<name>re)} (Go
 * allows {@code _} in names, Java does not) become plain groups whose names this class resolves itself;
 * {@code [[:alpha:]]} classes become {@code \p{Alpha}}; {@code $} outside multi-line mode means end of text, as in
 * Go (Java's also matches before a final newline); only {@code \n} ends a line ({@link Pattern#UNIX_LINES});
 * {@code (?i)} folds Unicode letters ({@link Pattern#UNICODE_CASE}).
 * What RE2 refuses is refused here too, so a config behaves as it would in Caddy and matching stays linear in
 * spirit: look-around, back-references, atomic groups and the {@code (?U)} flag.
 */
final class GoRegexp {
    /** Work limit (characters read by the matcher) for one replacement, so a bad pattern cannot hold the thread. */
    static final int MAX_STEPS = 1_000_000;

    private final Pattern pattern;
    /** Group names by group number (index 0 unused; null for unnamed groups). */
    private final String[] names;

    private GoRegexp(Pattern pattern, String[] names) {
        this.pattern = pattern;
        this.names = names;
    }

    /** Compiles an RE2-syntax pattern; the exception's description says what is wrong and where. */
    static GoRegexp compile(String re2) throws PatternSyntaxException {
        List<String> names = new ArrayList<>();
        names.add(null);
        String java = translate(re2, names);
        // UNICODE_CASE: Go's (?i) folds non-ASCII letters too; \w, \d, \s and [[:alpha:]] stay ASCII in both.
        return new GoRegexp(Pattern.compile(java, Pattern.UNIX_LINES | Pattern.UNICODE_CASE),
                names.toArray(String[]::new));
    }

    Pattern pattern() {
        return pattern;
    }

    /**
     * Go's {@code ReplaceAllString}: every match replaced by {@code template} expanded against it.
     *
     * @param maxLength the longest result allowed, in chars
     * @throws HelperException when the match takes more than {@link #MAX_STEPS} steps or the result would be
     *                         longer than {@code maxLength}
     */
    String replaceAll(String input, String template, int maxLength, String what) throws HelperException {
        Matcher m = pattern.matcher(new RequestHelpers.BudgetedChars(input, MAX_STEPS));
        StringBuilder out = new StringBuilder();
        int last = 0;
        try {
            while (m.find()) {
                out.append(input, last, m.start());
                // As Go: no replacement for an empty match right after another match (a* on "baac" gives "-b-c-").
                if (m.end() > last || m.start() == 0) {
                    expand(out, template, m);
                }
                last = m.end();
                if (out.length() > maxLength) {
                    throw new HelperException(what + ": result longer than " + maxLength + " characters");
                }
            }
        } catch (RequestHelpers.BudgetedChars.Exhausted e) {
            throw new HelperException(what + ": regular expression too expensive (more than " + MAX_STEPS
                    + " steps)");
        }
        out.append(input, last, input.length());
        if (out.length() > maxLength) {
            throw new HelperException(what + ": result longer than " + maxLength + " characters");
        }
        return out.toString();
    }

    /** Go's {@code Regexp.Expand}: {@code $name} takes the longest run of letters, digits and {@code _}. */
    private void expand(StringBuilder out, String template, Matcher m) {
        int i = 0;
        int n = template.length();
        while (i < n) {
            char c = template.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 < n && template.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            boolean brace = i + 1 < n && template.charAt(i + 1) == '{';
            int start = i + (brace ? 2 : 1);
            int end = start;
            while (end < n) {
                int cp = template.codePointAt(end);
                if (!Character.isLetter(cp) && !Character.isDigit(cp) && cp != '_') {
                    break;
                }
                end += Character.charCount(cp);
            }
            if (end == start || brace && (end >= n || template.charAt(end) != '}')) {
                out.append('$'); // malformed: the '$' is literal text, as in Go
                i++;
                continue;
            }
            String group = group(m, template.substring(start, end));
            if (group != null) {
                out.append(group);
            }
            i = brace ? end + 1 : end;
        }
    }

    /** The text of group {@code name} (a number or a name), or null when it is absent or did not take part. */
    private String group(Matcher m, String name) {
        int number = number(name);
        if (number >= 0) {
            return number <= m.groupCount() ? m.group(number) : null;
        }
        for (int g = 1; g < names.length; g++) {
            if (name.equals(names[g]) && m.start(g) >= 0) {
                return m.group(g);
            }
        }
        return null;
    }

    /** A purely decimal name without a leading zero, as Go reads it, or -1. */
    private static int number(String name) {
        if (name.length() > 1 && name.charAt(0) == '0') {
            return -1;
        }
        int num = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9' || num >= 100_000_000) {
                return -1;
            }
            num = num * 10 + (c - '0');
        }
        return num;
    }

    /** Rewrites RE2 syntax as {@link Pattern} syntax, recording group names in {@code names} by group number. */
    private static String translate(String re, List<String> names) {
        StringBuilder out = new StringBuilder(re.length() + 8);
        boolean multiline = false;
        int i = 0;
        int n = re.length();
        while (i < n) {
            char c = re.charAt(i);
            switch (c) {
                case '\\' -> {
                    if (i + 1 >= n) {
                        throw new PatternSyntaxException("trailing backslash", re, i);
                    }
                    char e = re.charAt(i + 1);
                    if (e == 'Q') {
                        int q = re.indexOf("\\E", i + 2);
                        int stop = q < 0 ? n : q + 2;
                        out.append(re, i, stop);
                        if (q < 0) {
                            out.append("\\E");
                        }
                        i = stop;
                        continue;
                    }
                    if (e >= '0' && e <= '7') {
                        i = translateOctal(re, i, out);
                        continue;
                    }
                    if (e == '8' || e == '9' || e == 'k') {
                        throw new PatternSyntaxException("back-references are not supported (RE2 syntax)", re, i);
                    }
                    if (e == 'Z') {
                        throw new PatternSyntaxException("\\Z is not supported (RE2 syntax; use \\z)", re, i);
                    }
                    out.append(c).append(e);
                    i += 2;
                }
                case '[' -> i = translateClass(re, i, out);
                case '{' -> {
                    // RE2 reads a '{' that does not start a repeat count as a literal; Java refuses it.
                    out.append(isRepeat(re, i) ? "{" : "\\{");
                    i++;
                }
                case '$' -> {
                    out.append(multiline ? "$" : "\\z");
                    i++;
                }
                case '(' -> {
                    if (i + 1 < n && re.charAt(i + 1) == '?') {
                        int next = translateGroupPrefix(re, i, out, names);
                        // Once a flag group turns 'm' on, '$' keeps its line meaning from there on (an
                        // approximation: a later "-m" scope is not tracked).
                        multiline |= turnsOnMultiline(re.substring(i + 2, next - 1));
                        i = next;
                    } else {
                        names.add(null);
                        out.append('(');
                        i++;
                    }
                }
                default -> {
                    out.append(c);
                    i++;
                }
            }
        }
        return out.toString();
    }

    /** {@code {n}}, {@code {n,}} or {@code {n,m}} starts at {@code re[i]}. */
    private static boolean isRepeat(String re, int i) {
        int p = i + 1;
        int digits = 0;
        while (p < re.length() && Character.isDigit(re.charAt(p)) && re.charAt(p) < 128) {
            p++;
            digits++;
        }
        if (digits == 0 || p >= re.length()) {
            return false;
        }
        if (re.charAt(p) == ',') {
            p++;
            while (p < re.length() && re.charAt(p) >= '0' && re.charAt(p) <= '9') {
                p++;
            }
        }
        return p < re.length() && re.charAt(p) == '}';
    }

    /**
     * RE2's octal escape at {@code re[i] == '\'}: {@code \0}, or up to three octal digits; a single digit 1-7 would
     * be a back-reference, which RE2 refuses. Written as Java's {@code \x{...}}.
     */
    private static int translateOctal(String re, int i, StringBuilder out) {
        int p = i + 1;
        int value = 0;
        int digits = 0;
        while (p < re.length() && digits < 3 && re.charAt(p) >= '0' && re.charAt(p) <= '7') {
            value = value * 8 + (re.charAt(p) - '0');
            p++;
            digits++;
        }
        if (digits == 1 && value != 0) {
            throw new PatternSyntaxException("back-references are not supported (RE2 syntax)", re, i);
        }
        out.append("\\x{").append(Integer.toHexString(value)).append('}');
        return p;
    }

    /** The inside of a group prefix ({@code m}, {@code i-m}, {@code P<name>}) sets the m flag. */
    private static boolean turnsOnMultiline(String prefix) {
        if (prefix.startsWith("P<") || prefix.startsWith("<")) {
            return false;
        }
        int minus = prefix.indexOf('-');
        return (minus < 0 ? prefix : prefix.substring(0, minus)).indexOf('m') >= 0;
    }

    /** {@code (?...}: named groups become plain groups; flags pass; RE2's refusals are refused. */
    private static int translateGroupPrefix(String re, int i, StringBuilder out, List<String> names) {
        int n = re.length();
        int p = i + 2;
        if (re.startsWith("P<", p) || p < n && re.charAt(p) == '<' && p + 1 < n && re.charAt(p + 1) != '='
                && re.charAt(p + 1) != '!') {
            int nameStart = re.charAt(p) == 'P' ? p + 2 : p + 1;
            int close = re.indexOf('>', nameStart);
            if (close < 0) {
                throw new PatternSyntaxException("unterminated group name", re, i);
            }
            String name = re.substring(nameStart, close);
            if (name.isEmpty() || !name.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')) {
                throw new PatternSyntaxException("invalid group name '" + name + "'", re, i);
            }
            if (names.contains(name)) {
                throw new PatternSyntaxException("duplicate group name '" + name + "'", re, i);
            }
            names.add(name);
            out.append('(');
            return close + 1;
        }
        int end = p;
        while (end < n && re.charAt(end) != ')' && re.charAt(end) != ':') {
            char f = re.charAt(end);
            if (f == 'U') {
                throw new PatternSyntaxException("the U (ungreedy) flag is not supported", re, end);
            }
            if (f != 'i' && f != 'm' && f != 's' && f != '-') {
                throw new PatternSyntaxException("unsupported group syntax '(?" + f
                        + "' (RE2 has no look-around or atomic groups)", re, i);
            }
            end++;
        }
        if (end >= n) {
            throw new PatternSyntaxException("unterminated group flags", re, i);
        }
        out.append(re, i, end + 1);
        return end + 1;
    }

    /** A bracket class from {@code re[i] == '['}; POSIX names become {@code \p{...}}. Returns the index after it. */
    private static int translateClass(String re, int i, StringBuilder out) {
        int n = re.length();
        int p = i + 1;
        out.append('[');
        if (p < n && re.charAt(p) == '^') {
            out.append('^');
            p++;
        }
        boolean first = true;
        while (p < n) {
            char c = re.charAt(p);
            if (c == ']') {
                if (!first) {
                    out.append(']');
                    return p + 1;
                }
                out.append("\\]"); // first in the class: a literal in RE2
                first = false;
                p++;
                continue;
            }
            first = false;
            if (c == '[' && re.startsWith("[:", p)) {
                int close = re.indexOf(":]", p + 2);
                if (close > 0) {
                    String name = re.substring(p + 2, close);
                    boolean negated = name.startsWith("^");
                    String posix = posix(negated ? name.substring(1) : name);
                    if (posix == null) {
                        throw new PatternSyntaxException("invalid character class range '[:" + name + ":]'", re, p);
                    }
                    out.append(negated ? posix.replace("\\p", "\\P").replace("\\w", "\\W") : posix);
                    p = close + 2;
                    continue;
                }
            }
            if (c == '[') {
                out.append("\\["); // a literal '[' in RE2; Java would read a nested class
                p++;
                continue;
            }
            if (c == '&' && p + 1 < n && re.charAt(p + 1) == '&') {
                out.append("&\\&"); // literal in RE2; an intersection in Java
                p += 2;
                continue;
            }
            if (c == '\\' && p + 1 < n) {
                out.append(c).append(re.charAt(p + 1));
                p += 2;
                continue;
            }
            out.append(c);
            p++;
        }
        throw new PatternSyntaxException("missing closing ]", re, i);
    }

    private static String posix(String name) {
        return switch (name) {
            case "alnum" -> "\\p{Alnum}";
            case "alpha" -> "\\p{Alpha}";
            case "ascii" -> "\\p{ASCII}";
            case "blank" -> "\\p{Blank}";
            case "cntrl" -> "\\p{Cntrl}";
            case "digit" -> "\\p{Digit}";
            case "graph" -> "\\p{Graph}";
            case "lower" -> "\\p{Lower}";
            case "print" -> "\\p{Print}";
            case "punct" -> "\\p{Punct}";
            case "space" -> "\\p{Space}";
            case "upper" -> "\\p{Upper}";
            case "word" -> "\\w";
            case "xdigit" -> "\\p{XDigit}";
            default -> null;
        };
    }
}
