package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The zero-config certificate and the ticket-key rotation (driven by a fake clock, never by sleeping). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SelfSignedAndTicketsTest {
    @TempDir
    Path dir;

    @Test
    void selfSignedCoversLoopbackNamesAndIsKeptInTheStateDir() throws Exception {
        List<String> names = List.of("localhost", "127.0.0.1", "::1", "box.example");
        Instant now = Instant.now();
        SelfSignedCertificate first = SelfSignedCertificate.loadOrCreate(dir, names, now);
        assertFalse(first.reused());
        var sans = first.certificate().getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1)))
                .toList();
        assertTrue(sans.containsAll(List.of("localhost", "127.0.0.1", "box.example")), sans.toString());
        assertTrue(sans.stream().anyMatch(s -> s.startsWith("0:0:0:0:0:0:0:1")), sans.toString());
        Path stored = dir.resolve("tls/self-signed.pem");
        assertEquals(java.util.Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(stored));

        SelfSignedCertificate again = SelfSignedCertificate.loadOrCreate(dir, names, now.plus(Duration.ofDays(1)));
        assertTrue(again.reused());
        assertEquals(first.fingerprintSha256(), again.fingerprintSha256());

        // Close to expiry, or for other names, a new one is made.
        SelfSignedCertificate late = SelfSignedCertificate.loadOrCreate(dir, names, now.plus(Duration.ofDays(360)));
        assertFalse(late.reused());
        SelfSignedCertificate renamed = SelfSignedCertificate.loadOrCreate(dir, List.of("localhost"),
                now.plus(Duration.ofDays(360)));
        assertFalse(renamed.reused());
    }

    @Test
    void zeroConfigContextServesTheSelfSignedCertificate() throws Exception {
        try (TlsContext tls = TlsContext.create(TlsSettings.builder().stateDirectory(dir).build());
             TestTlsServer server = new TestTlsServer(tls, Duration.ofSeconds(20))) {
            SelfSignedCertificate cert = tls.selfSignedCertificate().orElseThrow();
            assertTrue(cert.fingerprintSha256().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"));
            tls.reload(); // keeps the same certificate
            assertSame(cert, tls.selfSignedCertificate().orElseThrow());
            try (BoringClient c = new BoringClient(server.port(), null, List.of("http/1.1"), null, null)) {
                assertTrue(c.handshake(), () -> c.failure);
                assertTrue(c.get("127.0.0.1").contains("alpn=http/1.1"));
            }
        }
    }

    @Test
    void ticketKeysRotateEvery12HoursWithTwoLive() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        InstantSource clock = now::get;
        TicketKeys keys = new TicketKeys(clock);
        TicketKeys.Key k1 = keys.current();
        assertSame(k1, keys.current());
        assertTrue(keys.isCurrent(k1));

        now.set(now.get().plus(Duration.ofHours(12)));
        TicketKeys.Key k2 = keys.current();
        assertNotEquals(k1.period(), k2.period());
        assertNotNull(keys.find(k1.name()), "previous key must still open tickets");
        assertFalse(keys.isCurrent(k1), "tickets under the previous key are renewed");
        assertSame(k2, keys.find(k2.name()));

        now.set(now.get().plus(Duration.ofHours(12)));
        keys.current();
        assertNull(keys.find(k1.name()), "a key two periods old is retired");
        assertNotNull(keys.find(k2.name()));
    }
}
