package io.zeroserve.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.zeroserve.site.CurrentSite;
import io.zeroserve.site.HttpDates;
import io.zeroserve.site.MimeTypes;
import io.zeroserve.site.RequestPath;
import io.zeroserve.site.Site;
import io.zeroserve.site.StaticDecision;
import io.zeroserve.site.TarEntry;
import io.zeroserve.net.Transport;
import io.zeroserve.proxy.ProxySettings;
import io.zeroserve.proxy.ReverseProxy;
import io.zeroserve.script.ScriptChain;
import io.zeroserve.script.ScriptResult;
import io.helidon.webserver.CloseConnectionException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Supplier;

/**
 * The one handler behind every listener: zeroserve's request pipeline. Log, host checks (421), path
 * normalisation (400), the script chain (respond, proxy, abort, fault 500, or fall through with its changes), then
 * the static site (GET and HEAD; 404 on a miss, 405 for other methods). Every response gets the scripts'
 * {@code zs.response.header.*} metadata and response hooks; static HTML and XML are templated when metadata exists.
 * Proxying is {@link ProxyResponses}'s, over the {@link ReverseProxy} this handler keeps for the server's life.
 *
 * <p>Runs on the request's thread: the connection's virtual thread for HTTP/1, the stream's for HTTP/2.
 */
public final class ZeroServeHandler implements Handler, Http1FastPath.Responder {
    static final Header SERVER = HeaderValues.createCached(HeaderNames.SERVER, "zeroserve");
    static final Header TEXT_PLAIN = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    private static final Header ACCEPT_RANGES = HeaderValues.createCached(HeaderNames.ACCEPT_RANGES, "bytes");
    private static final int CHUNK = 64 * 1024;
    private static final ArrayBlockingQueue<byte[]> CHUNKS = new ArrayBlockingQueue<>(64);
    private static final System.Logger LOGGER = System.getLogger(ZeroServeHandler.class.getName());

    private final CurrentSite site;
    private final boolean validateHostnames;
    private final RequestLog log;
    private final Supplier<ScriptedSite> scripts;
    private final PreformattedHeads preformatted = new PreformattedHeads();
    /** Upstream connections for {@code zs_reverse_proxy}, pooled across requests. */
    private final ReverseProxy proxy;

    /**
     * @param log where request lines go; null turns request logging off ({@code --disable-request-logging})
     */
    public ZeroServeHandler(CurrentSite site, boolean validateHostnames, RequestLog log) {
        this(site, validateHostnames, log, null, null);
    }

    /**
     * @param scripts   the current site's script chain (a reload swaps it, setting it before it swaps
     *                  {@code site}); null for none
     * @param transport the server's transport, which plaintext {@code http://} upstreams then go through (see
     *                  {@link ReverseProxy#create(ProxySettings, Transport)});
     *                  it must outlive this handler's upstreams ({@link #closeUpstreams()}); null for JDK sockets
     */
    public ZeroServeHandler(CurrentSite site, boolean validateHostnames, RequestLog log,
                            Supplier<ScriptedSite> scripts, Transport transport) {
        this.site = site;
        this.validateHostnames = validateHostnames;
        this.log = log;
        this.scripts = scripts;
        this.proxy = ReverseProxy.create(ProxySettings.defaults(), transport);
    }

    /**
     * The HTTP/1.1 upgrader for {@code Upgrade: websocket} requests: it runs this pipeline on them, so that a
     * script can proxy them and the connection become a tunnel to the upstream.
     */
    public io.helidon.webserver.http1.spi.Http1Upgrader webSocketTunnels() {
        return new WebSocketTunnels(this);
    }

