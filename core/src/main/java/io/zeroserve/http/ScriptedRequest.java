package io.zeroserve.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.zeroserve.script.ConnectionFacts;
import io.zeroserve.script.ScriptRequest;

import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** A Helidon request as the script chain sees it. Lives for one request, on its thread. */
final class ScriptedRequest implements ScriptRequest {
    private final ServerRequest req;
    /** Made on first use when the handler had none (request logging off): most requests never need one. */
    private String requestId;
    private ConnectionFacts connection;
    private final String rawPath;
    private final String query;
    /** The body stream once a script read part of it and stopped at its limit; else null. */
    private InputStream bodyStream;
    private boolean bodyConsumed;
    /** Why reading the body for a script failed, or null. */
    private String bodyFailure;
    /** What that script read of {@link #bodyStream} (limit + 1 bytes). */
    private byte[] bodyRead;

    /** @param requestId the request's log id, or null to make one only if a script or log line needs it */
    ScriptedRequest(ServerRequest req, String requestId, String rawPath) {
        this.req = req;
        this.requestId = requestId;
        this.rawPath = rawPath;
        String q = req.query().rawValue();
        // Helidon reports "no query" and "empty query" alike; zeroserve's uri keeps a '?' only for a query.
        this.query = q.isEmpty() ? null : q;
    }

    @Override
    public String requestId() {
        if (requestId == null) {
            requestId = Ulid.next();
        }
        return requestId;
    }

    @Override
    public String method() {
        return req.prologue().method().text();
    }

    @Override
    public String rawPath() {
        return rawPath;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public String scheme() {
        return req.isSecure() ? "https" : "http";
    }

    @Override
    public int protoMajor() {
        String v = req.prologue().protocolVersion();
        return v.startsWith("2") ? 2 : 1;
    }

    @Override
    public int protoMinor() {
        String v = req.prologue().protocolVersion();
        return v.equals("1.0") ? 0 : v.startsWith("2") ? 0 : 1;
    }

    @Override
    public ConnectionFacts connection() {
        if (connection == null) {
            connection = TlsConnectionFacts.of(req.remotePeer());
        }
        return connection;
    }

    @Override
    public InetSocketAddress peer() {
        return (InetSocketAddress) req.remotePeer().address();
    }

    @Override
    public List<Map.Entry<String, String>> headers() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        boolean host = false;
        for (Header h : req.headers()) {
            host |= h.name().equalsIgnoreCase("host");
            for (String v : h.allValues()) {
                out.add(Map.entry(h.name(), v));
            }
        }
        String authority = host ? null : ZeroServeHandler.http2Authority(req);
        if (authority != null && !authority.isEmpty()) {
            // HTTP/2 carries the host in :authority; scripts see it as Host, as in zeroserve.
            out.add(Map.entry("host", authority));
        }
        return out;
    }

    /** Like {@link #headers()} without the list; names come lowercase (as Helidon keeps them). */
    @Override
    public void forEachHeader(BiConsumer<String, String> to) {
        boolean host = false;
        for (Header h : req.headers()) {
            HeaderName name = h.headerName();
            host |= name.equals(HeaderNames.HOST);
            if (h.valueCount() == 1) {
                to.accept(name.lowerCase(), h.get());
            } else {
                for (String v : h.allValues()) {
                    to.accept(name.lowerCase(), v);
                }
            }
        }
        String authority = host ? null : ZeroServeHandler.http2Authority(req);
        if (authority != null && !authority.isEmpty()) {
            to.accept("host", authority); // as in headers()
        }
    }

    @Override
    public byte[] body(int maxBytes) throws IOException {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        bodyConsumed = true;
        bodyStream = req.content().inputStream();
        byte[] data;
        try {
            data = bodyStream.readNBytes(maxBytes + 1);
        } catch (IOException | RuntimeException e) {
            bodyStream = null;
            bodyFailure = e.getMessage();
            throw e;
        }
        if (data.length > maxBytes) {
            bodyRead = data; // kept, with the rest of the stream, for a proxied request
            return null;
        }
        bodyStream.close(); // read to its end
        bodyStream = null;
        return data;
    }

    /**
     * The part of the body no script consumed: the whole body when none read it, or what a script read past its
     * limit followed by the rest. Null when there is no body, or a script read all of it (see
     * {@link io.zeroserve.script.ScriptResult#bufferedBody()}).
     */
    InputStream unreadBody() {
        if (bodyStream != null) {
            return new SequenceInputStream(new ByteArrayInputStream(bodyRead), bodyStream);
        }
        if (bodyFailure != null) {
            // Whatever went wrong reading it for a script is still wrong: the proxied request fails too.
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    throw new IOException("the request body could not be read: " + bodyFailure);
                }
            };
        }
        if (bodyConsumed || !req.content().hasEntity()) {
            return null;
        }
        return req.content().inputStream();
    }
}
