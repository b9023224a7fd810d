package io.zeroserve.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.DateTime;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.ServerResponseTrailers;
import io.helidon.http.Status;
import io.helidon.common.uri.UriQuery;
import io.helidon.webserver.http.ServerResponse;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * A response written by {@link ZeroServeHandler#handle} on the HTTP/1.1 fast path. It lays out the head as
 * Helidon's HTTP/1 response does (status line, Date unless set, the header fields in Helidon's own order and
 * format, Content-Length from the body unless set; no Connection field on a kept-alive connection), so both paths
 * put the same bytes on the wire; {@code Http1FastPathTest} compares them.
 */
final class FastPathResponse implements ServerResponse {
    private static final byte[] OK_200 = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATE = "Date: ".getBytes(StandardCharsets.US_ASCII);

    private final Http1FastPath.ResponseSink sink;
    private final ServerResponseHeaders headers = ServerResponseHeaders.create();
    private Status status = Status.OK_200;
    private boolean sent;
    private long bytesWritten;

    FastPathResponse(Http1FastPath.ResponseSink sink) {
        this.sink = sink;
    }

    @Override
    public ServerResponse status(Status status) {
        this.status = status;
        return this;
    }

    @Override
    public Status status() {
        return status;
    }

    @Override
    public ServerResponse header(Header header) {
        checkNotSent();
        headers.set(header);
        return this;
    }

    @Override
    public ServerResponseHeaders headers() {
        return headers;
    }

    @Override
    public void send() {
        send(BufferData.EMPTY_BYTES);
    }

    @Override
    public void send(byte[] bytes) {
        checkNotSent();
        if (!headers.contains(HeaderNames.CONTENT_LENGTH)) {
            headers.contentLength(bytes.length);
        }
        if (bytes.length > PreformattedHeads.JOINED_BODY_LIMIT) {
            BufferData head = head(0);
            byte[] headBytes = new byte[head.available()];
            head.read(headBytes);
            sent = true;
            bytesWritten = headBytes.length + bytes.length;
            // Sinks only read the body: no copy of it behind the head; TLS seals the head with its first bytes.
            sink.write(headBytes, bytes);
            return;
        }
        BufferData out = head(bytes.length);
        out.write(bytes);
        write(out);
    }

    /** Overridden: the interface's default takes its third argument for an end index, not a length. */
    @Override
    public void send(byte[] bytes, int position, int length) {
        send(position == 0 && length == bytes.length ? bytes
                : java.util.Arrays.copyOfRange(bytes, position, position + length));
    }

    @Override
    public void send(Object entity) {
        if (entity instanceof byte[] bytes) {
            send(bytes);
            return;
        }
        throw new UnsupportedOperationException("only byte[] entities are sent on the HTTP/1.1 fast path");
    }

    /**
     * The body streamed after the head: as is when the head carries its Content-Length (a static file), else
     * chunked, as Helidon's HTTP/1 response does (a proxied body of unknown length); closing it writes the last
     * chunk.
     */
    @Override
    public OutputStream outputStream() {
        checkNotSent();
        boolean chunked = !headers.contains(HeaderNames.CONTENT_LENGTH);
        if (chunked) {
            headers.set(HeaderValues.TRANSFER_ENCODING_CHUNKED);
        }
        write(head(0));
        return new OutputStream() {
            private boolean closed;

            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                if (length == 0) {
                    return; // an empty chunk would end the body
                }
                byte[] copy;
                if (chunked) {
                    byte[] size = (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    copy = new byte[size.length + length + 2];
                    System.arraycopy(size, 0, copy, 0, size.length);
                    System.arraycopy(bytes, offset, copy, size.length, length);
                    copy[copy.length - 2] = '\r';
                    copy[copy.length - 1] = '\n';
                } else {
                    copy = new byte[length];
                    System.arraycopy(bytes, offset, copy, 0, length);
                }
                sink.write(copy);
                bytesWritten += length;
            }

            @Override
            public void close() {
                if (chunked && !closed) {
                    sink.write(LAST_CHUNK.clone());
                }
                closed = true;
            }
        };
    }

    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * Writes the status line and fields only, with no Content-Length: the head of a 101 Switching Protocols,
     * after which the connection carries another protocol.
     */
    void sendHead() {
        checkNotSent();
        write(head(0));
    }

    @Override
    public boolean isSent() {
        return sent;
    }

    @Override
    public long bytesWritten() {
        return bytesWritten;
    }

    private void checkNotSent() {
        if (sent) {
            throw new IllegalStateException("response already sent");
        }
    }

    private BufferData head(int bodyLength) {
        BufferData out = BufferData.growing(256 + bodyLength);
        Status used = status;
        int code = used.code();
        if ((code == 204 || code == 205 || code == 304)
                && ((headers.contains(HeaderNames.CONTENT_LENGTH) && !headers.contains(HeaderValues.CONTENT_LENGTH_ZERO))
                || headers.contains(HeaderValues.TRANSFER_ENCODING_CHUNKED))) {
            used = Status.INTERNAL_SERVER_ERROR_500; // as Helidon does: such a status must not carry content
        }
        if (used == Status.OK_200) {
            out.write(OK_200);
        } else {
            String reason = used.reasonPhrase() == null || used.reasonPhrase().isEmpty()
                    ? used.codeText() : used.reasonPhrase();
            out.write(("HTTP/1.1 " + used.code() + " " + reason + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        if (!headers.contains(HeaderNames.DATE)) {
            out.write(DATE);
            out.write(DateTime.http1Bytes());
        }
        for (Header header : headers) {
            header.writeHttp1Header(out);
        }
        out.write('\r');
        out.write('\n');
        return out;
    }

    private void write(BufferData data) {
        byte[] bytes = new byte[data.available()];
        data.read(bytes);
        sent = true;
        bytesWritten = bytes.length;
        sink.write(bytes);
    }

    @Override
    public ServerResponse whenSent(Runnable listener) {
        throw FastPathRequest.unused("whenSent()");
    }

    @Override
    public ServerResponse reroute(String newPath) {
        throw FastPathRequest.unused("reroute()");
    }

    @Override
    public ServerResponse reroute(String path, UriQuery query) {
        throw FastPathRequest.unused("reroute()");
    }

    @Override
    public ServerResponse next() {
        throw FastPathRequest.unused("next()");
    }

    @Override
    public ServerResponseTrailers trailers() {
        throw FastPathRequest.unused("trailers()");
    }

    @Override
    public void streamResult(String result) {
        throw FastPathRequest.unused("streamResult()");
    }

    @Override
    public void streamFilter(UnaryOperator<OutputStream> filterFunction) {
        throw FastPathRequest.unused("streamFilter()");
    }
}
