package io.zeroserve.proxy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upstream wire format from in-memory bytes, with buffers small enough that lines straddle refills. */
class Http1CodecTest {
    private static UpstreamInput input(String bytes, int bufferSize) {
        return new UpstreamInput(new ByteArrayInputStream(bytes.getBytes(StandardCharsets.ISO_8859_1)), bufferSize);
    }

    @Test
    void responseHeadsParseWithAnyBuffering() throws IOException {
        String wire = "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nX-A:  spaced  \nSet-Cookie: a\r\n"
                + "Set-Cookie: b\r\n\r\nbody";
        for (int size : new int[] {3, 7, 64, 8192}) {
            UpstreamInput in = input(wire, size);
            Http1Codec.ResponseHead head = Http1Codec.readResponseHead(in);
            assertEquals(201, head.status());
            assertEquals(1, head.minorVersion());
            assertEquals(List.of(Map.entry("content-type", "text/plain"), Map.entry("x-a", "spaced"),
                    Map.entry("set-cookie", "a"), Map.entry("set-cookie", "b")), head.fields());
            assertEquals("b", head.field("set-cookie"));
            assertArrayEquals("body".getBytes(StandardCharsets.US_ASCII), in.readAllBytes(), "size " + size);
        }
        assertEquals(204, Http1Codec.readResponseHead(input("HTTP/1.0 204\r\n\r\n", 5)).status());
    }

    @Test
    void badHeadsAreRefusedSayingWhy() {
        assertThrows(EOFException.class, () -> Http1Codec.readResponseHead(input("", 16)));
        for (String bad : new String[] {"HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 099 X\r\n\r\n",
                "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", "HTTP/1.1 200 OK\r\nname : x\r\n\r\n",
                "HTTP/1.1 200 OK\r\nno-colon\r\n\r\n", "HTTP/1.1 200 OK\r\nX: cut", "ICY 200 OK\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX: a\rInjected: 1\r\n\r\n", "HTTP/1.1 200 OK\r\nX\u0001: a\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX: a\u0000b\r\n\r\n"}) {
            UpstreamException e = assertThrows(UpstreamException.class,
                    () -> Http1Codec.readResponseHead(input(bad, 4)), bad);
            assertTrue(e.getMessage().startsWith("upstream "), e.getMessage());
        }
        String longLine = "HTTP/1.1 200 OK\r\nX: " + "a".repeat(Http1Codec.MAX_LINE) + "\r\n\r\n";
        UpstreamException e = assertThrows(UpstreamException.class,
                () -> Http1Codec.readResponseHead(input(longLine, 8192)));
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    }

    @Test
    void chunkedBodiesWithExtensionsAndTrailers() throws IOException {
        String wire = "5;ext=1\r\nhello\r\n1\r\n \r\n6\r\nworld!\r\n0\r\nX-Trailer: t\r\n\r\nNEXT";
        for (int size : new int[] {2, 5, 1024}) {
            UpstreamInput in = input(wire, size);
            Http1Codec.ChunkedBody body = new Http1Codec.ChunkedBody(in);
            assertEquals("hello world!", new String(body.readAllBytes(), StandardCharsets.US_ASCII));
            assertTrue(body.finished());
            assertEquals("NEXT", new String(in.readAllBytes(), StandardCharsets.US_ASCII), "the next response starts");
        }
        for (String bad : new String[] {"zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n", "5\r\nhel",
                "5\r\nhello\r\n", "\r\n"}) {
            assertThrows(UpstreamException.class, () -> new Http1Codec.ChunkedBody(input(bad, 3)).readAllBytes(), bad);
        }
    }

    @Test
    void fixedLengthBodiesStopAtTheirLengthAndFailWhenCutShort() throws IOException {
        UpstreamInput in = input("abcdefNEXT", 4);
        assertEquals("abcdef", new String(new Http1Codec.FixedLengthBody(in, 6).readAllBytes(),
                StandardCharsets.US_ASCII));
        assertEquals("NEXT", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        UpstreamException e = assertThrows(UpstreamException.class,
                () -> new Http1Codec.FixedLengthBody(input("abc", 4), 6).readAllBytes());
        assertTrue(e.getMessage().contains("3 bytes before the end"), e.getMessage());
    }

    @Test
    void requestHeadsAndChunkedOutput() throws IOException {
        byte[] head = Http1Codec.requestHead("POST", "/a?b=c", List.of(new String[] {"host", "h"},
                new String[] {"x-a", "1"}), "transfer-encoding", "chunked");
        assertEquals("POST /a?b=c HTTP/1.1\r\nhost: h\r\nx-a: 1\r\ntransfer-encoding: chunked\r\n\r\n",
                new String(head, StandardCharsets.ISO_8859_1));
        UpstreamException e = assertThrows(UpstreamException.class, () -> Http1Codec.requestHead("GET", "/",
                List.<String[]>of(new String[] {"x", "a\r\nInjected: 1"}), null, null));
        assertTrue(e.getMessage().contains("CR, LF or NUL"), e.getMessage());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Http1Codec.ChunkedOutput chunked = new Http1Codec.ChunkedOutput(out);
        chunked.write("hello".getBytes(StandardCharsets.US_ASCII));
        chunked.write(new byte[0]);
        chunked.write(new byte[20], 0, 17);
        chunked.finish();
        String wire = out.toString(StandardCharsets.ISO_8859_1);
        assertTrue(wire.startsWith("5\r\nhello\r\n11\r\n"), wire);
        assertTrue(wire.endsWith("\r\n0\r\n\r\n"), wire);
        assertEquals("hello" + "\0".repeat(17), new String(new Http1Codec.ChunkedBody(input(wire, 4)).readAllBytes(),
                StandardCharsets.ISO_8859_1), "what it writes reads back");
    }
}
