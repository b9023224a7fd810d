package io.zeroserve.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.Curl;
import io.zeroserve.TestSites;
import io.zeroserve.ZeroServe;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** zeroserve's static HTTP behaviour (compat §5), through the JDK HttpClient and curl, HTTP/1.1 and h2c. */
class StaticServingTest {
    @TempDir
    static Path dir;
    static ZeroServe server;
    static String base;
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final TestSites SITE = TestSites.standard();

    @BeforeAll
    static void start() throws Exception {
        Path tar = SITE.writeTo(dir.resolve("site.tar"));
        server = ZeroServe.builder().site(tar).address("127.0.0.1:0").transport(TestSites.transport())
                .requestLogging(false).build().start();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) { // null when start() was skipped (io_uring refused here)
            server.close();
        }
    }

    static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void servesFilesWithZeroservesHeaders() throws Exception {
        HttpResponse<byte[]> response = get("/hello.txt");
        assertEquals(200, response.statusCode());
        assertEquals("hello, world\n", text(response));
        assertEquals("zeroserve", response.headers().firstValue("server").orElseThrow());
        assertEquals("text/plain; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
        assertEquals("13", response.headers().firstValue("content-length").orElseThrow());
        assertEquals("bytes", response.headers().firstValue("accept-ranges").orElseThrow());
        assertTrue(response.headers().firstValue("etag").orElseThrow().matches("\"[0-9a-f]{32}\""));
        assertEquals("Tue, 02 Jan 2024 03:04:05 GMT", response.headers().firstValue("last-modified").orElseThrow());
    }

    @Test
    void mimeTable() throws Exception {
        String[][] cases = {
                {"/index.html", "text/html; charset=utf-8"}, {"/style.css", "text/css; charset=utf-8"},
                {"/app.js", "application/javascript; charset=utf-8"},
                {"/data.json", "application/json; charset=utf-8"}, {"/logo.PNG", "image/png"},
                {"/feed.xml", "application/xml"}, {"/blob.bin", "application/octet-stream"},
                {"/docs/custom.htm", "text/html; charset=utf-8"}};
        for (String[] c : cases) {
            assertEquals(c[1], get(c[0]).headers().firstValue("content-type").orElseThrow(), c[0]);
        }
    }

    @Test
    void lookupOrderWithoutRedirects() throws Exception {
        assertEquals("<h1>home</h1>", text(get("/")));
        assertEquals("<h1>docs</h1>", text(get("/docs/")));
        HttpResponse<byte[]> noSlash = get("/docs");
        assertEquals(200, noSlash.statusCode(), "no redirect is ever issued");
        assertEquals("<h1>docs</h1>", text(noSlash));
        assertEquals("spaced", text(get("/space%20name.txt")));
        assertEquals("unicode", text(get("/caf%C3%A9.txt")));
        assertEquals("", text(get("/empty.txt")));
    }

    @Test
    void missesAndHiddenFilesAre404WithATextBody() throws Exception {
        for (String path : new String[] {"/nope", "/.zeroserve/secret.txt", "/nested", "/about"}) {
            HttpResponse<byte[]> response = get(path);
            assertEquals(404, response.statusCode(), path);
            assertEquals("Not Found", text(response));
            assertEquals("text/plain; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
            assertEquals("zeroserve", response.headers().firstValue("server").orElseThrow());
        }
    }

    @Test
    void otherMethodsAre405EvenForExistingFiles() throws Exception {
        for (String method : new String[] {"POST", "PUT", "DELETE", "OPTIONS"}) {
            HttpResponse<byte[]> response = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/hello.txt"))
                    .method(method, HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(405, response.statusCode(), method);
        }
    }

    @Test
    void headSendsHeadersOnly() throws Exception {
        HttpResponse<byte[]> response = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/hello.txt"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("13", response.headers().firstValue("content-length").orElseThrow());
        assertEquals(0, response.body().length);
    }

    @Test
    void conditionalRequests() throws Exception {
        String etag = get("/hello.txt").headers().firstValue("etag").orElseThrow();
        HttpResponse<byte[]> notModified = get("/hello.txt", "If-None-Match", etag);
        assertEquals(304, notModified.statusCode());
        assertEquals(etag, notModified.headers().firstValue("etag").orElseThrow());
        assertEquals("zeroserve", notModified.headers().firstValue("server").orElseThrow());
        assertEquals(0, notModified.body().length);
        assertEquals(304, get("/hello.txt", "If-Modified-Since", "Tue, 02 Jan 2024 03:04:05 GMT").statusCode());
        assertEquals(200, get("/hello.txt", "If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT").statusCode());
        assertEquals(200, get("/hello.txt", "If-None-Match", "\"nope\"").statusCode());
    }

    @Test
    void rangeRequests() throws Exception {
        HttpResponse<byte[]> partial = get("/hello.txt", "Range", "bytes=0-4");
        assertEquals(206, partial.statusCode());
        assertEquals("hello", text(partial));
        assertEquals("bytes 0-4/13", partial.headers().firstValue("content-range").orElseThrow());
        HttpResponse<byte[]> unsatisfiable = get("/hello.txt", "Range", "bytes=100-");
        assertEquals(416, unsatisfiable.statusCode());
        assertEquals("bytes */13", unsatisfiable.headers().firstValue("content-range").orElseThrow());
        String etag = partial.headers().firstValue("etag").orElseThrow();
        assertEquals(206, get("/hello.txt", "Range", "bytes=-3", "If-Range", etag).statusCode());
        assertEquals(200, get("/hello.txt", "Range", "bytes=-3", "If-Range", "\"stale\"").statusCode());
    }

    @Test
    void largeFileStreamsFromTheTarAndRangesWithinIt() throws Exception {
        byte[] expected = SITE.contents("big.bin");
        HttpResponse<byte[]> whole = get("/big.bin");
        assertEquals(200, whole.statusCode());
        assertArrayEquals(expected, whole.body());
        HttpResponse<byte[]> middle = get("/big.bin", "Range", "bytes=1000000-2000000");
        assertEquals(206, middle.statusCode());
        assertArrayEquals(Arrays.copyOfRange(expected, 1_000_000, 2_000_001), middle.body());
    }

    @Test
    void badPathsAre400() throws Exception {
        for (String path : new String[] {"/..", "/a/../..", "/%2e%2e", "/a%2Fb", "/%zz", "/%FF"}) {
            Curl.Response response = Curl.run(base + path, "--path-as-is");
            assertEquals(400, response.status(), path);
            assertEquals("Bad Request", response.text());
        }
    }

    @Test
    void curlHttp11AndH2cPriorKnowledge() throws Exception {
        Curl.Response h1 = Curl.run(base + "/hello.txt", "--http1.1");
        assertEquals("HTTP/1.1", h1.protocol());
        assertEquals("hello, world\n", h1.text());
        Curl.Response h2 = Curl.run(base + "/hello.txt", "--http2-prior-knowledge");
        assertEquals("HTTP/2", h2.protocol());
        assertEquals(200, h2.status());
        assertEquals("hello, world\n", h2.text());
        assertEquals("zeroserve", h2.header("server"));
        Curl.Response h2Range = Curl.run(base + "/big.bin", "--http2-prior-knowledge", "-r", "5-9");
        assertEquals(206, h2Range.status());
        assertArrayEquals(Arrays.copyOfRange(SITE.contents("big.bin"), 5, 10), h2Range.body());
        Curl.Response h2Missing = Curl.run(base + "/nope", "--http2-prior-knowledge");
        assertEquals(404, h2Missing.status());
    }

    @Test
    void http10RequestsAreServedAndTheConnectionCloses() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /hello.txt HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.contains("Content-Length: 13"), answer);
            assertTrue(answer.endsWith("hello, world\n"), answer);
        }
        Curl.Response curl = Curl.run(base + "/hello.txt", "--http1.0");
        assertEquals(200, curl.status());
        assertEquals("hello, world\n", curl.text());
    }

    @Test
    void keepAliveServesManyRequestsOnOneConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                out.write("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                assertEquals("hello, world\n", new String(in.readNBytes(13), StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void malformedRequestDoesNotDisturbOtherConnections() throws Exception {
        try (Socket bad = new Socket("127.0.0.1", server.port())) {
            bad.getOutputStream().write("\u0001\u0002garbage that is not http\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            bad.getOutputStream().flush();
            bad.setSoTimeout(10_000);
            byte[] answer = bad.getInputStream().readAllBytes(); // a 400 or a plain close, then EOF
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            assertTrue(text.isEmpty() || text.startsWith("HTTP/1.1 400"), text);
        }
        assertEquals(200, get("/hello.txt").statusCode());
    }

    static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void hiddenFilesStayHiddenThroughDotSegments() throws Exception {
        Curl.Response response = Curl.run(base + "/docs/../.zeroserve/secret.txt", "--path-as-is");
        assertEquals(404, response.status());
        assertFalse(response.text().contains("hidden"));
        assertNull(response.header("etag"));
    }
}
