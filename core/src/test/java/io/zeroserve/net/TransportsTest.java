package io.zeroserve.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TransportsTest {
    @AfterEach
    void clearSwitch() {
        System.clearProperty(Transports.FAIL_IO_URING_PROPERTY);
    }

    @Test
    void autoPicksIoUringWhereTheKernelAllowsIt() throws IOException {
        IoUringSupport.assumeAvailable();
        Transports.Selection s = Transports.select("auto");
        try (Transport t = s.transport()) {
            assertEquals("io_uring", t.name(), s.reason());
            assertEquals("transport: io_uring", s.reason());
        }
    }

    @Test
    void autoFallsBackToNioWhenSetupIsRefused() throws Exception {
        System.setProperty(Transports.FAIL_IO_URING_PROPERTY, "true");
        Transports.Selection s = Transports.select("auto");
        try (Transport t = s.transport()) {
            assertEquals("nio", t.name());
            assertTrue(s.reason().startsWith("transport: nio (io_uring unavailable: io_uring_setup"), s.reason());
            assertTrue(s.reason().contains("EPERM (1)"), s.reason());
            // The fallback serves.
            Listener l = t.listen(ListenAddress.parse("127.0.0.1:0"), 8);
            try (Socket client = new Socket("127.0.0.1", l.localAddress().getPort())) {
                try (Connection c = l.accept()) {
                    client.getOutputStream().write(7);
                    assertEquals(7, c.read()[0]);
                }
            }
        }
    }

    @Test
    void explicitIoUringFailsWithTheReasonWhenRefused() {
        System.setProperty(Transports.FAIL_IO_URING_PROPERTY, "true");
        IOException e = assertThrows(IOException.class, () -> Transports.create("io_uring"));
        assertTrue(e.getMessage().contains("--transport io_uring") && e.getMessage().contains("EPERM"),
                e.getMessage());
    }

    @Test
    void explicitChoicesAndBadNames() throws IOException {
        try (Transport t = Transports.create("nio")) {
            assertEquals("nio", t.name());
        }
        if (IoUringSupport.refusal() == null) {
            try (Transport t = Transports.create("io_uring")) {
                assertEquals("io_uring", t.name());
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transports.create("epoll"));
        assertEquals("unknown transport 'epoll': expected auto, io_uring or nio", e.getMessage());
    }
}
