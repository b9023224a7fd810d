package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import io.zeroserve.script.json.JsonNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations of {@code zs_req_rewrite_query}: the {@code query} operations of Caddy's {@code rewrite} handler.
 * The query is parsed as Go's {@code url.ParseQuery} does (pairs split on {@code &}; a pair holding a {@code ;} or
 * a malformed escape is dropped; {@code +} is a space), then, in this order:
 * <ol>
 *   <li>{@code rename}: {@code [{key, val}]} moves the values of {@code key} to {@code val} (replacing any there);
 *       skipped when either is empty, they are equal, or {@code key} is absent;</li>
 *   <li>{@code set}: {@code [{key, val}]} makes {@code val} the only value of {@code key};</li>
 *   <li>{@code add}: {@code [{key, val}]} appends a value;</li>
 *   <li>{@code replace}: {@code [{key, search | search_regexp, replace}]} in every value of {@code key}, or of every
 *       key when {@code key} is {@code *}; {@code search_regexp} wins when both are given (RE2 syntax, Go
 *       template, see {@link GoRegexp});</li>
 *   <li>{@code delete}: {@code [key, ...]}.</li>
 * </ol>
 * Then the query is encoded as Go's {@code url.Values.Encode}: keys in byte order, {@code key=value} pairs joined by
 * {@code &}, everything but {@code A-Za-z0-9-_.~} escaped ({@code +} for a space). Decoded bytes that are not
 * UTF-8 become U+FFFD. Immutable and thread-safe.
 */
final class QueryRewrite {
    record Pair(String key, String val) {
    }

    record Replace(String key, String search, GoRegexp regexp, String replace) {
    }

    private final List<Pair> rename;
    private final List<Pair> set;
    private final List<Pair> add;
    private final List<Replace> replace;
    private final List<String> delete;

    private QueryRewrite(List<Pair> rename, List<Pair> set, List<Pair> add, List<Replace> replace,
                         List<String> delete) {
        this.rename = List.copyOf(rename);
        this.set = List.copyOf(set);
        this.add = List.copyOf(add);
        this.replace = List.copyOf(replace);
        this.delete = List.copyOf(delete);
    }

    /** Parses the ops object; unknown keys, wrong types and bad regular expressions are hard failures. */
    static QueryRewrite parse(String json) throws HelperException {
        Map<String, JsonNode> ops = UriRewrite.Ops.object(json, "zs_req_rewrite_query");
        List<Pair> rename = List.of();
        List<Pair> set = List.of();
        List<Pair> add = List.of();
        List<Replace> replace = new ArrayList<>();
        List<String> delete = List.of();
        for (Map.Entry<String, JsonNode> e : ops.entrySet()) {
            String where = "zs_req_rewrite_query: " + e.getKey();
            switch (e.getKey()) {
                case "rename" -> rename = pairs(e.getValue(), where);
                case "set" -> set = pairs(e.getValue(), where);
                case "add" -> add = pairs(e.getValue(), where);
                case "replace" -> {
                    List<Map<String, JsonNode>> list = UriRewrite.Ops.objects(e.getValue(), where, "key", "search",
                            "search_regexp", "replace");
                    for (int i = 0; i < list.size(); i++) {
                        Map<String, JsonNode> o = list.get(i);
                        String at = where + "[" + i + "]";
                        String regexp = UriRewrite.Ops.string(o.get("search_regexp"), at + ".search_regexp");
                        replace.add(new Replace(UriRewrite.Ops.string(o.get("key"), at + ".key"),
                                UriRewrite.Ops.string(o.get("search"), at + ".search"),
                                regexp.isEmpty() ? null : UriRewrite.Ops.regexp(regexp, at + ".search_regexp"),
                                UriRewrite.Ops.string(o.get("replace"), at + ".replace")));
                    }
                }
                case "delete" -> delete = UriRewrite.Ops.strings(e.getValue(), where);
                default -> throw new HelperException("zs_req_rewrite_query: unknown operation '" + e.getKey()
                        + "' (expected rename, set, add, replace, delete)");
            }
        }
        return new QueryRewrite(rename, set, add, replace, delete);
    }

    private static List<Pair> pairs(JsonNode node, String where) throws HelperException {
        List<Pair> out = new ArrayList<>();
        List<Map<String, JsonNode>> list = UriRewrite.Ops.objects(node, where, "key", "val");
        for (int i = 0; i < list.size(); i++) {
            Map<String, JsonNode> o = list.get(i);
            String at = where + "[" + i + "]";
            out.add(new Pair(UriRewrite.Ops.string(o.get("key"), at + ".key"),
                    UriRewrite.Ops.string(o.get("val"), at + ".val")));
        }
        return out;
    }

