package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SNI choice in a --cert-dir, and the errors bad material produces. */
class CertificateStoreTest {
    @TempDir
    Path dir;
    private final TestPki pki = new TestPki();
    private final Instant now = Instant.now();

    private String select(CertificateStore store, String sni) {
        return store.select(sni, now).source().getFileName().toString();
    }

    @Test
    void exactWildcardExpiredAndNoSni() throws Exception {
        // Lexicographic order decides between matches: 10 < 20 < 30 < 40.
        TestPki.writeCombined(dir.resolve("10-old.pem"),
                pki.leaf(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), "old.example", "www.example"));
        TestPki.writeCombined(dir.resolve("20-www.pem"), pki.leaf("www.example"));
        TestPki.writeCombined(dir.resolve("30-wild.pem"), pki.leaf("*.example", "old.example"));
        Files.writeString(dir.resolve("40-other.pem"), pki.leaf("other.test").certificatePem());
        Files.writeString(dir.resolve("README"), "not PEM, ignored\n");
        Files.writeString(dir.resolve(".hidden.pem"), "-----BEGIN CERTIFICATE-----\nbroken");
        // 40-other.pem has no key in the directory: ignored with a log line (a CA bundle looks the same).
        try (CertificateStore store = CertificateStore.fromDirectory(dir, now)) {
            assertEquals(3, store.entries().size());
            assertEquals("20-www.pem", select(store, "www.example"));      // exact; expired 10-old skipped
            assertEquals("20-www.pem", select(store, "WWW.Example"));      // case-insensitive
            assertEquals("30-wild.pem", select(store, "api.example"));     // wildcard, one label
            assertEquals("30-wild.pem", select(store, "old.example"));     // expired 10-old skipped
            assertEquals("20-www.pem", select(store, "a.b.example"));      // wildcard is one label only: default
            assertEquals("20-www.pem", select(store, "example"));          // no match: first valid
            assertEquals("20-www.pem", select(store, null));               // no SNI: first valid
        }
    }

    @Test
    void separateKeyFilesAreMatchedByPublicKey() throws Exception {
        CertificateBuilder.Issued a = pki.leaf("a.example");
        CertificateBuilder.Issued b = pki.leaf("b.example");
        Files.writeString(dir.resolve("a.crt"), a.certificatePem() + pki.ca.certificatePem());
        Files.writeString(dir.resolve("b.crt"), b.certificatePem());
        Files.writeString(dir.resolve("keys.pem"), b.privateKeyPem() + a.privateKeyPem());
        try (CertificateStore store = CertificateStore.fromDirectory(dir, now)) {
            assertEquals("a.crt", select(store, "a.example"));
            assertEquals(2, store.select("a.example", now).chain().size());
            assertEquals("b.crt", select(store, "b.example"));
        }
    }

    /** Keys as OpenSSL writes them: PKCS#1 RSA, SEC1 EC and PKCS#8, each matched to its certificate. */
    @Test
    void opensslKeyFormats() throws Exception {
        Path openssl = Path.of("/usr/bin/openssl");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(openssl), "openssl not installed");
        run(openssl.toString(), "genrsa", "-traditional", "-out", dir.resolve("rsa.key").toString(), "2048");
        run(openssl.toString(), "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out",
                dir.resolve("ec.key").toString());
        run(openssl.toString(), "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out",
                dir.resolve("p8.key").toString());
        for (String[] pair : new String[][] {{"rsa", "rsa.example"}, {"ec", "ec.example"}, {"p8", "p8.example"}}) {
            run(openssl.toString(), "req", "-x509", "-key", dir.resolve(pair[0] + ".key").toString(), "-subj",
                    "/CN=" + pair[1], "-addext", "subjectAltName=DNS:" + pair[1], "-days", "2", "-out",
                    dir.resolve(pair[0] + ".crt").toString());
        }
        assertTrue(Files.readString(dir.resolve("rsa.key")).contains("BEGIN RSA PRIVATE KEY"));
        assertTrue(Files.readString(dir.resolve("ec.key")).contains("BEGIN EC PRIVATE KEY"));
        assertTrue(Files.readString(dir.resolve("p8.key")).contains("BEGIN PRIVATE KEY"));
        // openssl dates its certificates from the second it ran: judge validity a little later than that.
        Instant later = Instant.now().plusSeconds(5);
        try (CertificateStore store = CertificateStore.fromDirectory(dir, later)) {
            assertEquals(3, store.entries().size());
            assertEquals("rsa.crt", store.select("rsa.example", later).source().getFileName().toString());
            assertEquals("ec.crt", store.select("ec.example", later).source().getFileName().toString());
            assertEquals("p8.crt", store.select("p8.example", later).source().getFileName().toString());
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, out);
    }

    @Test
    void expiredOnlyDirectoryIsAnError() throws Exception {
        TestPki.writeCombined(dir.resolve("old.pem"),
                pki.leaf(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), "old.example"));
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> CertificateStore.fromDirectory(dir, now));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void keyMatchingNoCertificateIsAnError() throws Exception {
        TestPki.writeCombined(dir.resolve("a.pem"), pki.leaf("a.example"));
        Files.writeString(dir.resolve("stray.key"), pki.leaf("b.example").privateKeyPem());
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> CertificateStore.fromDirectory(dir, now));
        assertTrue(e.getMessage().contains("stray.key") && e.getMessage().contains("matches no certificate"),
                e.getMessage());
    }

    @Test
    void certAndKeyFlagsCheckTheirPair() throws Exception {
        CertificateBuilder.Issued a = pki.leaf("a.example");
        Path cert = Files.writeString(dir.resolve("cert.pem"), a.certificatePem());
        Path wrongKey = Files.writeString(dir.resolve("key.pem"), pki.leaf("b.example").privateKeyPem());
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> CertificateStore.fromFiles(cert, wrongKey));
        assertTrue(e.getMessage().contains("cert.pem"), e.getMessage());

        e = assertThrows(TlsConfigException.class,
                () -> CertificateStore.fromFiles(dir.resolve("nope.pem"), wrongKey));
        assertTrue(e.getMessage().contains("nope.pem") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void malformedPemNamesFileAndLine() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"),
                "# comment\n-----BEGIN CERTIFICATE-----\nMIIB\n");
        Path key = Files.writeString(dir.resolve("key.pem"), pki.leaf("a").privateKeyPem());
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> CertificateStore.fromFiles(cert, key));
        assertTrue(e.getMessage().contains("cert.pem") && e.getMessage().contains("line 2"), e.getMessage());

        Path garbageKey = Files.writeString(dir.resolve("bad.key"),
                "-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n");
        Path good = Files.writeString(dir.resolve("good.pem"), pki.leaf("a").certificatePem());
        e = assertThrows(TlsConfigException.class, () -> CertificateStore.fromFiles(good, garbageKey));
        assertTrue(e.getMessage().contains("bad.key") && e.getMessage().contains("unreadable PRIVATE KEY"),
                e.getMessage());
    }
}
