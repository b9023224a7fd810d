package io.zeroserve.proxy;

import io.zeroserve.net.Transport;
import io.zeroserve.tls.CertificateBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ReverseProxy} against a real upstream on loopback: framing, pooling, header rules, failures, TLS. */
class ReverseProxyTest {
    TestUpstream upstream;
    ReverseProxy proxy;
    /** The transport plaintext TCP upstreams go through; null here (JDK sockets), set by the subclasses. */
    private Transport transport;

    /** The transport under test; none (JDK sockets) here. */
    protected Transport createTransport() throws IOException {
        return null;
    }

    @BeforeEach
    void createTransportUnderTest() throws IOException {
        transport = createTransport();
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (transport != null) {
            transport.close();
        }
    }

    ReverseProxy newProxy(ProxySettings settings, IoDeadlines deadlines) {
        return new ReverseProxy(settings, deadlines, transport);
    }

    private ReverseProxy newProxy() {
        return ReverseProxy.create(ProxySettings.defaults(), transport);
    }

    private UpstreamUrl start() throws IOException {
        upstream = new TestUpstream();
        proxy = newProxy();
        return UpstreamUrl.parse("http://127.0.0.1:" + upstream.port());
    }

    static ProxyRequest get(String path, String query, List<Map.Entry<String, String>> headers) {
        return new ProxyRequest("GET", path, query, headers, "192.0.2.7", "https", ProxyRequest.Body.none(), -1);
    }

