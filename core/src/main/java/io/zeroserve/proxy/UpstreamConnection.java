package io.zeroserve.proxy;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;

/**
 * One connection to an upstream (TCP, TLS over TCP, or a Unix domain socket), with buffered streams. Owned by one
 * exchange at a time; between exchanges it sits idle in the {@link UpstreamPool}. Closing it closes the socket.
 */
final class UpstreamConnection implements AutoCloseable {
    private static final int BUFFER = 16 * 1024;

    final UpstreamPool.Endpoint endpoint;
    /** The TCP or TLS socket; null for a Unix domain socket. */
    private final Socket socket;
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
    /** Reads are watched by {@link IoDeadlines} (a Unix domain socket, until it becomes a tunnel). */
    volatile boolean readsWatched;
    private final IoDeadlines deadlines;
    private volatile String closedBecause;

    /** Over a TCP or TLS socket, whose reads time out by themselves ({@link Socket#setSoTimeout}). */
    UpstreamConnection(UpstreamPool.Endpoint endpoint, Socket socket, IoDeadlines deadlines) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.transport = socket;
        this.deadlines = deadlines;
        this.in = new UpstreamInput(socket.getInputStream(), BUFFER);
        this.out = new BufferedOutputStream(deadlines.watchWrites(this, socket.getOutputStream()), BUFFER);
    }

    /** Over a Unix domain socket channel (blocking): its reads are watched for the read timeout. */
    UpstreamConnection(UpstreamPool.Endpoint endpoint, SocketChannel channel, IoDeadlines deadlines) {
        this.endpoint = endpoint;
        this.socket = null;
        this.transport = channel;
        this.deadlines = deadlines;
        this.readsWatched = true;
        this.in = new UpstreamInput(deadlines.watchReads(this, Channels.newInputStream(channel)), BUFFER);
        this.out = new BufferedOutputStream(deadlines.watchWrites(this, Channels.newOutputStream(channel)), BUFFER);
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

    boolean isClosed() {
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
