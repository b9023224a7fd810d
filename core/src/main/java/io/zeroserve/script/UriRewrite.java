package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import io.zeroserve.script.json.JsonCodec;
import io.zeroserve.script.json.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/**
 * The operations of {@code zs_req_rewrite_uri}: the URI modifiers of Caddy's {@code rewrite} handler
 * ({@code modules/caddyhttp/rewrite}), applied in Caddy's order to the escaped path and the raw query:
 * <ol>
 *   <li>{@code strip_path_prefix}: a leading {@code /} is implied. Compared in decoded space, case-insensitively
 *       for ASCII letters, except where the prefix itself writes an escape ({@code %2F}): the path must then have
 *       that escape at that position.</li>
 *   <li>{@code strip_path_suffix}: the same from the end.</li>
 *   <li>{@code uri_substring}: a list of {@code {find, replace, limit}}, each applied to the path and then to the
 *       raw query; {@code limit} is the most replacements per string (0 or less: all); an empty {@code find} is
 *       skipped.</li>
 *   <li>{@code path_regexp}: a list of {@code {find, replace}}; {@code find} is RE2 syntax, {@code replace} a Go
 *       template ({@code $1}, {@code ${name}}, {@code $$}), see {@link GoRegexp}.</li>
 * </ol>
 * Before each prefix, suffix and substring operation the path is cleaned as Caddy does ({@code .} and {@code ..}
 * resolved, {@code //} merged unless the operand itself contains {@code //}; a trailing {@code /} kept); a
 * stripped path gets its leading {@code /} back. Characters that may not stand in a path or query are then
 * percent-escaped ({@link #escapeInvalid}). Placeholders ({@code {http.request...}}) are not expanded: the
 * strings are literal. Immutable and thread-safe.
 */
final class UriRewrite {
    /** The longest path or query a rewrite may produce, in chars; a longer result is a hard failure. */
    static final int MAX_URI_CHARS = 65_536;

    record Substring(String find, String replace, int limit) {
    }

    record Regexp(GoRegexp find, String replace) {
    }

    /** A rewritten URI: the escaped path and the raw query (null for none). */
    record Result(String path, String query) {
    }

    private final String stripPrefix;
    private final String stripSuffix;
    private final List<Substring> substrings;
    private final List<Regexp> regexps;

    private UriRewrite(String stripPrefix, String stripSuffix, List<Substring> substrings, List<Regexp> regexps) {
        this.stripPrefix = stripPrefix;
        this.stripSuffix = stripSuffix;
        this.substrings = List.copyOf(substrings);
        this.regexps = List.copyOf(regexps);
    }

