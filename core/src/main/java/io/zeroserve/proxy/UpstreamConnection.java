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

    UpstreamConnection(UpstreamPool.Endpoint endpoint, Socket socket) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.in = new UpstreamInput(socket.getInputStream(), BUFFER);
        this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
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
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that is left to do with it.
        }
    }
}
