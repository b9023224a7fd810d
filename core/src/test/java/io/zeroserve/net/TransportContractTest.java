package io.zeroserve.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link Transport} must show, run against each implementation by a subclass. Server-side
 * calls on a connection run on threads of its {@link Connection#threadBuilder()}, as in the server (some of the
 * concurrent writers on ordinary virtual threads); the clients are plain blocking JDK sockets. Nothing here waits
 * for a fixed time: each step waits for a condition (a thread parked, bytes arrived), and the JUnit timeouts only
 * turn a hang into a failure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class TransportContractTest {
    protected Transport transport;
    protected Listener listener;
    private long fdsBefore;
    private List<String> fdTargetsBefore;

    /** A fresh transport of the implementation under test. */
    protected abstract Transport createTransport() throws IOException;

    @BeforeEach
    void start() throws Exception {
        warmUpOnce();
        fdsBefore = openFds();
        fdTargetsBefore = fdTargets();
        transport = createTransport();
        listener = transport.listen(ListenAddress.parse("127.0.0.1:0"), 128);
    }

    /** Checks, after {@link Transport#close()}, that the implementation released its pooled memory. */
    protected void assertReleased(Transport closed) {
    }

    /** Pooled write buffers the transport has handed out and not got back, or -1 when it has no such pool. */
    protected int writeBuffersInUse() {
        return -1;
    }

    /** Asserts that no pooled write buffer is held any more (for transports with a pool). */
    private void assertNoWriteBufferHeld() {
        int held = writeBuffersInUse();
        if (held >= 0) {
            assertEquals(0, held, "write buffers still held");
        }
    }

    /** A producer that copies {@code source} into whatever it is offered. */
    protected static Connection.Producer producerOf(byte[] source) {
        int[] pos = {0};
        return target -> {
            int n = (int) Math.min(target.byteSize(), source.length - pos[0]);
            java.lang.foreign.MemorySegment.copy(source, pos[0], target, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, n);
            pos[0] += n;
            return n;
        };
    }

    @AfterEach
    void stop() throws Exception {
        if (transport != null) {
            transport.close();
            assertReleased(transport);
        }
        // No thread of the transport outlives it.
        List<String> left = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("zeroserve-io_uring")).toList();
        assertTrue(left.isEmpty(), "threads left after close: " + left);
        // Every fd the transport opened (rings, eventfds, listening and accepted sockets) is closed again. A close
        // racing with a blocked thread may defer the last close(2) until that thread has left its system call, so
        // this waits for the count to settle; the deadline only turns a leak into a failure.
        assertEquals(fdsBefore, awaitFdCount(fdsBefore), () -> {
            List<String> now = fdTargets();
            now.removeAll(fdTargetsBefore);
            return "open file descriptors before and after the test; new: " + now;
        });
    }

    private static volatile boolean warmedUp;

    /** Lets the JDK open its lazily created fds (virtual-thread poller, epoll) before the first count. */
    private void warmUpOnce() throws Exception {
        if (warmedUp) {
            return;
        }
        Files.delete(Files.createTempFile("warm-up", ".tmp")); // the JDK keeps /dev/urandom open from then on
        try (Transport t = createTransport()) {
            Listener l = t.listen(ListenAddress.parse("127.0.0.1:0"), 8);
            try (Socket client = connect(l)) {
                Connection c = acceptOnVirtualThread(l).get();
                client.getOutputStream().write(1);
                assertNotNull(onThreadOf(c, c::read).get());
                c.close();
            }
        }
        warmedUp = true;
    }

    protected static long awaitFdCount(long expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long n;
        while ((n = openFds()) != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return n;
    }

    protected static List<String> fdTargets() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            s.forEach(p -> {
                try {
                    out.add(p.getFileName() + "->" + Files.readSymbolicLink(p));
                } catch (IOException e) {
                    out.add(p.getFileName() + "->?");
                }
            });
        } catch (IOException e) {
            out.add(e.toString());
        }
        return out;
    }

    /**
     * Open fds of this process, except the JDK's own epoll instances: its virtual-thread pollers are created lazily
     * (per carrier) and never closed, so they are not ours to count.
     */
    protected static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(p -> {
                try {
                    return !Files.readSymbolicLink(p).toString().equals("anon_inode:[eventpoll]");
                } catch (IOException e) {
                    return false; // closed while listing (the listing's own fd)
                }
            }).count();
        }
    }

    protected static Socket connect(Listener l) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), l.localAddress().getPort());
        s.setTcpNoDelay(true);
        return s;
    }

    protected static Future<Connection> acceptOnVirtualThread(Listener l) {
        return onVirtualThread(l::accept);
    }

    protected interface IoCall<T> {
        T call() throws Exception;
    }

    protected static <T> CompletableFuture<T> onVirtualThread(IoCall<T> call) {
        return onThreadOf(null, call);
    }

    /**
     * Runs {@code call} on a thread of {@code c}'s {@link Connection#threadBuilder()}, as the server serves a
     * connection (io_uring: a virtual thread its poller carries); on an ordinary virtual thread when {@code c} is
     * null.
     */
    protected static <T> CompletableFuture<T> onThreadOf(Connection c, IoCall<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        (c == null ? Thread.ofVirtual() : c.threadBuilder()).start(() -> {
            try {
                f.complete(call.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    protected static byte[] readFully(Connection c, int length) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        while (out.size() < length) {
            byte[] b = c.read();
            if (b == null) {
                break;
            }
            assertTrue(b.length > 0, "read() returned an empty array");
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    protected static byte[] readFully(InputStream in, int length) throws IOException {
        byte[] b = in.readNBytes(length);
        assertEquals(length, b.length, "bytes before end of stream");
        return b;
    }

    /** Waits (no deadline of its own) until {@code t} is parked or blocked. */
    protected static void awaitParked(Thread t) {
        while (true) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED) {
                return;
            }
            if (s == Thread.State.TERMINATED) {
                throw new AssertionError("thread ended instead of blocking");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void listenerReportsItsPortAndTransportItsName() {
        assertTrue(listener.localAddress().getPort() > 0);
        assertEquals("127.0.0.1", listener.localAddress().getAddress().getHostAddress());
        assertTrue(transport.name().equals("nio") || transport.name().equals("io_uring"));
    }

    @Test
    void echoesAndReportsAddresses() throws Exception {
        try (Socket client = connect(listener)) {
            Connection c = acceptOnVirtualThread(listener).get();
            assertEquals(client.getLocalPort(), c.remoteAddress().getPort());
            assertEquals(listener.localAddress().getPort(), c.localAddress().getPort());
            assertTrue(c.isOpen());
            for (int round = 0; round < 100; round++) {
                byte[] message = ("hello " + round).getBytes();
                client.getOutputStream().write(message);
                byte[] got = onThreadOf(c, () -> readFully(c, message.length)).get();
                assertArrayEquals(message, got);
                onThreadOf(c, () -> {
                    c.write(got, 0, got.length);
                    return null;
                }).get();
                assertArrayEquals(message, readFully(client.getInputStream(), message.length));
            }
            client.shutdownOutput();
            assertNull(onThreadOf(c, c::read).get(), "end of stream");
            assertFalse(c.isOpen());
            c.close();
            c.close(); // idempotent
        }
    }

    @Test
    void writeHonoursOffsetAndLength() throws Exception {
        try (Socket client = connect(listener)) {
            Connection c = acceptOnVirtualThread(listener).get();
            byte[] data = "xxhelloyy".getBytes();
            onThreadOf(c, () -> {
                c.write(data, 2, 5);
                c.shutdownOutput();
                return null;
            }).get();
            assertArrayEquals("hello".getBytes(), client.getInputStream().readAllBytes());
            c.close();
        }
    }

    @Test
    void transfersLargeBodiesBothWays() throws Exception {
        byte[] big = new byte[16 * 1024 * 1024 + 17];
        new Random(42).nextBytes(big);
        try (Socket client = connect(listener)) {
            Connection c = acceptOnVirtualThread(listener).get();
            CompletableFuture<byte[]> serverRead = onThreadOf(c, () -> readFully(c, big.length));
            CompletableFuture<Void> clientWrite = CompletableFuture.runAsync(() -> {
                try {
                    client.getOutputStream().write(big);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertArrayEquals(big, serverRead.get());
            clientWrite.get();
            CompletableFuture<Void> serverWrite = onThreadOf(c, () -> {
                c.write(big, 0, big.length);
                return null;
            });
            assertArrayEquals(big, readFully(client.getInputStream(), big.length));
            serverWrite.get();
            c.close();
        }
    }

    /**
     * {@link Connection#write(Connection.Producer)} with sizes around the transports' buffer sizes (64 and 128 KiB),
     * a producer with nothing to give, and array writes in between: every byte arrives, in call order.
     */
    @Test
    void producerWritesGoOutInOrderWithArrayWrites() throws Exception {
        int[] sizes = {1, 0, 100, 65535, 65536, 65537, 131072, 131073, 700_000, 5};
        Random random = new Random(5);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        List<byte[]> parts = new ArrayList<>();
        for (int size : sizes) {
            byte[] part = new byte[size];
            random.nextBytes(part);
            parts.add(part);
            expected.writeBytes(part);
        }
        try (Socket client = connect(listener)) {
            Connection c = acceptOnVirtualThread(listener).get();
            CompletableFuture<Void> writer = onThreadOf(c, () -> {
                for (int i = 0; i < parts.size(); i++) {
                    byte[] part = parts.get(i);
                    if (i % 3 == 2) {
                        c.write(part, 0, part.length);
                    } else {
                        assertEquals(part.length, c.write(producerOf(part)));
                    }
                }
                c.close();
                return null;
            });
            byte[] all = client.getInputStream().readAllBytes(); // until the close's end of stream
            writer.get();
            assertArrayEquals(expected.toByteArray(), all);
        }
        assertNoWriteBufferHeld();
    }

    @Test
    void producerFailureReachesTheCallerAndTheConnectionStaysUsable() throws Exception {
        try (Socket client = connect(listener)) {
            Connection c = acceptOnVirtualThread(listener).get();
            IOException failure = new IOException("producer failed on purpose");
            CompletableFuture<Void> writer = onThreadOf(c, () -> {
                IOException e = assertThrows(IOException.class, () -> c.write(target -> {
                    throw failure;
                }));
                assertEquals(failure, e);
                assertEquals(3, c.write(producerOf("abc".getBytes())));
                return null;
            });
            writer.get();
            assertArrayEquals("abc".getBytes(), readFully(client.getInputStream(), 3));
            c.close();
        }
        assertNoWriteBufferHeld();
    }

    @Test
    void peerResetMidProducerWriteFailsTheWriterAndFreesItsBuffers() throws Exception {
        resetWhileWriting(c -> c.write(target -> {
            target.fill((byte) 'p');
            return (int) Math.min(target.byteSize(), 256 * 1024);
        }));
        assertNoWriteBufferHeld();
        assertServesAnotherClient();
    }

    private interface WriteStep {
        void write(Connection c) throws IOException;
    }

    /**
     * A server thread repeats {@code step} while the client, once bytes arrive, resets the connection: the writer
     * must fail with an IOException. The server's connection is closed afterwards.
     */
    private void resetWhileWriting(WriteStep step) throws Exception {
        Socket client = connect(listener);
        Connection c = acceptOnVirtualThread(listener).get();
        CompletableFuture<Object> writer = onThreadOf(c, () -> {
            while (true) {
                step.write(c);
            }
        });
        client.getInputStream().readNBytes(1000); // the server is writing
        client.setSoLinger(true, 0); // close() sends RST
        client.close();
        ExecutionException e = assertThrows(ExecutionException.class, writer::get);
        assertInstanceOf(IOException.class, e.getCause());
        c.close();
    }

    /**
     * A graceful close right after the last write returned: the bytes the transport still holds (io_uring's
     * write-behind) are sent before the FIN, while the client has not read anything yet.
     */
    @Test
    void closeRightAfterWritesDeliversEveryByteFirst() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024 + 11];
        new Random(9).nextBytes(big);
        try (Socket client = connect(listener)) {
            Connection c = acceptOnVirtualThread(listener).get();
            CompletableFuture<Void> writer = onThreadOf(c, () -> {
                c.write(big, 0, 1_000_000);
                c.write(producerOf(java.util.Arrays.copyOfRange(big, 1_000_000, big.length)));
                c.close();
                return null;
            });
            byte[] all = client.getInputStream().readAllBytes();
            writer.get();
            assertEquals(big.length, all.length);
            assertArrayEquals(big, all);
        }
        assertNoWriteBufferHeld();
    }

    @Test
    void concurrentWritersNeverInterleaveWithinOneWrite() throws Exception {
        int writers = 8;
        int writesEach = 200;
        int block = 3000;
        try (Socket client = connect(listener)) {
            Connection c = acceptOnVirtualThread(listener).get();
            List<CompletableFuture<Object>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                byte[] data = new byte[block];
                java.util.Arrays.fill(data, (byte) ('A' + w));
                futures.add(onThreadOf(w % 2 == 0 ? c : null, () -> {
                    for (int i = 0; i < writesEach; i++) {
                        c.write(data, 0, data.length);
                    }
                    return null;
                }));
            }
            byte[] all = readFully(client.getInputStream(), writers * writesEach * block);
            for (CompletableFuture<Object> f : futures) {
                f.get();
            }
            int[] counts = new int[writers];
            for (int off = 0; off < all.length; off += block) {
                byte first = all[off];
                for (int i = off; i < off + block; i++) {
                    assertEquals(first, all[i], "a write was interleaved with another at byte " + i);
                }
                counts[first - 'A']++;
            }
            for (int count : counts) {
                assertEquals(writesEach, count);
            }
            c.close();
        }
    }

    @Test
    void peerResetMidWriteFailsTheWriterAndFreesTheConnection() throws Exception {
        byte[] chunk = new byte[256 * 1024];
        resetWhileWriting(c -> c.write(chunk, 0, chunk.length));
        assertServesAnotherClient();
    }

    @Test
    void slowReaderBlocksTheWriterInsteadOfBuffering() throws Exception {
        try (Socket client = connect(listener)) {
            client.setReceiveBufferSize(64 * 1024);
            Connection c = acceptOnVirtualThread(listener).get();
            byte[] big = new byte[64 * 1024 * 1024];
            new Random(7).nextBytes(big);
            AtomicReference<Thread> writerThread = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Object> writer = onThreadOf(c, () -> {
                writerThread.set(Thread.currentThread());
                started.countDown();
                c.write(big, 0, big.length);
                return null;
            });
            started.await();
            // The client reads nothing: the write cannot complete and must park, not buffer 64 MiB.
            awaitParked(writerThread.get());
            assertFalse(writer.isDone(), "a 64 MiB write completed although the client read nothing");
            assertArrayEquals(big, readFully(client.getInputStream(), big.length));
            writer.get();
            c.close();
        }
    }

    @Test
    void interruptOfABlockedReadThrowsClosedByInterrupt() throws Exception {
        try (Socket client = connect(listener)) {
            Connection c = acceptOnVirtualThread(listener).get();
            AtomicReference<Thread> reader = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<byte[]> read = onThreadOf(c, () -> {
                reader.set(Thread.currentThread());
                started.countDown();
                return c.read();
            });
            started.await();
            awaitParked(reader.get());
            reader.get().interrupt();
            ExecutionException e = assertThrows(ExecutionException.class, read::get);
            assertInstanceOf(ClosedByInterruptException.class, e.getCause());
            assertFalse(c.isOpen());
            c.close();
            // The server closed its side: the client sees end of stream.
            assertEquals(-1, client.getInputStream().read());
        }
    }

    @Test
    void readWithInterruptAlreadySetThrowsClosedByInterrupt() throws Exception {
        try (Socket client = connect(listener)) {
            Connection c = acceptOnVirtualThread(listener).get();
            CompletableFuture<byte[]> read = onThreadOf(c, () -> {
                Thread.currentThread().interrupt();
                return c.read();
            });
            ExecutionException e = assertThrows(ExecutionException.class, read::get);
            assertInstanceOf(ClosedByInterruptException.class, e.getCause());
            c.close();
        }
    }

    @Test
    void closeWakesABlockedReader() throws Exception {
        try (Socket client = connect(listener)) {
            assertCloseWakesItsBlockedReader(acceptOnVirtualThread(listener).get());
        }
    }

    /** Blocks a read of {@code c} on the thread that serves it, closes {@code c}, and checks that the read ended. */
    private void assertCloseWakesItsBlockedReader(Connection c) throws Exception {
        AtomicReference<Thread> reader = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<byte[]> read = onThreadOf(c, () -> {
            reader.set(Thread.currentThread());
            started.countDown();
            return c.read();
        });
        started.await();
        awaitParked(reader.get());
        c.close();
        try {
            assertNull(read.get(), "a woken reader sees end of stream or an exception");
        } catch (ExecutionException e) {
            assertInstanceOf(IOException.class, e.getCause());
        }
        assertFalse(c.isOpen());
    }

    @Test
    void closeWhileAcceptingThrowsClosedChannel() throws Exception {
        AtomicReference<Thread> acceptor = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Connection> accept = onVirtualThread(() -> {
            acceptor.set(Thread.currentThread());
            started.countDown();
            return listener.accept();
        });
        started.await();
        awaitParked(acceptor.get());
        listener.close();
        ExecutionException e = assertThrows(ExecutionException.class, accept::get);
        assertInstanceOf(ClosedChannelException.class, e.getCause());
        assertThrows(ClosedChannelException.class, () -> listener.accept());
        listener.close(); // idempotent
    }

    @Test
    void shutdownOutputSendsFinButKeepsReading() throws Exception {
        try (Socket client = connect(listener)) {
            Connection c = acceptOnVirtualThread(listener).get();
            onThreadOf(c, () -> {
                c.write("bye".getBytes(), 0, 3);
                c.shutdownOutput();
                return null;
            }).get();
            assertArrayEquals("bye".getBytes(), client.getInputStream().readAllBytes());
            client.getOutputStream().write("late".getBytes());
            assertArrayEquals("late".getBytes(), onThreadOf(c, () -> readFully(c, 4)).get());
            c.close();
        }
    }

    @Test
    void manyConnectionsAtOnceAreEachServed() throws Exception {
        int n = 200;
        CompletableFuture<Object> server = onVirtualThread(() -> {
            for (int i = 0; i < n; i++) {
                Connection c = listener.accept();
                c.threadBuilder().start(() -> echoUntilEof(c));
            }
            return null;
        });
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                clients.add(connect(listener));
            }
            for (int i = 0; i < n; i++) {
                clients.get(i).getOutputStream().write(("c" + i + "\n").getBytes());
            }
            for (int i = 0; i < n; i++) {
                byte[] expect = ("c" + i + "\n").getBytes();
                assertArrayEquals(expect, readFully(clients.get(i).getInputStream(), expect.length));
            }
            server.get();
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
    }

    @Test
    void closingTheTransportClosesListenersAndConnections() throws Exception {
        Socket client = connect(listener);
        Connection c = acceptOnVirtualThread(listener).get();
        transport.close();
        assertEquals(-1, client.getInputStream().read(), "the server side was closed");
        assertFalse(c.isOpen());
        assertThrows(ClosedChannelException.class, () -> listener.accept());
        client.close();
    }

    @Test
    void servesAnInheritedListeningSocket() throws Exception {
        int fd = NativeSockets.listeningSocket(new InetSocketAddress("127.0.0.1", 0), 16);
        int port = io.zeroserve.ffi.linux.Sockaddrs.localAddress(fd).getPort();
        Listener inherited = transport.listen(new ListenAddress.InheritedFd(fd), 16);
        assertEquals(port, inherited.localAddress().getPort());
        assertEquals("127.0.0.1", inherited.localAddress().getAddress().getHostAddress());
        try (Socket client = connect(inherited)) {
            Connection c = acceptOnVirtualThread(inherited).get();
            c.threadBuilder().start(() -> echoUntilEof(c));
            client.getOutputStream().write("inherited".getBytes());
            assertArrayEquals("inherited".getBytes(), readFully(client.getInputStream(), 9));
        }
        inherited.close();
        // The transport took ownership of the socket: after close nothing listens on the port any more.
        assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }

    @Test
    void refusesAnInheritedFdThatIsNotAListeningSocket() throws Exception {
        int fd = NativeSockets.socket();
        try {
            IOException e = assertThrows(IOException.class,
                    () -> transport.listen(new ListenAddress.InheritedFd(fd), 16));
            assertTrue(e.getMessage().contains("fd:" + fd), e.getMessage());
        } finally {
            io.zeroserve.ffi.linux.LibC.close(fd);
        }
        IOException e = assertThrows(IOException.class,
                () -> transport.listen(new ListenAddress.InheritedFd(9999), 16));
        assertTrue(e.getMessage().contains("fd:9999") && e.getMessage().contains("EBADF"), e.getMessage());
    }

    /**
     * 10,000 clients connect and say nothing; the server holds them all (each with a virtual thread parked in
     * {@code read}), then each client sends once and gets its echo. The clients live in a child process so that
     * their fds do not count against this JVM's limit (20,000 here).
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void holdsTenThousandIdleConnectionsThenServesEachOnce() throws Exception {
        int n = 10_000;
        long limit = openFileLimit();
        assertTrue(limit >= n + 1000, "this test needs an fd limit of at least " + (n + 1000) + " (the JVM raises its"
                + " soft limit to the hard one); it is " + limit + ": raise it with ulimit -Hn / -n");
        Listener big = transport.listen(ListenAddress.parse("127.0.0.1:0"), 4096);
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Connection c = big.accept();
                    accepted.incrementAndGet();
                    c.threadBuilder().start(() -> echoUntilEof(c));
                }
            } catch (IOException closed) {
                // the listener was closed at the end of the test
            }
        });
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), IdleClients.class.getName(),
                String.valueOf(big.localAddress().getPort()), String.valueOf(n))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(
                    new java.io.InputStreamReader(child.getInputStream()));
            assertEquals("connected " + n, out.readLine());
            while (accepted.get() < n) {
                Thread.sleep(1); // condition wait: the last accepts may still be in flight
            }
            System.gc();
            Runtime rt = Runtime.getRuntime();
            long heapWithIdle = rt.totalMemory() - rt.freeMemory();
            System.out.println(transport.name() + ": heap with " + n + " idle connections after GC: "
                    + heapWithIdle / (1024 * 1024) + " MiB");
            // Bounded memory: 10,000 parked connections cost well under 25 KiB each.
            assertTrue(heapWithIdle < 250L * 1024 * 1024, "heap with 10,000 idle connections: " + heapWithIdle);
            child.getOutputStream().write("go\n".getBytes());
            child.getOutputStream().flush();
            assertEquals("served " + n, out.readLine());
            assertEquals(0, child.waitFor());
        } finally {
            child.destroyForcibly();
            big.close();
            acceptor.join();
        }
    }

    @Test
    void sendsFileRangesInOrderWithWrites(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 123];
        new Random(3).nextBytes(content);
        Path file = dir.resolve("site.tar");
        Files.write(file, content);
        try (SendableFile f = SendableFile.open(file); Socket client = connect(listener)) {
            Connection c = acceptOnVirtualThread(listener).get();
            int from = 1000;
            int count = content.length - 2000;
            CompletableFuture<Object> server = onThreadOf(c, () -> {
                c.write("head".getBytes(), 0, 4);
                c.sendFile(f, from, count);
                c.sendFile(f, 0, 10);
                c.write("tail".getBytes(), 0, 4);
                return null;
            });
            byte[] got = readFully(client.getInputStream(), 4 + count + 10 + 4);
            server.get();
            assertArrayEquals("head".getBytes(), java.util.Arrays.copyOfRange(got, 0, 4));
            assertArrayEquals(java.util.Arrays.copyOfRange(content, from, from + count),
                    java.util.Arrays.copyOfRange(got, 4, 4 + count));
            assertArrayEquals(java.util.Arrays.copyOfRange(content, 0, 10),
                    java.util.Arrays.copyOfRange(got, 4 + count, 4 + count + 10));
            assertArrayEquals("tail".getBytes(), java.util.Arrays.copyOfRange(got, got.length - 4, got.length));
            // A range past the end of the file fails, and says so.
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> onThreadOf(c, () -> {
                        c.sendFile(f, content.length - 5, 10);
                        return null;
                    }).get());
            assertInstanceOf(java.io.EOFException.class, e.getCause());
            c.close();
        }
    }

    @Test
    void listensOnIpv6Loopback() throws Exception {
        Listener v6 = transport.listen(ListenAddress.parse("[::1]:0"), 8);
        assertEquals("0:0:0:0:0:0:0:1", v6.localAddress().getAddress().getHostAddress());
        try (Socket client = new Socket(InetAddress.getByName("::1"), v6.localAddress().getPort())) {
            Connection c = acceptOnVirtualThread(v6).get();
            assertEquals(client.getLocalPort(), c.remoteAddress().getPort());
            c.threadBuilder().start(() -> echoUntilEof(c));
            client.getOutputStream().write("six".getBytes());
            assertArrayEquals("six".getBytes(), readFully(client.getInputStream(), 3));
        }
        v6.close();
    }

    /** The soft "Max open files" limit of this process, from {@code /proc/self/limits}. */
    private static long openFileLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        throw new IOException("no 'Max open files' line in /proc/self/limits");
    }

    // ---- outgoing connections (Transport.connect) ----

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** A plain JDK server socket on an ephemeral loopback port, for the connect tests. */
    private static ServerSocket upstreamSocket() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** Echoes both ways through a connection opened by {@code connect}, from {@code builder}'s thread. */
    private void assertConnectEchoes(Thread.Builder builder) throws Exception {
        try (ServerSocket upstream = upstreamSocket()) {
            CompletableFuture<Connection> connected = new CompletableFuture<>();
            builder.start(() -> {
                try {
                    connected.complete(transport.connect(loopback(upstream.getLocalPort()), CONNECT_TIMEOUT));
                } catch (Throwable t) {
                    connected.completeExceptionally(t);
                }
            });
            try (Socket peer = upstream.accept()) {
                Connection c = connected.get();
                assertEquals(upstream.getLocalPort(), c.remoteAddress().getPort());
                assertEquals(peer.getPort(), c.localAddress().getPort());
                assertTrue(c.isOpen());
                for (int round = 0; round < 20; round++) {
                    byte[] request = ("request " + round).getBytes();
                    onThreadOf(c, () -> {
                        c.write(request, 0, request.length);
                        return null;
                    }).get();
                    assertArrayEquals(request, readFully(peer.getInputStream(), request.length));
                    byte[] response = ("response " + round).getBytes();
                    peer.getOutputStream().write(response);
                    assertArrayEquals(response, onThreadOf(c, () -> readFully(c, response.length)).get());
                }
                peer.shutdownOutput();
                assertNull(onThreadOf(c, c::read).get(), "end of stream");
                c.close();
                assertEquals(-1, peer.getInputStream().read(), "the peer sees our close");
            }
        }
    }

    @Test
    void connectsFromAnOrdinaryVirtualThreadAndEchoesBothWays() throws Exception {
        assertConnectEchoes(Thread.ofVirtual());
    }

    /** As the proxy does: the connect and the exchange run on the thread that serves an accepted connection. */
    @Test
    void connectsFromAConnectionThreadAndEchoesBothWays() throws Exception {
        try (Socket client = connect(listener)) {
            Connection served = acceptOnVirtualThread(listener).get();
            assertConnectEchoes(served.threadBuilder());
            served.close();
        }
    }

    @Test
    void connectToARefusedPortNamesTheAddress() throws Exception {
        int port;
        try (ServerSocket closed = upstreamSocket()) {
            port = closed.getLocalPort(); // nothing listens there once it is closed
        }
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> onVirtualThread(() -> transport.connect(loopback(port), CONNECT_TIMEOUT)).get());
        assertInstanceOf(IOException.class, e.getCause());
        String message = e.getCause().getMessage();
        assertTrue(message.startsWith("connect to 127.0.0.1:" + port + ": "), message);
        assertTrue(message.contains("ECONNREFUSED") || message.contains("Connection refused"), message);
    }

    /**
     * A listener whose accept queue is full drops further SYNs, so a connect to it can only end by its timeout. The
     * queue is filled by JDK connects until one of them times out: that proves it full without a guess about the
     * kernel's backlog arithmetic. Skipped where the kernel answers differently (it never filled).
     */
    @Test
    void connectThatCannotCompleteTimesOut() throws Exception {
        List<Socket> queued = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            fillAcceptQueue(full, queued);
            ExecutionException e = assertThrows(ExecutionException.class, () -> onVirtualThread(
                    () -> transport.connect(loopback(full.getLocalPort()), Duration.ofMillis(200))).get());
            assertInstanceOf(java.net.SocketTimeoutException.class, e.getCause());
            assertTrue(e.getCause().getMessage().startsWith("connect to 127.0.0.1:" + full.getLocalPort()
                    + ": timed out"), e.getCause().getMessage());
        } finally {
            for (Socket s : queued) {
                s.close();
            }
        }
    }

    /** Connects to {@code full} until a connect times out (its queue is full); skips the test if none does. */
    private static void fillAcceptQueue(ServerSocket full, List<Socket> queued) throws IOException {
        for (int i = 0; i < 64; i++) {
            Socket s = new Socket();
            try {
                s.connect(full.getLocalSocketAddress(), 300);
                queued.add(s);
            } catch (java.net.SocketTimeoutException e) {
                s.close();
                return;
            }
        }
        org.junit.jupiter.api.Assumptions.abort("the kernel never let a connect to a full accept queue hang");
    }

    /** Closing the transport ends a connect in progress with an exception, and leaks nothing (see the fd check). */
    @Test
    void closingTheTransportEndsAConnectInProgress() throws Exception {
        List<Socket> queued = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            fillAcceptQueue(full, queued);
            AtomicReference<Thread> connector = new AtomicReference<>();
            CompletableFuture<Connection> connect = onVirtualThread(() -> {
                connector.set(Thread.currentThread());
                return transport.connect(loopback(full.getLocalPort()), Duration.ofMinutes(5));
            });
            while (connector.get() == null) {
                Thread.onSpinWait();
            }
            awaitParked(connector.get());
            transport.close();
            ExecutionException e = assertThrows(ExecutionException.class, connect::get);
            assertInstanceOf(IOException.class, e.getCause());
        } finally {
            for (Socket s : queued) {
                s.close();
            }
        }
    }

    @Test
    void closeWakesAReaderBlockedOnAnOutgoingConnection() throws Exception {
        try (ServerSocket upstream = upstreamSocket()) {
            Connection c = onVirtualThread(() -> transport.connect(loopback(upstream.getLocalPort()),
                    CONNECT_TIMEOUT)).get();
            try (Socket peer = upstream.accept()) {
                assertCloseWakesItsBlockedReader(c);
                assertEquals(-1, peer.getInputStream().read(), "the peer sees our close");
            }
        }
    }

    /** A peer that never reads blocks the writer; {@link Connection#abort()} wakes it with an exception. */
    @Test
    void abortWakesAWriterBlockedByAPeerThatDoesNotRead() throws Exception {
        try (ServerSocket upstream = upstreamSocket()) {
            Connection c = onVirtualThread(() -> transport.connect(loopback(upstream.getLocalPort()),
                    CONNECT_TIMEOUT)).get();
            try (Socket peer = upstream.accept()) {
                AtomicReference<Thread> writer = new AtomicReference<>();
                byte[] chunk = new byte[64 * 1024];
                CompletableFuture<Object> writes = onThreadOf(c, () -> {
                    writer.set(Thread.currentThread());
                    while (true) {
                        c.write(chunk, 0, chunk.length); // until the socket buffers and ours are full
                    }
                });
                while (writer.get() == null) {
                    Thread.onSpinWait();
                }
                awaitParked(writer.get());
                c.abort();
                ExecutionException e = assertThrows(ExecutionException.class, writes::get);
                assertInstanceOf(IOException.class, e.getCause());
                assertFalse(c.isOpen());
                c.abort(); // idempotent
                c.close();
            }
        }
    }

    /** Echoes until end of stream, then closes; used by tests that serve many clients. */
    protected static void echoUntilEof(Connection c) {
        try (c) {
            byte[] b;
            while ((b = c.read()) != null) {
                c.write(b, 0, b.length);
            }
        } catch (IOException e) {
            // the client went away; the test that cares checks its own side
        }
    }

    protected void assertServesAnotherClient() throws Exception {
        try (Socket client = connect(listener)) {
            Connection c = acceptOnVirtualThread(listener).get();
            c.threadBuilder().start(() -> echoUntilEof(c));
            OutputStream out = client.getOutputStream();
            out.write("again".getBytes());
            assertArrayEquals("again".getBytes(), readFully(client.getInputStream(), 5));
        }
    }

    protected static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
}
