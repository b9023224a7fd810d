package io.zeroserve.tls;

import io.helidon.common.socket.PeerInfo;

/**
 * The remote peer of a {@link TlsSocket}: Helidon's {@link PeerInfo} (address, client certificate chain) plus the
 * connection's {@link TlsFacts}. Request handlers reach it through {@code ServerRequest.remotePeer()} on both
 * HTTP/1.1 and HTTP/2; use {@link #factsOf(PeerInfo)}.
 */
public interface TlsPeerInfo extends PeerInfo {
    TlsFacts tlsFacts();

    /** The TLS facts behind {@code peer}, or {@link TlsFacts#PLAIN} for a plaintext connection. */
    static TlsFacts factsOf(PeerInfo peer) {
        return peer instanceof TlsPeerInfo tls ? tls.tlsFacts() : TlsFacts.PLAIN;
    }
}
