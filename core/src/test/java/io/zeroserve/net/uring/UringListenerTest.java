package io.zeroserve.net.uring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.net.Connection;
import io.zeroserve.net.IoUringSupport;
import io.zeroserve.net.ListenAddress;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class UringListenerTest {
    @BeforeAll
    static void needsIoUring() {
        IoUringSupport.assumeAvailable();
    }

    /**
     * Nobody calls accept: the multishot accept must pause once the queue holds about {@code backlog} connections,
     * leaving the rest in the kernel's backlog, instead of turning every pending connection into an open fd. When
     * the queue drains, accepting resumes and every client is served.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void pausesTheMultishotAcceptWhileTheQueueIsFull() throws Exception {
        int backlog = 16;
        try (IoUringTransport t = IoUringTransport.create(IoUringTransport.Options.defaults().withRings(1))) {
            UringListener l = (UringListener) t.listen(ListenAddress.parse("127.0.0.1:0"), backlog);
            int port = l.localAddress().getPort();
            List<Socket> clients = new ArrayList<>();
            try {
                // 16 fill our queue; the kernel's own backlog (backlog + 1) takes the next ones.
                for (int i = 0; i < 2 * backlog; i++) {
                    clients.add(new Socket(InetAddress.getLoopbackAddress(), port));
                }
                while (l.isArmed() || l.queued() < backlog) {
                    Thread.sleep(1); // condition wait: the pause is asynchronous (a cancel through the ring)
                }
                assertTrue(l.queued() < clients.size(), "paused with " + l.queued() + " queued");
                for (int i = 0; i < clients.size(); i++) {
                    try (Connection c = l.accept()) {
                        c.write(new byte[] {(byte) i}, 0, 1);
                    }
                }
                // Each client got a byte from some accepted connection: all were accepted and served.
                for (Socket s : clients) {
                    assertTrue(s.getInputStream().read() >= 0, "client got its byte");
                }
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
        }
    }
}
