package io.zeroserve.net;

import java.io.IOException;
import java.net.InetSocketAddress;

/** A listening socket. */
public interface Listener extends AutoCloseable {
    /** The bound address, with the real port when port 0 was asked for. */
    InetSocketAddress localAddress();

    /**
     * Blocks until a connection arrives. {@code TCP_NODELAY} is already set on it.
     *
     * @throws java.nio.channels.ClosedChannelException once {@link #close()} was called
     */
    Connection accept() throws IOException;

    /** Stops accepting; a thread blocked in {@link #accept()} gets {@code ClosedChannelException}. */
    @Override
    void close();
}