    /**
     * Rewrites a raw query (null for none).
     *
     * @return the encoded query, or null when it is empty
     * @throws HelperException when the query would grow past {@link UriRewrite#MAX_URI_CHARS}, or a regular
     *                         expression takes too long
     */
    String apply(String rawQuery) throws HelperException {
        Map<String, List<String>> values = parseQuery(rawQuery);
        for (Pair r : rename) {
            if (r.key().isEmpty() || r.val().isEmpty() || r.key().equals(r.val())) {
                continue;
            }
            List<String> moved = values.remove(r.key());
            if (moved != null) {
                values.put(r.val(), moved);
            }
        }
        for (Pair s : set) {
            if (!s.key().isEmpty()) {
                values.put(s.key(), new ArrayList<>(List.of(s.val())));
            }
        }
        for (Pair a : add) {
            if (!a.key().isEmpty()) {
                values.computeIfAbsent(a.key(), k -> new ArrayList<>()).add(a.val());
            }
        }
        for (int i = 0; i < replace.size(); i++) {
            Replace r = replace.get(i);
            String what = "zs_req_rewrite_query: replace[" + i + "]";
            for (Map.Entry<String, List<String>> e : values.entrySet()) {
                if (!r.key().equals("*") && !r.key().equals(e.getKey())) {
                    continue;
                }
                List<String> vals = e.getValue();
                for (int v = 0; v < vals.size(); v++) {
                    vals.set(v, r.regexp() != null
                            ? r.regexp().replaceAll(vals.get(v), r.replace(), UriRewrite.MAX_URI_CHARS, what)
                            : replaceAll(vals.get(v), r.search(), r.replace(), what));
                }
            }
            checkSize(values, what);
        }
        for (String key : delete) {
            if (!key.isEmpty()) {
                values.remove(key);
            }
        }
        String encoded = encode(values);
        if (encoded.length() > UriRewrite.MAX_URI_CHARS) {
            throw new HelperException("zs_req_rewrite_query: result longer than " + UriRewrite.MAX_URI_CHARS
                    + " characters");
        }
        return encoded.isEmpty() ? null : encoded;
    }

    /** Go's {@code strings.ReplaceAll}; an empty {@code search} inserts {@code with} around every character. */
    private static String replaceAll(String s, String search, String with, String what) throws HelperException {
        if (!search.isEmpty()) {
            return UriRewrite.replace(s, search, with, 0, what);
        }
        int points = s.codePointCount(0, s.length());
        if (s.length() + (long) (points + 1) * with.length() > UriRewrite.MAX_URI_CHARS) {
            throw new HelperException(what + ": result longer than " + UriRewrite.MAX_URI_CHARS + " characters");
        }
        StringBuilder out = new StringBuilder().append(with);
        s.codePoints().forEach(cp -> out.appendCodePoint(cp).append(with));
        return out.toString();
    }

    private static void checkSize(Map<String, List<String>> values, String what) throws HelperException {
        long size = 0;
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            for (String v : e.getValue()) {
                size += e.getKey().length() + v.length() + 2;
            }
        }
        if (size > UriRewrite.MAX_URI_CHARS) {
            throw new HelperException(what + ": query longer than " + UriRewrite.MAX_URI_CHARS + " characters");
        }
    }

    /** Go's {@code url.ParseQuery}, keeping what it keeps when it reports an error. */
    static Map<String, List<String>> parseQuery(String query) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (query == null) {
            return values;
        }
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty() || pair.indexOf(';') >= 0) {
                continue; // Go 1.17+ refuses ';' as a separator and drops the pair
            }
            int eq = pair.indexOf('=');
            String key = unescape(eq < 0 ? pair : pair.substring(0, eq));
            String value = unescape(eq < 0 ? "" : pair.substring(eq + 1));
            if (key == null || value == null) {
                continue;
            }
            values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return values;
    }

    /** Go's {@code QueryUnescape}: {@code +} is a space; null for a {@code %} not followed by two hex digits. */
    static String unescape(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '%') {
                if (i + 2 >= in.length) {
                    return null;
                }
                int hi = Character.digit(in[i + 1], 16);
                int lo = Character.digit(in[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(b == '+' ? ' ' : b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Go's {@code url.Values.Encode}: keys sorted by their UTF-8 bytes, each value in order. */
    static String encode(Map<String, List<String>> values) {
        List<String> keys = new ArrayList<>(values.keySet());
        keys.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8)));
        StringBuilder out = new StringBuilder();
        for (String key : keys) {
            String escapedKey = escape(key.getBytes(StandardCharsets.UTF_8));
            for (String v : values.get(key)) {
                if (!out.isEmpty()) {
                    out.append('&');
                }
                out.append(escapedKey).append('=').append(escape(v.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out.toString();
    }

    /** Go's {@code QueryEscape}: unreserved bytes kept, a space as {@code +}, the rest {@code %XX} upper-case. */
    static String escape(byte[] s) {
        StringBuilder out = new StringBuilder(s.length);
        for (byte x : s) {
            int b = x & 0xff;
            if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_'
                    || b == '.' || b == '~') {
                out.append((char) b);
            } else if (b == ' ') {
                out.append('+');
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 15, 16)));
            }
        }
        return out.toString();
    }
}