    /** Closes the idle upstream connections of {@code zs_reverse_proxy}; call when the server stops. */
    public void closeUpstreams() {
        proxy.close();
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        if (asksToClose(req)) {
            ConnectionHost.closeAfterResponse();
        }
        String rawPath = req.path().rawPath();
        String requestId = null; // a ULID, made only when a log line or a script needs it
        if (log != null) {
            requestId = Ulid.next();
            String query = req.query().rawValue();
            log.line("[request] " + requestId + ": " + (req.isSecure() ? "https " : "http ")
                    + Peer.text((java.net.InetSocketAddress) req.remotePeer().address()) + " "
                    + req.prologue().method().text() + " " + (query.isEmpty() ? rawPath : rawPath + "?" + query));
        }
        if (validateHostnames && !HostNames.isValidHostHeader(header(req, HeaderNames.HOST))) {
            error(res, Status.MISDIRECTED_REQUEST_421);
            return;
        }
        if (req.isSecure()) {
            String host = header(req, HeaderNames.HOST);
            if (host == null) {
                host = http2Authority(req); // HTTP/2 without a Host header: its :authority
            }
            if (io.zeroserve.tls.HostCheck.misdirected(io.zeroserve.tls.TlsPeerInfo.factsOf(req.remotePeer())
                    .sniInner(), host)) {
                // The client's SNI names another host than Host/:authority.
                error(res, Status.MISDIRECTED_REQUEST_421);
                return;
            }
        }
        RequestPath path = RequestPath.normalize(rawPath);
        if (path == null) {
            error(res, Status.BAD_REQUEST_400);
            return;
        }
        ScriptedSite served = acquireWithScripts();
        try {
            ScriptResult continued = null;
            while (true) {
                try {
                    serve(req, res, served.site(), served.chain(), path, requestId, rawPath, continued);
                    return;
                } catch (ScriptResponses.ContinueRequest c) {
                    // A response hook suppressed the response before any of it was written: forget its status and
                    // headers, and answer with what the request scripts decide when they run again (bounded by
                    // ScriptChain.MAX_RERUNS, past which rerun gives a 500).
                    res.status(Status.OK_200);
                    res.headers().clear();
                    continued = served.chain().rerun(c.result());
                }
            }
        } finally {
            served.site().release();
        }
    }

    /**
     * The current site, retained, with the script chain loaded with it. A reload sets the next site's scripts
     * first and swaps the site in right after, on one thread; a request that comes between the two waits for the
     * swap, so it never runs the scripts of one site against the files of another.
     */
    private ScriptedSite acquireWithScripts() {
        Site current = site.acquire();
        if (scripts == null) {
            return new ScriptedSite(current, null);
        }
        ScriptedSite latest;
        while ((latest = scripts.get()).site() != current) {
            current.release();
            Thread.yield();
            current = site.acquire();
        }
        return latest;
    }

    /**
     * @param continued the result of running the scripts again after {@code zs_res_continue_request}, or null to
     *                  run them for the first time
     */
    private void serve(ServerRequest req, ServerResponse res, Site current, ScriptChain chain, RequestPath path,
                       String requestId, String rawPath, ScriptResult continued) {
        Method method = req.prologue().method();
        ScriptResult script = null;
        if (chain != null && !chain.isEmpty()) {
            ScriptedRequest scripted;
            if (continued != null) {
                script = continued;
                scripted = (ScriptedRequest) continued.scriptRequest(); // the handler runs chains on no other kind
            } else {
                scripted = new ScriptedRequest(req, requestId, rawPath);
                script = chain.run(scripted);
            }
            if (script.request().methodChanged()) {
                method = Method.create(script.request().method());
            }
            switch (script.action()) {
                case ABORT -> throw new CloseConnectionException("request aborted by a script");
                case RESPOND, FAULT -> {
                    ScriptResponses.send(res, script, method.equals(Method.HEAD));
                    return;
                }
                case BAD_REQUEST -> {
                    error(res, Status.BAD_REQUEST_400, script);
                    return;
                }
                case PROXY -> {
                    ProxyResponses.send(proxy, req, res, script, scripted);
                    return;
                }
                case CONTINUE -> {
                    if (script.request().uriChanged()) {
                        path = new RequestPath(script.request().lookupKey(), script.request().dirHint());
                    }
                }
            }
        }
        boolean head = method.equals(Method.HEAD);
        if (!head && !method.equals(Method.GET)) {
            error(res, Status.METHOD_NOT_ALLOWED_405, script);
            return;
        }
        TarEntry entry = current.lookup(path);
        if (entry == null) {
            error(res, Status.NOT_FOUND_404, script);
            return;
        }
        serveFile(req, res, current, entry, head, script);
    }

    /**
     * The fast path's answer ({@link Http1FastPath}): a plain GET or HEAD of a file, with no scripts loaded, gets
     * its 200 from a preformatted head ({@link #respondPreformatted}); every other request runs the whole pipeline
     * of {@link #handle} on the fast path's request and response objects ({@link FastPathRequest},
     * {@link FastPathResponse}), so the answer is the same as through Helidon's HTTP/1 connection.
     */
    @Override
    public boolean respond(Http1FastPath.SimpleRequest request, Http1FastPath.Origin origin,
                           Http1FastPath.ResponseSink sink) {
        ScriptChain chain = scripts == null ? null : scripts.get().chain();
        boolean scripted = chain != null && !chain.isEmpty();
        if (scripted || request.conditional() || !respondPreformatted(request, origin, sink)) {
            FastPathResponse res = new FastPathResponse(sink);
            try {
                handle(new FastPathRequest(request, origin), res);
            } catch (CloseConnectionException | UncheckedIOException e) {
                throw e;
            } catch (RuntimeException e) {
                // A bug of ours: answer as Helidon's error handling does on the general path (500, or a close
                // when the response has begun), and say where.
                LOGGER.log(System.Logger.Level.WARNING, "request failed on the HTTP/1.1 fast path", e);
                if (res.isSent()) {
                    throw new CloseConnectionException("response failed after it began", e);
                }
                error(res, Status.INTERNAL_SERVER_ERROR_500);
            }
        }
        return true;
    }

