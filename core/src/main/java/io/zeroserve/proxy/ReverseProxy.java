package io.zeroserve.proxy;

import io.zeroserve.net.Transport;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends a client's request to an upstream over HTTP/1.1 and returns the response head with a streaming body.
 * One per server, shared by all requests; {@link #close()} closes the idle pooled connections.
 *
 * <p>The request body goes up first, whole, then the response is read. An upstream that answers before it has read
 * all of the body (an early 413) and closes has that answer passed on. One that streams a large answer while it
 * still reads a large body stalls the exchange until the write timeout cuts it ({@link IoDeadlines}). A body over
 * the request's limit ends the exchange with {@link BodyTooLargeException} (413). When a pooled connection turns
 * out to be closed (the upstream dropped it while idle: nothing of a response came back), the request is sent once
 * more on a new connection, unless part of a streamed body was already consumed.
 */
public final class ReverseProxy implements AutoCloseable {
    private static final int COPY_BUFFER = 16 * 1024;

    private final UpstreamPool pool;

    /**
     * System property: {@code false} makes {@link #create(ProxySettings, Transport)} ignore the transport, so that
     * every upstream goes over JDK sockets as before it was used (A/B runs of the perf harness).
     */
    public static final String TRANSPORT_UPSTREAMS_PROPERTY = "zeroserve.proxy.transportUpstreams";

    private ReverseProxy(ProxySettings settings, Transport transport) {
        this(settings, new IoDeadlines(settings.writeTimeout(), settings.readTimeout(), System::nanoTime, true),
                transport);
    }

    /** With {@code deadlines} driven by the caller (tests); {@code transport} may be null (JDK sockets only). */
    ReverseProxy(ProxySettings settings, IoDeadlines deadlines, Transport transport) {
        this.pool = new UpstreamPool(settings, deadlines, transport);
    }

    /** Over JDK sockets only. */
    public static ReverseProxy create() {
        return create(ProxySettings.defaults(), null);
    }

    /** Over JDK sockets only. */
    public static ReverseProxy create(ProxySettings settings) {
        return create(settings, null);
    }

    /**
     * With plaintext TCP upstreams connected through {@code transport} (the server's, which must outlive this
     * proxy), unless {@value #TRANSPORT_UPSTREAMS_PROPERTY} is {@code false}; TLS and Unix domain socket upstreams
     * over JDK sockets. A null transport means JDK sockets for all.
     */
    public static ReverseProxy create(ProxySettings settings, Transport transport) {
        boolean use = Boolean.parseBoolean(System.getProperty(TRANSPORT_UPSTREAMS_PROPERTY, "true"));
        return new ReverseProxy(settings, use ? transport : null);
    }

    /**
     * Sends {@code request} to {@code url} and reads the response head (1xx interim responses are skipped).
     *
     * @return the response; the caller reads its body and closes it
     * @throws BodyTooLargeException when the body is over {@link ProxyRequest#bodyLimit()} (nothing useful was sent)
     * @throws UpstreamException     when the upstream cannot be reached or answers with no valid response; the
     *                               message says what failed
     */
    public UpstreamResponse send(UpstreamUrl url, ProxyRequest request) throws UpstreamException {
        ProxyRequest.Body body = request.body();
        long limit = request.bodyLimit();
        if (limit >= 0 && body.length() > limit) {
            throw new BodyTooLargeException(limit);
        }
        List<String[]> fields = ForwardedHeaders.upstream(request.headers(), request.clientAddress(),
                request.scheme(), url, request.upgrade());
        String framingName = null;
        String framingValue = null;
        if (!body.isNone()) {
            if (body.length() >= 0) {
                framingName = "content-length";
                framingValue = Long.toString(body.length());
            } else {
                framingName = "transfer-encoding";
                framingValue = "chunked";
            }
        }
        byte[] head = Http1Codec.requestHead(request.method(), url.target(request.path(), request.query()), fields,
                framingName, framingValue);
        boolean isHead = request.method().equals("HEAD");
        CountingBody source = body.stream() == null ? null : new CountingBody(body.stream(), limit);
        for (int attempt = 1; ; attempt++) {
            UpstreamConnection c;
            try {
                c = pool.acquire(url.endpoint());
            } catch (UpstreamException e) {
                throw e;
            } catch (IOException e) {
                throw new UpstreamException("cannot connect: " + UpstreamPool.describe(e), e);
            }
            boolean reused = c.reused();
            try {
                try {
                    c.out.write(head);
                    writeBody(c.out, body, source);
                    c.out.flush();
                } catch (BodyTooLargeException | ClientBodyException e) {
                    throw e;
                } catch (IOException writeFailure) {
                    if (source == null || source.count == 0) {
                        throw writeFailure; // nothing of a streamed body consumed: maybe a stale connection
                    }
                    // The upstream may have answered before reading all of the body (an early 413 or 401) and
                    // closed: pass that answer on if there is one.
                    try {
                        return readResponse(c, isHead, false, request.upgrade() != null);
                    } catch (IOException noAnswer) {
                        throw writeFailure;
                    }
                }
                return readResponse(c, isHead, true, request.upgrade() != null);
            } catch (ClientBodyException e) {
                c.close();
                throw new UpstreamException(e.getMessage(), e);
            } catch (BodyTooLargeException e) {
                c.close();
                throw e;
            } catch (IOException e) {
                c.close();
                boolean stale = reused && (e instanceof EOFException || e instanceof SocketException);
                if (stale && attempt == 1 && (source == null || source.count == 0)) {
                    continue; // the upstream closed this idle connection: once more on a new one
                }
                if (e instanceof UpstreamException u) {
                    throw u;
                }
                if (c.closedBecause() != null) {
                    throw new UpstreamException(c.closedBecause(), e);
                }
                throw new UpstreamException(describeFailure(e), e);
            }
        }
    }

    private static String describeFailure(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "upstream did not answer in time (" + UpstreamPool.describe(e) + ")";
        }
        return "exchange failed: " + UpstreamPool.describe(e);
    }

    private static void writeBody(OutputStream out, ProxyRequest.Body body, CountingBody source) throws IOException {
        if (body.bytes() != null) {
            out.write(body.bytes());
            return;
        }
        if (source == null) {
            return;
        }
        byte[] buffer = new byte[COPY_BUFFER];
        if (body.length() >= 0) {
            long left = body.length();
            while (left > 0) {
                int n = source.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new ClientBodyException("the client's body ended " + left
                            + " bytes before its Content-Length", null);
                }
                out.write(buffer, 0, n);
                left -= n;
            }
            return;
        }
        Http1Codec.ChunkedOutput chunked = new Http1Codec.ChunkedOutput(out);
        int n;
        while ((n = source.read(buffer, 0, buffer.length)) >= 0) {
            chunked.write(buffer, 0, n);
        }
        chunked.finish();
    }

    /**
     * @param bodySent   the whole request went up: the connection may carry another exchange after this one
     * @param upgrading the request asked to switch protocols: a 101 is the final answer
     */
    private UpstreamResponse readResponse(UpstreamConnection c, boolean isHead, boolean bodySent, boolean upgrading)
            throws IOException {
        Http1Codec.ResponseHead head = Http1Codec.readResponseHead(c.in);
        while (head.status() < 200) {
            if (head.status() == 101) {
                if (!upgrading) {
                    throw new UpstreamException("upstream switched protocols (101) unasked");
                }
                c.untimed(); // a tunnel may be quiet for long; the server's idle timeout applies to it instead
                return UpstreamResponse.switched(head.fields(), ForwardedHeaders.downstream(head.fields()), c);
            }
            head = Http1Codec.readResponseHead(c.in); // 1xx interim responses are not passed on
        }
        int status = head.status();
        boolean reusable = bodySent && head.minorVersion() == 1
                && !ForwardedHeaders.hasConnectionToken(head.fields(), "close");
        String transferEncoding = head.field("transfer-encoding");
        String contentLength = null;
        for (Map.Entry<String, String> f : head.fields()) {
            if (f.getKey().equals("content-length")) {
                // Every value, so that parseLength refuses fields that disagree (a response smuggling another).
                contentLength = contentLength == null ? f.getValue() : contentLength + "," + f.getValue();
            }
        }
        List<Map.Entry<String, String>> fields = ForwardedHeaders.downstream(head.fields());
        if (isHead || status == 204 || status == 304) {
            long length = -1;
            if (contentLength != null && status != 204) {
                length = parseLength(contentLength);
            }
            // No body follows, whatever the framing fields say; HEAD keeps the length it announces.
            return new UpstreamResponse(status, fields, isHead ? length : 0, c, null, pool, reusable);
        }
        if (transferEncoding != null) {
            if (!transferEncoding.toLowerCase(Locale.ROOT).strip().endsWith("chunked")) {
                // Another final coding: the body runs until the connection closes (RFC 9112 §6.3).
                return new UpstreamResponse(status, fields, -1, c, c.in, pool, false);
            }
            return new UpstreamResponse(status, fields, -1, c, new Http1Codec.ChunkedBody(c.in), pool, reusable);
        }
        if (contentLength != null) {
            long length = parseLength(contentLength);
            return new UpstreamResponse(status, fields, length,
                    c, length == 0 ? null : new Http1Codec.FixedLengthBody(c.in, length), pool, reusable);
        }
        return new UpstreamResponse(status, fields, -1, c, c.in, pool, false); // until the upstream closes
    }

    private static long parseLength(String value) throws UpstreamException {
        String v = value.strip();
        int comma = v.indexOf(',');
        if (comma >= 0) {
            // Repeated identical values (RFC 9110 §8.6) are one length; differing ones are an error.
            for (String part : v.split(",")) {
                if (!part.strip().equals(v.substring(0, comma).strip())) {
                    throw new UpstreamException("upstream sent conflicting Content-Length values: '" + value + "'");
                }
            }
            v = v.substring(0, comma).strip();
        }
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Character::isDigit)) {
            throw new UpstreamException("upstream sent an invalid Content-Length: '" + value + "'");
        }
        return Long.parseLong(v);
    }

    /** Idle connections to {@code url}'s endpoint (for tests). */
    int idleConnections(UpstreamUrl url) {
        return pool.idleCount(url.endpoint());
    }

    @Override
    public void close() {
        pool.close();
    }

    /** The client's side failed while its body was read (not the upstream's). */
    private static final class ClientBodyException extends IOException {
        ClientBodyException(String message, IOException cause) {
            super(message, cause);
        }
    }

    /** The client's body stream, counting what was read and failing past the limit. */
    private static final class CountingBody extends BlockReadInputStream {
        private final InputStream in;
        private final long limit;
        long count;

        CountingBody(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }


        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw new ClientBodyException("reading the client's request body failed: "
                        + UpstreamPool.describe(e), e);
            }
            if (n > 0) {
                count += n;
                if (limit >= 0 && count > limit) {
                    throw new BodyTooLargeException(limit);
                }
            }
            return n;
        }
    }
}
