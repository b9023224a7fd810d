package io.zeroserve.http;

import io.helidon.common.context.Context;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.uri.UriInfo;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.PathMatchers;
import io.helidon.http.RoutedPath;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.WritableHeaders;
import io.helidon.http.media.ReadableEntity;
import io.helidon.http.media.ReadableEntityBase;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.http.HttpSecurity;
import io.helidon.webserver.http.ServerRequest;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A request answered on the HTTP/1.1 fast path, as {@link ZeroServeHandler#handle} reads requests: the parts the
 * handler and the scripts use (prologue, headers, path, query, peers, TLS) are what Helidon's own HTTP/1 request
 * would report for the same bytes; the fast path only takes requests without a body, so the content is empty.
 * What the handler never uses is refused, so that a future use shows up in tests rather than as a wrong answer.
 */
final class FastPathRequest implements ServerRequest {
    private final HttpPrologue prologue;
    private final ServerRequestHeaders headers;
    private final String host;
    private final Http1FastPath.Origin origin;
    private RoutedPath path;

    /** For a request that asks to switch protocols, answered by the handler before Helidon routes it. */
    private final ClientTunnel tunnel;

    FastPathRequest(Http1FastPath.SimpleRequest request, Http1FastPath.Origin origin) {
        this.prologue = HttpPrologue.create("HTTP/1.1", "HTTP", "1.1", request.head() ? Method.HEAD : Method.GET,
                request.target(), false);
        WritableHeaders<?> fields = WritableHeaders.create();
        request.forEachField((name, value) -> fields.add(HeaderValues.create(name, value)));
        this.headers = ServerRequestHeaders.create(fields);
        this.host = request.host();
        this.origin = origin;
        this.tunnel = null;
    }

    /**
     * A request asking for a protocol switch ({@link WebSocketTunnels}), as Helidon parsed it; it has no body.
     *
     * @param tunnel the client connection's streams, for a proxy to tunnel through after a 101
     */
    FastPathRequest(HttpPrologue prologue, WritableHeaders<?> fields, Http1FastPath.Origin origin,
                    ClientTunnel tunnel) {
        this.prologue = prologue;
        this.headers = ServerRequestHeaders.create(fields);
        this.host = fields.contains(HeaderNames.HOST)
                ? fields.get(HeaderNames.HOST).get() : null;
        this.origin = origin;
        this.tunnel = tunnel;
    }

    /** The client's streams when this request may become a tunnel, else null. */
    ClientTunnel tunnel() {
        return tunnel;
    }

    @Override
    public HttpPrologue prologue() {
        return prologue;
    }

    @Override
    public ServerRequestHeaders headers() {
        return headers;
    }

    @Override
    public RoutedPath path() {
        if (path == null) {
            path = PathMatchers.any().match(prologue.uriPath()).path();
        }
        return path;
    }

    @Override
    public UriQuery query() {
        return prologue.query();
    }

    @Override
    public PeerInfo remotePeer() {
        return origin.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
        return origin.localPeer();
    }

    /** The Host field, as Helidon's HTTP/1 request reports its authority (which throws when there is none). */
    @Override
    public String authority() {
        if (host == null) {
            throw new java.util.NoSuchElementException("no Host field in this HTTP/1.1 request");
        }
        return host;
    }

    @Override
    public boolean isSecure() {
        return origin.secure();
    }

    @Override
    public ReadableEntity content() {
        return ReadableEntityBase.empty();
    }

    @Override
    public void reset() {
        // Nothing to consume: fast-path requests have no body.
    }

    @Override
    public boolean continueSent() {
        return false;
    }

    @Override
    public int id() {
        return 0;
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
        return Optional.empty(); // the peer address already is the PROXY header's source
    }

    @Override
    public void header(Header header) {
        throw unused("header(Header)");
    }

    @Override
    public UriInfo requestedUri() {
        throw unused("requestedUri()");
    }

    @Override
    public String socketId() {
        throw unused("socketId()");
    }

    @Override
    public String serverSocketId() {
        throw unused("serverSocketId()");
    }

    @Override
    public Context context() {
        throw unused("context()");
    }

    @Override
    public ListenerContext listenerContext() {
        throw unused("listenerContext()");
    }

    @Override
    public HttpSecurity security() {
        throw unused("security()");
    }

    @Override
    public void streamFilter(UnaryOperator<InputStream> filterFunction) {
        throw unused("streamFilter()");
    }

    /** For what the handler never uses on the fast path's request and response. */
    static UnsupportedOperationException unused(String what) {
        return new UnsupportedOperationException(what + " is not available on the HTTP/1.1 fast path");
    }
}
