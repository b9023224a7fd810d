package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** curl (OpenSSL 3) against the engine, trusting a test CA. HTTP/2 itself is tested with the HTTP host. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CurlTlsTest {
    private static final Path CURL = Path.of("/usr/bin/curl");

    @TempDir
    Path dir;
    private final TestPki pki = new TestPki();
    private TlsContext tls;
    private TestTlsServer server;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(CURL), "curl not installed");
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestPki.writeCombined(certs.resolve("localhost.pem"), pki.leaf("localhost"));
        tls = TlsContext.create(TlsSettings.builder().certificateDirectory(certs).build());
        server = new TestTlsServer(tls, Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            tls.close();
        }
    }

    private record Result(int exit, String out, String err) {
    }

    private Result curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CURL.toString(), "-sS", "--cacert",
                pki.caPem(dir).toString(), "--max-time", "20"));
        cmd.addAll(List.of(args));
        cmd.add("https://localhost:" + server.port() + "/");
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("err.txt").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(40, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out, Files.readString(dir.resolve("err.txt")));
    }

    private static boolean curl7881() throws Exception {
        Process p = new ProcessBuilder(CURL.toString(), "--version").start();
        String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return v.startsWith("curl 7.88.1 ") && v.contains("OpenSSL/3.0");
    }

    @Test
    void http11OverTls13() throws Exception {
        Result r = curl("--http1.1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("alpn=http/1.1"), r.out());
        assertTrue(r.out().contains("version=TLSv1.3"), r.out());
        assertTrue(r.out().contains("sni_inner=localhost"), r.out());
        if (curl7881()) {
            // Same hello as the captured fixture in Ja4Test except the ALPN list: "h1" instead of "h2".
            assertTrue(r.out().contains("ja4=t13d3112h1_e8f1e7e78f70_b26ce05bbdd6"), r.out());
        }
    }

    @Test
    void alpnH2IsAccepted() throws Exception {
        Result r = curl("--http2", "-v");
        // The test responder speaks HTTP/1.1 only, so curl's HTTP/2 exchange fails; the handshake is what counts.
        assertTrue(r.err().contains("ALPN: server accepted h2"), r.err());
        TlsFacts facts = server.handshakes.poll(20, TimeUnit.SECONDS);
        assertNotNull(facts);
        assertEquals("h2", facts.alpn());
        if (curl7881()) {
            assertEquals("t13d3112h2_e8f1e7e78f70_b26ce05bbdd6", facts.ja4());
        }
    }

    @Test
    void tls12IsRefused() throws Exception {
        Result r = curl("--http1.1", "--tlsv1.2", "--tls-max", "1.2");
        assertTrue(r.exit() != 0);
        assertTrue(r.err().contains("protocol version"), r.err());
    }
}
