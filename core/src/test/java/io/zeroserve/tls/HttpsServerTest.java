package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.zeroserve.Curl;
import io.zeroserve.TestSites;
import io.zeroserve.ZeroServe;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The whole server over HTTPS: Helidon's HTTP/1.1 and HTTP/2 on top of the engine, through the public API. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpsServerTest {
    @TempDir
    Path dir;
    private final TestPki pki = new TestPki();
    private ZeroServe server;
    private Path certs;
    private CertificateBuilder.Issued siteCert;
    private int port;

    @BeforeEach
    void start() throws Exception {
        certs = Files.createDirectories(dir.resolve("certs"));
        siteCert = pki.leaf("site.example", "*.site.example");
        TestPki.writeCombined(certs.resolve("site.pem"), siteCert);
        Path tar = TestSites.standard().writeTo(dir.resolve("site.tar"));
        server = ZeroServe.builder().site(tar).address("127.0.0.1:0").tlsAddress("127.0.0.1:0")
                .tls(TlsSettings.builder().certificateDirectory(certs).build())
                .transport(TestSites.transport()).requestLogging(false).build().start();
        port = server.tlsAddresses().getFirst().getPort();
        assertTrue(port > 0);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Curl.Response curl(String host, String path, String... args) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
        List<String> all = new java.util.ArrayList<>(List.of("--cacert", pki.caPem(dir).toString(),
                "--resolve", host + ":" + port + ":127.0.0.1"));
        all.addAll(List.of(args));
        return Curl.run("https://" + host + ":" + port + path, all.toArray(String[]::new));
    }

    @Test
    void curlHttp11AndHttp2() throws Exception {
        Curl.Response h1 = curl("site.example", "/hello.txt", "--http1.1");
        assertEquals("HTTP/1.1", h1.protocol());
        assertEquals(200, h1.status());
        assertEquals("hello, world\n", h1.text());

        Curl.Response h2 = curl("www.site.example", "/big.bin", "--http2");
        assertEquals("HTTP/2", h2.protocol());
        assertEquals(200, h2.status());
        assertEquals(3 * 1024 * 1024 + 17, h2.body().length);
    }

    @Test
    void jdkHttpClientSpeaksHttp2() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(pki.jdkContext(null)).build()) {
            // The JDK client verifies the URI host, and there is no DNS for site.example here: add a certificate
            // for localhost and serve it after a reload.
            TestPki.writeCombined(certs.resolve("zz-ip.pem"), pki.leaf("localhost", "127.0.0.1"));
            assertEquals(Optional.empty(), server.reload());
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + port + "/hello.txt")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, response.version());
            assertEquals("hello, world\n", response.body());
        }
    }

    @Test
    void sniDifferentFromHostIsMisdirected() throws Exception {
        assertEquals(421, curl("site.example", "/hello.txt", "--http1.1", "-H", "Host: other.example").status());
        assertEquals(421, curl("site.example", "/hello.txt", "--http2", "-H", "Host: other.example").status());
        // Ports and case do not matter.
        assertEquals(200, curl("site.example", "/hello.txt", "--http1.1", "-H", "Host: SITE.example:1").status());
        // Without SNI (an IP address in the URL) there is nothing to check.
        Curl.Response noSni = Curl.run("https://127.0.0.1:" + port + "/hello.txt", "-k", "--http1.1",
                "-H", "Host: anything.example");
        assertEquals(200, noSni.status());
    }

    @Test
    void reloadSwapsCertificatesAndKeepsOldOnError() throws Exception {
        assertEquals(siteCert.certificate(), peerCertificate("site.example"));
        CertificateBuilder.Issued next = pki.leaf("site.example");
        TestPki.writeCombined(certs.resolve("site.pem"), next);
        assertEquals(Optional.empty(), server.reload());
        assertEquals(next.certificate(), peerCertificate("site.example"));

        Files.writeString(certs.resolve("site.pem"), "-----BEGIN CERTIFICATE-----\n");
        Optional<String> error = server.reload();
        assertTrue(error.isPresent() && error.get().contains("site.pem"), error.toString());
        assertEquals(next.certificate(), peerCertificate("site.example"));
        assertEquals(200, curl("site.example", "/hello.txt", "--http2").status());
    }

    /** A fresh JDK client (no session to resume) connecting with SNI {@code name}. */
    private java.security.cert.Certificate peerCertificate(String name) throws Exception {
        try (SSLSocket socket = (SSLSocket) pki.jdkContext(null).getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            SSLParameters params = socket.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(name)));
            socket.setSSLParameters(params);
            socket.startHandshake();
            return socket.getSession().getPeerCertificates()[0];
        }
    }
}
