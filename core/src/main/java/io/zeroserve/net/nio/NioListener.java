package io.zeroserve.net.nio;

import io.zeroserve.net.Connection;
import io.zeroserve.net.Listener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** A blocking {@link ServerSocketChannel}; {@link #close()} wakes a blocked {@link #accept()}. */
final class NioListener implements Listener {
    private final NioTransport transport;
    private final ServerSocketChannel channel;
    private final InetSocketAddress localAddress;

    NioListener(NioTransport transport, ServerSocketChannel channel) throws IOException {
        this.transport = transport;
        this.channel = channel;
        this.localAddress = InheritedSockets.localAddress(channel);
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public Connection accept() throws IOException {
        // AsynchronousCloseException (a ClosedChannelException) when close() races with a blocked accept.
        SocketChannel socket = channel.accept();
        if (socket == null) {
            throw new ClosedChannelException(); // only possible in non-blocking mode, which we never set
        }
        try {
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return transport.connection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a listening socket cannot lose data
        }
        transport.untrack(this);
    }

    @Override
    public String toString() {
        return "NioListener[" + localAddress + "]";
    }
}
