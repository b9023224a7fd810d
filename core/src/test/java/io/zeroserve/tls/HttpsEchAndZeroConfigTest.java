package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.zeroserve.Curl;
import io.zeroserve.TestSites;
import io.zeroserve.ZeroServe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ECH and the zero-config certificate through the whole server. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpsEchAndZeroConfigTest {
    @TempDir
    Path dir;

    @Test
    void echInnerSniChoosesCertificateAndPassesTheHostCheck() throws Exception {
        TestPki pki = new TestPki();
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestPki.writeCombined(certs.resolve("1-public.pem"), pki.leaf("public.example"));
        TestPki.writeCombined(certs.resolve("2-secret.pem"), pki.leaf("secret.example"));
        EchKeys.Generated ech = EchKeys.generate("public.example");
        Path echFile = Files.writeString(dir.resolve("ech.pem"), ech.pem());
        Path tar = TestSites.standard().writeTo(dir.resolve("site.tar"));
        try (ZeroServe server = ZeroServe.builder().site(tar).address("127.0.0.1:0").tlsAddress("127.0.0.1:0")
                .tls(TlsSettings.builder().certificateDirectory(certs).echKeys(echFile).build())
                .transport(TestSites.transport()).requestLogging(false).build().start()) {
            int port = server.tlsAddresses().getFirst().getPort();
            try (BoringClient c = new BoringClient(port, "secret.example", List.of("http/1.1"), ech.configList(),
                    null)) {
                assertTrue(c.handshake(), () -> c.failure);
                assertTrue(c.echAccepted());
                // Host matches the inner SNI, not the outer public name: no 421.
                assertEquals("hello, world\n", c.get("secret.example", "/hello.txt"));
            }
            try (BoringClient c = new BoringClient(port, "secret.example", List.of("http/1.1"), ech.configList(),
                    null)) {
                assertTrue(c.handshake(), () -> c.failure);
                assertEquals("421", c.status("public.example", "/hello.txt"));
            }
        }
    }

    /** PROXY v1 header and ClientHello in one segment: the bytes after the header reach the TLS engine. */
    @Test
    void proxyHeaderThenTls() throws Exception {
        TestPki pki = new TestPki();
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestPki.writeCombined(certs.resolve("site.pem"), pki.leaf("site.example"));
        Path tar = TestSites.standard().writeTo(dir.resolve("site.tar"));
        java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
        io.zeroserve.http.RequestLog log = new io.zeroserve.http.RequestLog(
                new java.io.PrintStream(logged, true, java.nio.charset.StandardCharsets.UTF_8));
        try (ZeroServe server = ZeroServe.builder().site(tar).address("127.0.0.1:0").tlsAddress("127.0.0.1:0")
                .tls(TlsSettings.builder().certificateDirectory(certs).build()).proxyProtocol(true)
                .requestLogging(true).requestLog(log).transport(TestSites.transport()).build().start()) {
            int port = server.tlsAddresses().getFirst().getPort();
            try (BoringClient c = new BoringClient(port, "site.example", List.of("http/1.1"), null, null)) {
                c.prefix = "PROXY TCP4 203.0.113.7 10.0.0.1 51234 443\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                assertTrue(c.handshake(), () -> c.failure);
                assertEquals("hello, world\n", c.get("site.example", "/hello.txt"));
            }
            // The log line is written by the log's own thread: wait for it rather than for a time.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!logged.toString(java.nio.charset.StandardCharsets.UTF_8).contains("GET /hello.txt")
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            String lines = logged.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(lines.contains("https 203.0.113.7:51234 GET /hello.txt"), lines);
        }
    }

    @Test
    void zeroConfigServesASelfSignedCertificate() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
        Path tar = TestSites.standard().writeTo(dir.resolve("site.tar"));
        try (ZeroServe server = ZeroServe.builder().site(tar).address("127.0.0.1:0").tlsAddress("127.0.0.1:0")
                .tls(TlsSettings.builder().stateDirectory(dir.resolve("state")).build())
                .transport(TestSites.transport()).requestLogging(false).build().start()) {
            int port = server.tlsAddresses().getFirst().getPort();
            SelfSignedCertificate cert = server.tls().orElseThrow().selfSignedCertificate().orElseThrow();
            Path pem = Files.writeString(dir.resolve("self.pem"), cert.certificatePem());
            // The certificate itself is the trust anchor; it names localhost.
            Curl.Response r = Curl.run("https://localhost:" + port + "/hello.txt", "--cacert", pem.toString(),
                    "--http2");
            assertEquals(200, r.status());
            assertEquals("HTTP/2", r.protocol());
            assertTrue(Files.exists(dir.resolve("state/tls/self-signed.pem")));
        }
    }
}
