package io.zeroserve.http;

import io.helidon.common.socket.PeerInfo;
import io.zeroserve.net.Connection;
import io.zeroserve.net.SendableFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Answers the plain requests at the head of an HTTP/1.1 connection without Helidon's HTTP/1 code: a {@code GET} or
 * {@code HEAD} with no body and no upgrade. The {@link Responder} decides: the server's handler answers a plain
 * request for a file from a response head preformatted per file (one write for a file held in memory, or the
 * head and a {@link Connection#sendFile} of the tar's byte range for a larger one on a plaintext connection), and
 * runs its whole pipeline on light request and response objects for everything else (scripts, conditional and
 * range requests, errors). Through Helidon's HTTP/1 connection the same responses cost noticeably more CPU
 * (perf/RESULTS.md).
 *
 * <p>It sits between the socket and Helidon's reader as the byte source. Requests it answers never reach Helidon;
 * at the first request it does not take (another method, a conditional or range header, a request split across
 * reads, a miss, scripts present...), it hands that request and everything after it to Helidon and stays out of
 * the connection from then on. Helidon therefore sees a well-formed HTTP/1.1 stream that starts at a request
 * boundary, and responses leave in request order.
 *
 * <p>The parser is deliberately narrower than HTTP allows: whatever it does not recognise goes to Helidon, which
 * decides (including every 400). Runs on the connection's thread only.
 */
final class Http1FastPath implements Supplier<byte[]> {
    /** Requests longer than this go to Helidon. */
    static final int MAX_REQUEST = 8192;
    private static final byte[] HTTP_11 = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Header name characters (RFC 9110 token). */
    private static final boolean[] TCHAR = alphanumericAnd("!#$%&'*+-.^_`|~");
    /** RFC 3986 path and query characters, without ';' (Helidon reads it as a path parameter) and '#'. */
    private static final boolean[] TARGET_CHAR = alphanumericAnd("-._~!$&'()*+,=:@/?%");

    private static boolean[] alphanumericAnd(String others) {
        boolean[] set = new boolean[128];
        for (int c = 0; c < 128; c++) {
            set[c] = Character.isLetterOrDigit(c) || others.indexOf(c) >= 0;
        }
        return set;
    }

    /** One parsed request, handed to the {@link Responder}. */
    /**
     * @param conditional the request has an {@code If-*} or {@code Range} field: not a plain 200
     */
    record SimpleRequest(boolean head, String rawPath, String query, String host, boolean conditional, byte[] bytes,
                         int fieldsStart, int fieldsEnd) {
        /** {@code METHOD path[?query]}, as the request log writes it. */
        String logText() {
            return (head ? "HEAD " : "GET ") + (query.isEmpty() ? rawPath : rawPath + "?" + query);
        }

        /** The request target as received: path, and {@code ?query} when there was a {@code ?}. */
        String target() {
            return query.isEmpty() ? rawPath : rawPath + "?" + query;
        }

        /** Each header field in arrival order, value without surrounding whitespace (already validated). */
        void forEachField(java.util.function.BiConsumer<String, String> to) {
            int pos = fieldsStart;
            while (pos < fieldsEnd) {
                int colon = pos;
                while (bytes[colon] != ':') {
                    colon++;
                }
                int lineEnd = colon;
                while (bytes[lineEnd] != '\r') {
                    lineEnd++;
                }
                int valueStart = colon + 1;
                while (valueStart < lineEnd && (bytes[valueStart] == ' ' || bytes[valueStart] == '\t')) {
                    valueStart++;
                }
                int valueEnd = lineEnd;
                while (valueEnd > valueStart && (bytes[valueEnd - 1] == ' ' || bytes[valueEnd - 1] == '\t')) {
                    valueEnd--;
                }
                to.accept(ascii(bytes, pos, colon), ascii(bytes, valueStart, valueEnd));
                pos = lineEnd + 2;
            }
        }
    }

    /** The connection a simple request came on. */
    record Origin(PeerInfo remotePeer, PeerInfo localPeer, boolean secure) {
    }

    /** Decides the response to a simple request and writes it. */
    interface Responder {
        /**
         * Answers {@code request} through {@code sink} (and logs it) and returns true, or returns false without
         * writing anything when the request must go through the full pipeline instead.
         */
        boolean respond(SimpleRequest request, Origin origin, ResponseSink sink);
    }

    /** Where the fast path's responses go. */
    interface ResponseSink {
        void write(byte[] bytes);

        /** {@link #write} of {@code head}, then of {@code body}; a sink may send the two together. */
        default void write(byte[] head, byte[] body) {
            write(head);
            write(body);
        }

        /** True when {@link #sendFile} works here (plaintext): file ranges go to the socket without the heap. */
        boolean sendsFiles();

        void sendFile(SendableFile file, long position, long count);

        /** Straight to the connection: no copy on our side, file ranges through {@link Connection#sendFile}. */
        static ResponseSink direct(Connection connection) {
            return new ResponseSink() {
                @Override
                public void write(byte[] bytes) {
                    try {
                        connection.write(bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public boolean sendsFiles() {
                    return true;
                }

                @Override
                public void sendFile(SendableFile file, long position, long count) {
                    try {
                        connection.sendFile(file, position, count);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            };
        }

        /** Through the TLS socket, which encrypts straight from the array; no file ranges. */
        static ResponseSink tls(io.zeroserve.tls.TlsSocket socket) {
            return new ResponseSink() {
                @Override
                public void write(byte[] bytes) {
                    socket.write(bytes, 0, bytes.length);
                }

                @Override
                public void write(byte[] head, byte[] body) {
                    socket.write(head, body); // the head is sealed with the body's first bytes: no send of its own
                }

                @Override
                public boolean sendsFiles() {
                    return false;
                }

                @Override
                public void sendFile(SendableFile file, long position, long count) {
                    throw new UnsupportedOperationException("file ranges are not sent directly over TLS");
                }
            };
        }
    }

    /** What the connection host tracks for a connection served here. */
    interface ConnectionState {
        /** True while requests are being answered here; false while waiting for the client. */
        void fastPathBusy(boolean busy);

        /** True once the connection should end after the current response (graceful stop). */
        boolean closing();
    }

    private final Supplier<byte[]> source;
    private final Responder responder;
    private final ResponseSink sink;
    private final Origin origin;
    private final ConnectionState state;
    private byte[] pending;
    private boolean handedOver;

    /**
     * @param first  bytes already read from the connection (they start at a request boundary); may be null
     * @param source the rest of the connection's bytes
     */
    Http1FastPath(byte[] first, Supplier<byte[]> source, Responder responder, ResponseSink sink, Origin origin,
                  ConnectionState state) {
        this.pending = first;
        this.source = source;
        this.responder = responder;
        this.sink = sink;
        this.origin = origin;
        this.state = state;
    }

    @Override
    public byte[] get() {
        if (handedOver) {
            return source.get();
        }
        while (true) {
            byte[] chunk = pending != null ? pending : source.get();
            pending = null;
            if (chunk == null) {
                return null;
            }
            state.fastPathBusy(true);
            try {
                int pos = 0;
                while (pos < chunk.length) {
                    int end = answer(chunk, pos);
                    if (end < 0) {
                        handedOver = true;
                        return pos == 0 ? chunk : Arrays.copyOfRange(chunk, pos, chunk.length);
                    }
                    pos = end;
                }
            } finally {
                state.fastPathBusy(false);
            }
            // After marking the connection idle: a graceful stop either sees it idle or is seen here.
            if (state.closing()) {
                return null;
            }
        }
    }

    /** Answers the request starting at {@code start}; returns where it ends, or -1 to leave it to Helidon. */
    private int answer(byte[] bytes, int start) {
        int limit = Math.min(bytes.length, start + MAX_REQUEST);
        // Request line: GET|HEAD SP origin-form SP HTTP/1.1 CRLF
        boolean head;
        int pos;
        if (startsWith(bytes, start, limit, "GET /")) {
            head = false;
            pos = start + 4;
        } else if (startsWith(bytes, start, limit, "HEAD /")) {
            head = true;
            pos = start + 5;
        } else {
            return -1;
        }
        int targetStart = pos;
        int queryStart = -1;
        while (pos < limit && bytes[pos] != ' ') {
            int b = bytes[pos];
            if (b < 0 || !TARGET_CHAR[b]) {
                return -1;
            }
            if (b == '?' && queryStart < 0) {
                queryStart = pos;
            }
            pos++;
        }
        int targetEnd = pos;
        if (!startsWith(bytes, pos, limit, HTTP_11)) {
            return -1;
        }
        pos += HTTP_11.length;
        String host = null;
        boolean conditional = false;
        int fieldsStart = pos;
        // Header fields until the empty line.
        while (true) {
            if (pos + 1 < limit && bytes[pos] == '\r' && bytes[pos + 1] == '\n') {
                pos += 2;
                break;
            }
            int nameStart = pos;
            while (pos < limit && bytes[pos] != ':') {
                int b = bytes[pos];
                if (b < 0 || !TCHAR[b]) {
                    return -1;
                }
                pos++;
            }
            if (pos >= limit || pos == nameStart) {
                return -1;
            }
            int nameEnd = pos++;
            while (pos < limit && (bytes[pos] == ' ' || bytes[pos] == '\t')) {
                pos++;
            }
            int valueStart = pos;
            while (pos < limit && bytes[pos] != '\r') {
                int b = bytes[pos];
                if (b != '\t' && (b < 0x20 || b == 0x7f)) { // bytes >= 0x80 are negative: left to Helidon too
                    return -1;
                }
                pos++;
            }
            if (pos + 1 >= limit || bytes[pos + 1] != '\n') {
                return -1;
            }
            int valueEnd = pos;
            while (valueEnd > valueStart && (bytes[valueEnd - 1] == ' ' || bytes[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            pos += 2;
            switch (ignoredOrHost(bytes, nameStart, nameEnd)) {
                case IGNORED -> {
                }
                case CONDITIONAL -> conditional = true;
                case HOST -> {
                    if (host != null) {
                        return -1;
                    }
                    host = new String(bytes, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
                }
                case KEEP_ALIVE_ONLY -> {
                    if (!equalsIgnoreCase(bytes, valueStart, valueEnd, "keep-alive")) {
                        return -1;
                    }
                }
                case UNSUPPORTED -> {
                    return -1;
                }
            }
        }
        String rawPath = ascii(bytes, targetStart, queryStart < 0 ? targetEnd : queryStart);
        String query = queryStart < 0 ? "" : ascii(bytes, queryStart + 1, targetEnd);
        SimpleRequest request = new SimpleRequest(head, rawPath, query, host, conditional, bytes, fieldsStart,
                pos - 2);
        return responder.respond(request, origin, sink) ? pos : -1;
    }

    private enum HeaderKind { IGNORED, HOST, CONDITIONAL, KEEP_ALIVE_ONLY, UNSUPPORTED }

    /**
     * What a request header means for a static response. Headers that carry a body, change the connection, ask
     * for a conditional or partial response or an upgrade go to Helidon; so does anything unusual about them.
     */
    private static HeaderKind ignoredOrHost(byte[] bytes, int start, int end) {
        int length = end - start;
        return switch (Character.toLowerCase((char) bytes[start])) {
            case 'h' -> equalsIgnoreCase(bytes, start, end, "host") ? HeaderKind.HOST
                    : equalsIgnoreCase(bytes, start, end, "http2-settings") ? HeaderKind.UNSUPPORTED
                    : HeaderKind.IGNORED;
            case 'c' -> equalsIgnoreCase(bytes, start, end, "connection") ? HeaderKind.KEEP_ALIVE_ONLY
                    : equalsIgnoreCase(bytes, start, end, "content-length") ? HeaderKind.UNSUPPORTED
                    : HeaderKind.IGNORED;
            case 't' -> length == 2 || equalsIgnoreCase(bytes, start, end, "transfer-encoding")
                    ? HeaderKind.UNSUPPORTED : HeaderKind.IGNORED; // TE too
            case 'i' -> length > 3 && (bytes[start + 1] | 0x20) == 'f' && bytes[start + 2] == '-'
                    ? HeaderKind.CONDITIONAL : HeaderKind.IGNORED; // If-*
            case 'r' -> equalsIgnoreCase(bytes, start, end, "range") ? HeaderKind.CONDITIONAL : HeaderKind.IGNORED;
            case 'u' -> equalsIgnoreCase(bytes, start, end, "upgrade") ? HeaderKind.UNSUPPORTED : HeaderKind.IGNORED;
            case 'e' -> equalsIgnoreCase(bytes, start, end, "expect") ? HeaderKind.UNSUPPORTED : HeaderKind.IGNORED;
            case 'p' -> equalsIgnoreCase(bytes, start, end, "proxy-connection")
                    ? HeaderKind.UNSUPPORTED : HeaderKind.IGNORED;
            default -> HeaderKind.IGNORED;
        };
    }

    private static boolean startsWith(byte[] bytes, int pos, int limit, String ascii) {
        if (limit - pos < ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (bytes[pos + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] bytes, int pos, int limit, byte[] prefix) {
        return limit - pos >= prefix.length && Arrays.equals(bytes, pos, pos + prefix.length, prefix, 0, prefix.length);
    }

    private static boolean equalsIgnoreCase(byte[] bytes, int start, int end, String lowerAscii) {
        if (end - start != lowerAscii.length()) {
            return false;
        }
        for (int i = 0; i < lowerAscii.length(); i++) {
            int b = bytes[start + i];
            if (b >= 'A' && b <= 'Z') {
                b += 32;
            }
            if (b != lowerAscii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] bytes, int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }
}
