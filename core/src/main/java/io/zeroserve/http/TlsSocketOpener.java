package io.zeroserve.http;

import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.zeroserve.net.Connection;
import io.zeroserve.tls.TlsContext;
import java.io.IOException;
import java.time.Duration;

/**
 * HTTPS listeners: runs the TLS handshake on the connection's thread and hands Helidon a
 * {@link io.zeroserve.tls.TlsSocket}, whose ALPN result then picks HTTP/2 or HTTP/1.1.
 */
public final class TlsSocketOpener implements SocketOpener {
    private final TlsContext tls;

    public TlsSocketOpener(TlsContext tls) {
        this.tls = tls;
    }

    @Override
    public HelidonSocket open(Connection connection, ConnectionIds ids, PeerInfo remote, PeerInfo local,
                              byte[] leftover, Duration handshakeTimeout) throws IOException {
        return tls.accept(connection, handshakeTimeout, ids.socketId(), ids.childSocketId(), remote.address(),
                local.address(), leftover);
    }
}
