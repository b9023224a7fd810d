package io.zeroserve.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.zeroserve.proxy.BodyTooLargeException;
import io.zeroserve.proxy.ProxyRequest;
import io.zeroserve.proxy.ReverseProxy;
import io.zeroserve.proxy.UpstreamException;
import io.zeroserve.proxy.UpstreamResponse;
import io.zeroserve.proxy.UpstreamUrl;
import io.zeroserve.script.RequestState;
import io.zeroserve.script.ScriptResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request the scripts handed to an upstream ({@code zs_reverse_proxy}): Helidon's request, with the scripts'
 * changes, goes to {@link ReverseProxy}; the upstream's answer is written back with the scripts' metadata headers
 * and response hooks applied, its body streamed. A failure to reach the upstream or to get a response head from it
 * answers 502 with an empty body and a log line naming the upstream and the reason. An HTTP/1.1 WebSocket upgrade
 * (through {@link WebSocketTunnels}) that the upstream accepts with a 101 becomes a byte tunnel.
 */
final class ProxyResponses {
    private static final System.Logger LOGGER = System.getLogger(ProxyResponses.class.getName());
    private static final int COPY_BUFFER = 16 * 1024;
    /** Bodies of a known length up to this size are read whole and sent with the head; larger ones stream. */
    private static final int SMALL_BODY = 16 * 1024;

    private ProxyResponses() {
    }

