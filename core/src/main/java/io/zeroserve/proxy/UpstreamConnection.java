package io.zeroserve.proxy;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * One connection to an upstream, plain or TLS, with buffered streams. Owned by one exchange at a time; between
 * exchanges it sits idle in the {@link UpstreamPool}. Closing it closes the socket.
 */
final class UpstreamConnection implements AutoCloseable {
    private static final int BUFFER = 16 * 1024;

    final UpstreamPool.Endpoint endpoint;
    private final Socket socket;
    final UpstreamInput in;
    final OutputStream out;
    /** Exchanges completed on this connection (0 while the first one runs). */
    int exchanges;
    /** {@link System#nanoTime()} when it went back to the pool. */
    long idleSince;

    /** When the socket write in progress started ({@link WriteDeadlines}' clock), or Long.MIN_VALUE. */
    volatile long writeStarted = Long.MIN_VALUE;
    private final WriteDeadlines deadlines;
    private volatile String closedBecause;

    UpstreamConnection(UpstreamPool.Endpoint endpoint, Socket socket, WriteDeadlines deadlines) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.deadlines = deadlines;
        this.in = new UpstreamInput(socket.getInputStream(), BUFFER);
        this.out = new BufferedOutputStream(deadlines.watch(this, socket.getOutputStream()), BUFFER);
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
        socket.setSoTimeout(0);
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() {
        deadlines.forget(this);
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that is left to do with it.
        }
    }
}
