package io.zeroserve.http;

import io.zeroserve.Curl;
import io.zeroserve.TestSites;
import io.zeroserve.ZeroServe;
import io.zeroserve.proxy.TestUpstream;
import io.zeroserve.script.ScriptCompiler;
import io.zeroserve.script.ScriptConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zs_reverse_proxy} behind the real server: a site script hands requests to a real upstream on loopback,
 * and clients speak HTTP/1.1 (the JDK client, raw sockets) and HTTP/2 (curl, h2c).
 */
class ProxyServingTest {
    @TempDir
    Path tmp;
    private ZeroServe server;
    private TestUpstream upstream;
    private int downPort;
    private Socket reserved;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void needsClang() {
        Assumptions.assumeTrue(ScriptCompiler.available(), "clang is not installed");
    }

    /** Routes by path prefix; everything else goes to UPSTREAM/base?k=v with a metadata response header. */
    private static final String SCRIPT = """
            static int starts(const char *s, const char *prefix) {
              return zs_strncmp(s, prefix, zs_strlen(prefix)) == 0;
            }
            ZS_CALL_ENTRY(retag, input) {
              char v[16];
              zs_res_header(ZS_STR("x-upstream"), v, sizeof v);
              if (zs_strcmp(v, "test") == 0) {
                zs_res_set_status(203);
                zs_res_replace_header(ZS_STR("{\\"name\\":\\"x-upstream\\","
                                             "\\"search\\":\\"test\\",\\"replace\\":\\"hooked\\"}"));
              }
              return input;
            }
            ZS_CALL_ENTRY(auth_check, input) {
              if (zs_res_status() == 200) {
                zs_meta_set(ZS_STR("authed"), ZS_STR("1"));
                zs_res_continue_request();
              }
              return input;
            }
            ZS_ENTRY zs_u64 e(void) {
              char path[128];
              zs_req_normalized_path(path, sizeof path);
              zs_meta_set(ZS_STR("zs.response.header.x-via"), ZS_STR("zeroserve"));
              if (starts(path, "/static/")) {
                return 0;
              } else if (starts(path, "/twice")) {
                zs_reverse_proxy(ZS_STR("UPSTREAM"));
                zs_reverse_proxy(ZS_STR("UPSTREAM"));
              } else if (starts(path, "/respond-then-proxy")) {
                zs_respond(200, ZS_STR("direct"));
                zs_reverse_proxy(ZS_STR("UPSTREAM"));
              } else if (starts(path, "/proxy-then-respond")) {
                zs_reverse_proxy(ZS_STR("UPSTREAM"));
                zs_respond(200, ZS_STR("direct"));
              } else if (starts(path, "/cleared")) {
                zs_respond(200, ZS_STR("direct"));
                zs_response_clear();
                zs_reverse_proxy(ZS_STR("UPSTREAM"));
              } else if (starts(path, "/bad-url")) {
                zs_reverse_proxy(ZS_STR("ftp://example.com/"));
              } else if (starts(path, "/limited")) {
                zs_req_body_limit(10);
                zs_reverse_proxy(ZS_STR("UPSTREAM"));
              } else if (starts(path, "/down")) {
                zs_reverse_proxy(ZS_STR("DOWN"));
              } else if (starts(path, "/json")) {
                zs_s64 body = zs_req_body_json();
                zs_meta_set(ZS_STR("zs.response.header.x-json"), body > 0 ? "yes" : "no", body > 0 ? 3 : 2);
                zs_reverse_proxy(ZS_STR("UPSTREAM"));
              } else if (starts(path, "/forward-auth")) {
                char authed[4];
                if (zs_meta_get(ZS_STR("authed"), authed, sizeof authed) == 0) {
                  zs_res_hook(ZS_STR(""), ZS_STR("auth_check"), 0);
                  zs_reverse_proxy(ZS_STR("UPSTREAM/auth"));
                } else {
                  zs_reverse_proxy(ZS_STR("UPSTREAM/app"));
                }
              } else if (starts(path, "/hooked")) {
                zs_res_hook(ZS_STR(""), ZS_STR("retag"), 0);
                zs_reverse_proxy(ZS_STR("UPSTREAM"));
              } else if (starts(path, "/as-head")) {
                zs_req_set_method(ZS_STR("HEAD"));
                zs_reverse_proxy(ZS_STR("UPSTREAM"));
              } else if (starts(path, "/mutate")) {
                zs_req_set_method(ZS_STR("PUT"));
                zs_req_set_uri(ZS_STR("/changed?x=1"));
                zs_req_set_header(ZS_STR("x-added"), ZS_STR("yes"));
                zs_req_set_header(ZS_STR("x-removed"), "", 0);
                zs_reverse_proxy(ZS_STR("UPSTREAM/base?k=v"));
              } else {
                zs_reverse_proxy(ZS_STR("UPSTREAM/base?k=v"));
              }
              return 0;
            }
            """;

