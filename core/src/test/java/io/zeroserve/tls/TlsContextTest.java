package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The engine over loopback sockets, against the JDK's TLS stack and a BoringSSL client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsContextTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final TestPki pki = new TestPki();
    private CertificateBuilder.Issued leaf;
    private TlsContext tls;
    private TestTlsServer server;

    @BeforeEach
    void start() throws Exception {
        leaf = pki.leaf("localhost", "127.0.0.1");
        Files.writeString(dir.resolve("cert.pem"), leaf.certificatePem() + pki.ca.certificatePem());
        Files.writeString(dir.resolve("key.pem"), leaf.privateKeyPem());
        tls = TlsContext.create(TlsSettings.builder()
                .certificate(dir.resolve("cert.pem"), dir.resolve("key.pem"))
                .requestClientCertificates(true)
                .build());
        server = new TestTlsServer(tls, TIMEOUT);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        tls.close();
    }

    @Test
    void alpnPrefersH2AndFallsBackToHttp11() throws Exception {
        try (BoringClient c = new BoringClient(server.port(), "localhost", List.of("http/1.1", "h2"), null, null)) {
            assertTrue(c.handshake(), () -> c.failure);
            assertEquals("h2", c.alpn());
            assertEquals("h2", next().alpn());
        }
        try (BoringClient c = new BoringClient(server.port(), "localhost", List.of("http/1.1"), null, null)) {
            assertTrue(c.handshake(), () -> c.failure);
            assertEquals("http/1.1", c.alpn());
        }
        try (BoringClient c = new BoringClient(server.port(), null, List.of(), null, null)) {
            assertTrue(c.handshake(), () -> c.failure);
            assertEquals(null, c.alpn());
            assertEquals("http/1.1", next().alpn());
            TlsFacts facts = next();
            assertEquals(null, facts.alpn());
            assertEquals(null, facts.sniInner());
            assertTrue(facts.ja4().startsWith("t13i"), facts.ja4());
        }
    }

    @Test
    void jdkHttpClientTrustsTheChainAndGetsAnAnswer() throws Exception {
        SSLContext context = pki.jdkContext(null);
        try (HttpClient client = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1)
                .build()) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("version=TLSv1.3"), response.body());
            assertTrue(response.body().contains("sni_inner=localhost"), response.body());
            assertTrue(response.body().contains("client_certs=0"), response.body());
        }
    }

    @Test
    void tls12ClientGetsProtocolVersionAlert() throws Exception {
        SSLContext context = pki.jdkContext(null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class, socket::startHandshake);
            assertTrue(e.getMessage().contains("protocol_version"), e.getMessage());
        }
        Throwable failure = server.failures.poll(20, TimeUnit.SECONDS);
        assertNotNull(failure);
        assertTrue(failure.getMessage().contains("UNSUPPORTED_PROTOCOL"), failure.getMessage());
    }

    @Test
    void opensslTls12IsRefused() throws Exception {
        Path openssl = Path.of("/usr/bin/openssl");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(openssl), "openssl not installed");
        Process p = new ProcessBuilder(openssl.toString(), "s_client", "-tls1_2", "-connect",
                "127.0.0.1:" + server.port(), "-servername", "localhost")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(p.exitValue() != 0, out);
        assertTrue(out.contains("protocol version"), out);
    }

    @Test
    void secondConnectionResumesWithATicket() throws Exception {
        MemorySegment session;
        try (BoringClient c = new BoringClient(server.port(), "localhost", List.of("h2"), null, null)) {
            assertTrue(c.handshake(), () -> c.failure);
            assertFalse(c.resumed());
            c.get("localhost"); // tickets arrive after the handshake; reading delivers them
            session = c.takeSession();
            assertNotNull(session, "server sent no session ticket");
        }
        try (BoringClient c = new BoringClient(server.port(), "localhost", List.of("h2"), null, session)) {
            assertTrue(c.handshake(), () -> c.failure);
            assertTrue(c.resumed());
            assertTrue(c.get("localhost").contains("resumed=true"));
        } finally {
            io.zeroserve.ffi.boringssl.LibSsl.SSL_SESSION_free(session);
        }
    }

    @Test
    void ticketsStayValidAcrossAReload() throws Exception {
        MemorySegment session;
        try (BoringClient c = new BoringClient(server.port(), "localhost", List.of("h2"), null, null)) {
            assertTrue(c.handshake(), () -> c.failure);
            c.get("localhost");
            session = c.takeSession();
            assertNotNull(session);
        }
        tls.reload(); // a new SSL_CTX; the ticket keys belong to the TlsContext and carry over
        try (BoringClient c = new BoringClient(server.port(), "localhost", List.of("h2"), null, session)) {
            assertTrue(c.handshake(), () -> c.failure);
            assertTrue(c.resumed());
        } finally {
            io.zeroserve.ffi.boringssl.LibSsl.SSL_SESSION_free(session);
        }
    }

    @Test
    void plainHttpInsteadOfClientHelloIsDropped() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, s.getInputStream().read());
        }
        Throwable failure = server.failures.poll(20, TimeUnit.SECONDS);
        assertNotNull(failure);
        assertTrue(failure.getMessage().contains("plain text"), failure.getMessage());
        // Others are not disturbed.
        try (BoringClient c = new BoringClient(server.port(), "localhost", List.of("h2"), null, null)) {
            assertTrue(c.handshake(), () -> c.failure);
        }
    }

    @Test
    void stalledHandshakeIsDroppedByTheTimeout() throws Exception {
        try (TestTlsServer quick = new TestTlsServer(tls, Duration.ofMillis(300));
             Socket s = new Socket("127.0.0.1", quick.port())) {
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // a record header, then silence
            s.setSoTimeout(30_000);
            assertEquals(-1, s.getInputStream().read());
            Throwable failure = quick.failures.poll(30, TimeUnit.SECONDS);
            assertNotNull(failure);
            assertTrue(failure.getMessage().contains("timed out"), failure.getMessage());
        }
    }

    @Test
    void clientCertificateChainIsExposed() throws Exception {
        CertificateBuilder.Issued client = pki.leaf("client.example");
        SSLContext context = pki.jdkContext(client);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.startHandshake();
            exchange(socket);
        }
        TlsFacts facts = server.handshakes.poll(20, TimeUnit.SECONDS);
        assertNotNull(facts);
        assertEquals(2, facts.clientCertificates().size());
        assertEquals(client.certificate(), facts.clientCertificates().getFirst());
    }

    @Test
    void reloadSwapsCertificatesWhileConnectionsStayOpen() throws Exception {
        try (SSLSocket first = connect("localhost")) {
            assertEquals(leaf.certificate(), first.getSession().getPeerCertificates()[0]);
            assertTrue(exchange(first).contains("200 OK"));

            CertificateBuilder.Issued second = pki.leaf("localhost", "127.0.0.1");
            Files.writeString(dir.resolve("cert.pem"), second.certificatePem());
            Files.writeString(dir.resolve("key.pem"), second.privateKeyPem());
            tls.reload();

            try (SSLSocket after = connect("localhost")) {
                assertEquals(second.certificate(), after.getSession().getPeerCertificates()[0]);
            }
            // The old connection keeps working on its own SSL*.
            assertTrue(exchange(first).contains("200 OK"));

            // A broken file at reload: error names the file, the current material stays.
            Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                    + "-----END CERTIFICATE-----\n");
            TlsConfigException e = assertThrows(TlsConfigException.class, tls::reload);
            assertTrue(e.getMessage().contains("cert.pem"), e.getMessage());
            try (SSLSocket still = connect("localhost")) {
                assertEquals(second.certificate(), still.getSession().getPeerCertificates()[0]);
            }
        }
    }

    private TlsFacts next() throws InterruptedException {
        TlsFacts facts = server.handshakes.poll(20, TimeUnit.SECONDS);
        assertNotNull(facts, "no handshake reached the server");
        return facts;
    }

    /** A fresh JDK context per call: a shared one would resume the old session and report its certificate. */
    private SSLSocket connect(String sni) throws Exception {
        SSLContext context = pki.jdkContext(null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        SSLParameters params = socket.getSSLParameters();
        params.setServerNames(List.of(new SNIHostName(sni)));
        socket.setSSLParameters(params);
        socket.startHandshake();
        X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
        assertNotNull(peer);
        return socket;
    }

    /** One request/response on an open socket; returns the response head and body. */
    private static String exchange(SSLSocket socket) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[4096];
        while (true) {
            int n = in.read(buf);
            if (n < 0) {
                return sb.toString();
            }
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            int head = sb.indexOf("\r\n\r\n");
            if (head > 0) {
                int cl = sb.indexOf("Content-Length: ");
                int len = Integer.parseInt(sb.substring(cl + 16, sb.indexOf("\r\n", cl)));
                if (sb.length() >= head + 4 + len) {
                    return sb.toString();
                }
            }
        }
    }
}
