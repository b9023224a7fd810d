package io.zeroserve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.TestSites;
import io.zeroserve.ZeroServe;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection host's duties: PROXY v1, host validation, idle close, admission limit, request log. */
class ConnectionHostTest {
    @TempDir
    Path dir;

    ZeroServe start(java.util.function.UnaryOperator<ZeroServe.Builder> options) throws Exception {
        Path tar = TestSites.standard().writeTo(dir.resolve("site.tar"));
        return options.apply(ZeroServe.builder().site(tar).address("127.0.0.1:0").transport(TestSites.transport())
                .requestLogging(false)).build().start();
    }

    static String exchange(int port, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void proxyProtocolV1SourceBecomesTheClientAddress() throws Exception {
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        RequestLog log = new RequestLog(new PrintStream(logged, true, StandardCharsets.UTF_8));
        try (ZeroServe server = start(b -> b.proxyProtocol(true).requestLogging(true).requestLog(log))) {
            String answer = exchange(server.port(), "PROXY TCP4 203.0.113.7 10.0.0.1 51234 80\r\n"
                    + "GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.endsWith("hello, world\n"), answer);
            String answer6 = exchange(server.port(), "PROXY TCP6 2001:db8::1 2001:db8::2 4000 443\r\n"
                    + "GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(answer6.startsWith("HTTP/1.1 200"), answer6);
            log.flush();
            String lines = logged.toString(StandardCharsets.UTF_8);
            assertTrue(lines.contains("http 203.0.113.7:51234 GET /hello.txt"), lines);
            assertTrue(lines.contains("http [2001:db8:0:0:0:0:0:1]:4000 GET /hello.txt")
                    || lines.contains("http [2001:db8::1]:4000 GET /hello.txt"), lines);
        }
    }

    @Test
    void malformedProxyHeaderClosesWithoutAnswer() throws Exception {
        try (ZeroServe server = start(b -> b.proxyProtocol(true))) {
            assertEquals("", exchange(server.port(), "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertEquals("", exchange(server.port(), "PROXY TCP4 999.1.1.1 1.1.1.1 1 2\r\nGET / HTTP/1.1\r\n\r\n"));
            assertEquals("", exchange(server.port(), "PROXY " + "x".repeat(200) + "\r\n"));
            String fine = exchange(server.port(), "PROXY UNKNOWN\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\n\r\n");
            assertTrue(fine.startsWith("HTTP/1.1 200"), fine);
        }
    }

    @Test
    void validateHostnamesAnswers421ForBadHosts() throws Exception {
        try (ZeroServe server = start(b -> b.validateHostnames(true))) {
            String good = exchange(server.port(), "GET /hello.txt HTTP/1.1\r\nHost: example.com:8080\r\n"
                    + "Connection: close\r\n\r\n");
            assertTrue(good.startsWith("HTTP/1.1 200"), good);
            for (String host : new String[] {"bad_host!", "-x.com", "a..b", "[zz]", "x.com:99999"}) {
                String bad = exchange(server.port(), "GET /hello.txt HTTP/1.1\r\nHost: " + host
                        + "\r\nConnection: close\r\n\r\n");
                assertTrue(bad.startsWith("HTTP/1.1 421"), host + ": " + bad);
            }
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (ZeroServe server = start(b -> b.idleTimeout(Duration.ofMillis(300)))) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                InputStream in = socket.getInputStream();
                String head = StaticServingTest.readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                in.readNBytes(13);
                assertEquals(-1, in.read(), "the server closes the idle keep-alive connection");
            }
        }
    }

    @Test
    void silentConnectionsAreDroppedAfterTheFirstByteTimeout() throws Exception {
        try (ZeroServe server = start(b -> b.firstByteTimeout(Duration.ofMillis(300)))) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(20_000);
                assertEquals(-1, socket.getInputStream().read());
            }
        }
    }

    @Test
    void connectionLimitAdmitsTheNextClientWhenOneLeaves() throws Exception {
        try (ZeroServe server = start(b -> b.maxConnections(1))) {
            Socket first = new Socket("127.0.0.1", server.port());
            first.getOutputStream().write("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            assertTrue(StaticServingTest.readHead(first.getInputStream()).startsWith("HTTP/1.1 200"));
            try (Socket second = new Socket("127.0.0.1", server.port())) {
                second.getOutputStream().write("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                second.setSoTimeout(300);
                assertThrows(java.net.SocketTimeoutException.class, () -> second.getInputStream().read(),
                        "the second client waits while the first holds the only slot");
                first.close();
                second.setSoTimeout(20_000);
                assertTrue(StaticServingTest.readHead(second.getInputStream()).startsWith("HTTP/1.1 200"));
            }
        }
    }

    private static <T extends Throwable> void assertThrows(Class<T> type, org.junit.jupiter.api.function.Executable e,
                                                           String message) {
        org.junit.jupiter.api.Assertions.assertThrows(type, e, message);
    }
}
