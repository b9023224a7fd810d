package io.zeroserve.http;

import io.helidon.common.socket.PeerInfo;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.Optional;

/**
 * One end of a connection, captured once at accept (Helidon's access log reads it after the socket closed).
 */
record Peer(InetSocketAddress socketAddress, Optional<Principal> tlsPrincipal, Optional<Certificate[]> tlsCertificates)
        implements PeerInfo {
    static Peer of(InetSocketAddress address) {
        return new Peer(address, Optional.empty(), Optional.empty());
    }

    @Override
    public SocketAddress address() {
        return socketAddress;
    }

    @Override
    public String host() {
        return socketAddress.getHostString();
    }

    @Override
    public int port() {
        return socketAddress.getPort();
    }

    /** {@code ip:port}, IPv6 in brackets, as zeroserve's logs and {@code zs_req_peer} print it. */
    String text() {
        return text(socketAddress);
    }

    static String text(InetSocketAddress address) {
        String ip = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + address.getPort() : ip + ":" + address.getPort();
    }
}
