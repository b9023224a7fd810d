package io.zeroserve.proxy;

import io.zeroserve.net.Connection;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;

/**
 * One connection to an upstream (TCP through the server's transport or a JDK socket, TLS over TCP, or a Unix domain
 * socket), with buffered streams. Owned by one exchange at a time; between exchanges it sits idle in the
 * {@link UpstreamPool}. Closing it closes the socket.
 */
final class UpstreamConnection implements AutoCloseable {
    private static final int BUFFER = 16 * 1024;

    final UpstreamPool.Endpoint endpoint;
    /** The JDK TCP or TLS socket, or null. */
    private final Socket socket;
    /** The transport's connection (plaintext TCP), or null. */
    private final Connection connection;
    /** What {@link #close()} closes: the socket, the Unix domain socket channel, or the connection. */
    private final Closeable transport;
    final UpstreamInput in;
    final OutputStream out;
    /** Exchanges completed on this connection (0 while the first one runs). */
    int exchanges;
    /** {@link System#nanoTime()} when it went back to the pool. */
    long idleSince;

    /** When the socket write in progress started ({@link IoDeadlines}' clock), or Long.MIN_VALUE. */
    volatile long writeStarted = Long.MIN_VALUE;
    /** The same for a watched read (a socket without a read timeout of its own). */
    volatile long readStarted = Long.MIN_VALUE;
    /**
     * Reads are watched by {@link IoDeadlines} (a Unix domain socket or a transport connection, which have no read
     * timeout of their own, until it becomes a tunnel).
     */
    volatile boolean readsWatched;
    private final IoDeadlines deadlines;
    private volatile String closedBecause;

    /** Over a TCP or TLS socket, whose reads time out by themselves ({@link Socket#setSoTimeout}). */
    UpstreamConnection(UpstreamPool.Endpoint endpoint, Socket socket, IoDeadlines deadlines) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.connection = null;
        this.transport = socket;
        this.deadlines = deadlines;
        this.in = new UpstreamInput(socket.getInputStream(), BUFFER);
        this.out = new BufferedOutputStream(deadlines.watchWrites(this, socket.getOutputStream()), BUFFER);
    }

    /** Over a Unix domain socket channel (blocking): its reads are watched for the read timeout. */
    UpstreamConnection(UpstreamPool.Endpoint endpoint, SocketChannel channel, IoDeadlines deadlines) {
        this.endpoint = endpoint;
        this.socket = null;
        this.connection = null;
        this.transport = channel;
        this.deadlines = deadlines;
        this.readsWatched = true;
        this.in = new UpstreamInput(deadlines.watchReads(this, Channels.newInputStream(channel)), BUFFER);
        this.out = new BufferedOutputStream(deadlines.watchWrites(this, Channels.newOutputStream(channel)), BUFFER);
    }

    /**
     * Over a connection of the server's transport: its reads are watched for the read timeout, and closing it aborts
     * the connection (a closed reader or writer wakes up at once, see {@link Connection#abort()}). Its failures
     * surface as {@link SocketException}s, as a JDK socket's do, so that the pool's stale-connection retry sees
     * them the same way.
     */
    UpstreamConnection(UpstreamPool.Endpoint endpoint, Connection connection, IoDeadlines deadlines) {
        this.endpoint = endpoint;
        this.socket = null;
        this.connection = connection;
        this.transport = connection::abort;
        this.deadlines = deadlines;
        this.readsWatched = true;
        this.in = new UpstreamInput(deadlines.watchReads(this, () -> {
            try {
                return connection.read();
            } catch (IOException e) {
                throw asSocketException(e);
            }
        }));
        OutputStream raw = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    connection.write(b, off, len);
                } catch (IOException e) {
                    throw asSocketException(e);
                }
            }
        };
        this.out = new BufferedOutputStream(deadlines.watchWrites(this, raw), BUFFER);
    }

    /** A JDK socket's kind of failure for a transport's, keeping timeouts, interrupts and the message. */
    private static IOException asSocketException(IOException e) {
        if (e instanceof SocketException || e instanceof SocketTimeoutException
                || e instanceof ClosedByInterruptException) {
            return e;
        }
        return new SocketException(UpstreamPool.describe(e), e);
    }

    /** Closes it, saying why: the exchange using it then fails with that reason. */
    void closeBecause(String reason) {
        closedBecause = reason;
        close();
    }

    /** Why it was closed under its exchange ({@link #closeBecause}), or null. */
    String closedBecause() {
        return closedBecause;
    }

    /** True when it carried an exchange before this one: a failure may just mean the upstream closed it idle. */
    boolean reused() {
        return exchanges > 0;
    }

    /** No read timeout from now on (a tunnel). */
    void untimed() throws IOException {
        if (socket != null) {
            socket.setSoTimeout(0);
        }
        readsWatched = false;
    }

    /**
     * Whether the calling thread can use it without a hand-off to another thread ({@link
     * Connection#isLocalToCurrentThread()}); always true for JDK sockets, which have no such affinity.
     */
    boolean isLocalToCurrentThread() {
        return connection == null || connection.isLocalToCurrentThread();
    }

    boolean isClosed() {
        if (connection != null) {
            return !connection.isOpen();
        }
        return socket != null ? socket.isClosed() : !((SocketChannel) transport).isOpen();
    }

    @Override
    public void close() {
        deadlines.forget(this);
        try {
            transport.close();
        } catch (IOException ignored) {
            // Closing is all that is left to do with it.
        }
    }
}
