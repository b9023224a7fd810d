package io.zeroserve.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

/**
 * Moves bytes between sockets and the server: io_uring where the kernel allows it, NIO otherwise.
 *
 * <p>Threading: {@link Listener#accept()}, {@link #connect}, {@link Connection#read()} and {@link Connection#write}
 * block the calling thread, which is normally a virtual thread; implementations park it rather than pin its carrier. The transport
 * owns every native resource it creates and frees them in {@link #close()}.
 */
public interface Transport extends AutoCloseable {
    /** {@code "nio"} or {@code "io_uring"}; shown in the startup log. */
    String name();

    /** Binds and listens on {@code address}. */
    Listener listen(ListenAddress address, int backlog) throws IOException;

    /**
     * Opens a TCP connection to {@code remote} (an outgoing one: the proxy's upstreams), with {@code TCP_NODELAY}
     * on. The result follows the {@link Connection} contract like an accepted connection, and is closed with the
     * transport like those. io_uring drives it on the ring whose poller carries the calling thread when that is one
     * of its connection threads ({@link Connection#threadBuilder()}), so that its completions wake the caller
     * without a thread switch; from any other thread, on the next ring.
     *
     * @param remote  a resolved address
     * @param timeout how long the connect may take; positive
     * @throws java.net.SocketTimeoutException when it takes longer; other failures are {@link IOException}s whose
     *     message starts with {@code connect to <address>:<port>:} and says what the kernel answered
     */
    Connection connect(InetSocketAddress remote, Duration timeout) throws IOException;

    /**
     * The checks every {@link #connect} starts with: refuses a closed transport or an unresolved address, and returns
     * {@link #connectContext}, the start of its error messages.
     */
    static String checkConnectable(boolean transportClosed, InetSocketAddress remote) throws IOException {
        if (transportClosed) {
            throw new ClosedChannelException();
        }
        String where = connectContext(remote);
        if (remote.isUnresolved()) {
            throw new IOException(where + ": the host name is not resolved");
        }
        return where;
    }

    /** {@code "connect to 127.0.0.1:8081"}: the start of every connect error's message. */
    static String connectContext(InetSocketAddress remote) {
        String host = remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
        return "connect to " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + remote.getPort();
    }

    @Override
    void close();
}
