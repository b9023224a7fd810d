package io.zeroserve.net.nio;

import io.zeroserve.net.Connection;
import io.zeroserve.net.ListenAddress;
import io.zeroserve.net.Listener;
import io.zeroserve.net.Transport;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The portable transport: JDK {@link SocketChannel}s in blocking mode. On a virtual thread a blocking channel parks
 * the thread on the JDK's poller instead of pinning the carrier, and an interrupt closes the channel and throws
 * {@link java.nio.channels.ClosedByInterruptException}, which is exactly the {@link Connection} contract.
 *
 * <p>Backpressure comes from the kernel: {@link Connection#write} blocks while the socket's send buffer is full, and
 * nothing is buffered in user space beyond the caller's own array (or, for {@link Connection#write(Connection.Producer)},
 * one pooled direct buffer per writer; see {@link DirectBuffers}).
 *
 * <p>Ownership: every listener and connection created here is tracked and closed by {@link #close()}.
 */
public final class NioTransport implements Transport {
    /** 64 KiB holds several TLS records' ciphertext (a producer's usual batch); 256 of them cap the pool at 16 MiB. */
    private static final int DIRECT_BUFFER_SIZE = 64 * 1024;
    private static final int DIRECT_BUFFERS = 256;

    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private final DirectBuffers directBuffers = new DirectBuffers(DIRECT_BUFFER_SIZE, DIRECT_BUFFERS);
    private volatile boolean closed;

    public static NioTransport create() {
        return new NioTransport();
    }

    private NioTransport() {
    }

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public Listener listen(ListenAddress address, int backlog) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        ServerSocketChannel channel = switch (address) {
            case ListenAddress.Bind bind -> bind(bind.address(), backlog);
            case ListenAddress.InheritedFd inherited -> InheritedSockets.adopt(inherited.fd());
        };
        NioListener listener = new NioListener(this, channel);
        open.add(listener);
        if (closed) {
            listener.close();
            throw new ClosedChannelException();
        }
        return listener;
    }

    private static ServerSocketChannel bind(InetSocketAddress address, int backlog) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(address, backlog);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot listen on " + address.getHostString() + ":" + address.getPort() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * A blocking {@link SocketChannel} connected through its socket adaptor, the one JDK path with a connect timeout
     * for a blocking channel (on a virtual thread it parks, as reads do).
     */
    @Override
    public Connection connect(InetSocketAddress remote, Duration timeout) throws IOException {
        String where = Transport.checkConnectable(closed, remote);
        long millis = Math.max(1, timeout.toMillis()); // 0 would mean no limit at all
        SocketChannel channel = SocketChannel.open();
        track(channel); // so that close() ends a connect in progress (AsynchronousCloseException)
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.socket().connect(remote, (int) Math.min(Integer.MAX_VALUE, millis));
            return connection(channel);
        } catch (AsynchronousCloseException e) {
            channel.close();
            throw e; // an interrupt (ClosedByInterruptException) or the transport closed: the contract's types
        } catch (SocketTimeoutException e) {
            channel.close();
            throw new SocketTimeoutException(where + ": timed out after " + millis + " ms");
        } catch (ConnectException e) {
            channel.close();
            ConnectException named = new ConnectException(where + ": " + e.getMessage());
            named.initCause(e);
            throw named;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException(where + ": " + e.getMessage(), e);
        } finally {
            untrack(channel); // tracked as its connection from here, or closed
        }
    }

    void track(AutoCloseable resource) {
        open.add(resource);
        if (closed) {
            // Raced with close(): close() may already have taken its snapshot.
            closeQuietly(resource);
        }
    }

    void untrack(AutoCloseable resource) {
        open.remove(resource);
    }

    DirectBuffers directBuffers() {
        return directBuffers;
    }

    /** Direct write buffers taken by connections and not yet given back; for tests and diagnostics. */
    public int directBuffersInUse() {
        return directBuffers.inUse();
    }

    /** Number of listeners and connections not yet closed; for tests and diagnostics. */
    public int openCount() {
        return open.size();
    }

    @Override
    public void close() {
        closed = true;
        List<AutoCloseable> snapshot = new ArrayList<>(open);
        for (AutoCloseable c : snapshot) {
            closeQuietly(c);
        }
        open.clear();
        directBuffers.clear();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // close() of our own listeners and connections does not throw; nothing useful to report here
        }
    }

    @Override
    public String toString() {
        return "NioTransport[open=" + open.size() + "]";
    }

    /** Package-private so that the listener can create connections tracked by this transport. */
    Connection connection(SocketChannel channel) throws IOException {
        NioConnection c = new NioConnection(this, channel);
        track(c);
        return c;
    }
}
