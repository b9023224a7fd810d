package io.zeroserve.http;

import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;
import io.zeroserve.script.ConnectionFacts;
import io.zeroserve.script.ScriptRequest;
import io.zeroserve.tls.TlsFacts;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A Helidon request as the script chain sees it. Lives for one request, on its thread. */
final class ScriptedRequest implements ScriptRequest {
    private final ServerRequest req;
    private final String requestId;
    private final String rawPath;
    private final String query;
    private final TlsFacts tls;

    /** @param tls the connection's TLS facts, or null when unknown (then only {@code isSecure()} is reported) */
    ScriptedRequest(ServerRequest req, String requestId, String rawPath, TlsFacts tls) {
        this.req = req;
        this.tls = tls;
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
    public InetSocketAddress peer() {
        return (InetSocketAddress) req.remotePeer().address();
    }

    @Override
    public ConnectionFacts connection() {
        if (tls != null) {
            return facts(tls);
        }
        return req.isSecure()
                ? new ConnectionFacts(true, true, null, null, null, false, false, null, null, List.of())
                : ConnectionFacts.plaintext();
    }

    /** The TLS layer's facts as {@code zs_connection_info} reports them. */
    static ConnectionFacts facts(TlsFacts f) {
        if (!f.tls()) {
            return ConnectionFacts.plaintext();
        }
        List<String> chain = new ArrayList<>();
        for (X509Certificate c : f.clientCertificates()) {
            chain.add(TlsFacts.fingerprintHex(c));
        }
        ConnectionFacts.ClientCertificate leaf = null;
        if (!f.clientCertificates().isEmpty()) {
            X509Certificate c = f.clientCertificates().getFirst();
            leaf = new ConnectionFacts.ClientCertificate(chain.getFirst(), c.getSubjectX500Principal().getName(),
                    c.getIssuerX500Principal().getName(), c.getSerialNumber().toString(16));
        }
        return new ConnectionFacts(true, f.handshakeComplete(), f.alpn(), f.sniInner(), f.sniOuter(),
                f.echConfigured(), f.echAccepted(), f.ja4(), leaf, chain);
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
        if (!host && req.authority() != null && !req.authority().isEmpty()) {
            // HTTP/2 carries the host in :authority; scripts see it as Host, as in zeroserve.
            out.add(Map.entry("host", req.authority()));
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
