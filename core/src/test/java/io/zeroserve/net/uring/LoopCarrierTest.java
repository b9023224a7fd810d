package io.zeroserve.net.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.net.Connection;
import io.zeroserve.net.IoUringSupport;
import io.zeroserve.net.ListenAddress;
import io.zeroserve.net.Listener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pollers as carriers of their connections' virtual threads ({@link IoUringTransport.Options#withLoopCarriers}).
 * Needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}, which the build's surefire argLine passes. Nothing
 * here depends on timing: a test that hangs fails by its JUnit timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoopCarrierTest {
    private static final String POLLER = "zeroserve-io_uring-0";

    @BeforeAll
    static void needsIoUring() {
        IoUringSupport.assumeAvailable();
    }

    private static IoUringTransport oneRing() throws IOException {
        IoUringTransport t = IoUringTransport.create(IoUringTransport.Options.defaults().withRings(1)
                .withLoopCarriers(true));
        assertTrue(t.loopCarriers(), "loop carriers unavailable: " + LoopCarriers.unavailableReason()
                + " (the tests need --add-opens java.base/java.lang=ALL-UNNAMED)");
        return t;
    }

    private static Socket connect(Listener l) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), l.localAddress().getPort());
        s.setTcpNoDelay(true);
        return s;
    }

    private static String carrier() {
        return LoopCarriers.currentCarrier().getName();
    }

    private interface IoCall<T> {
        T call() throws Exception;
    }

    private static <T> CompletableFuture<T> on(Thread.Builder builder, IoCall<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        builder.start(() -> {
            try {
                f.complete(call.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    private static void echoUntilEof(Connection c) {
        try (c) {
            byte[] b;
            while ((b = c.read()) != null) {
                c.write(b, 0, b.length);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void assertEchoes(Socket client, String text) throws IOException {
        client.getOutputStream().write(text.getBytes());
        assertArrayEquals(text.getBytes(), client.getInputStream().readNBytes(text.length()));
    }

    @Test
    void connectionThreadsAndTheirChildrenRunOnThePollerThread() throws Exception {
        try (IoUringTransport t = oneRing(); Listener l = t.listen(ListenAddress.parse("127.0.0.1:0"), 16);
                Socket client = connect(l)) {
            Connection c = l.accept();
            List<String> carriers = new CopyOnWriteArrayList<>();
            CompletableFuture<byte[]> served = on(c.threadBuilder(), () -> {
                carriers.add(carrier());
                byte[] got = c.read(); // parks until the recv completion wakes it: resumes on the poller again
                carriers.add(carrier());
                c.write(got, 0, got.length);
                // A thread started without a scheduler inherits this one's (HTTP/2 streams are started so).
                Thread child = Thread.ofVirtual().start(() -> carriers.add(carrier()));
                child.join();
                return got;
            });
            client.getOutputStream().write("ping".getBytes());
            assertArrayEquals("ping".getBytes(), served.get());
            assertArrayEquals("ping".getBytes(), client.getInputStream().readNBytes(4));
            assertEquals(List.of(POLLER, POLLER, POLLER), carriers);
            c.close();
        }
    }

    @Test
    void aBusyThreadThatYieldsDoesNotStopTheOtherConnectionsOfItsRing() throws Exception {
        try (IoUringTransport t = oneRing(); Listener l = t.listen(ListenAddress.parse("127.0.0.1:0"), 16);
                Socket busyClient = connect(l); Socket other = connect(l)) {
            Connection busy = l.accept();
            Connection served = l.accept();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch spinning = new CountDownLatch(1);
            CompletableFuture<String> spinner = on(busy.threadBuilder(), () -> {
                spinning.countDown();
                while (!stop.get()) { // CPU-bound, as a script between its time-slice yields
                    Thread.yield();
                }
                return carrier();
            });
            spinning.await();
            served.threadBuilder().start(() -> echoUntilEof(served));
            for (int i = 0; i < 20; i++) {
                assertEchoes(other, "request " + i); // served by the same poller thread between the spinner's turns
            }
            assertFalse(spinner.isDone());
            stop.set(true);
            assertEquals(POLLER, spinner.get());
            busy.close();
        }
    }

    @Test
    void foreignUnparksTimedParksAndSleepsWakeTheThreadOnItsPoller() throws Exception {
        try (IoUringTransport t = oneRing(); Listener l = t.listen(ListenAddress.parse("127.0.0.1:0"), 16);
                Socket client = connect(l)) {
            Connection c = l.accept();
            AtomicBoolean released = new AtomicBoolean();
            AtomicReference<Thread> parked = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<List<String>> thread = on(c.threadBuilder(), () -> {
                List<String> seen = new CopyOnWriteArrayList<>();
                parked.set(Thread.currentThread());
                started.countDown();
                while (!released.get()) {
                    LockSupport.park(); // untimed: only the platform thread below can end it
                }
                seen.add(carrier());
                LockSupport.parkNanos(1_000_000); // woken by the JDK's timer thread, a foreign thread
                seen.add(carrier());
                Thread.sleep(1);
                seen.add(carrier());
                return seen;
            });
            started.await();
            Thread platform = Thread.ofPlatform().start(() -> {
                released.set(true);
                LockSupport.unpark(parked.get());
            });
            platform.join();
            assertEquals(List.of(POLLER, POLLER, POLLER), thread.get());
            c.close();
        }
    }

    @Test
    void threadsOutliveAClosedTransportOnAnotherCarrier() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> thread;
        try (IoUringTransport t = oneRing(); Listener l = t.listen(ListenAddress.parse("127.0.0.1:0"), 16);
                Socket client = connect(l)) {
            Connection c = l.accept();
            CountDownLatch started = new CountDownLatch(1);
            thread = on(c.threadBuilder(), () -> {
                started.countDown();
                release.await(); // parked while the transport closes
                return carrier();
            });
            started.await();
        }
        release.countDown();
        assertTrue(thread.get().startsWith("zeroserve-orphaned-carrier-"), thread.get());
    }

    @Test
    void aConnectionThreadCanCloseItsOwnTransport() throws Exception {
        // An embedding application may stop the server from a request: the closing thread is carried by the very
        // poller that the close stops, so it must park (not block the poller) and resume on an orphan carrier.
        IoUringTransport t = oneRing();
        Listener l = t.listen(ListenAddress.parse("127.0.0.1:0"), 16);
        try (Socket client = connect(l)) {
            Connection c = l.accept();
            CompletableFuture<String> closer = on(c.threadBuilder(), () -> {
                byte[] got = c.read();
                c.write(got, 0, got.length);
                String before = carrier();
                t.close();
                return before + " then " + carrier();
            });
            assertEchoes(client, "bye");
            String carriers = closer.get();
            assertTrue(carriers.matches(POLLER + " then zeroserve-orphaned-carrier-\\d+"), carriers);
            assertEquals(-1, client.getInputStream().read(), "the close closed the connection");
        }
    }

    @Test
    void fallsBackToTheJdkSchedulerWhenTheLookupIsRefused() throws Exception {
        System.setProperty(LoopCarriers.FAIL_LOOKUP_PROPERTY, "true");
        IoUringTransport t;
        try {
            t = IoUringTransport.create(IoUringTransport.Options.defaults().withRings(1).withLoopCarriers(true));
        } finally {
            System.clearProperty(LoopCarriers.FAIL_LOOKUP_PROPERTY);
        }
        assertFallback(t);
    }

    @Test
    void offWhenAskedSo() throws Exception {
        assertFallback(IoUringTransport.create(IoUringTransport.Options.defaults().withRings(1)
                .withLoopCarriers(false)));
    }

    private static void assertFallback(IoUringTransport transport) throws Exception {
        try (IoUringTransport t = transport; Listener l = t.listen(ListenAddress.parse("127.0.0.1:0"), 16);
                Socket client = connect(l)) {
            assertFalse(t.loopCarriers());
            Connection c = l.accept();
            CompletableFuture<String> served = on(c.threadBuilder(), () -> {
                byte[] got = c.read();
                c.write(got, 0, got.length);
                return carrier();
            });
            assertEchoes(client, "hello");
            assertFalse(served.get().startsWith("zeroserve-io_uring"), served.get());
            c.close();
        }
    }

    /**
     * {@link IoUringTransport#connect} from a connection's thread puts the new connection on that thread's ring (so
     * its completions wake the thread there), whichever ring the round-robin would pick; from another thread it
     * takes the next ring.
     */
    @Test
    void connectFromAConnectionThreadStaysOnItsRing() throws Exception {
        try (IoUringTransport t = IoUringTransport.create(IoUringTransport.Options.defaults().withRings(2)
                .withLoopCarriers(true));
                java.net.ServerSocket upstream = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertTrue(t.loopCarriers(), "loop carriers unavailable: " + LoopCarriers.unavailableReason());
            Listener l = t.listen(ListenAddress.parse("127.0.0.1:0"), 16);
            java.net.InetSocketAddress target = new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(),
                    upstream.getLocalPort());
            java.util.Set<Integer> ringsSeen = new java.util.HashSet<>();
            for (int i = 0; i < 4; i++) {
                try (Socket client = connect(l)) {
                    UringConnection served = (UringConnection) on(Thread.ofVirtual(), l::accept).get();
                    // Each connect shifts the round-robin too, so staying on the ring is not a coincidence.
                    UringConnection outgoing = (UringConnection) on(served.threadBuilder(),
                            () -> t.connect(target, java.time.Duration.ofSeconds(10))).get();
                    try (Socket peer = upstream.accept()) {
                        assertEquals(served.pollerIndex(), outgoing.pollerIndex(), "ring of the outgoing connection");
                        assertTrue(on(served.threadBuilder(), outgoing::isLocalToCurrentThread).get());
                        assertFalse(on(Thread.ofVirtual(), outgoing::isLocalToCurrentThread).get(),
                                "not local to a thread of the JDK's scheduler");
                        ringsSeen.add(outgoing.pollerIndex());
                        peer.getOutputStream().write("up".getBytes());
                        assertArrayEquals("up".getBytes(), on(served.threadBuilder(), () -> {
                            assertEquals("zeroserve-io_uring-" + served.pollerIndex(), carrier());
                            return outgoing.read();
                        }).get());
                    }
                    outgoing.close();
                    served.close();
                }
            }
            assertEquals(2, ringsSeen.size(), "both rings served connects");
            l.close();
        }
    }
}
