package io.zeroserve.http;

import io.helidon.common.socket.HelidonSocket;
import io.zeroserve.net.Connection;
import java.io.IOException;
import java.time.Duration;

/**
 * Turns an accepted connection into the socket Helidon reads: as it is for plaintext, or after a TLS handshake.
 * Runs on the connection's own virtual thread.
 */
@FunctionalInterface
public interface SocketOpener {
    /**
     * @param connection       the accepted connection, after any PROXY header
     * @param remote           the client as the server reports it (the PROXY source when there was one)
     * @param leftover         bytes already read from the connection that belong to the stream (may be empty)
     * @param handshakeTimeout how long a TLS handshake may take
     */
    HelidonSocket open(Connection connection, ConnectionIds ids, io.helidon.common.socket.PeerInfo remote,
                       io.helidon.common.socket.PeerInfo local, byte[] leftover, Duration handshakeTimeout)
            throws IOException;

    /** Helidon's socket ids: the listener's and the connection's, used in its logs. */
    record ConnectionIds(String socketId, String childSocketId) {
    }

    /** Plaintext: the connection's bytes as they come. */
    static SocketOpener plain() {
        return (connection, ids, remote, local, leftover, timeout) ->
                new PlainSocket(connection, remote, local, ids.socketId(), ids.childSocketId(), leftover);
    }
}
