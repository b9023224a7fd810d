package io.zeroserve.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * An upstream's answer: status and fields (hop-by-hop fields already dropped) and a body that streams from the
 * upstream connection. Read the body to its end and the connection goes back to the pool (when the upstream
 * keeps it); {@link #close()} before that closes the connection. Confined to the request's thread.
 */
public final class UpstreamResponse implements AutoCloseable {
    private final int status;
    private final List<Map.Entry<String, String>> fields;
    private final long contentLength;
    private final Body body;

    /** For a 101: the connection, taken out of the pool for good, or null. */
    private final UpstreamConnection tunnel;
    /** For a 101: the upstream's Upgrade field. */
    private final String upgrade;

    UpstreamResponse(int status, List<Map.Entry<String, String>> fields, long contentLength, UpstreamConnection c,
                     InputStream framed, UpstreamPool pool, boolean reusable) {
        this.status = status;
        this.fields = fields;
        this.contentLength = contentLength;
        this.body = new Body(c, framed, pool, reusable);
        this.tunnel = null;
        this.upgrade = null;
        if (framed == null) {
            body.end(); // no body at all: the connection is free now
        }
    }

    private UpstreamResponse(String upgrade, List<Map.Entry<String, String>> fields, UpstreamConnection c) {
        this.status = 101;
        this.fields = fields;
        this.contentLength = -1;
        this.body = new Body(c, null, null, false);
        this.body.ended = true;
        this.tunnel = c;
        this.upgrade = upgrade;
    }

    /** A 101 Switching Protocols: from now on the connection carries the new protocol's bytes. */
    static UpstreamResponse switched(List<Map.Entry<String, String>> upstreamFields,
                                     List<Map.Entry<String, String>> fields, UpstreamConnection c) {
        String upgrade = null;
        for (Map.Entry<String, String> f : upstreamFields) {
            if (f.getKey().equals("upgrade")) {
                upgrade = f.getValue();
            }
        }
        return new UpstreamResponse(upgrade, fields, c);
    }

    /** True for a 101: read and write the new protocol with {@link #tunnelInput()} and {@link #tunnelOutput()}. */
    public boolean switchedProtocols() {
        return tunnel != null;
    }

    /** For a 101: the protocol the upstream switched to (its Upgrade field), or null if it named none. */
    public String upgrade() {
        return upgrade;
    }

    /** For a 101: the upstream's bytes after its response head. */
    public InputStream tunnelInput() {
        return tunnel.in;
    }

    /** For a 101: to the upstream; flush after each write. */
    public java.io.OutputStream tunnelOutput() {
        return tunnel.out;
    }

    public int status() {
        return status;
    }

    /** The fields to pass on, names lowercase, in the upstream's order; no hop-by-hop fields, no Content-Length. */
    public List<Map.Entry<String, String>> fields() {
        return fields;
    }

    /** The body's length from Content-Length, 0 when there is no body, or -1 when unknown (chunked or until close). */
    public long contentLength() {
        return contentLength;
    }

    /** True when the response has a body to stream (false for HEAD, 1xx, 204 and 304). */
    public boolean hasBody() {
        return body.framed != null;
    }

    /** The body as the upstream sends it, unframed. A broken upstream throws {@link UpstreamException}. */
    public InputStream body() {
        return body;
    }

    /** Gives the connection back if the body was read to its end, else closes it; closes a tunnel. */
    @Override
    public void close() {
        if (tunnel != null) {
            tunnel.close();
        } else if (!body.ended) {
            body.abandon();
        }
    }

    /** The body stream: hands its connection back on the last byte, closes it on a failure. */
    private static final class Body extends BlockReadInputStream {
        private final UpstreamConnection connection;
        private final InputStream framed;
        private final UpstreamPool pool;
        private final boolean reusable;
        private boolean ended;

        Body(UpstreamConnection connection, InputStream framed, UpstreamPool pool, boolean reusable) {
            this.connection = connection;
            this.framed = framed;
            this.pool = pool;
            this.reusable = reusable;
        }


        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            int n;
            try {
                n = framed.read(b, off, len);
            } catch (IOException e) {
                abandon();
                throw e instanceof UpstreamException ? e
                        : new UpstreamException("reading the response body failed: " + UpstreamPool.describe(e), e);
            }
            if (n < 0) {
                end();
            }
            return n;
        }

        void end() {
            ended = true;
            if (reusable) {
                pool.release(connection);
            } else {
                connection.close();
            }
        }

        void abandon() {
            ended = true;
            connection.close();
        }

        @Override
        public void close() {
            if (!ended) {
                abandon();
            }
        }
    }
}