    /**
     * The 200 response {@link #handle} gives to a plain GET or HEAD of a file, from a preformatted head: the body
     * from memory, or for a larger file on a plaintext connection as a byte range of the tar sent by the
     * transport. False, with nothing written, whenever anything else could happen: a host check that fails, a
     * path that is a 400, a miss, a large file over TLS.
     */
    private boolean respondPreformatted(Http1FastPath.SimpleRequest request, Http1FastPath.Origin origin,
                                        Http1FastPath.ResponseSink sink) {
        boolean secure = origin.secure();
        PeerInfo remotePeer = origin.remotePeer();
        String host = request.host();
        if (validateHostnames && !HostNames.isValidHostHeader(host)) {
            return false;
        }
        if (secure && (host == null
                || io.zeroserve.tls.HostCheck.misdirected(io.zeroserve.tls.TlsPeerInfo.factsOf(remotePeer).sniInner(),
                        host))) {
            return false;
        }
        RequestPath path = RequestPath.normalize(request.rawPath());
        if (path == null) {
            return false;
        }
        Site current = site.acquire();
        try {
            TarEntry entry = current.lookup(path);
            boolean fromFile = entry != null && entry.cached() == null && !request.head();
            if (entry == null || (fromFile && !sink.sendsFiles())) {
                return false;
            }
            if (log != null) {
                log.line("[request] " + Ulid.next() + ": " + (secure ? "https " : "http ")
                        + Peer.text((java.net.InetSocketAddress) remotePeer.address()) + " " + request.logText());
            }
            boolean joined = !request.head() && !fromFile && entry.size() <= PreformattedHeads.JOINED_BODY_LIMIT;
            byte[] head = preformatted.response(current, entry, !joined);
            if (fromFile) {
                sink.write(head);
                sink.sendFile(current.file(), entry.dataOffset(), entry.size());
            } else if (!joined && !request.head()) {
                sink.write(head, entry.cached()); // the cached array itself: sinks only read it
            } else {
                sink.write(head);
            }
            return true;
        } finally {
            current.release();
        }
    }

    private static void serveFile(ServerRequest req, ServerResponse res, Site site, TarEntry entry, boolean head,
                                  ScriptResult script) {
        String contentType = entry.contentType();
        if (script != null && script.templates(contentType)) {
            serveTemplated(res, site, entry, contentType, head, script);
            return;
        }
        StaticDecision decision = StaticDecision.decide(entry,
                header(req, script, HeaderNames.IF_NONE_MATCH), header(req, script, HeaderNames.IF_MODIFIED_SINCE),
                header(req, script, HeaderNames.RANGE), header(req, script, HeaderNames.IF_RANGE));
        res.header(SERVER);
        switch (decision.status()) {
            case 304 -> {
                res.status(Status.NOT_MODIFIED_304);
                res.header(HeaderNames.ETAG, entry.etag());
                ScriptResponses.finish(res, script);
                res.send();
                return;
            }
            case 416 -> {
                res.status(Status.REQUESTED_RANGE_NOT_SATISFIABLE_416);
                res.header(HeaderNames.CONTENT_RANGE, "bytes */" + entry.size());
                ScriptResponses.finish(res, script);
                res.send();
                return;
            }
            case 206 -> {
                res.status(Status.PARTIAL_CONTENT_206);
                res.header(HeaderNames.CONTENT_RANGE, "bytes " + decision.start() + "-"
                        + (decision.start() + decision.length() - 1) + "/" + entry.size());
            }
            default -> {
            }
        }
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.header(HeaderNames.ETAG, entry.etag());
        if (entry.lastModified() != null) {
            res.header(HeaderNames.LAST_MODIFIED, entry.lastModified());
        }
        res.header(ACCEPT_RANGES);
        ScriptResponses.finish(res, script);
        sendBody(res, site, entry, decision.start(), decision.length(), head);
    }

