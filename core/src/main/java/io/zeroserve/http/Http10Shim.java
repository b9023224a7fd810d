package io.zeroserve.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Lets HTTP/1.0 clients in. Helidon's HTTP/1 code answers {@code HTTP/1.0} requests with 505; zeroserve serves
 * them. When the first request line of a connection ends in {@code HTTP/1.0}, it is handed to Helidon as
 * {@code HTTP/1.1} with a {@code Connection: close} line added, so the response is framed by Content-Length and
 * the connection closes after it, as HTTP/1.0 expects (persistent HTTP/1.0 connections are not kept).
 *
 * <p>Only a connection's first request line is looked at: after a rewritten request the connection ends.
 */
final class Http10Shim implements Supplier<byte[]> {
    private static final byte[] HTTP_10 = " HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REPLACEMENT = " HTTP/1.1\r\nConnection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Longest request line we hold back while looking for its end; Helidon's own limit is larger. */
    private static final int MAX_LINE = 8192;

    private final Supplier<byte[]> source;
    private byte[] held = new byte[0];
    private boolean decided;

    Http10Shim(Supplier<byte[]> source) {
        this.source = source;
    }

    @Override
    public byte[] get() {
        if (decided) {
            return source.get();
        }
        while (true) {
            byte[] chunk = source.get();
            if (chunk == null) {
                decided = true;
                return held.length == 0 ? null : held;
            }
            byte[] joined = held.length == 0 ? chunk : concat(held, chunk);
            int lineEnd = indexOfCrLf(joined);
            if (lineEnd < 0 && joined.length < MAX_LINE) {
                held = joined;
                continue;
            }
            decided = true;
            held = null;
            if (lineEnd >= 0 && endsWithHttp10(joined, lineEnd)) {
                int versionStart = lineEnd + 2 - HTTP_10.length;
                byte[] out = new byte[joined.length - HTTP_10.length + REPLACEMENT.length];
                System.arraycopy(joined, 0, out, 0, versionStart);
                System.arraycopy(REPLACEMENT, 0, out, versionStart, REPLACEMENT.length);
                System.arraycopy(joined, lineEnd + 2, out, versionStart + REPLACEMENT.length,
                        joined.length - lineEnd - 2);
                return out;
            }
            return joined;
        }
    }

    private static boolean endsWithHttp10(byte[] bytes, int lineEnd) {
        int start = lineEnd + 2 - HTTP_10.length;
        return start > 0 && Arrays.equals(bytes, start, lineEnd + 2, HTTP_10, 0, HTTP_10.length);
    }

    private static int indexOfCrLf(byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
