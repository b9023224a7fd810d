package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.common.buffers.BufferData;
import io.zeroserve.net.Connection;
import io.zeroserve.net.IoUringSupport;
import io.zeroserve.net.ListenAddress;
import io.zeroserve.net.Listener;
import io.zeroserve.net.Transport;
import io.zeroserve.net.nio.NioTransport;
import io.zeroserve.net.uring.IoUringTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TLS write path on the real transports: {@link TlsSocket} drains its write BIO straight into the transport's
 * memory ({@link Connection#write(Connection.Producer)}), in rounds of about one record. Every test checks the
 * plaintext the client decrypts (so record order and content), and that the transport got all its pooled write
 * buffers back once the connection closed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsWritePathTest {
    /** Longest frame body of concurrentStreamsKeepEachWriteWhole: most frames need more than one 16 KiB round. */
    private static final int FRAME_MAX = 50_000;

    @TempDir
    Path dir;
    private TlsContext tls;
    private Transport transport;

    @BeforeEach
    void certificates() throws Exception {
        TestPki pki = new TestPki();
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestPki.writeCombined(certs.resolve("c.pem"), pki.leaf("localhost"));
        tls = TlsContext.create(TlsSettings.builder().certificateDirectory(certs).build());
    }

    @AfterEach
    void close() {
        if (transport != null) {
            transport.close();
            assertEquals(0, buffersInUse(), "write buffers still taken after the transport closed");
        }
        tls.close();
    }

    private Listener listen(String name) throws IOException {
        if (name.equals("io_uring")) {
            IoUringSupport.assumeAvailable();
            transport = IoUringTransport.create(IoUringTransport.Options.defaults().withRings(1));
        } else {
            transport = NioTransport.create();
        }
        return transport.listen(ListenAddress.parse("127.0.0.1:0"), 16);
    }

    private int buffersInUse() {
        return transport instanceof IoUringTransport u ? u.sendBuffersInUse()
                : ((NioTransport) transport).directBuffersInUse();
    }

    /** Accepts one connection, runs the handshake and {@code handler} on a virtual thread, then closes the socket. */
    private CompletableFuture<Void> serveOne(Listener listener, Consumer<TlsSocket> handler) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                TlsSocket socket = tls.accept(listener.accept(), Duration.ofSeconds(20));
                try {
                    handler.accept(socket);
                } finally {
                    socket.close();
                }
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    private static byte[] random(int size, int seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Sizes around a round (16 KiB) and the transports' buffers (64 and 128 KiB). */
    private static final int[] SIZES = {1, 200, 16383, 16384, 16385, 16393, 20480, 20481, 65536, 102400, 131072,
            1_000_003};

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "nio"})
    void largeAndSmallWritesArriveWholeAndInOrder(String name) throws Exception {
        Listener listener = listen(name);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < SIZES.length; i++) {
            parts.add(random(SIZES[i], i));
            expected.writeBytes(parts.getLast());
        }
        byte[] head = random(180, 99);
        for (byte[] part : parts) {
            expected.writeBytes(head);
            expected.writeBytes(part);
        }
        CompletableFuture<Void> server = serveOne(listener, socket -> {
            for (byte[] part : parts) {
                socket.write(part, 0, part.length);
            }
            for (byte[] part : parts) {
                socket.write(head, part); // a response head sealed with the start of its body
            }
        });
        try (BoringClient client = new BoringClient(listener.localAddress().getPort(), "localhost", List.of(), null,
                null)) {
            assertTrue(client.handshake(), () -> client.failure);
            byte[] all = client.read(expected.size());
            assertArrayEquals(expected.toByteArray(), all);
        }
        server.get();
    }

    /**
     * HTTP/2's threading: streams write concurrently while the reader waits for the peer, every other frame as a
     * {@link BufferData} as Helidon writes them. Frames larger than a round are sealed in several rounds; no other
     * stream's frame may come between them.
     */
    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "nio"})
    void concurrentStreamsKeepEachWriteWhole(String name) throws Exception {
        int writers = 6;
        int frames = 60;
        Listener listener = listen(name);
        int total = WriterFrames.total(writers, frames, FRAME_MAX);
        CompletableFuture<Void> server = serveOne(listener, socket -> {
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int s = 0; s < frames; s++) {
                        byte[] f = WriterFrames.frame(id, s, FRAME_MAX);
                        if (s % 2 == 0) {
                            socket.write(f, 0, f.length);
                        } else {
                            socket.write(BufferData.create(f)); // Helidon's path: through a pooled plaintext array
                        }
                    }
                }));
            }
            assertNotNull(socket.get()); // the reader waits for the client meanwhile, as HTTP/2's does
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        try (BoringClient client = new BoringClient(listener.localAddress().getPort(), "localhost", List.of("h2"),
                null, null)) {
            assertTrue(client.handshake(), () -> client.failure);
            byte[] all = client.read(total);
            client.write(new byte[] {1});
            assertEquals(total, all.length);
            WriterFrames.assertWholeAndInOrder(all, writers, frames, FRAME_MAX);
        }
        server.get();
    }

    /**
     * The client resets the connection while a large response is being sent: the writer fails, later writes fail
     * at once with the first failure as cause, and the transport gets its buffers back once the socket closed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "nio"})
    void peerResetDuringALargeWriteFailsTheWriter(String name) throws Exception {
        Listener listener = listen(name);
        byte[] chunk = random(1024 * 1024, 3);
        List<RuntimeException> failures = new ArrayList<>();
        CompletableFuture<Void> server = serveOne(listener, socket -> {
            failures.add(assertThrows(UncheckedIOException.class, () -> {
                while (true) {
                    socket.write(chunk, 0, chunk.length);
                }
            }));
            failures.add(assertThrows(UncheckedIOException.class, () -> socket.write(new byte[10], 0, 10)));
        });
        try (BoringClient client = new BoringClient(listener.localAddress().getPort(), "localhost", List.of(), null,
                null)) {
            assertTrue(client.handshake(), () -> client.failure);
            assertArrayEquals(Arrays.copyOf(chunk, 100_000), client.read(100_000)); // the server is sending
            client.reset();
        }
        server.get();
        assertInstanceOf(IOException.class, failures.get(0).getCause());
        assertTrue(failures.get(1).getMessage().contains("broken by an earlier send")
                || failures.get(1).getMessage().contains("closed"), failures.get(1).getMessage());
        // After the close, nothing of this connection holds a pooled buffer (io_uring: once the fd is closed).
        assertEquals(0, buffersInUse(), "write buffers still taken after the socket closed");
    }
}
