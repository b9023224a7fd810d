package io.zeroserve.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.TestSites;
import io.zeroserve.ZeroServe;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping lets a download in flight finish, closes idle connections, and refuses new ones. */
class GracefulStopTest {
    @TempDir
    Path dir;

    @Test
    void inFlightLargeDownloadCompletes() throws Exception {
        byte[] big = new byte[8 * 1024 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i % 251);
        }
        Path tar = TestSites.create().file("big.bin", big).file("small.txt", "s").writeTo(dir.resolve("site.tar"));
        ZeroServe server = ZeroServe.builder().site(tar).address("127.0.0.1:0").transport(TestSites.transport())
                .requestLogging(false).build().start();
        int port = server.port();
        try (Socket downloader = new Socket("127.0.0.1", port); Socket idle = new Socket("127.0.0.1", port)) {
            downloader.setReceiveBufferSize(16 * 1024);
            downloader.setSoTimeout(30_000);
            idle.setSoTimeout(30_000);
            OutputStream idleOut = idle.getOutputStream();
            idleOut.write("GET /small.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream idleIn = idle.getInputStream();
            assertTrue(StaticServingTest.readHead(idleIn).startsWith("HTTP/1.1 200"));
            assertEquals('s', idleIn.read());

            downloader.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = downloader.getInputStream();
            String head = StaticServingTest.readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            byte[] first = in.readNBytes(64 * 1024); // the download is now in flight, held back by our slow reading

            Thread stopper = Thread.ofPlatform().start(server::close);
            assertEquals(-1, idleIn.read(), "idle keep-alive connections are closed at stop");
            byte[] rest = in.readAllBytes(); // the server finishes the body, then closes
            stopper.join();
            byte[] body = new byte[first.length + rest.length];
            System.arraycopy(first, 0, body, 0, first.length);
            System.arraycopy(rest, 0, body, first.length, rest.length);
            assertEquals(big.length, body.length);
            assertArrayEquals(big, body);
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        assertEquals(0, server.connectionCount());
    }
}