    /**
     * Sends {@code request} on a virtual thread while this thread moves the clock a minute ahead before each deadline
     * check; returns the failure that ended the exchange, or null when it succeeded.
     */
    UpstreamException sendWhileTheClockJumps(UpstreamUrl url, ProxyRequest request, AtomicLong now,
                                             IoDeadlines deadlines) throws Exception {
        CompletableFuture<UpstreamException> failure = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                proxy.send(url, request).close();
                failure.complete(null);
            } catch (UpstreamException e) {
                failure.complete(e);
            }
        });
        while (!failure.isDone()) {
            now.addAndGet(Duration.ofSeconds(61).toNanos());
            deadlines.check();
            Thread.yield();
        }
        return failure.get();
    }

    static String text(UpstreamResponse r) throws IOException {
        try (r) {
            return new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void backendUrlsJoinPathAndQuery() {
        UpstreamUrl url = UpstreamUrl.parse("http://Backend.example:8080/api/?k=v");
        assertEquals("backend.example", url.host());
        assertEquals(8080, url.port());
        assertEquals("/api/x/y?k=v&a=b", url.target("/x/y", "a=b"));
        assertEquals("/api/x?k=v", url.target("/x", null));
        assertEquals("/x?a=b", UpstreamUrl.parse("https://h").target("/x", "a=b"));
        assertEquals("/", UpstreamUrl.parse("https://h/").target("/", ""));
        assertEquals(443, UpstreamUrl.parse("https://h").port());
        assertEquals("[::1]:81", UpstreamUrl.parse("http://[::1]:81").authority());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UpstreamUrl.parse("ftp://h/"));
        assertTrue(e.getMessage().contains("http:// or https://"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UpstreamUrl.parse("http:///nohost"));
        assertThrows(IllegalArgumentException.class, () -> UpstreamUrl.parse("http://h:0/"));
    }

    @Test
    void headerRulesUpstreamAndDownstream() throws Exception {
        UpstreamUrl url = start();
        List<Map.Entry<String, String>> headers = List.of(Map.entry("Host", "site.example"),
                Map.entry("Connection", "keep-alive, X-Secret"), Map.entry("X-Secret", "s"),
                Map.entry("Keep-Alive", "timeout=5"), Map.entry("TE", "trailers"),
                Map.entry("Proxy-Authorization", "Basic x"), Map.entry("Upgrade", "foo"),
                Map.entry("X-Forwarded-For", "203.0.113.1"), Map.entry("X-Forwarded-Proto", "http"),
                Map.entry("Accept", "*/*"), Map.entry("Expect", "100-continue"));
        UpstreamResponse r = proxy.send(url, get("/hop", null, headers));
        Map<String, String> seen = new java.util.HashMap<>();
        r.fields().forEach(f -> seen.merge(f.getKey(), f.getValue(), (a, b) -> a + "|" + b));
        assertEquals("hop", text(r));
        assertEquals("yes", seen.get("x-kept"));
        assertEquals("a=1|b=2", seen.get("set-cookie"), "repeated fields stay separate");
        for (String dropped : List.of("connection", "x-up-secret", "keep-alive", "alt-svc", "trailer",
                "proxy-authenticate", "upgrade", "content-length")) {
            assertNull(seen.get(dropped), dropped + " must not reach the client");
        }
        TestUpstream.Received in = upstream.take();
        assertEquals("site.example", in.field("host"), "Host is forwarded unchanged");
        assertEquals("203.0.113.1, 192.0.2.7", in.field("x-forwarded-for"));
        assertEquals("http", in.field("x-forwarded-proto"), "an existing X-Forwarded-Proto is kept");
        assertEquals("site.example", in.field("x-forwarded-host"));
        assertEquals("*/*", in.field("accept"));
        for (String dropped : List.of("connection", "x-secret", "keep-alive", "te", "proxy-authorization", "upgrade",
                "expect")) {
            assertFalse(in.has(dropped), dropped + " must not reach the upstream");
        }
    }

    @Test
    void hostDefaultsToTheUpstreamAndForwardedFieldsAreAdded() throws Exception {
        UpstreamUrl url = start();
        assertEquals("upstream ok", text(proxy.send(url, get("/a", "q=1", List.of()))));
        TestUpstream.Received in = upstream.take();
        assertEquals("GET", in.method());
        assertEquals("/a?q=1", in.target());
        assertEquals("127.0.0.1:" + upstream.port(), in.field("host"));
        assertEquals("192.0.2.7", in.field("x-forwarded-for"));
        assertEquals("https", in.field("x-forwarded-proto"));
        assertEquals("none", in.framing());
    }

    @Test
    void connectionsArePooledAndReused() throws Exception {
        UpstreamUrl url = start();
        for (int i = 0; i < 5; i++) {
            assertEquals("upstream ok", text(proxy.send(url, get("/n" + i, null, List.of()))));
        }
        assertEquals(1, upstream.connections(), "one connection carries every request");
        assertEquals(1, proxy.idleConnections(url));

        assertEquals("closed", text(proxy.send(url, get("/close", null, List.of()))));
        assertEquals(0, proxy.idleConnections(url), "Connection: close is not pooled");
        assertEquals("upstream ok", text(proxy.send(url, get("/after", null, List.of()))));
        assertEquals(2, upstream.connections());
    }

    @Test
    void aPooledConnectionTheUpstreamClosedIsReplacedTransparently() throws Exception {
        UpstreamUrl url = start();
        assertEquals("upstream ok", text(proxy.send(url, get("/1", null, List.of()))));
        upstream.dropConnections();
        ProxyRequest post = new ProxyRequest("POST", "/2", null, List.of(), "192.0.2.7", "http",
                ProxyRequest.Body.of("data".getBytes(StandardCharsets.UTF_8)), -1);
        assertEquals("upstream ok", text(proxy.send(url, post)));
        assertEquals(2, upstream.connections());
    }

    @Test
    void responseBodiesInEveryFraming() throws Exception {
        UpstreamUrl url = start();
        UpstreamResponse chunked = proxy.send(url, get("/big", null, List.of()));
        assertEquals(-1, chunked.contentLength());
        try (chunked) {
            assertArrayEquals(TestUpstream.BIG, chunked.body().readAllBytes());
        }
        UpstreamResponse sized = proxy.send(url, get("/big-length", null, List.of()));
        assertEquals(TestUpstream.BIG_SIZE, sized.contentLength());
        try (sized) {
            assertArrayEquals(TestUpstream.BIG, sized.body().readAllBytes());
        }
        UpstreamResponse interim = proxy.send(url, get("/interim", null, List.of()));
        assertEquals(200, interim.status(), "1xx responses are swallowed");
        assertEquals("final", text(interim));
        UpstreamResponse empty = proxy.send(url, get("/no-content", null, List.of()));
        assertEquals(204, empty.status());
        assertFalse(empty.hasBody());
        ProxyRequest head = new ProxyRequest("HEAD", "/big-length", null, List.of(), "192.0.2.7", "http",
                ProxyRequest.Body.none(), -1);
        UpstreamResponse headResponse = proxy.send(url, head);
        assertEquals(TestUpstream.BIG_SIZE, headResponse.contentLength());
        assertFalse(headResponse.hasBody());
        assertEquals("upstream ok", text(proxy.send(url, get("/last", null, List.of()))));
        assertEquals(1, upstream.connections(), "every framing leaves the connection reusable");
    }

    @Test
    void requestBodiesWithLengthAndChunked() throws Exception {
        UpstreamUrl url = start();
        byte[] data = "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        text(proxy.send(url, new ProxyRequest("PUT", "/len", null, List.of(), "192.0.2.7", "http",
                ProxyRequest.Body.stream(new ByteArrayInputStream(data), data.length), -1)));
        TestUpstream.Received sized = upstream.take();
        assertEquals("length", sized.framing());
        assertArrayEquals(data, sized.body());
        text(proxy.send(url, new ProxyRequest("POST", "/chunked", null, List.of(), "192.0.2.7", "http",
                ProxyRequest.Body.stream(new ByteArrayInputStream(data), -1), -1)));
        TestUpstream.Received chunked = upstream.take();
        assertEquals("chunked", chunked.framing());
        assertArrayEquals(data, chunked.body());
    }

    @Test
    void bodiesOverTheLimitAreRefused() throws Exception {
        UpstreamUrl url = start();
        byte[] data = new byte[1000];
        assertThrows(BodyTooLargeException.class, () -> proxy.send(url, new ProxyRequest("POST", "/", null,
                List.of(), "192.0.2.7", "http", ProxyRequest.Body.stream(new ByteArrayInputStream(data), 1000), 999)));
        assertThrows(BodyTooLargeException.class, () -> proxy.send(url, new ProxyRequest("POST", "/", null,
                List.of(), "192.0.2.7", "http", ProxyRequest.Body.stream(new ByteArrayInputStream(data), -1), 999)));
        text(proxy.send(url, new ProxyRequest("POST", "/ok", null, List.of(), "192.0.2.7", "http",
                ProxyRequest.Body.stream(new ByteArrayInputStream(data), -1), 1000)));
        assertEquals("/ok", upstream.take().target(), "the refused bodies produced no complete request");
    }

    @Test
    void conflictingLengthsAreRefused() throws Exception {
        UpstreamUrl url = start();
        UpstreamException e = assertThrows(UpstreamException.class,
                () -> proxy.send(url, get("/two-lengths", null, List.of())));
        assertTrue(e.getMessage().contains("conflicting Content-Length"), e.getMessage());
        assertEquals("upstream ok", text(proxy.send(url, get("/after", null, List.of()))));
    }

    @Test
    void anUnreachableUpstreamSaysWhere() throws Exception {
        try (Socket reserved = new Socket()) {
            // Bound but not listening: connections are refused, and nothing else can take the port meanwhile.
            reserved.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = reserved.getLocalPort();
            proxy = newProxy();
            UpstreamException e = assertThrows(UpstreamException.class,
                    () -> proxy.send(UpstreamUrl.parse("http://127.0.0.1:" + port), get("/", null, List.of())));
            assertTrue(e.getMessage().contains("127.0.0.1 port " + port), e.getMessage());
        }
    }

    @Test
    void aWriteTheUpstreamNeverTakesIsCutAtTheWriteTimeout() throws Exception {
        // An upstream that accepts (the kernel's backlog does) and never reads; the body never ends.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicLong now = new AtomicLong();
            IoDeadlines deadlines = new IoDeadlines(Duration.ofSeconds(60), Duration.ofSeconds(60), now::get, false);
            proxy = newProxy(ProxySettings.defaults(), deadlines);
            InputStream endless = new InputStream() {
                @Override
                public int read() {
                    return 'x';
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                    return len;
                }
            };
            UpstreamUrl url = UpstreamUrl.parse("http://127.0.0.1:" + silent.getLocalPort());
            ProxyRequest upload = new ProxyRequest("POST", "/", null, List.of(), "192.0.2.7", "http",
                    ProxyRequest.Body.stream(endless, -1), -1);
            // The clock only moves here: each pass finds the write in progress (if any) a minute old. Once the
            // socket buffers are full the write stays in progress, and the pass cuts it.
            UpstreamException e = sendWhileTheClockJumps(url, upload, now, deadlines);
            assertTrue(e != null && e.getMessage().contains("blocked for more than 60 s"), String.valueOf(e));
        }
    }

    @Test
    void unixSocketUpstreams(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("app.sock");
        upstream = new TestUpstream(socket);
        AtomicLong now = new AtomicLong();
        // No write timeout to speak of: the clock below jumps a minute per pass, which must not catch the request's
        // own (quick) write in progress.
        IoDeadlines deadlines = new IoDeadlines(Duration.ofDays(365), Duration.ofSeconds(60), now::get, false);
        proxy = newProxy(ProxySettings.defaults(), deadlines);
        UpstreamUrl url = UpstreamUrl.parse("unix/" + socket);
        assertEquals(socket.toString(), url.unixPath());
        assertEquals("upstream ok", text(proxy.send(url, get("/a", "b=c", List.of()))));
        assertEquals("upstream ok", text(proxy.send(url, get("/d", null, List.of()))));
        TestUpstream.Received first = upstream.take();
        assertEquals("/a?b=c", first.target());
        assertEquals("localhost", first.field("host"), "a request without Host names the socket's host as localhost");
        assertEquals(1, upstream.connections(), "Unix socket connections are pooled too");
        UpstreamResponse big = proxy.send(url, get("/big", null, List.of()));
        try (big) {
            assertArrayEquals(TestUpstream.BIG, big.body().readAllBytes());
        }

        // No socket read timeout on a Unix socket: the deadlines cut a read the upstream never answers.
        UpstreamException e = sendWhileTheClockJumps(url, get("/stall", null, List.of()), now, deadlines);
        assertTrue(e != null && e.getMessage().contains("did not answer in time"), String.valueOf(e));

        UpstreamException missing = assertThrows(UpstreamException.class,
                () -> proxy.send(UpstreamUrl.parse("unix/" + dir.resolve("none.sock")), get("/", null, List.of())));
        assertTrue(missing.getMessage().contains("none.sock"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UpstreamUrl.parse("unix/relative.sock"));
    }

    @Test
    void httpsUpstreamsAreVerified() throws Exception {
        CertificateBuilder.Issued ca = CertificateBuilder.create().commonName("proxy test CA").ca(true).build();
        CertificateBuilder.Issued leaf = CertificateBuilder.create().names("localhost").issuer(ca).build();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("leaf", leaf.privateKey(), new char[0],
                new Certificate[] {leaf.certificate(), ca.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        upstream = new TestUpstream(serverContext.getServerSocketFactory());

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
        proxy = ReverseProxy.create(ProxySettings.defaults().withSslContext(clientContext), transport);

        UpstreamUrl good = UpstreamUrl.parse("https://localhost:" + upstream.port());
        assertEquals("upstream ok", text(proxy.send(good, get("/tls", null, List.of()))));
        assertEquals("upstream ok", text(proxy.send(good, get("/tls2", null, List.of()))));
        assertEquals(1, upstream.connections(), "TLS connections are pooled too");

        UpstreamUrl wrongName = UpstreamUrl.parse("https://127.0.0.1:" + upstream.port());
        UpstreamException e = assertThrows(UpstreamException.class, () -> proxy.send(wrongName, get("/", null,
                List.of())));
        assertTrue(e.getMessage().contains("(TLS)"), e.getMessage());

        ReverseProxy defaultTrust = ReverseProxy.create();
        try {
            assertThrows(UpstreamException.class, () -> defaultTrust.send(good, get("/", null, List.of())),
                    "the default trust store does not know the test CA");
        } finally {
            defaultTrust.close();
        }
    }
}
