package io.zeroserve.script;

import io.zeroserve.ebpf.GuestMemory;
import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.script.json.JsonCodec;
import io.zeroserve.script.json.JsonNode;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/** Request inspection and mutation: {@code zs_req_*}, {@code zs_connection_info}. */
final class RequestHelpers {
    private RequestHelpers() {
    }

    @FunctionalInterface
    private interface StringFact {
        String of(ScriptContext ctx);
    }

    private static void cstrHelper(HelperTable.Builder b, String name, StringFact fact) {
        b.add(name, (c, out, outLen, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            return Guest.cstr(c.memory(), out, outLen, fact.of(ctx));
        });
    }

    static void register(HelperTable.Builder b) {
        cstrHelper(b, "zs_req_method", ctx -> ctx.run.state.method());
        cstrHelper(b, "zs_req_path", ctx -> ctx.run.state.path());
        cstrHelper(b, "zs_req_normalized_path", ctx -> ctx.run.state.normalizedPath());
        cstrHelper(b, "zs_req_uri", ctx -> ctx.run.state.uri());
        cstrHelper(b, "zs_req_query", ctx -> {
            String q = ctx.run.state.query();
            return q == null ? "" : q;
        });
        cstrHelper(b, "zs_req_scheme", ctx -> ctx.run.request.scheme());
        cstrHelper(b, "zs_req_peer", ctx -> formatPeer(ctx.run.request.peer()));
        b.add("zs_req_proto_major", (c, r1, r2, r3, r4, r5) -> ScriptContext.of(c).run.request.protoMajor());
        b.add("zs_req_proto_minor", (c, r1, r2, r3, r4, r5) -> ScriptContext.of(c).run.request.protoMinor());
        b.add("zs_req_is_tls", (c, r1, r2, r3, r4, r5) -> ScriptContext.of(c).run.connection().tls() ? 1 : 0);
        b.add("zs_req_tls_handshake_complete", (c, r1, r2, r3, r4, r5) ->
                ScriptContext.of(c).run.connection().handshakeComplete() ? 1 : 0);
        b.add("zs_req_header", (c, name, nameLen, out, outLen, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            String value = ctx.run.state.header(Guest.str(c.memory(), name, nameLen).trim());
            return Guest.cstr(c.memory(), out, outLen, value == null ? "" : value);
        });
        b.add("zs_req_query_param", (c, name, nameLen, out, outLen, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            String key = Guest.str(c.memory(), name, nameLen).trim();
            String value = QueryString.first(ctx.run.state.query(), key);
            return Guest.cstr(c.memory(), out, outLen, value == null ? "" : value);
        });
        b.add("zs_req_query_param_matches", (c, name, nameLen, val, valLen, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            GuestMemory m = c.memory();
            String key = Guest.str(m, name, nameLen).trim();
            String wanted = Guest.str(m, val, valLen);
            return QueryString.matches(ctx.run.state.query(), key, wanted) ? 1 : 0;
        });
        b.add("zs_req_remote_ip_matches", (c, json, len, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            Optional<JsonNode> ranges = JsonCodec.parse(Guest.bytes(c.memory(), json, len));
            if (ranges.isEmpty() || !ranges.get().isArray()) {
                return -1;
            }
            InetSocketAddress peer = ctx.run.request.peer();
            InetAddress ip = peer == null ? null : peer.getAddress();
            if (ip == null) {
                return 0;
            }
            for (JsonNode range : ranges.get().array()) {
                if (range.kind() == JsonNode.Kind.STRING && IpRange.contains(range.string(), ip)) {
                    return 1;
                }
            }
            return 0;
        });
        b.add("zs_connection_info", (c, r1, r2, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            return ctx.addJson(connectionInfo(ctx.run.connection()));
        });

        b.add("zs_req_set_method", (c, p, len, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            String method = Guest.str(c.memory(), p, len).trim();
            if (!HttpSyntax.isToken(method)) {
                throw new HelperException("zs_req_set_method: invalid method '" + method + "'");
            }
            ctx.run.state.setMethod(method);
            return 0;
        });
        b.add("zs_req_set_uri", (c, p, len, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            String uri = Guest.str(c.memory(), p, len).trim();
            if (uri.isEmpty() || !isRequestTarget(uri)) {
                throw new HelperException("zs_req_set_uri: invalid request target '" + uri + "'");
            }
            ctx.run.state.setUri(uri);
            return 0;
        });
        b.add("zs_req_set_header", (c, name, nameLen, val, valLen, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            GuestMemory m = c.memory();
            String n = checkedName(Guest.str(m, name, nameLen), "zs_req_set_header");
            String v = valLen == 0 ? null : checkedValue(Guest.str(m, val, valLen), "zs_req_set_header");
            ctx.charge(n.length() + (v == null ? 0 : v.length()));
            ctx.run.state.setHeader(n, v);
            return 0;
        });
        b.add("zs_req_append_header", (c, name, nameLen, val, valLen, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            GuestMemory m = c.memory();
            String n = checkedName(Guest.str(m, name, nameLen), "zs_req_append_header");
            String v = checkedValue(Guest.str(m, val, valLen), "zs_req_append_header");
            ctx.charge(n.length() + v.length());
            ctx.run.state.appendHeader(n, v);
            return 0;
        });
        b.add("zs_req_delete_header", (c, p, len, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            String pattern = Guest.str(c.memory(), p, len).trim();
            if (!pattern.isEmpty()) {
                ctx.run.state.deleteHeaders(pattern);
            }
            return 0;
        });
        b.add("zs_req_replace_header", (c, p, len, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            HeaderReplace op = HeaderReplace.parse(Guest.bytes(c.memory(), p, len));
            if (op == null) {
                return -1;
            }
            boolean changed = false;
            for (RequestState.Field f : ctx.run.state.headers()) {
                if (f.name.equals(op.name())) {
                    String v = op.apply(f.value);
                    if (!HttpSyntax.isFieldValue(v)) {
                        throw new HelperException("zs_req_replace_header: result is not a valid header value");
                    }
                    ctx.charge(v.length());
                    f.value = v;
                    changed = true;
                }
            }
            if (changed) {
                ctx.run.state.markHeadersChanged();
            }
            return 0;
        });
        b.add("zs_req_body_limit", (c, max, r2, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            long limit = max < 0 ? Long.MAX_VALUE : max;
            ctx.run.lowerBodyLimit(limit);
            String cl = ctx.run.state.header("content-length");
            if (cl != null) {
                try {
                    return Long.parseLong(cl.trim()) > limit ? 1 : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
            return 0;
        });
        b.add("zs_req_body_json", (c, r1, r2, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            byte[] body = ctx.run.body();
            if (body == null || body.length == 0) {
                return -1;
            }
            Optional<JsonNode> parsed = JsonCodec.parse(body);
            return parsed.isEmpty() ? -1 : ctx.addJson(parsed.get());
        });
    }

    static String formatPeer(InetSocketAddress peer) {
        if (peer == null) {
            return "";
        }
        InetAddress a = peer.getAddress();
        String host = a == null ? peer.getHostString() : a.getHostAddress();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        if (a instanceof Inet6Address) {
            host = "[" + compressV6(host) + "]";
        }
        return host + ":" + peer.getPort();
    }

    /** Java prints IPv6 uncompressed ({@code 0:0:0:0:0:0:0:1}); scripts expect RFC 5952 form ({@code ::1}). */
    private static String compressV6(String full) {
        String[] parts = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < parts.length; ) {
            if (parts[i].equals("0")) {
                int j = i;
                while (j < parts.length && parts[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String left = String.join(":", java.util.Arrays.copyOfRange(parts, 0, bestStart));
        String right = String.join(":", java.util.Arrays.copyOfRange(parts, bestStart + bestLen, parts.length));
        return left + "::" + right;
    }

    static JsonNode connectionInfo(ConnectionFacts f) {
        JsonNode o = JsonNode.newObject();
        o.object().put("tls", JsonNode.of(f.tls()));
        o.object().put("tls_handshake_complete", JsonNode.of(f.handshakeComplete()));
        o.object().put("alpn", nullable(f.alpn()));
        JsonNode sni = JsonNode.newObject();
        sni.object().put("inner", nullable(f.sniInner()));
        sni.object().put("outer", nullable(f.sniOuter()));
        o.object().put("sni", sni);
        if (f.echConfigured()) {
            JsonNode ech = JsonNode.newObject();
            ech.object().put("accepted", JsonNode.of(f.echAccepted()));
            o.object().put("ech", ech);
        } else {
            o.object().put("ech", JsonNode.ofNull());
        }
        JsonNode fp = JsonNode.newObject();
        fp.object().put("ja4", nullable(f.ja4()));
        o.object().put("fingerprint", fp);
        JsonNode client = JsonNode.newObject();
        if (f.clientCertificate() == null) {
            client.object().put("certificate", JsonNode.ofNull());
        } else {
            ConnectionFacts.ClientCertificate cc = f.clientCertificate();
            JsonNode cert = JsonNode.newObject();
            cert.object().put("fingerprint_sha256", nullable(cc.fingerprintSha256()));
            cert.object().put("subject", nullable(cc.subject()));
            cert.object().put("issuer", nullable(cc.issuer()));
            cert.object().put("serial", nullable(cc.serial()));
            client.object().put("certificate", cert);
        }
        JsonNode chain = JsonNode.newArray();
        for (String s : f.chainFingerprintsSha256()) {
            chain.array().add(JsonNode.of(s));
        }
        client.object().put("chain_fingerprints_sha256", chain);
        o.object().put("tls_client", client);
        return o;
    }

    private static JsonNode nullable(String s) {
        return s == null ? JsonNode.ofNull() : JsonNode.of(s);
    }

    private static String checkedName(String raw, String helper) throws HelperException {
        String n = raw.trim();
        if (!HttpSyntax.isToken(n)) {
            throw new HelperException(helper + ": invalid header name '" + n + "'");
        }
        return n;
    }

    private static String checkedValue(String raw, String helper) throws HelperException {
        String v = raw.trim();
        if (!HttpSyntax.isFieldValue(v)) {
            throw new HelperException(helper + ": invalid header value (control characters)");
        }
        return v;
    }

    private static boolean isRequestTarget(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char ch = uri.charAt(i);
            if (ch <= 0x20 || ch == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Query-string access with form decoding ({@code +} is a space; bad escapes stay literal). */
    static final class QueryString {
        private QueryString() {
        }

        static String first(String query, String key) {
            if (query == null || query.isEmpty()) {
                return null;
            }
            int end = trailingEnd(query);
            for (int start = 0; start < end; ) {
                int amp = query.indexOf('&', start);
                int stop = amp < 0 || amp > end ? end : amp;
                int eq = indexOf(query, '=', start, stop);
                if (keyEquals(query, start, eq < 0 ? stop : eq, key)) {
                    return eq < 0 ? "" : formDecode(query.substring(eq + 1, stop));
                }
                start = stop + 1;
            }
            return null;
        }

        static boolean matches(String query, String key, String wanted) {
            if (query == null || query.isEmpty()) {
                return false;
            }
            int end = trailingEnd(query);
            for (int start = 0; start < end; ) {
                int amp = query.indexOf('&', start);
                int stop = amp < 0 || amp > end ? end : amp;
                if (stop > start) {
                    int eq = indexOf(query, '=', start, stop);
                    if (keyEquals(query, start, eq < 0 ? stop : eq, key) && (wanted.equals("*")
                            || wanted.equals(eq < 0 ? "" : formDecode(query.substring(eq + 1, stop))))) {
                        return true;
                    }
                }
                start = stop + 1;
            }
            return false;
        }

        /** Where the pairs end: trailing empty pairs ({@code a=1&&}) are not pairs, as with {@code split("&")}. */
        private static int trailingEnd(String query) {
            int end = query.length();
            while (end > 0 && query.charAt(end - 1) == '&') {
                end--;
            }
            return end;
        }

        private static int indexOf(String s, char c, int from, int to) {
            int i = s.indexOf(c, from);
            return i < 0 || i >= to ? -1 : i;
        }

        /** The form-decoded {@code query[from, to)} equals {@code key}; no substring unless it has escapes. */
        private static boolean keyEquals(String query, int from, int to, String key) {
            for (int i = from; i < to; i++) {
                char ch = query.charAt(i);
                if (ch == '%' || ch == '+') {
                    return formDecode(query.substring(from, to)).equals(key);
                }
            }
            return to - from == key.length() && query.regionMatches(from, key, 0, key.length());
        }

        static String formDecode(String s) {
            if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
                return s;
            }
            byte[] in = s.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
            for (int i = 0; i < in.length; i++) {
                byte x = in[i];
                if (x == '+') {
                    out.write(' ');
                } else if (x == '%' && i + 2 < in.length
                        && Character.digit(in[i + 1], 16) >= 0 && Character.digit(in[i + 2], 16) >= 0) {
                    out.write(Character.digit(in[i + 1], 16) << 4 | Character.digit(in[i + 2], 16));
                    i += 2;
                } else {
                    out.write(x);
                }
            }
            // Lenient like form decoders: invalid UTF-8 becomes U+FFFD rather than failing the helper.
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** An IP or CIDR match. */
    static final class IpRange {
        private IpRange() {
        }

        static boolean contains(String range, InetAddress ip) {
            String r = range.trim();
            int slash = r.indexOf('/');
            String base = slash < 0 ? r : r.substring(0, slash);
            InetAddress net = parseLiteral(base);
            if (net == null) {
                return false;
            }
            byte[] a = net.getAddress();
            byte[] b = normalize(ip.getAddress(), a.length);
            if (b == null) {
                return false;
            }
            int bits = a.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(r.substring(slash + 1));
                } catch (NumberFormatException e) {
                    return false;
                }
                if (bits < 0 || bits > a.length * 8) {
                    return false;
                }
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i & 7);
                if ((a[i >> 3] & mask) != (b[i >> 3] & mask)) {
                    return false;
                }
            }
            return true;
        }

        /** An IPv4-mapped IPv6 peer matches IPv4 ranges. */
        private static byte[] normalize(byte[] addr, int wanted) {
            if (addr.length == wanted) {
                return addr;
            }
            if (addr.length == 16 && wanted == 4) {
                for (int i = 0; i < 10; i++) {
                    if (addr[i] != 0) {
                        return null;
                    }
                }
                if (addr[10] != (byte) 0xff || addr[11] != (byte) 0xff) {
                    return null;
                }
                return java.util.Arrays.copyOfRange(addr, 12, 16);
            }
            return null;
        }

        /** Parses an IP literal without ever doing a DNS lookup. */
        static InetAddress parseLiteral(String s) {
            if (s.isEmpty()) {
                return null;
            }
            boolean v6 = s.indexOf(':') >= 0;
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                boolean ok = v6 ? Character.digit(ch, 16) >= 0 || ch == ':' || ch == '.' : ch >= '0' && ch <= '9' || ch == '.';
                if (!ok) {
                    return null;
                }
            }
            try {
                // A literal of only digits, dots and colons is never resolved through DNS.
                InetAddress a = InetAddress.getByName(s);
                return v6 || a instanceof Inet4Address ? a : null;
            } catch (java.net.UnknownHostException e) {
                return null;
            }
        }
    }

    /** {@code {"name", "search" | "search_regexp", "replace"}} applied to header values. */
    record HeaderReplace(String name, String search, GoRegexp regex, String replace) {
        /** The longest value a replacement may produce, in chars (the footprint limit applies on top). */
        static final int MAX_VALUE_CHARS = 1 << 20;

        static HeaderReplace parse(byte[] json) throws HelperException {
            Optional<JsonNode> parsed = JsonCodec.parse(json);
            if (parsed.isEmpty() || !parsed.get().isObject()) {
                return null;
            }
            var o = parsed.get().object();
            JsonNode name = o.get("name");
            JsonNode replace = o.get("replace");
            JsonNode search = o.get("search");
            JsonNode regex = o.get("search_regexp");
            if (name == null || name.kind() != JsonNode.Kind.STRING
                    || replace != null && replace.kind() != JsonNode.Kind.STRING) {
                return null;
            }
            String rep = replace == null ? "" : replace.string();
            if (regex != null && regex.kind() == JsonNode.Kind.STRING) {
                try {
                    return new HeaderReplace(name.string().trim().toLowerCase(java.util.Locale.ROOT), null,
                            GoRegexp.compile(regex.string()), rep);
                } catch (PatternSyntaxException e) {
                    return null;
                }
            }
            if (search != null && search.kind() == JsonNode.Kind.STRING) {
                return new HeaderReplace(name.string().trim().toLowerCase(java.util.Locale.ROOT), search.string(),
                        null, rep);
            }
            return null;
        }

        String apply(String value) throws HelperException {
            if (regex == null) {
                return search.isEmpty() ? value : value.replace(search, replace);
            }
            // RE2 syntax and Go's template expansion ($1, ${1}, $name, $$), as Caddy's header replacement.
            return regex.replaceAll(value, replace, MAX_VALUE_CHARS, "header regex replacement");
        }
    }

    /** A CharSequence that stops a regex engine after a fixed number of character reads. */
    static final class BudgetedChars implements CharSequence {
        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }

        private final String s;
        private final int[] budget;

        BudgetedChars(String s, int budget) {
            this(s, new int[] {budget});
        }

        private BudgetedChars(String s, int[] budget) {
            this.s = s;
            this.budget = budget;
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) {
                throw new Exhausted();
            }
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BudgetedChars(s.substring(start, end), budget);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