    /**
     * {@code <zs-meta>} templating: the whole file with metadata filled in, a fresh Content-Length, and no ETag,
     * Last-Modified or range support (the bytes differ per request).
     */
    private static void serveTemplated(ServerResponse res, Site site, TarEntry entry, String contentType,
                                       boolean head, ScriptResult script) {
        byte[] body;
        try {
            body = script.template(site.readAll(entry));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        res.header(SERVER);
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        ScriptResponses.finish(res, script);
        if (head) {
            res.contentLength(body.length);
            res.send();
        } else {
            res.send(body);
        }
    }

    /** Sends {@code length} bytes of {@code entry} from {@code start}: from memory when cached, else streamed. */
    static void sendBody(ServerResponse res, Site site, TarEntry entry, long start, long length, boolean head) {
        if (head) {
            res.contentLength(length);
            res.send();
            return;
        }
        byte[] cached = entry.cached();
        if (cached != null) {
            res.send(cached, (int) start, (int) length);
            return;
        }
        res.contentLength(length);
        byte[] chunk = CHUNKS.poll();
        if (chunk == null) {
            chunk = new byte[CHUNK];
        }
        try (OutputStream out = res.outputStream()) {
            long offset = start;
            long end = start + length;
            ByteBuffer buffer = ByteBuffer.wrap(chunk);
            while (offset < end) {
                buffer.clear();
                buffer.limit((int) Math.min(chunk.length, end - offset));
                int n = site.read(entry, offset, buffer);
                if (n <= 0) {
                    throw new IOException("tar file shrank while serving " + entry.path());
                }
                out.write(chunk, 0, n);
                offset += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            CHUNKS.offer(chunk);
        }
    }

    /** A built-in error page: the reason phrase as {@code text/plain}, with {@code Server: zeroserve}. */
    static void error(ServerResponse res, Status status) {
        error(res, status, null);
    }

    /** An error page with the scripts' metadata headers and hooks applied. */
    static void error(ServerResponse res, Status status, ScriptResult script) {
        res.status(status);
        res.header(SERVER);
        res.header(TEXT_PLAIN);
        ScriptResponses.finish(res, script);
        res.send(status.reasonPhrase().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The {@code :authority} of an HTTP/2 request, else null. Not asked of HTTP/1 requests: Helidon's HTTP/1
     * request answers {@code authority()} from the Host field and throws when there is none.
     */
    static String http2Authority(ServerRequest req) {
        return req.prologue().protocolVersion().startsWith("2") ? req.authority() : null;
    }

    /**
     * {@code Connection: close} among the request's Connection tokens. Checked by hand: Helidon's
     * {@code containsToken} builds a stream per call, about 9 % of a small static response.
     */
    private static boolean asksToClose(ServerRequest req) {
        var headers = req.headers();
        if (!headers.contains(HeaderNames.CONNECTION)) {
            return false;
        }
        for (String value : headers.get(HeaderNames.CONNECTION).allValues()) {
            for (String token : value.split(",")) {
                if (token.strip().equalsIgnoreCase("close")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String header(ServerRequest req, HeaderName name) {
        var headers = req.headers();
        return headers.contains(name) ? headers.get(name).get() : null;
    }

    /** A request header as the scripts left it (they may have set or removed it). */
    private static String header(ServerRequest req, ScriptResult script, HeaderName name) {
        if (script != null && script.request().headersChanged()) {
            return script.request().header(name.lowerCase());
        }
        return header(req, name);
    }

    /** Host header syntax, for {@code --validate-hostnames}. */
    static final class HostNames {
        private HostNames() {
        }

        /** A DNS name (RFC 1123 labels) or an IP literal, with an optional port. */
        static boolean isValidHostHeader(String host) {
            if (host == null || host.isEmpty() || host.length() > 260) {
                return false;
            }
            String name = host;
            if (name.startsWith("[")) {
                int close = name.indexOf(']');
                if (close < 0) {
                    return false;
                }
                String rest = name.substring(close + 1);
                return name.substring(1, close).matches("[0-9a-fA-F:.]+") && (rest.isEmpty() || validPort(rest));
            }
            int colon = name.lastIndexOf(':');
            if (colon >= 0) {
                if (!validPort(name.substring(colon))) {
                    return false;
                }
                name = name.substring(0, colon);
            }
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            if (name.isEmpty() || name.length() > 253) {
                return false;
            }
            for (String label : name.toLowerCase(Locale.ROOT).split("\\.", -1)) {
                if (!label.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
                    return false;
                }
            }
            return true;
        }

        private static boolean validPort(String colonAndPort) {
            return colonAndPort.matches(":[0-9]{1,5}") && Integer.parseInt(colonAndPort.substring(1)) <= 65535;
        }
    }
}
