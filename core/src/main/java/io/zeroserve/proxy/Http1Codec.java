package io.zeroserve.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP/1.1 wire format the proxy speaks upstream (RFC 9112): request heads, response heads, and the
 * Content-Length, chunked and read-until-close body framings. Works on streams only, no sockets.
 */
final class Http1Codec {
    /** The longest line of a response head, or of a chunk-size or trailer line. */
    static final int MAX_LINE = 8 * 1024;
    /** The longest response head. */
    static final int MAX_HEAD = 64 * 1024;

    /** A parsed response head. Field names are lowercase. */
    record ResponseHead(int minorVersion, int status, List<Map.Entry<String, String>> fields) {
        /** The value of the last field {@code name} (lowercase), or null. */
        String field(String name) {
            String value = null;
            for (Map.Entry<String, String> f : fields) {
                if (f.getKey().equals(name)) {
                    value = f.getValue();
                }
            }
            return value;
        }
    }

    private Http1Codec() {
    }

    /**
     * {@code METHOD target HTTP/1.1}, the fields, then the framing field for the body (null for none).
     *
     * @throws UpstreamException when a field carries CR, LF or NUL (it would split the head)
     */
    static byte[] requestHead(String method, String target, List<String[]> fields, String framingName,
                              String framingValue) throws UpstreamException {
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (String[] f : fields) {
            checkFieldText(f[0]);
            checkFieldText(f[1]);
            head.append(f[0]).append(": ").append(f[1]).append("\r\n");
        }
        if (framingName != null) {
            head.append(framingName).append(": ").append(framingValue).append("\r\n");
        }
        head.append("\r\n");
        checkFieldText(method);
        checkFieldText(target);
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void checkFieldText(String s) throws UpstreamException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new UpstreamException("request line or header field contains a CR, LF or NUL: '"
                        + s.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0") + "'");
            }
        }
    }

    /**
     * Reads one response head.
     *
     * @throws java.io.EOFException when the stream ends before the first byte (an idle connection the upstream
     *                              closed)
     * @throws UpstreamException    when the head is malformed, too long, or cut short
     */
    static ResponseHead readResponseHead(UpstreamInput in) throws IOException {
        String statusLine = in.readLine(MAX_LINE, "status line");
        if (statusLine == null) {
            throw new java.io.EOFException("upstream closed the connection before responding");
        }
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12
                || statusLine.charAt(8) != ' ' || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            throw new UpstreamException("upstream sent an invalid status line: '" + printable(statusLine) + "'");
        }
        char minor = statusLine.charAt(7);
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new UpstreamException("upstream sent an invalid status code: '" + printable(statusLine) + "'");
        }
        if (status < 100 || (minor != '0' && minor != '1')) {
            throw new UpstreamException("upstream sent an invalid status line: '" + printable(statusLine) + "'");
        }
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        int total = statusLine.length();
        while (true) {
            String line = in.readLine(MAX_LINE, "header field");
            if (line == null) {
                throw new UpstreamException("upstream closed the connection in the middle of the response head");
            }
            if (line.isEmpty()) {
                break;
            }
            total += line.length() + 2;
            if (total > MAX_HEAD) {
                throw new UpstreamException("upstream response head is longer than " + MAX_HEAD + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line, colon) || line.indexOf('\r') >= 0 || line.indexOf('\0') >= 0) {
                // Also refused: a bare CR or a NUL in a value, which could split the head the client gets.
                throw new UpstreamException("upstream sent an invalid header field: '" + printable(line) + "'");
            }
            fields.add(Map.entry(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip()));
        }
        return new ResponseHead(minor - '0', status, fields);
    }

    /** The first {@code end} characters form an RFC 9110 token (a field name). */
    private static boolean isToken(String s, int end) {
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        StringBuilder out = new StringBuilder(cut.length());
        for (char c : cut.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    /** Exactly {@code length} bytes of {@code in}; an early end is an error. */
    static final class FixedLengthBody extends BlockReadInputStream {
        private final InputStream in;
        private long remaining;

        FixedLengthBody(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }


        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new UpstreamException("upstream closed the connection " + remaining
                        + " bytes before the end of the body");
            }
            remaining -= n;
            return n;
        }

        boolean finished() {
            return remaining == 0;
        }
    }

    /** A chunked body (RFC 9112 §7.1): the data of every chunk, then the trailer section is read and dropped. */
    static final class ChunkedBody extends BlockReadInputStream {
        private final UpstreamInput in;
        private long chunkLeft;
        private boolean finished;

        ChunkedBody(UpstreamInput in) {
            this.in = in;
        }


        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (finished) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (chunkLeft == 0) {
                chunkLeft = nextChunkSize();
                if (chunkLeft == 0) {
                    skipTrailers();
                    finished = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new UpstreamException("upstream closed the connection in the middle of a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                String end = in.readLine(MAX_LINE, "chunk end");
                if (end == null || !end.isEmpty()) {
                    throw new UpstreamException("upstream chunk is not followed by CRLF");
                }
            }
            return n;
        }

        private long nextChunkSize() throws IOException {
            String line = in.readLine(MAX_LINE, "chunk-size line");
            if (line == null) {
                throw new UpstreamException("upstream closed the connection before the last chunk");
            }
            int semicolon = line.indexOf(';');
            String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
            if (hex.isEmpty() || hex.length() > 15) {
                throw new UpstreamException("upstream sent an invalid chunk size: '" + printable(line) + "'");
            }
            try {
                return Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new UpstreamException("upstream sent an invalid chunk size: '" + printable(line) + "'");
            }
        }

        private void skipTrailers() throws IOException {
            int total = 0;
            while (true) {
                String line = in.readLine(MAX_LINE, "trailer field");
                if (line == null) {
                    throw new UpstreamException("upstream closed the connection in the trailer section");
                }
                if (line.isEmpty()) {
                    return;
                }
                total += line.length();
                if (total > MAX_HEAD) {
                    throw new UpstreamException("upstream trailer section is longer than " + MAX_HEAD + " bytes");
                }
            }
        }

        boolean finished() {
            return finished;
        }
    }

    /** Writes chunked framing around what is written; {@link #finish()} writes the last chunk. Does not close. */
    static final class ChunkedOutput extends OutputStream {
        private final OutputStream out;

        ChunkedOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return; // a zero-size chunk would end the body
            }
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b, off, len);
            out.write('\r');
            out.write('\n');
        }

        void finish() throws IOException {
            out.write(LAST_CHUNK);
        }

        private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    }
}
