package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2's threading on one TlsSocket: a reader blocked in get() while many threads write at once. Records
 * reaching the wire out of order would fail the client's record MAC, so a clean read of everything proves the
 * write path's ordering; frames carry writer id and sequence to prove nothing was lost or interleaved.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrentWritersTest {
    private static final int WRITERS = 8;
    private static final int FRAMES = 150;
    private static final int FRAME_MAX = 40_000;

    @TempDir
    Path dir;

    @Test
    void manyWritersOneReader() throws Exception {
        TestPki pki = new TestPki();
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestPki.writeCombined(certs.resolve("c.pem"), pki.leaf("localhost"));
        int total = WriterFrames.total(WRITERS, FRAMES, FRAME_MAX);
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch handlerDone = new java.util.concurrent.CountDownLatch(1);
        try (TlsContext tls = TlsContext.create(TlsSettings.builder().certificateDirectory(certs).build());
             TestTlsServer server = new TestTlsServer(tls, Duration.ofSeconds(20), socket -> {
                 List<Thread> writers = new ArrayList<>();
                 for (int w = 0; w < WRITERS; w++) {
                     int id = w;
                     writers.add(Thread.ofVirtual().start(() -> {
                         for (int s = 0; s < FRAMES; s++) {
                             byte[] f = WriterFrames.frame(id, s, FRAME_MAX);
                             socket.write(f, 0, f.length);
                         }
                     }));
                 }
                 // Meanwhile the reader consumes what the client sends, concurrently with the writers.
                 byte[] data;
                 while (received.get() < 100_000 && (data = socket.get()) != null) {
                     received.addAndGet(data.length);
                 }
                 for (Thread t : writers) {
                     try {
                         t.join();
                     } catch (InterruptedException e) {
                         throw new IllegalStateException(e);
                     }
                 }
                 handlerDone.countDown();
             })) {
            try (BoringClient c = new BoringClient(server.port(), "localhost", List.of("h2"), null, null)) {
                assertTrue(c.handshake(), () -> c.failure);
                byte[] upload = new byte[100_000];
                Arrays.fill(upload, (byte) 7);
                c.write(upload);
                byte[] all = c.read(total);
                assertEquals(total, all.length);
                WriterFrames.assertWholeAndInOrder(all, WRITERS, FRAMES, FRAME_MAX);
            }
            assertTrue(handlerDone.await(60, TimeUnit.SECONDS));
            assertEquals(100_000, received.get());
            assertTrue(server.failures.isEmpty(), () -> server.failures.toString());
        }
    }
}