    @BeforeEach
    void start() throws Exception {
        upstream = new TestUpstream();
        // A port bound but not listening: connections to it are refused, and no server (not even ours, which
        // would then proxy to itself) can take it while the test runs.
        reserved = new Socket();
        reserved.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        downPort = reserved.getLocalPort();
        String code = "#include \"zeroserve.h\"\n" + SCRIPT.replace("UPSTREAM", "http://127.0.0.1:" + upstream.port())
                .replace("DOWN", "http://127.0.0.1:" + downPort);
        byte[] script = ScriptCompiler.compile("proxy.c", code.getBytes(StandardCharsets.UTF_8));
        Path site = TestSites.create().file("static/hello.txt", "hello\n")
                .file(".zeroserve/scripts/proxy.o", script).writeTo(Files.createTempFile(tmp, "site", ".tar"));
        server = ZeroServe.builder().site(site).address("127.0.0.1:0").requestLogging(false)
                .scripts(ScriptConfig.defaults()).transport(TestSites.transport()).build().start();
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (reserved != null) {
            reserved.close();
        }
    }

    private String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder b) throws Exception {
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).GET());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void pathAndQueryAreJoinedOntoTheBackendUrl() throws Exception {
        HttpResponse<byte[]> r = get("/a/b%20c?q=1&r=2");
        assertEquals(200, r.statusCode());
        assertEquals("upstream ok", text(r));
        assertEquals(Optional.of("test"), r.headers().firstValue("x-upstream"));
        assertEquals(Optional.of("zeroserve"), r.headers().firstValue("x-via"),
                "metadata headers apply to proxied responses");
        TestUpstream.Received in = upstream.take();
        assertEquals("GET", in.method());
        assertEquals("/base/a/b%20c?k=v&q=1&r=2", in.target());
        assertEquals("hello\n", text(get("/static/hello.txt")), "a script that does not proxy falls through");
    }

    @Test
    void responseHooksSeeAndChangeProxiedResponses() throws Exception {
        HttpResponse<byte[]> r = get("/hooked");
        assertEquals(203, r.statusCode());
        assertEquals(Optional.of("hooked"), r.headers().firstValue("x-upstream"));
        assertEquals(Optional.of("zeroserve"), r.headers().firstValue("x-via"));
        assertEquals("upstream ok", text(r));
        Curl.Response h2 = Curl.run(base() + "/hooked", "--http2-prior-knowledge");
        assertEquals(203, h2.status());
        assertEquals("hooked", h2.header("x-upstream"));
    }

    @Test
    void forwardAuthProxiesToTheAuthServiceThenToTheApp() throws Exception {
        HttpResponse<byte[]> r = get("/forward-auth/page");
        assertEquals(200, r.statusCode());
        assertEquals("upstream ok", text(r));
        assertEquals("/auth/forward-auth/page", upstream.take().target(), "first the auth check");
        assertEquals("/app/forward-auth/page", upstream.take().target(),
                "then, after zs_res_continue_request in the hook, the app");
    }

    @Test
    void forwardingRulesForHeaders() throws Exception {
        String response = rawExchange("GET /hop HTTP/1.1\r\nHost: site.example\r\n"
                + "Connection: keep-alive, X-Secret\r\nX-Secret: s\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
                + "Proxy-Authorization: Basic eA==\r\nX-Forwarded-For: 203.0.113.9\r\nAccept: text/plain\r\n\r\n");
        String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
        assertTrue(head.startsWith("http/1.1 200"), head);
        assertTrue(head.contains("\r\nx-kept: yes"), head);
        assertTrue(head.contains("\r\nset-cookie: a=1") && head.contains("\r\nset-cookie: b=2"), head);
        assertTrue(head.contains("\r\nx-via: zeroserve"), head);
        for (String dropped : new String[] {"x-up-secret", "keep-alive", "alt-svc", "trailer", "proxy-authenticate",
                "upgrade"}) {
            assertFalse(head.contains("\r\n" + dropped + ":"), dropped + " reached the client: " + head);
        }
        assertTrue(response.endsWith("hop"), response);

        TestUpstream.Received in = upstream.take();
        assertEquals("site.example", in.field("host"), "Host goes upstream unchanged");
        assertEquals("203.0.113.9, 127.0.0.1", in.field("x-forwarded-for"));
        assertEquals("http", in.field("x-forwarded-proto"));
        assertEquals("site.example", in.field("x-forwarded-host"));
        assertEquals("text/plain", in.field("accept"));
        for (String dropped : new String[] {"connection", "x-secret", "keep-alive", "te", "proxy-authorization"}) {
            assertNull(in.field(dropped), dropped + " reached the upstream");
        }
    }

    @Test
    void scriptMutationsApplyToTheProxiedRequest() throws Exception {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(base() + "/mutate")).header("X-Removed", "1")
                .GET());
        assertEquals(200, r.statusCode());
        TestUpstream.Received in = upstream.take();
        assertEquals("PUT", in.method());
        assertEquals("/base/changed?k=v&x=1", in.target());
        assertEquals("yes", in.field("x-added"));
        assertFalse(in.has("x-removed"));
    }

    @Test
    void requestBodiesReachTheUpstream() throws Exception {
        byte[] data = new byte[200_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i % 251);
        }
        HttpResponse<byte[]> sized = send(HttpRequest.newBuilder(URI.create(base() + "/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(data)));
        assertEquals(200, sized.statusCode());
        TestUpstream.Received in = upstream.take();
        assertEquals("POST", in.method());
        assertEquals("length", in.framing());
        assertArrayEquals(data, in.body());

        HttpResponse<byte[]> chunked = send(HttpRequest.newBuilder(URI.create(base() + "/upload-chunked"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data))));
        assertEquals(200, chunked.statusCode());
        in = upstream.take();
        assertEquals("chunked", in.framing());
        assertArrayEquals(data, in.body());

        HttpResponse<byte[]> json = send(HttpRequest.newBuilder(URI.create(base() + "/json"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")));
        assertEquals(Optional.of("yes"), json.headers().firstValue("x-json"));
        in = upstream.take();
        assertEquals("{\"a\":1}", new String(in.body(), StandardCharsets.UTF_8),
                "the body a script buffered is what goes upstream");
        assertEquals("length", in.framing());

        byte[] large = new byte[400 * 1024]; // over the 256 KiB a script may buffer: read in part, then streamed
        java.util.Arrays.fill(large, (byte) '7');
        HttpResponse<byte[]> tooLargeForScripts = send(HttpRequest.newBuilder(URI.create(base() + "/json"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(large)));
        assertEquals(200, tooLargeForScripts.statusCode());
        assertEquals(Optional.of("no"), tooLargeForScripts.headers().firstValue("x-json"));
        assertArrayEquals(large, upstream.take().body(), "what the script read of it is sent too");
    }

    @Test
    void expectContinueIsAnsweredHereAndTheBodyProxied() throws Exception {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(base() + "/expect")).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString("after continue")));
        assertEquals(200, r.statusCode());
        TestUpstream.Received in = upstream.take();
        assertEquals("after continue", new String(in.body(), StandardCharsets.UTF_8));
        assertFalse(in.has("expect"));
    }

    @Test
    void webSocketUpgradesBecomeTunnels() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("GET /chat/ws?room=1 HTTP/1.1\r\nHost: site.example\r\nConnection: Upgrade\r\n"
                    + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String head = readHead(in).toLowerCase(Locale.ROOT);
            assertTrue(head.startsWith("http/1.1 101 "), head);
            assertTrue(head.contains("\r\nupgrade: websocket"), head);
            assertTrue(head.contains("\r\nconnection: upgrade"), head);
            assertTrue(head.contains("\r\nsec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="), head);
            assertTrue(head.contains("\r\nx-via: zeroserve"), head);
            assertFalse(head.contains("content-length"), head);
            for (String message : new String[] {"first frame", "second, longer frame ".repeat(500)}) {
                out.write(message.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals(message, new String(in.readNBytes(message.length()), StandardCharsets.US_ASCII),
                        "the upstream's echo comes back through the tunnel");
            }
        }
        TestUpstream.Received in = upstream.take();
        assertEquals("/base/chat/ws?k=v&room=1", in.target());
        assertEquals("websocket", in.field("upgrade"));
        assertEquals("upgrade", in.field("connection"));
        assertEquals("dGhlIHNhbXBsZSBub25jZQ==", in.field("sec-websocket-key"));
        assertEquals("site.example", in.field("host"));
    }

    @Test
    void aRefusedOrUnproxiedUpgradeIsAnsweredAndTheConnectionCloses() throws Exception {
        String refused = rawExchange("GET /not-ws HTTP/1.1\r\nHost: site.example\r\nConnection: Upgrade\r\n"
                + "Upgrade: websocket\r\n\r\n");
        assertTrue(refused.startsWith("HTTP/1.1 200 "), refused);
        assertTrue(refused.toLowerCase(Locale.ROOT).contains("\r\nconnection: close"), refused);
        assertTrue(refused.endsWith("upstream ok"), refused);
        String statik = rawExchange("GET /static/hello.txt HTTP/1.1\r\nHost: site.example\r\n"
                + "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
        assertTrue(statik.startsWith("HTTP/1.1 200 ") && statik.endsWith("hello\n"), statik);
        String down = rawExchange("GET /down/ws HTTP/1.1\r\nHost: site.example\r\nConnection: Upgrade\r\n"
                + "Upgrade: websocket\r\n\r\n");
        assertTrue(down.startsWith("HTTP/1.1 502 "), down);
    }

    /** Reads a response head, up to and including the blank line. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void largeResponsesStreamThroughIntact() throws Exception {
        HttpResponse<byte[]> chunked = get("/big");
        assertEquals(200, chunked.statusCode());
        assertArrayEquals(TestUpstream.BIG, chunked.body());
        HttpResponse<byte[]> sized = get("/big-length");
        assertEquals(Optional.of(Integer.toString(TestUpstream.BIG_SIZE)),
                sized.headers().firstValue("content-length"));
        assertArrayEquals(TestUpstream.BIG, sized.body());
        HttpResponse<byte[]> head = send(HttpRequest.newBuilder(URI.create(base() + "/big-length"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(Optional.of(Integer.toString(TestUpstream.BIG_SIZE)), head.headers().firstValue("content-length"));
        assertEquals(204, get("/no-content").statusCode());
        HttpResponse<byte[]> asHead = get("/as-head/big-length");
        assertEquals(200, asHead.statusCode());
        assertEquals(0, asHead.body().length, "a GET a script turned into a HEAD gets no body, and no false length");
        assertEquals("HEAD", upstreamMethodOf("/as-head/big-length"));
        assertEquals("final", text(get("/interim")), "1xx from the upstream are not passed on");
    }

    /** The method of the request the upstream received for {@code target}, skipping requests for other targets. */
    private String upstreamMethodOf(String target) throws InterruptedException {
        while (true) {
            TestUpstream.Received in = upstream.take();
            if (in.target().equals(target)) {
                return in.method();
            }
        }
    }

    @Test
    void upstreamConnectionsAreReused() throws Exception {
        for (int i = 0; i < 6; i++) {
            assertEquals("upstream ok", text(get("/r" + i)));
        }
        assertEquals(1, upstream.connections(), "one upstream connection for every request");
    }

    @Test
    void http2RequestsAreProxied() throws Exception {
        Curl.Response r = Curl.run(base() + "/h2/path?x=y", "--http2-prior-knowledge",
                "-H", "X-Forwarded-Proto: h2test");
        assertEquals("HTTP/2", r.protocol());
        assertEquals(200, r.status());
        assertEquals("upstream ok", r.text());
        assertEquals("zeroserve", r.header("x-via"));
        TestUpstream.Received in = upstream.take();
        assertEquals("/base/h2/path?k=v&x=y", in.target());
        assertEquals("127.0.0.1:" + server.port(), in.field("host"), ":authority goes upstream as Host");
        assertEquals("h2test", in.field("x-forwarded-proto"));

        Curl.Response big = Curl.run(base() + "/big", "--http2-prior-knowledge");
        assertArrayEquals(TestUpstream.BIG, big.body());
        upstream.take();

        Path body = Files.write(tmp.resolve("body.bin"), "h2 body".getBytes(StandardCharsets.UTF_8));
        Curl.Response post = Curl.run(base() + "/h2-upload", "--http2-prior-knowledge", "--data-binary",
                "@" + body);
        assertEquals(200, post.status());
        TestUpstream.Received upload = upstream.take();
        assertEquals("POST", upload.method());
        assertEquals("h2 body", new String(upload.body(), StandardCharsets.UTF_8));

        Curl.Response down = Curl.run(base() + "/down", "--http2-prior-knowledge");
        assertEquals(502, down.status());
        assertEquals(0, down.body().length);
    }

    @Test
    void anUnreachableUpstreamAnswers502WithAnEmptyBody() throws Exception {
        HttpResponse<byte[]> r = get("/down");
        assertEquals(502, r.statusCode());
        assertEquals(0, r.body().length);
        assertEquals(Optional.of("zeroserve"), r.headers().firstValue("x-via"));
        assertEquals(200, get("/still-up").statusCode(), "the server keeps serving");
    }

    @Test
    void bodiesOverTheScriptsLimitAre413() throws Exception {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(base() + "/limited"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100))));
        assertEquals(413, r.statusCode());
        HttpResponse<byte[]> chunked = send(HttpRequest.newBuilder(URI.create(base() + "/limited"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[100]))));
        assertEquals(413, chunked.statusCode());
        HttpResponse<byte[]> small = send(HttpRequest.newBuilder(URI.create(base() + "/limited"))
                .POST(HttpRequest.BodyPublishers.ofString("0123456789")));
        assertEquals(200, small.statusCode());
        assertEquals("0123456789", new String(upstream.take().body(), StandardCharsets.UTF_8));
        assertTrue(upstream.nothingReceived(), "no over-limit body reached the upstream whole");
    }

    @Test
    void aSecondTerminalActionFaults() throws Exception {
        for (String path : new String[] {"/twice", "/respond-then-proxy", "/proxy-then-respond", "/bad-url"}) {
            HttpResponse<byte[]> r = get(path);
            assertEquals(500, r.statusCode(), path);
            assertEquals(0, r.body().length, path);
        }
        assertTrue(upstream.nothingReceived());
        assertEquals("upstream ok", text(get("/cleared")), "zs_response_clear drops the response, then it proxies");
    }

    /** One request on a raw socket; the response read until its Content-Length is complete. */
    private String rawExchange(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (true) {
                String text = got.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    String lower = text.substring(0, end).toLowerCase(Locale.ROOT);
                    int cl = lower.indexOf("\r\ncontent-length:");
                    if (cl >= 0) {
                        int length = Integer.parseInt(lower.substring(cl + 17, lower.indexOf("\r\n", cl + 2)).strip());
                        if (got.size() >= end + 4 + length) {
                            return text;
                        }
                    }
                }
                int n = in.read(buffer);
                if (n < 0) {
                    return got.toString(StandardCharsets.ISO_8859_1);
                }
                got.write(buffer, 0, n);
            }
        }
    }
}
