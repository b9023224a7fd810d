package io.zeroserve.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.common.socket.PeerInfo;
import io.zeroserve.TestSites;
import io.zeroserve.ZeroServe;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP/1.1 fast path: what it answers itself and what it leaves to Helidon (on the class alone), and that a
 * server with it answers every request byte for byte as a server without it does (over real sockets).
 */
class Http1FastPathTest {
    private static final PeerInfo PEER = Peer.of(new InetSocketAddress("127.0.0.1", 40000));

    @TempDir
    Path dir;

    // ---- the class alone: a scripted byte source, a responder that answers every request it is asked about

    private final List<Http1FastPath.SimpleRequest> asked = new ArrayList<>();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private boolean closing;

    private Http1FastPath fastPath(String... chunks) {
        Deque<byte[]> source = new ArrayDeque<>();
        for (String chunk : chunks) {
            source.add(chunk.getBytes(StandardCharsets.ISO_8859_1));
        }
        Http1FastPath.Responder responder = (request, origin, sink) -> {
            asked.add(request);
            if (request.rawPath().startsWith("/miss")) {
                return false;
            }
            sink.write(("<" + request.logText() + ">").getBytes(StandardCharsets.ISO_8859_1));
            return true;
        };
        Http1FastPath.ResponseSink sink = new Http1FastPath.ResponseSink() {
            @Override
            public void write(byte[] bytes) {
                written.writeBytes(bytes);
            }

            @Override
            public boolean sendsFiles() {
                return false;
            }

            @Override
            public void sendFile(io.zeroserve.net.SendableFile file, long position, long count) {
                throw new AssertionError("not used here");
            }
        };
        Http1FastPath.ConnectionState state = new Http1FastPath.ConnectionState() {
            @Override
            public void fastPathBusy(boolean busy) {
            }

            @Override
            public boolean closing() {
                return closing;
            }
        };
        return new Http1FastPath(null, source::poll, responder, sink, new Http1FastPath.Origin(PEER, PEER, false),
                state);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void answersPipelinedPlainRequestsAndReadsOn() {
        Http1FastPath path = fastPath(
                "GET /a HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\nConnection: keep-alive\r\n\r\n"
                        + "HEAD /b?q=1&r HTTP/1.1\r\nhost: y\r\n\r\n",
                "GET /c HTTP/1.1\r\nAccept:  */* \r\n\r\n");
        assertNull(path.get(), "every request answered, then end of stream");
        assertEquals("<GET /a><HEAD /b?q=1&r><GET /c>", written.toString(StandardCharsets.ISO_8859_1));
        assertEquals("x", asked.get(0).host());
        assertEquals("y", asked.get(1).host());
        assertEquals("q=1&r", asked.get(1).query());
        assertNull(asked.get(2).host());
    }

    @Test
    void handsTheFirstUnusualRequestAndEverythingAfterToHelidon() {
        String[] unusual = {
            "POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
            "GET /a HTTP/1.0\r\n\r\n",
            "get /a HTTP/1.1\r\n\r\n",
            "GET http://x/a HTTP/1.1\r\n\r\n",
            "GET /a;p HTTP/1.1\r\n\r\n",
            "GET /a#f HTTP/1.1\r\n\r\n",
            "GET /a  HTTP/1.1\r\n\r\n",
            "GET /a HTTP/1.1\r\nConnection: close\r\n\r\n",
            "GET /a HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n\r\n",
            "GET /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "GET /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nab",
            "GET /a HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
            "GET /a HTTP/1.1\r\nTE: trailers\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost : x\r\n\r\n",
            "GET /a HTTP/1.1\r\nX: a\r\n b\r\n\r\n",
            "GET /a HTTP/1.1\r\nX: caf\u00e9\r\n\r\n",
            "GET /a HTTP/1.1\r\nX: a\u0001\r\n\r\n",
            "GET /a HTTP/1.1\nHost: x\n\n",
            "GET /a HTTP/1.1\r\nHost: x\r\n", // the next request line is no header field
            "GET /miss HTTP/1.1\r\n\r\n", // the responder declines
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        };
        for (String request : unusual) {
            asked.clear();
            written.reset();
            String plain = "GET /first HTTP/1.1\r\n\r\n";
            Http1FastPath path = fastPath(plain + request + plain, "GET /later HTTP/1.1\r\n\r\n");
            assertEquals(request + plain, text(path.get()), request);
            assertEquals("<GET /first>", written.toString(StandardCharsets.ISO_8859_1), request);
            assertEquals("GET /later HTTP/1.1\r\n\r\n", text(path.get()), "after handing over, bytes pass through");
        }
    }

    @Test
    void conditionalAndRangeRequestsAreMarked() {
        Http1FastPath path = fastPath("GET /a HTTP/1.1\r\nIf-None-Match: \"x\"\r\n\r\n"
                + "GET /b HTTP/1.1\r\nrange: bytes=0-1\r\n\r\nGET /c HTTP/1.1\r\nIfx: 1\r\n\r\n");
        assertNull(path.get());
        assertEquals(List.of(true, true, false), asked.stream().map(Http1FastPath.SimpleRequest::conditional).toList());
    }

    @Test
    void aRequestSplitAcrossReadsGoesToHelidon() {
        Http1FastPath path = fastPath("GET /first HTTP/1.1\r\n\r\nGET /a HTTP/1.1\r\nHo", "st: x\r\n\r\n");
        assertEquals("GET /a HTTP/1.1\r\nHo", text(path.get()));
        assertEquals("st: x\r\n\r\n", text(path.get()));
        assertEquals("<GET /first>", written.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aGracefulStopEndsTheConnectionAfterTheAnsweredRequests() {
        Http1FastPath path = fastPath("GET /a HTTP/1.1\r\n\r\n", "GET /b HTTP/1.1\r\n\r\n");
        closing = true;
        assertNull(path.get());
        assertEquals("<GET /a>", written.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void anUnusualRequestFirstIsPassedOnUntouched() {
        byte[] request = "OPTIONS * HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        Http1FastPath path = fastPath("OPTIONS * HTTP/1.1\r\n\r\n");
        assertArrayEquals(request, path.get());
        assertTrue(asked.isEmpty());
    }

    // ---- two real servers, the fast path on and off: the same bytes for every request

    private static final String[] EXCHANGES = {
        "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n",
        "HEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /hello.txt?a=1&b=%20 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: t/1\r\nAccept: */*\r\n"
                + "Cookie: k=v\r\nConnection: keep-alive\r\nAccept-Encoding: gzip\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /docs HTTP/1.1\r\n\r\nGET /docs/ HTTP/1.1\r\n\r\n",
        "GET /caf%C3%A9.txt HTTP/1.1\r\n\r\nGET /space%20name.txt HTTP/1.1\r\n\r\nGET /empty.txt HTTP/1.1\r\n\r\n",
        "GET /style.css HTTP/1.1\r\n\r\nGET /app.js HTTP/1.1\r\n\r\nGET /logo.PNG HTTP/1.1\r\n\r\n"
                + "GET /feed.xml HTTP/1.1\r\n\r\nGET /data.json HTTP/1.1\r\n\r\nGET /blob.bin HTTP/1.1\r\n\r\n",
        "GET /big.bin HTTP/1.1\r\n\r\nGET /hello.txt HTTP/1.1\r\n\r\n",
        "GET /medium.bin HTTP/1.1\r\n\r\nHEAD /medium.bin HTTP/1.1\r\n\r\nGET /hello.txt HTTP/1.1\r\n\r\n",
        "GET /hello.txt HTTP/1.1\r\nIf-None-Match: ETAG\r\n\r\nGET /hello.txt HTTP/1.1\r\n\r\n",
        "GET /hello.txt HTTP/1.1\r\nRange: bytes=0-2\r\n\r\nGET /hello.txt HTTP/1.1\r\nRange: bytes=-3\r\n\r\n"
                + "GET /hello.txt HTTP/1.1\r\nRange: bytes=2-4\r\nIf-Range: ETAG\r\n\r\n"
                + "GET /big.bin HTTP/1.1\r\nRange: bytes=5-20000\r\n\r\nGET /hello.txt HTTP/1.1\r\nRange: bytes=99-\r\n\r\n",
        "GET /hello.txt HTTP/1.1\r\nIf-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n"
                + "HEAD /hello.txt HTTP/1.1\r\nIf-None-Match: ETAG\r\n\r\n",
        "GET /../etc/passwd HTTP/1.1\r\n\r\n",
        "GET /.zeroserve/secret.txt HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\n",
        "POST /hello.txt HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /hello.txt HTTP/1.1\r\n\r\n",
        "get /hello.txt HTTP/1.1\r\n\r\n",
        "GET /hello.txt HTTP/1.1\r\nX: a\r\n b\r\n\r\n",
        "GET /hello.txt HTTP/1.1\r\nHost : x\r\n\r\n",
        "GET /hello.txt HTTP/1.0\r\n\r\n",
        "GET /hello.txt HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
        "GET /hello.txt HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    };

    @Test
    void theSameResponsesAndLogLinesWithAndWithoutTheFastPath() throws Exception {
        byte[] medium = new byte[100 * 1024]; // held in memory, above the size written joined to its head
        java.util.Arrays.fill(medium, (byte) 'm');
        Path tar = TestSites.standard().file("medium.bin", medium).writeTo(dir.resolve("site.tar"));
        ByteArrayOutputStream fastLog = new ByteArrayOutputStream();
        ByteArrayOutputStream slowLog = new ByteArrayOutputStream();
        RequestLog fastLines = new RequestLog(new PrintStream(fastLog, true, StandardCharsets.UTF_8));
        RequestLog slowLines = new RequestLog(new PrintStream(slowLog, true, StandardCharsets.UTF_8));
        try (ZeroServe fast = server(tar, true, fastLines); ZeroServe slow = server(tar, false, slowLines)) {
            String etag = etagOf(fast.port());
            assertEquals(etagOf(slow.port()), etag);
            for (String exchange : EXCHANGES) {
                // The last request asks to close, so the whole answer ends with the connection.
                String request = exchange.replace("ETAG", etag)
                        + "GET /hello.txt HTTP/1.1\r\nConnection: close\r\n\r\n";
                String fastAnswer = withoutDates(exchange(fast.port(), request));
                String slowAnswer = withoutDates(exchange(slow.port(), request));
                assertEquals(slowAnswer, fastAnswer, exchange);
                assertTrue(fastAnswer.startsWith("HTTP/1.1 "), exchange + ": " + fastAnswer);
            }
            // One request per read on a kept-alive connection: the fast path answers, waits, answers again.
            assertEquals(withoutDates(oneByOne(slow.port())), withoutDates(oneByOne(fast.port())));
            fastLines.flush();
            slowLines.flush();
        }
        String fastText = withoutIdsAndPorts(fastLog.toString(StandardCharsets.UTF_8));
        assertEquals(withoutIdsAndPorts(slowLog.toString(StandardCharsets.UTF_8)), fastText);
        assertTrue(fastText.contains("http 127.0.0.1 GET /hello.txt?a=1&b=%20"), fastText);
    }

    @Test
    void aConnectionAnsweredByTheFastPathIsIdleOnlyWhenItIsQuiet() throws Exception {
        Path tar = TestSites.standard().writeTo(dir.resolve("site.tar"));
        try (ZeroServe server = ZeroServe.builder().site(tar).address("127.0.0.1:0").transport(TestSites.transport())
                .requestLogging(false).idleTimeout(java.time.Duration.ofMillis(1500)).build().start();
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // Busy for twice the idle timeout: Helidon never sees these requests, the host must not call it idle.
            long end = System.nanoTime() + 3_000_000_000L;
            int answered = 0;
            while (System.nanoTime() < end) {
                out.write("GET /hello.txt HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertTrue(readResponse(in).endsWith("hello, world\n"));
                answered++;
                Thread.sleep(50);
            }
            assertTrue(answered > 10, "answered " + answered);
            // Quiet: the idle timeout closes it.
            assertEquals(-1, in.read());
        }
    }

    @Test
    void aGracefulStopClosesAQuietFastPathConnectionWithoutWaitingForTheGracePeriod() throws Exception {
        Path tar = TestSites.standard().writeTo(dir.resolve("site.tar"));
        ZeroServe server = ZeroServe.builder().site(tar).address("127.0.0.1:0").transport(TestSites.transport())
                .requestLogging(false).gracePeriod(java.time.Duration.ofSeconds(60)).build().start();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /hello.txt HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(readResponse(socket.getInputStream()).endsWith("hello, world\n"));
            long start = System.nanoTime();
            server.close();
            // Far below the 60 s grace period: the quiet connection was closed at once, not waited for.
            assertTrue(System.nanoTime() - start < 30_000_000_000L);
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    private static final String SCRIPT = """
            #include "zeroserve.h"
            ZS_CALL_ENTRY(teapot, input) {
              if (zs_res_status() == 404) {
                zs_res_set_status(418);
              }
              return input;
            }
            ZS_ENTRY zs_u64 e(void) {
              char path[64];
              zs_req_normalized_path(path, sizeof path);
              zs_meta_set(ZS_STR("zs.response.header.x-powered-by"), ZS_STR("ebpf"));
              zs_meta_set(ZS_STR("user"), ZS_STR("alice"));
              char agent[32];
              if (zs_req_header(ZS_STR("user-agent"), agent, sizeof agent) > 0) {
                zs_meta_set(ZS_STR("zs.response.header.x-agent"), agent, zs_strlen(agent));
              }
              if (zs_strcmp(path, "/api") == 0) {
                zs_s64 o = zs_json_parse(ZS_STR("{\\"ok\\":true}"));
                zs_json_respond(201, o);
              } else if (zs_strcmp(path, "/text") == 0) {
                zs_respond(200, ZS_STR("plain words"));
              } else if (zs_strcmp(path, "/nothing") == 0) {
                zs_respond(204, ZS_STR(""));
              } else if (zs_strcmp(path, "/crash") == 0) {
                zs_object_free(77);
              } else if (zs_strcmp(path, "/rewrite") == 0) {
                zs_req_set_uri(ZS_STR("/hello.txt"));
              } else if (zs_strcmp(path, "/teapot") == 0) {
                zs_res_hook(ZS_STR(""), ZS_STR("teapot"), 0);
              } else if (zs_strcmp(path, "/abort") == 0) {
                zs_abort();
              }
              return 0;
            }
            """;

    private static final String[] SCRIPTED_EXCHANGES = {
        "GET /api HTTP/1.1\r\nHost: x\r\nUser-Agent: t/1\r\n\r\nHEAD /api HTTP/1.1\r\n\r\n",
        "GET /text HTTP/1.1\r\n\r\nGET /nothing HTTP/1.1\r\n\r\nGET /crash HTTP/1.1\r\n\r\n",
        "GET /hello.txt HTTP/1.1\r\n\r\nHEAD /hello.txt HTTP/1.1\r\n\r\nGET /rewrite?a=b HTTP/1.1\r\n\r\n",
        "GET /index.html HTTP/1.1\r\n\r\nGET /feed.xml HTTP/1.1\r\n\r\nGET /style.css HTTP/1.1\r\n\r\n",
        "GET /nope HTTP/1.1\r\n\r\nGET /teapot HTTP/1.1\r\n\r\nGET /../x HTTP/1.1\r\n\r\n",
        "GET /big.bin HTTP/1.1\r\n\r\nGET /hello.txt HTTP/1.1\r\nIf-None-Match: *\r\n\r\n",
        "GET /docs/ HTTP/1.1\r\nCookie: a=b\r\nCookie: c=d\r\n\r\n",
        "GET /abort HTTP/1.1\r\n\r\nGET /hello.txt HTTP/1.1\r\n\r\n",
    };

    /** With scripts, the fast path runs the same pipeline on its own request and response objects. */
    @Test
    void withScriptsTheSameResponsesWithAndWithoutTheFastPath() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.zeroserve.script.ScriptCompiler.available(),
                "clang is not installed");
        byte[] script = io.zeroserve.script.ScriptCompiler.compile("mw.c",
                SCRIPT.getBytes(StandardCharsets.UTF_8));
        TestSites site = TestSites.standard().file("index.html", "<p>hi <zs-meta>user</zs-meta></p>")
                .file(".zeroserve/scripts/10-mw.o", script);
        Path tar = site.writeTo(dir.resolve("scripted.tar"));
        try (ZeroServe fast = server(tar, true, null); ZeroServe slow = server(tar, false, null)) {
            for (String exchange : SCRIPTED_EXCHANGES) {
                String request = exchange + "GET /hello.txt HTTP/1.1\r\nConnection: close\r\n\r\n";
                String fastAnswer = withoutDates(exchange(fast.port(), request));
                assertEquals(withoutDates(exchange(slow.port(), request)), fastAnswer, exchange);
                assertTrue(exchange.startsWith("GET /abort") ? fastAnswer.isEmpty()
                        : fastAnswer.startsWith("HTTP/1.1 "), exchange + ": " + fastAnswer);
                // Requests without Host once made the general path answer 500 (Helidon's HTTP/1 authority()).
                assertEquals(exchange.contains("/crash"), fastAnswer.contains(" 500 "), exchange + ": " + fastAnswer);
            }
            assertEquals(withoutDates(oneByOne(slow.port())), withoutDates(oneByOne(fast.port())));
        }
    }

    private static ZeroServe server(Path tar, boolean fastPath, RequestLog log) throws Exception {
        ZeroServe.Builder builder = ZeroServe.builder().site(tar).address("127.0.0.1:0")
                .transport(TestSites.transport()).http1FastPath(fastPath);
        return (log == null ? builder.requestLogging(false) : builder.requestLog(log)).build().start();
    }

    private static String etagOf(int port) throws Exception {
        String answer = exchange(port, "HEAD /hello.txt HTTP/1.1\r\nConnection: close\r\n\r\n");
        int start = answer.indexOf("ETag: ") + 6;
        return answer.substring(start, answer.indexOf("\r\n", start));
    }

    private static String exchange(int port, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String oneByOne(int port) throws Exception {
        StringBuilder answers = new StringBuilder();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (String path : new String[] {"/hello.txt", "/style.css", "/nope", "/hello.txt"}) {
                out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                answers.append(readResponse(in));
            }
        }
        return answers.toString();
    }

    /** One response framed by Content-Length. */
    private static String readResponse(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("connection ended inside a response head: " + head);
            }
            head.append((char) b);
        }
        int start = head.indexOf("Content-Length: ") + 16;
        int length = Integer.parseInt(head.substring(start, head.indexOf("\r\n", start)));
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    private static String withoutDates(String answer) {
        return answer.replaceAll("Date: [^\r]*\r\n", "Date: -\r\n");
    }

    private static String withoutIdsAndPorts(String log) {
        return log.replaceAll("\\[request\\] [0-9A-Z]{26}: ", "[request] ID: ").replaceAll("127\\.0\\.0\\.1:[0-9]+",
                "127.0.0.1");
    }
}
