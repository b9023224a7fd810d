package io.zeroserve.http;

import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;
import io.zeroserve.script.ConnectionFacts;
import io.zeroserve.script.ScriptRequest;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A Helidon request as the script chain sees it. Lives for one request, on its thread. */
final class ScriptedRequest implements ScriptRequest {
    private final ServerRequest req;
    private final String requestId;
    private final String rawPath;
    private final String query;

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
        return TlsConnectionFacts.of(req.remotePeer());
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

    @Override
    public byte[] body(int maxBytes) throws IOException {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] data = in.readNBytes(maxBytes + 1);
            return data.length > maxBytes ? null : data;
        }
    }
}
