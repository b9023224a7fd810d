package io.zeroserve.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.zeroserve.net.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A plaintext {@link HelidonSocket} over a transport {@link Connection}. Bytes that were read before the protocol
 * was known (a PROXY header's leftovers) are handed out first.
 */
final class PlainSocket implements HelidonSocket {
    private final Connection connection;
    private final PeerInfo remote;
    private final PeerInfo local;
    private final String socketId;
    private final String childSocketId;
    private byte[] pending;

    PlainSocket(Connection connection, PeerInfo remote, PeerInfo local, String socketId, String childSocketId,
                byte[] pending) {
        this.connection = connection;
        this.remote = remote;
        this.local = local;
        this.socketId = socketId;
        this.childSocketId = childSocketId;
        this.pending = pending == null || pending.length == 0 ? null : pending;
    }

    @Override
    public byte[] get() {
        byte[] first = pending;
        if (first != null) {
            pending = null;
            return first;
        }
        try {
            return connection.read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void write(BufferData buffer) {
        byte[] bytes = new byte[buffer.available()];
        buffer.read(bytes);
        try {
            connection.write(bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int read(BufferData buffer) {
        byte[] bytes = get();
        if (bytes == null) {
            return -1;
        }
        buffer.write(bytes);
        return bytes.length;
    }

    @Override
    public void close() {
        connection.close();
    }

    @Override
    public void idle() {
        // Nothing to do: reads block on the connection's own thread.
    }

    @Override
    public boolean isConnected() {
        return connection.isOpen();
    }

    @Override
    public PeerInfo remotePeer() {
        return remote;
    }

    @Override
    public PeerInfo localPeer() {
        return local;
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public String socketId() {
        return socketId;
    }

    @Override
    public String childSocketId() {
        return childSocketId;
    }
}