    static void send(ReverseProxy proxy, ServerRequest req, ServerResponse res, ScriptResult script,
                     ScriptedRequest scripted) {
        RequestState state = script.request();
        if (!state.pathValid()) {
            ZeroServeHandler.error(res, Status.BAD_REQUEST_400, script); // a zs_req_set_uri that does not normalize
            return;
        }
        UpstreamUrl url = UpstreamUrl.parse(script.proxyUrl()); // zs_reverse_proxy checked it
        ClientTunnel tunnel = null;
        if (upgradesToWebSocket(state)) {
            tunnel = req instanceof FastPathRequest upgrade ? upgrade.tunnel() : null;
            if (tunnel == null) {
                // Only HTTP/1.1 upgrades reach WebSocketTunnels (HTTP/2's extended CONNECT is not supported).
                badGateway(res, script, scripted, url, "this WebSocket upgrade cannot be tunnelled");
                return;
            }
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>(state.headers().size());
        for (RequestState.Field f : state.headers()) {
            headers.add(Map.entry(f.name(), f.value()));
        }
        InetSocketAddress peer = scripted.peer();
        String clientAddress = peer.getAddress() != null ? peer.getAddress().getHostAddress() : peer.getHostString();
        ProxyRequest request = new ProxyRequest(state.method(), state.path(), state.query(), headers, clientAddress,
                scripted.scheme(), body(req, script, scripted), script.bodyLimit(),
                tunnel == null ? null : "websocket");
        UpstreamResponse response;
        try {
            response = proxy.send(url, request);
        } catch (BodyTooLargeException e) {
            ZeroServeHandler.error(res, Status.REQUEST_ENTITY_TOO_LARGE_413, script);
            return;
        } catch (UpstreamException e) {
            badGateway(res, script, scripted, url, e.getMessage());
            return;
        }
        if (response.switchedProtocols()) {
            try (response) {
                switchProtocols(res, script, response, tunnel);
            }
            return;
        }
        try (response) {
            // What the client gets follows its own method: a script may have turned its GET into a HEAD upstream.
            write(res, script, scripted, url, response, req.prologue().method().equals(Method.HEAD));
        }
    }

    /** The upstream's 101 goes to the client, then bytes flow both ways until either side ends. */
    private static void switchProtocols(ServerResponse res, ScriptResult script, UpstreamResponse response,
                                        ClientTunnel tunnel) {
        res.status(Status.SWITCHING_PROTOCOLS_101);
        res.headers().remove(HeaderNames.CONNECTION); // the close meant for any other answer
        for (Map.Entry<String, String> f : response.fields()) {
            res.headers().add(HeaderValues.create(HeaderNames.create(f.getKey()), f.getValue()));
        }
        res.header(HeaderNames.CONNECTION, "Upgrade");
        res.header(HeaderNames.UPGRADE, response.upgrade() == null ? "websocket" : response.upgrade());
        ScriptResponses.finish(res, script);
        ((FastPathResponse) res).sendHead();
        tunnel.relay(response.tunnelInput(), response.tunnelOutput(), response::close);
    }

    /** The body to send: what the scripts buffered, else the request's stream, else none. */
    private static ProxyRequest.Body body(ServerRequest req, ScriptResult script, ScriptedRequest scripted) {
        byte[] buffered = script.bufferedBody();
        if (buffered != null) {
            return ProxyRequest.Body.of(buffered);
        }
        var contentLength = req.headers().contentLength();
        InputStream unread = scripted.unreadBody();
        if (unread != null) {
            return ProxyRequest.Body.stream(unread, contentLength.isPresent() ? contentLength.getAsLong() : -1);
        }
        // No body; an explicit "Content-Length: 0" (a bodiless POST) still goes up as one.
        return contentLength.isPresent() ? ProxyRequest.Body.of(new byte[0]) : ProxyRequest.Body.none();
    }

    private static void write(ServerResponse res, ScriptResult script, ScriptedRequest scripted, UpstreamUrl url,
                              UpstreamResponse response, boolean head) {
        long length = response.contentLength();
        InputStream body = response.body();
        byte[] small = null;
        if (!head && response.hasBody() && length >= 0 && length <= SMALL_BODY) {
            // A small body is read whole and written with the head (one send instead of two or three); a failure
            // here is still a 502, as nothing went to the client yet.
            try {
                small = body.readNBytes((int) length);
                body.read(); // the end of the body: the connection goes back to the pool
            } catch (IOException e) {
                badGateway(res, script, scripted, url, "response body failed: " + e.getMessage());
                return;
            }
        }
        res.status(response.status() == 200 ? Status.OK_200 : Status.create(response.status()));
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : response.fields()) {
            grouped.computeIfAbsent(f.getKey(), k -> new ArrayList<>(1)).add(f.getValue());
        }
        for (Map.Entry<String, List<String>> e : grouped.entrySet()) {
            res.header(HeaderValues.create(HeaderNames.create(e.getKey()), e.getValue()));
        }
        ScriptResponses.finish(res, script);
        if (small != null) {
            res.send(small);
            return;
        }
        if (head) {
            if (length >= 0) {
                res.contentLength(length);
            }
            res.send();
            return;
        }
        if (!response.hasBody()) {
            int status = res.status().code();
            if (status < 200 || status == 204 || status == 304) {
                res.headers().remove(HeaderNames.CONTENT_LENGTH); // as for script responses: no body, no length
            }
            res.send();
            return;
        }
        if (length >= 0) {
            res.contentLength(length);
        }
        byte[] buffer = new byte[COPY_BUFFER];
        OutputStream out = res.outputStream();
        while (true) {
            int n;
            try {
                n = body.read(buffer);
            } catch (IOException e) {
                log(scripted, url, "response body failed after the response began: " + e.getMessage());
                throw new CloseConnectionException("upstream " + url + " failed in the middle of the response body", e);
            }
            if (n < 0) {
                break;
            }
            try {
                out.write(buffer, 0, n);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // the client went away; the upstream connection closes with it
            }
        }
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 502 with an empty body, and the log line. */
    private static void badGateway(ServerResponse res, ScriptResult script, ScriptedRequest scripted, UpstreamUrl url,
                                   String reason) {
        log(scripted, url, reason);
        res.status(Status.BAD_GATEWAY_502);
        res.header(ZeroServeHandler.SERVER);
        ScriptResponses.finish(res, script);
        res.send();
    }

    private static void log(ScriptedRequest scripted, UpstreamUrl url, String reason) {
        LOGGER.log(System.Logger.Level.WARNING, "[proxy] " + scripted.requestId() + ": " + scripted.method() + " "
                + url + " failed: " + reason);
    }

    private static boolean upgradesToWebSocket(RequestState state) {
        String upgrade = state.header("upgrade");
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
    }
}