    /**
     * Parses the ops object. Unknown keys, wrong types and invalid regular expressions are hard failures whose
     * message names the offending field, like a Caddy config that fails to load.
     */
    static UriRewrite parse(String json) throws HelperException {
        Map<String, JsonNode> ops = Ops.object(json, "zs_req_rewrite_uri");
        String prefix = "";
        String suffix = "";
        List<Substring> substrings = new ArrayList<>();
        List<Regexp> regexps = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : ops.entrySet()) {
            String where = "zs_req_rewrite_uri: " + e.getKey();
            switch (e.getKey()) {
                case "strip_path_prefix" -> prefix = Ops.string(e.getValue(), where);
                case "strip_path_suffix" -> suffix = Ops.string(e.getValue(), where);
                case "uri_substring" -> {
                    List<Map<String, JsonNode>> list = Ops.objects(e.getValue(), where, "find", "replace", "limit");
                    for (int i = 0; i < list.size(); i++) {
                        Map<String, JsonNode> o = list.get(i);
                        String at = where + "[" + i + "]";
                        substrings.add(new Substring(Ops.string(o.get("find"), at + ".find"),
                                Ops.string(o.get("replace"), at + ".replace"), Ops.integer(o.get("limit"),
                                at + ".limit")));
                    }
                }
                case "path_regexp" -> {
                    List<Map<String, JsonNode>> list = Ops.objects(e.getValue(), where, "find", "replace");
                    for (int i = 0; i < list.size(); i++) {
                        Map<String, JsonNode> o = list.get(i);
                        String at = where + "[" + i + "]";
                        String find = Ops.string(o.get("find"), at + ".find");
                        if (find.isEmpty()) {
                            throw new HelperException(at + ".find: empty regular expression");
                        }
                        regexps.add(new Regexp(Ops.regexp(find, at + ".find"),
                                Ops.string(o.get("replace"), at + ".replace")));
                    }
                }
                default -> throw new HelperException("zs_req_rewrite_uri: unknown operation '" + e.getKey()
                        + "' (expected strip_path_prefix, strip_path_suffix, uri_substring, path_regexp)");
            }
        }
        return new UriRewrite(prefix, suffix, substrings, regexps);
    }

    /**
     * Applies the operations to an escaped path ({@code zs_req_path}) and a raw query (null for none).
     *
     * @throws HelperException when a result would be longer than {@link #MAX_URI_CHARS} or a regular expression
     *                         takes too long
     */
    Result apply(String path, String query) throws HelperException {
        String p = path;
        String q = query == null ? "" : query;
        if (!stripPrefix.isEmpty()) {
            String prefix = stripPrefix.startsWith("/") ? stripPrefix : "/" + stripPrefix;
            String cleaned = cleanPath(p, !prefix.contains("//"));
            p = trimPathPrefix(cleaned, prefix);
            if (!p.equals(cleaned)) {
                p = canonicalize(p);
            }
        }
        if (!stripSuffix.isEmpty()) {
            String cleaned = cleanPath(p, !stripSuffix.contains("//"));
            p = trimPathSuffix(cleaned, stripSuffix);
            if (!p.equals(cleaned)) {
                p = canonicalize(p);
            }
        }
        for (int i = 0; i < substrings.size(); i++) {
            Substring s = substrings.get(i);
            if (s.find().isEmpty()) {
                continue;
            }
            String what = "zs_req_rewrite_uri: uri_substring[" + i + "]";
            p = replace(cleanPath(p, !s.find().contains("//")), s.find(), s.replace(), s.limit(), what);
            q = replace(q, s.find(), s.replace(), s.limit(), what);
        }
        for (int i = 0; i < regexps.size(); i++) {
            Regexp r = regexps.get(i);
            p = r.find().replaceAll(p, r.replace(), MAX_URI_CHARS, "zs_req_rewrite_uri: path_regexp[" + i + "]");
        }
        String newPath = p.equals(path) ? path : escapeInvalid(p, false);
        if (q.equals(query == null ? "" : query)) {
            return new Result(newPath, query);
        }
        return new Result(newPath, q.isEmpty() ? null : escapeInvalid(q, true));
    }

    /**
     * Percent-escapes (UTF-8) every character that may not stand in a path (or query): anything but RFC 3986's
     * unreserved and sub-delims, {@code :@/%}, and {@code ?} in a query. A replacement that writes {@code ?},
     * {@code #}, a space or a control character thus changes the path, never the URI's structure (Go re-escapes
     * such a path the same way).
     */
    static String escapeInvalid(String s, boolean query) {
        int i = 0;
        while (i < s.length() && allowed(s.charAt(i), query)) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (byte b : s.substring(i).getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && allowed((char) c, query)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    private static boolean allowed(char c, boolean query) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "-._~!$&'()*+,;=:@/%".indexOf(c) >= 0 || query && c == '?';
    }

    /** A stripped path anchored again: a leading {@code /} and no dot segments (slashes are not merged). */
    private static String canonicalize(String p) {
        return cleanPath(p.startsWith("/") ? p : "/" + p, false);
    }

    /**
     * Go's {@code strings.Replace}: the first {@code limit} non-overlapping occurrences, all when
     * {@code limit <= 0}. The size is checked before anything is built.
     */
    static String replace(String s, String find, String with, int limit, String what) throws HelperException {
        int count = 0;
        for (int at = s.indexOf(find); at >= 0 && (limit <= 0 || count < limit); at = s.indexOf(find,
                at + find.length())) {
            count++;
        }
        if (count == 0) {
            return s;
        }
        long size = s.length() + (long) count * (with.length() - find.length());
        if (size > MAX_URI_CHARS) {
            throw new HelperException(what + ": result longer than " + MAX_URI_CHARS + " characters");
        }
        StringBuilder out = new StringBuilder((int) size);
        int from = 0;
        for (int done = 0; done < count; done++) {
            int at = s.indexOf(find, from);
            out.append(s, from, at).append(with);
            from = at + find.length();
        }
        return out.append(s, from, s.length()).toString();
    }

    /**
     * Caddy's {@code CleanPath}: Go's {@code path.Clean} ({@code .} dropped, {@code ..} pops and is dropped at the
     * root, slashes merged) keeping a trailing {@code /}; without {@code mergeSlashes}, an empty segment between two
     * slashes is kept (and a {@code ..} can pop it).
     */
    static String cleanPath(String p, boolean mergeSlashes) {
        if (p.isEmpty()) {
            return ".";
        }
        boolean rooted = p.charAt(0) == '/';
        String[] parts = p.split("/", -1);
        // A null entry is a kept empty segment: it prints as nothing between two slashes.
        List<String> out = new ArrayList<>(parts.length);
        for (int k = 0; k < parts.length; k++) {
            String seg = parts[k];
            if (seg.isEmpty()) {
                if (!mergeSlashes && k > 0 && k < parts.length - 1) {
                    out.add(null);
                }
                continue;
            }
            if (seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (!out.isEmpty() && !"..".equals(out.getLast())) {
                    out.removeLast();
                } else if (!rooted) {
                    out.add("..");
                }
                continue;
            }
            out.add(seg);
        }
        StringBuilder b = new StringBuilder(p.length());
        if (rooted) {
            b.append('/');
        }
        for (int k = 0; k < out.size(); k++) {
            if (k > 0) {
                b.append('/');
            }
            String seg = out.get(k);
            if (seg != null) {
                b.append(seg);
            }
        }
        if (!rooted && out.isEmpty()) {
            b.append('.');
        }
        if (!(rooted && out.isEmpty()) && p.endsWith("/")) {
            b.append('/');
        }
        return b.toString();
    }

    /**
     * Caddy's {@code trimPathPrefix}, byte by byte over UTF-8: where the path has an escape and the prefix does
     * not, the escape is decoded before comparing; ASCII letters compare case-insensitively, other bytes exactly.
     * Returns {@code escapedPath} itself when it does not start with {@code prefix}.
     */
    static String trimPathPrefix(String escapedPath, String prefix) {
        byte[] path = escapedPath.getBytes(StandardCharsets.UTF_8);
        byte[] pre = prefix.getBytes(StandardCharsets.UTF_8);
        int ip = 0;
        int ix = 0;
        while (ip < path.length && ix < pre.length) {
            int ch = path[ip] & 0xff;
            int width = 1;
            if (ch == '%' && pre[ix] != '%' && ip + 3 <= path.length) {
                ch = decodeEscape(path, ip);
                if (ch < 0) {
                    return escapedPath;
                }
                width = 3;
            }
            if (!equalFold(ch, pre[ix] & 0xff)) {
                return escapedPath;
            }
            ip += width;
            ix++;
        }
        if (ix < pre.length) {
            return escapedPath;
        }
        return new String(path, ip, path.length - ip, StandardCharsets.UTF_8);
    }

    /** Caddy's {@code trimPathSuffix}: {@link #trimPathPrefix} from the end. */
    static String trimPathSuffix(String escapedPath, String suffix) {
        byte[] path = escapedPath.getBytes(StandardCharsets.UTF_8);
        byte[] suf = suffix.getBytes(StandardCharsets.UTF_8);
        int ip = path.length;
        int is = suf.length;
        while (ip > 0 && is > 0) {
            int ch = path[ip - 1] & 0xff;
            int step = 1;
            boolean pathEscape = ip >= 3 && path[ip - 3] == '%';
            boolean suffixEscape = is >= 3 && suf[is - 3] == '%';
            if (pathEscape && !suffixEscape) {
                ch = decodeEscape(path, ip - 3);
                if (ch < 0) {
                    return escapedPath;
                }
                step = 3;
            }
            if (!equalFold(ch, suf[is - 1] & 0xff)) {
                return escapedPath;
            }
            ip -= step;
            is--;
        }
        if (is > 0) {
            return escapedPath;
        }
        return new String(path, 0, ip, StandardCharsets.UTF_8);
    }

    /** The byte {@code %XX} at {@code at} stands for, or -1 when it is not a valid escape. */
    private static int decodeEscape(byte[] s, int at) {
        int hi = Character.digit(s[at + 1], 16);
        int lo = Character.digit(s[at + 2], 16);
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
    }

    private static boolean equalFold(int a, int b) {
        if (a == b) {
            return true;
        }
        int la = a >= 'A' && a <= 'Z' ? a + 32 : a;
        int lb = b >= 'A' && b <= 'Z' ? b + 32 : b;
        return la == lb && la >= 'a' && la <= 'z';
    }

    /** Reading the ops JSON of the rewrite helpers: every problem is a hard failure that says where it is. */
    static final class Ops {
        private Ops() {
        }

        static Map<String, JsonNode> object(String json, String helper) throws HelperException {
            Optional<JsonNode> parsed = JsonCodec.parse(json);
            if (parsed.isEmpty()) {
                throw new HelperException(helper + ": ops are not valid JSON");
            }
            if (!parsed.get().isObject()) {
                throw new HelperException(helper + ": ops must be a JSON object, not " + kind(parsed.get()));
            }
            return parsed.get().object();
        }

        /** A string field; missing or null reads as "". */
        static String string(JsonNode node, String where) throws HelperException {
            if (node == null || node.kind() == JsonNode.Kind.NULL) {
                return "";
            }
            if (node.kind() != JsonNode.Kind.STRING) {
                throw new HelperException(where + ": expected a string, not " + kind(node));
            }
            return node.string();
        }

        /** An integer field; missing or null reads as 0. Values beyond an int are clamped. */
        static int integer(JsonNode node, String where) throws HelperException {
            if (node == null || node.kind() == JsonNode.Kind.NULL) {
                return 0;
            }
            if (node.kind() != JsonNode.Kind.NUMBER) {
                throw new HelperException(where + ": expected an integer, not " + kind(node));
            }
            try {
                long v = node.number().toBigIntegerExact().max(java.math.BigInteger.valueOf(Integer.MIN_VALUE))
                        .min(java.math.BigInteger.valueOf(Integer.MAX_VALUE)).longValue();
                return (int) v;
            } catch (ArithmeticException e) {
                throw new HelperException(where + ": expected an integer, not " + node.number());
            }
        }

        /** A list of strings; missing or null reads as empty. */
        static List<String> strings(JsonNode node, String where) throws HelperException {
            if (node == null || node.kind() == JsonNode.Kind.NULL) {
                return List.of();
            }
            if (!node.isArray()) {
                throw new HelperException(where + ": expected an array of strings, not " + kind(node));
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < node.array().size(); i++) {
                out.add(string(node.array().get(i), where + "[" + i + "]"));
            }
            return out;
        }

        /** A list of objects with only the {@code allowed} keys; missing or null reads as empty. */
        static List<Map<String, JsonNode>> objects(JsonNode node, String where, String... allowed)
                throws HelperException {
            if (node == null || node.kind() == JsonNode.Kind.NULL) {
                return List.of();
            }
            if (!node.isArray()) {
                throw new HelperException(where + ": expected an array of objects, not " + kind(node));
            }
            List<Map<String, JsonNode>> out = new ArrayList<>();
            for (int i = 0; i < node.array().size(); i++) {
                JsonNode item = node.array().get(i);
                if (!item.isObject()) {
                    throw new HelperException(where + "[" + i + "]: expected an object, not " + kind(item));
                }
                for (String key : item.object().keySet()) {
                    if (!List.of(allowed).contains(key)) {
                        throw new HelperException(where + "[" + i + "]: unknown field '" + key + "' (expected "
                                + String.join(", ", allowed) + ")");
                    }
                }
                out.add(item.object());
            }
            return out;
        }

        static GoRegexp regexp(String re2, String where) throws HelperException {
            try {
                return GoRegexp.compile(re2);
            } catch (PatternSyntaxException e) {
                throw new HelperException(where + ": invalid regular expression: " + e.getDescription() + " in '"
                        + re2 + "'");
            }
        }

        private static String kind(JsonNode node) {
            return node.kind().name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
