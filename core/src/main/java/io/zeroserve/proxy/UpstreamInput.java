package io.zeroserve.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The buffered byte stream from an upstream connection, with a line reader for response heads and chunk framing.
 * Not synchronized (unlike {@link java.io.BufferedInputStream}, whose lock per call costs more than the parsing
 * of a small head): one exchange at a time owns it.
 *
 * <p>Two sources: a JDK socket's stream, read into a buffer of our own; or a transport connection's arrays
 * ({@link Chunks}), each of which becomes the buffer as it is, with no copy.
 */
final class UpstreamInput extends InputStream {
    /** The arrays a transport connection reads ({@link io.zeroserve.net.Connection#read()}). */
    @FunctionalInterface
    interface Chunks {
        /** The next bytes (never an empty array), or null at the end of the stream. */
        byte[] next() throws IOException;
    }

    private final InputStream in;
    private final Chunks chunks;
    private byte[] buffer;
    private int pos;
    private int limit;

    UpstreamInput(InputStream in, int bufferSize) {
        this.in = in;
        this.chunks = null;
        this.buffer = new byte[bufferSize];
    }

    UpstreamInput(Chunks chunks) {
        this.in = null;
        this.chunks = chunks;
        this.buffer = new byte[0];
    }

    /** Fills the empty buffer; false at the end of the stream. */
    private boolean fill() throws IOException {
        if (chunks != null) {
            byte[] next = chunks.next();
            if (next == null || next.length == 0) {
                return false;
            }
            buffer = next;
            pos = 0;
            limit = next.length;
            return true;
        }
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    @Override
    public int read() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buffer[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == limit) {
            if (in != null && len >= buffer.length) {
                return in.read(b, off, len); // large reads skip the copy through the buffer
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buffer, pos, b, off, n);
        pos += n;
        return n;
    }

    /**
     * One line without its CRLF (a bare LF ends it too), as ISO-8859-1.
     *
     * @param what names the line in errors ("status line", "chunk-size line"...)
     * @return the line, or null when the stream ends before its first byte
     * @throws UpstreamException when the line is longer than {@code maxLength} or the stream ends inside it
     */
    String readLine(int maxLength, String what) throws IOException {
        if (pos == limit && !fill()) {
            return null;
        }
        for (int i = pos; i < limit; i++) {
            if (buffer[i] == '\n') {
                // The common case: the whole line is in the buffer.
                int end = i > pos && buffer[i - 1] == '\r' ? i - 1 : i;
                if (end - pos > maxLength) {
                    throw new UpstreamException("upstream " + what + " is longer than " + maxLength + " bytes");
                }
                String line = new String(buffer, pos, end - pos, StandardCharsets.ISO_8859_1);
                pos = i + 1;
                return line;
            }
        }
        StringBuilder line = new StringBuilder(128);
        while (true) {
            if (pos == limit && !fill()) {
                throw new UpstreamException("upstream closed the connection in the middle of a " + what);
            }
            int b = buffer[pos++] & 0xff;
            if (b == '\n') {
                int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r') {
                    line.setLength(length - 1);
                }
                return line.toString();
            }
            line.append((char) b);
            if (line.length() > maxLength + 1) {
                throw new UpstreamException("upstream " + what + " is longer than " + maxLength + " bytes");
            }
        }
    }
}
