package io.zeroserve.perf.helidon;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.staticcontent.FileSystemHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;

/**
 * The stock Helidon SE 4.5 server that {@code perf/run} measures next to zeroserve: what a Java team would pick
 * without zeroserve. Helidon's own listener, JSSE TLS 1.3 (ALPN h2 and http/1.1), its static-content feature, a
 * filter for the middleware scenario, a handler for the JSON scenario and Helidon's WebClient for the proxy scenario.
 *
 * <p>Arguments (all required except {@code --upstream}): {@code --root DIR --cert PEM --key PEM [--upstream
 * http://HOST:PORT]}. It binds 127.0.0.1 on two ephemeral ports, one TLS and one plaintext, and prints
 * {@code listening on https://127.0.0.1:PORT} and {@code listening on http://127.0.0.1:PORT} to stderr, the same
 * lines zeroserve prints, so the harness discovers both servers the same way.
 *
 * <p>Settings chosen for a fair comparison, stated here once: {@code tcp-no-delay} on (Helidon's default is off,
 * which costs HTTP/2 a delayed-ACK stall per response); everything else is Helidon's default.
 */
public final class HelidonPeer {
    private HelidonPeer() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        Path root = Path.of(require(opts, "--root"));
        Path cert = Path.of(require(opts, "--cert"));
        Path key = Path.of(require(opts, "--key"));
        String upstream = opts.get("--upstream");
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("--root " + root + " is not a directory");
        }

        Keys keys = Keys.builder()
                .pem(pem -> pem.key(Resource.create(key)).certChain(Resource.create(cert)))
                .build();
        WebClient client = upstream == null ? null : WebClient.builder().baseUri(URI.create(upstream)).build();

        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .tls(tls -> tls.privateKey(keys).privateKeyCertChain(keys).enabledProtocols(List.of("TLSv1.3")))
                .routing(r -> routing(r, root, client))
                .putSocket("plain", socket -> socket
                        .host("127.0.0.1")
                        .port(0)
                        .connectionOptions(o -> o.tcpNoDelay(true))
                        .routing(r -> routing(r, root, client)))
                .build()
                .start();
        System.err.println("listening on https://127.0.0.1:" + server.port());
        System.err.println("listening on http://127.0.0.1:" + server.port("plain"));
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    }

    private static void routing(HttpRouting.Builder routing, Path root, WebClient client) {
        // script-middleware: derive a request attribute from a request header (Helidon request headers are
        // read-only, so the rewritten value lives in the request context) and add a response header.
        routing.addFilter((chain, req, res) -> {
            if (req.path().path().startsWith("/mw/")) {
                String user = req.headers().first(HeaderNames.create("x-api-key")).orElse("anonymous");
                req.context().register("x-perf-user", user);
                res.header(HeaderValues.create("x-perf-mw", "1"));
            }
            chain.proceed();
        });
        // script-json: a JSON object built from the request's method, path, query and headers.
        routing.get("/api/json", (req, res) -> {
            var query = req.query();
            var headers = req.headers();
            String body = "{\"method\":\"" + escape(req.prologue().method().text())
                    + "\",\"path\":\"" + escape(req.path().path())
                    + "\",\"name\":\"" + escape(query.first("name").orElse(""))
                    + "\",\"id\":\"" + escape(query.first("id").orElse(""))
                    + "\",\"user_agent\":\"" + escape(headers.first(HeaderNames.USER_AGENT).orElse(""))
                    + "\",\"request_id\":\"" + escape(headers.first(HeaderNames.create("x-request-id")).orElse(""))
                    + "\"}";
            res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json"));
            res.send(body);
        });
        // proxy-small: forward GETs to the one upstream over Helidon's pooled HTTP/1.1 client.
        if (client != null) {
            routing.get("/proxy/*", (req, res) -> {
                try (HttpClientResponse up = client.get(req.path().rawPath()).request()) {
                    byte[] body = up.entity().as(byte[].class);
                    res.status(up.status());
                    up.headers().first(HeaderNames.CONTENT_TYPE)
                            .ifPresent(ct -> res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, ct)));
                    res.send(body);
                }
            });
        } else {
            routing.get("/proxy/*", (req, res) -> res.status(Status.BAD_GATEWAY_502).send());
        }
        routing.register("/", StaticContentFeature.createService(
                FileSystemHandlerConfig.builder().location(root).build()));
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            opts.put(args[i], args[++i]);
        }
        return opts;
    }

    private static String require(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing " + name
                    + " (usage: --root DIR --cert PEM --key PEM [--upstream http://HOST:PORT])");
        }
        return v;
    }
}
