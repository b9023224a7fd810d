package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native-memory safety of reloads: handshakes keep starting while the material (SSL_CTX, certificate buffers,
 * keys, ECH keys) is swapped and freed underneath. A use-after-free would crash the JVM or fail a handshake.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReloadRaceTest {
    @TempDir
    Path dir;

    @Test
    void handshakesDuringRepeatedReloads() throws Exception {
        TestPki pki = new TestPki();
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestPki.writeCombined(certs.resolve("a.pem"), pki.leaf("a.example"));
        EchKeys.Generated ech = EchKeys.generate("a.example");
        Path echFile = Files.writeString(dir.resolve("ech.pem"), ech.pem());
        try (TlsContext tls = TlsContext.create(TlsSettings.builder().certificateDirectory(certs).echKeys(echFile)
                .build());
             TestTlsServer server = new TestTlsServer(tls, Duration.ofSeconds(30))) {
            AtomicBoolean reloading = new AtomicBoolean(true);
            AtomicInteger handshakes = new AtomicInteger();
            AtomicInteger attempts = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                boolean useEch = t == 0;
                clients.add(Thread.ofPlatform().start(() -> {
                    // Keep connecting until the reloads are over, and at least 20 times.
                    for (int i = 0; reloading.get() || i < 20; i++) {
                        attempts.incrementAndGet();
                        try (BoringClient c = new BoringClient(server.port(), "a.example", List.of("h2"),
                                useEch ? ech.configList() : null, null)) {
                            if (!c.handshake()) {
                                failures.add(c.failure);
                            } else if (useEch && !c.echAccepted()) {
                                failures.add("ECH not accepted");
                            } else {
                                handshakes.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            for (int r = 0; r < 40; r++) {
                // Alternate between two certificates so every reload really builds new native material.
                TestPki.writeCombined(certs.resolve("a.pem"), pki.leaf("a.example"));
                tls.reload();
            }
            reloading.set(false);
            for (Thread c : clients) {
                c.join();
            }
            assertTrue(failures.isEmpty(), failures::toString);
            assertTrue(handshakes.get() >= 60, "handshakes: " + handshakes.get());
            // The server side of the last handshakes may still be finishing (sending tickets): wait for every
            // accepted connection to report success or failure before looking at the registry.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (server.handshakes.size() + server.failures.size() < attempts.get()
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(attempts.get(), server.handshakes.size() + server.failures.size());
            assertEquals(0, Callbacks.ACTIVE.size(), "every handshake left the callback registry");
        }
    }
}
