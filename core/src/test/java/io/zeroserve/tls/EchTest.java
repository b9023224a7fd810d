package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.ffi.boringssl.LibSsl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Encrypted Client Hello end to end, with a BoringSSL client driven through FFM. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchTest {
    @TempDir
    Path dir;
    private final TestPki pki = new TestPki();

    private TlsContext server(Path echKeys) throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestPki.writeCombined(certs.resolve("10-public.pem"), pki.leaf("public.example"));
        TestPki.writeCombined(certs.resolve("20-secret.pem"), pki.leaf("secret.example"));
        return TlsContext.create(TlsSettings.builder().certificateDirectory(certs).echKeys(echKeys).build());
    }

    @Test
    void generatedKeyHasZeroserveFormat() {
        EchKeys.Generated g = EchKeys.generate("public.example");
        assertTrue(g.pem().startsWith("-----BEGIN ECH PRIVATE KEY-----\n"), g.pem());
        assertTrue(g.pem().contains("-----BEGIN ECH CONFIG-----\n"), g.pem());
        byte[] list = Base64.getDecoder().decode(g.configListBase64());
        // ECHConfigList: 2-byte length, then one ECHConfig of version 0xfe0d.
        assertEquals(list.length - 2, ((list[0] & 0xff) << 8) | (list[1] & 0xff));
        assertEquals(0xfe, list[2] & 0xff);
        assertEquals(0x0d, list[3] & 0xff);
    }

    @Test
    void echAcceptedAndInnerSniChoosesTheCertificate() throws Exception {
        EchKeys.Generated g = EchKeys.generate("public.example");
        Path keyFile = Files.writeString(dir.resolve("ech.pem"), g.pem());
        try (TlsContext tls = server(keyFile); TestTlsServer srv = new TestTlsServer(tls, Duration.ofSeconds(20))) {
            assertArrayEquals(g.configList(), tls.echConfigList().orElseThrow());
            try (BoringClient c = new BoringClient(srv.port(), "secret.example", List.of("h2"), g.configList(),
                    null)) {
                assertTrue(c.handshake(), () -> c.failure);
                assertTrue(c.echAccepted());
                String body = c.get("secret.example");
                assertTrue(body.contains("ech=true"), body);
                assertTrue(body.contains("sni_inner=secret.example"), body);
                assertTrue(body.contains("sni_outer=public.example"), body);
            }
            TlsFacts facts = srv.handshakes.poll(20, TimeUnit.SECONDS);
            assertNotNull(facts);
            assertTrue(facts.echConfigured());
            assertTrue(facts.echAccepted());
        }
    }

    @Test
    void staleConfigIsRejectedWithRetryConfigsThatThenWork() throws Exception {
        EchKeys.Generated current = EchKeys.generate("public.example");
        EchKeys.Generated stale = EchKeys.generate("public.example");
        Path keyDir = Files.createDirectories(dir.resolve("ech"));
        Files.writeString(keyDir.resolve("a.pem"), current.pem());
        Files.writeString(keyDir.resolve(".ignored.pem"), "garbage that would not parse");
        // Same config_id in both would be rejected at load; regenerate the stale one until they differ.
        while (stale.configList()[6] == current.configList()[6]) {
            stale = EchKeys.generate("public.example");
        }
        try (TlsContext tls = server(keyDir); TestTlsServer srv = new TestTlsServer(tls, Duration.ofSeconds(20))) {
            byte[] retry;
            try (BoringClient c = new BoringClient(srv.port(), "secret.example", List.of("h2"), stale.configList(),
                    null)) {
                assertFalse(c.handshake());
                assertEquals(LibSsl.SSL_R_ECH_REJECTED, c.failureReason, c.failure);
                retry = c.retryConfigs();
            }
            assertArrayEquals(current.configList(), retry);
            try (BoringClient c = new BoringClient(srv.port(), "secret.example", List.of("h2"), retry, null)) {
                assertTrue(c.handshake(), () -> c.failure);
                assertTrue(c.echAccepted());
            }
        }
    }

    @Test
    void rotationByAddingAFileAndReloading() throws Exception {
        EchKeys.Generated first = EchKeys.generate("public.example");
        EchKeys.Generated second = EchKeys.generate("public.example");
        while (second.configList()[6] == first.configList()[6]) {
            second = EchKeys.generate("public.example");
        }
        Path keyDir = Files.createDirectories(dir.resolve("ech"));
        Files.writeString(keyDir.resolve("1.pem"), first.pem());
        try (TlsContext tls = server(keyDir); TestTlsServer srv = new TestTlsServer(tls, Duration.ofSeconds(20))) {
            Files.writeString(keyDir.resolve("2.pem"), second.pem());
            tls.reload();
            for (EchKeys.Generated g : List.of(first, second)) {
                try (BoringClient c = new BoringClient(srv.port(), "secret.example", List.of(), g.configList(),
                        null)) {
                    assertTrue(c.handshake(), () -> c.failure);
                    assertTrue(c.echAccepted());
                }
            }
        }
    }

    @Test
    void duplicateConfigIdIsRejectedNamingBothFiles() throws Exception {
        EchKeys.Generated g = EchKeys.generate("public.example");
        Path keyDir = Files.createDirectories(dir.resolve("ech"));
        Files.writeString(keyDir.resolve("a.pem"), g.pem());
        Files.writeString(keyDir.resolve("b.pem"), g.pem());
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> EchKeys.load(keyDir));
        assertTrue(e.getMessage().contains("b.pem") && e.getMessage().contains("a.pem"), e.getMessage());
        assertTrue(e.getMessage().contains("config_id"), e.getMessage());
    }

    @Test
    void corruptKeysAreClearErrors() throws Exception {
        EchKeys.Generated g = EchKeys.generate("public.example");
        EchKeys.Generated other = EchKeys.generate("public.example");
        // A private key that does not belong to the config.
        String otherKey = other.pem().substring(0, other.pem().indexOf("-----BEGIN ECH CONFIG"));
        String config = g.pem().substring(g.pem().indexOf("-----BEGIN ECH CONFIG"));
        Path mismatched = Files.writeString(dir.resolve("mismatch.pem"), otherKey + config);
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> EchKeys.load(mismatched));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());

        Path shortKey = Files.writeString(dir.resolve("short.pem"),
                "-----BEGIN ECH PRIVATE KEY-----\nAAAA\n-----END ECH PRIVATE KEY-----\n" + config);
        e = assertThrows(TlsConfigException.class, () -> EchKeys.load(shortKey));
        assertTrue(e.getMessage().contains("short.pem") && e.getMessage().contains("32-byte"), e.getMessage());

        Path noConfig = Files.writeString(dir.resolve("noconfig.pem"), otherKey);
        e = assertThrows(TlsConfigException.class, () -> EchKeys.load(noConfig));
        assertTrue(e.getMessage().contains("noconfig.pem"), e.getMessage());

        e = assertThrows(TlsConfigException.class, () -> EchKeys.load(dir.resolve("missing.pem")));
        assertTrue(e.getMessage().contains("missing.pem") && e.getMessage().contains("no such file"), e.getMessage());
    }
}
