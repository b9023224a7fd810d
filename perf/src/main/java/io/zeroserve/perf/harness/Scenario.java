package io.zeroserve.perf.harness;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One benchmark scenario: which load tool drives which URL, and how a server's answer is checked before it is
 * measured (a server that answers wrongly is not measured).
 *
 * @param name          the name used by {@code --scenario}
 * @param description   one line for the report
 * @param tool          the load generator
 * @param tls           HTTPS (true) or plaintext HTTP
 * @param path          request path and query
 * @param headers       extra request headers, {@code "Name: value"}
 * @param bodyLength    expected response body length in bytes, or -1 for any
 * @param header        a response header that must be present (lower case), or null
 * @param body          a pattern the response body must contain, or null
 * @param nginxLua      nginx runs this scenario with the Lua module ("nginx+lua"), not plain nginx
 * @param zeroserveSite  which packed site zeroserve serves the scenario from: {@code static} (no scripts),
 *                      {@code scripts} (the JSON and middleware script) or {@code proxy} (the proxy script); separate
 *                      sites, so that a helper zeroserve lacks fails only the scenarios that use it
 * @param upstream      the scenario needs the local upstream (proxying)
 */
record Scenario(String name, String description, Tool tool, boolean tls, String path, List<String> headers,
                int bodyLength, String header, Pattern body, boolean nginxLua,
                String zeroserveSite, boolean upstream) {

    /** The load generators. */
    enum Tool {
        /** wrk: HTTP/1.1 keep-alive. */
        WRK,
        /** h2load: HTTP/2 over ALPN, several streams per connection. */
        H2LOAD,
        /**
         * {@code openssl s_time -new}, several in parallel: a full TLS handshake per connection and no request. wrk
         * and h2load resume TLS sessions when they reconnect, so they would measure resumption wherever the server
         * issues tickets, and full handshakes elsewhere.
         */
        S_TIME
    }

    static final int SMALL_SIZE = 174;
    static final int LARGE_SIZE = 102_400;

    /** All scenarios, in report order. */
    static final List<Scenario> ALL = List.of(
            new Scenario("static-small-h1", "174 B file, HTTPS, HTTP/1.1 keep-alive (wrk)",
                    Tool.WRK, true, "/small.html", List.of(), SMALL_SIZE, null, null, false, "static", false),
            new Scenario("static-small-h2", "174 B file, HTTPS, HTTP/2, 10 streams per connection (h2load)",
                    Tool.H2LOAD, true, "/small.html", List.of(), SMALL_SIZE, null, null, false, "static", false),
            new Scenario("static-large-h1", "100 KB file, HTTPS, HTTP/1.1 keep-alive (wrk)",
                    Tool.WRK, true, "/big.bin", List.of(), LARGE_SIZE, null, null, false, "static", false),
            new Scenario("static-small-plain", "174 B file, plaintext HTTP/1.1 keep-alive (wrk)",
                    Tool.WRK, false, "/small.html", List.of(), SMALL_SIZE, null, null, false, "static", false),
            new Scenario("handshakes", "a new TLS 1.3 connection with a full handshake each time, no session"
                    + " resumption, no request (openssl s_time -new, 4 parallel clients per client CPU; req/s means"
                    + " handshakes/s; latency not measured)",
                    Tool.S_TIME, true, "/small.html", List.of(), SMALL_SIZE, null, null, false, "static", false),
            new Scenario("proxy-small", "HTTPS in, proxied over pooled HTTP/1.1 to one local upstream answering 174 B"
                    + " (wrk)",
                    Tool.WRK, true, "/proxy/small.html", List.of(), SMALL_SIZE, null, null, false, "proxy", true),
            new Scenario("script-json", "JSON built from the request's method, path, query and headers (wrk;"
                    + " nginx+Lua content_by_lua_block, zeroserve eBPF script)",
                    Tool.WRK, true, "/api/json?name=perf&id=42", List.of("X-Request-Id: abc123"), -1, null,
                    // Both fields, in any order and with any spacing: JSON key order differs between servers.
                    Pattern.compile("(?s)^(?=.*\"name\"\\s*:\\s*\"perf\")(?=.*\"request_id\"\\s*:\\s*\"abc123\")"),
                    true, "scripts", false),
            new Scenario("script-middleware", "request-header rewrite plus a response header in front of the 174 B"
                    + " file (wrk; nginx+Lua rewrite_by_lua/header_filter_by_lua, zeroserve eBPF script)",
                    Tool.WRK, true, "/mw/small.html", List.of("X-Api-Key: k-123"), SMALL_SIZE, "x-perf-mw",
                    null, true, "scripts", false));

    static Scenario named(String name) {
        for (Scenario s : ALL) {
            if (s.name.equals(name)) {
                return s;
            }
        }
        StringBuilder known = new StringBuilder();
        for (Scenario s : ALL) {
            known.append(known.isEmpty() ? "" : ", ").append(s.name);
        }
        throw new UsageException("unknown scenario '" + name + "' (known: " + known + ")");
    }
}
