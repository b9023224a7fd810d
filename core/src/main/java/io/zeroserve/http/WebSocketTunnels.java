package io.zeroserve.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.zeroserve.net.SendableFile;

import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * HTTP/1.1 requests with {@code Upgrade: websocket}: Helidon hands them here before routing, and the whole pipeline
 * answers them on the raw connection. When the scripts proxy such a request and the upstream answers 101, the
 * connection becomes a byte tunnel to the upstream ({@link ClientTunnel}); any other answer is sent as usual and
 * the connection then closes (it was asked to switch protocols, so nothing else is expected on it).
 */
final class WebSocketTunnels implements Http1Upgrader {
    private final ZeroServeHandler handler;

    WebSocketTunnels(ZeroServeHandler handler) {
        this.handler = handler;
    }

    @Override
    public String supportedProtocol() {
        return "websocket";
    }

    @Override
    public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        return new Upgraded(ctx, prologue, headers);
    }

    /** The connection from the upgrade request on: one answer, maybe a tunnel, then the end. */
    private final class Upgraded implements ServerConnection {
        private final ConnectionContext ctx;
        private final HttpPrologue prologue;
        private final WritableHeaders<?> headers;
        private final ClientTunnel tunnel;

        Upgraded(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
            this.ctx = ctx;
            this.prologue = prologue;
            this.headers = headers;
            this.tunnel = new ClientTunnel(ctx.dataReader(), ctx.dataWriter());
        }

        @Override
        public void handle(Semaphore requestSemaphore) {
            answer();
        }

        @Override
        public void handle(Limit limit) {
            answer();
        }

        private void answer() {
            FastPathRequest request = new FastPathRequest(prologue, headers,
                    new Http1FastPath.Origin(ctx.remotePeer(), ctx.localPeer(), ctx.isSecure()), tunnel);
            FastPathResponse response = new FastPathResponse(new Http1FastPath.ResponseSink() {
                @Override
                public void write(byte[] bytes) {
                    ctx.dataWriter().writeNow(BufferData.create(bytes));
                }

                @Override
                public boolean sendsFiles() {
                    return false;
                }

                @Override
                public void sendFile(SendableFile file, long position, long count) {
                    throw new UnsupportedOperationException("no file ranges on an upgrade request's answer");
                }
            });
            // Unless it becomes a tunnel, the connection ends after this answer.
            response.header(HeaderValues.CONNECTION_CLOSE);
            try {
                handler.handle(request, response);
            } catch (CloseConnectionException e) {
                // zs_abort, or an upstream failing mid-response: the connection ends either way.
            }
        }

        @Override
        public Duration idleTime() {
            return Duration.ofNanos(tunnel.idleNanos());
        }

        @Override
        public void close(boolean interrupt) {
            // The connection host closes the socket; the tunnel's reads then end and close the upstream.
        }
    }
}
