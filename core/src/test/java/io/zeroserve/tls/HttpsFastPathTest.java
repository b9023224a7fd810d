package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.TestSites;
import io.zeroserve.ZeroServe;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over HTTPS the HTTP/1.1 fast path writes through the TLS socket: the same bytes as Helidon's general path for
 * small files, a 100 KB file held in memory (written as head and body), misses, ranges and a misdirected Host.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpsFastPathTest {
    @TempDir
    Path dir;
    private final TestPki pki = new TestPki();

    @Test
    void theSameResponsesWithAndWithoutTheFastPath() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestPki.writeCombined(certs.resolve("site.pem"), pki.leaf("site.example"));
        byte[] medium = new byte[100 * 1024];
        for (int i = 0; i < medium.length; i++) {
            medium[i] = (byte) (i * 7 + (i >>> 9));
        }
        Path tar = TestSites.standard().file("medium.bin", medium).writeTo(dir.resolve("site.tar"));
        String requests = "GET /hello.txt HTTP/1.1\r\nHost: site.example\r\n\r\n"
                + "GET /medium.bin HTTP/1.1\r\nHost: site.example\r\n\r\n"
                + "HEAD /medium.bin HTTP/1.1\r\nHost: site.example\r\n\r\n"
                + "GET /medium.bin HTTP/1.1\r\nHost: site.example\r\nRange: bytes=1000-1099\r\n\r\n"
                + "GET /nope HTTP/1.1\r\nHost: site.example\r\n\r\n"
                + "GET /hello.txt HTTP/1.1\r\nHost: other.example\r\n\r\n"
                + "GET /hello.txt HTTP/1.1\r\nHost: site.example\r\nConnection: close\r\n\r\n";
        try (ZeroServe fast = server(tar, certs, true); ZeroServe slow = server(tar, certs, false)) {
            String fastAnswer = withoutDates(exchange(fast.tlsAddresses().getFirst().getPort(), requests));
            String slowAnswer = withoutDates(exchange(slow.tlsAddresses().getFirst().getPort(), requests));
            assertEquals(slowAnswer, fastAnswer);
            assertTrue(fastAnswer.contains(new String(medium, StandardCharsets.ISO_8859_1)), "the 100 KB body");
            assertTrue(fastAnswer.contains("HTTP/1.1 421 "), "the misdirected request");
        }
    }

    private static ZeroServe server(Path tar, Path certs, boolean fastPath) throws Exception {
        return ZeroServe.builder().site(tar).address("127.0.0.1:0").tlsAddress("127.0.0.1:0")
                .tls(TlsSettings.builder().certificateDirectory(certs).build()).transport(TestSites.transport())
                .requestLogging(false).http1FastPath(fastPath).build().start();
    }

    private String exchange(int port, String requests) throws Exception {
        try (SSLSocket socket = (SSLSocket) pki.jdkContext(null).getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(30_000);
            SSLParameters params = socket.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName("site.example")));
            params.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(params);
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String withoutDates(String answer) {
        return answer.replaceAll("Date: [^\r]*\r\n", "Date: -\r\n");
    }
}
