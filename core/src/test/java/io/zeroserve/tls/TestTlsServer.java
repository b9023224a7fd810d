package io.zeroserve.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A loopback listener for tests: one virtual thread per connection runs {@link TlsContext#accept}, then a
 * minimal HTTP/1.1 responder whose body lists the connection's {@link TlsFacts}, one {@code key=value} per line.
 * Handshake failures are queued in {@link #failures} so tests can wait for them without sleeping.
 */
final class TestTlsServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Thread acceptor;
    final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    final BlockingQueue<TlsFacts> handshakes = new LinkedBlockingQueue<>();
    final List<TlsSocket> open = new CopyOnWriteArrayList<>();

    TestTlsServer(TlsContext tls, Duration handshakeTimeout) throws IOException {
        this(tls, handshakeTimeout, null);
    }

    /** With {@code handler} instead of the HTTP responder; it owns the socket until it returns. */
    TestTlsServer(TlsContext tls, Duration handshakeTimeout, java.util.function.Consumer<TlsSocket> handler)
            throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        acceptor = Thread.ofVirtual().name("test-tls-acceptor").start(() -> {
            while (server.isOpen()) {
                SocketChannel ch;
                try {
                    ch = server.accept();
                } catch (IOException e) {
                    return;
                }
                Thread.ofVirtual().start(() -> serve(tls, ch, handshakeTimeout, handler));
            }
        });
    }

    int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void serve(TlsContext tls, SocketChannel ch, Duration timeout,
                       java.util.function.Consumer<TlsSocket> handler) {
        TlsSocket socket;
        try {
            socket = tls.accept(new SocketConnection(ch), timeout);
        } catch (TlsHandshakeException e) {
            failures.add(e);
            return;
        }
        handshakes.add(socket.facts());
        open.add(socket);
        if (handler != null) {
            try {
                handler.accept(socket);
            } catch (RuntimeException e) {
                failures.add(e);
            } finally {
                socket.close();
                open.remove(socket);
            }
            return;
        }
        try {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            while (true) {
                byte[] data = socket.get();
                if (data == null) {
                    return;
                }
                request.writeBytes(data);
                String text = request.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end < 0) {
                    continue;
                }
                request.reset();
                byte[] rest = text.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1);
                request.writeBytes(rest);
                String body = describe(socket.facts());
                byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
                String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + bodyBytes.length
                        + "\r\n\r\n";
                byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
                byte[] response = new byte[headBytes.length + bodyBytes.length];
                System.arraycopy(headBytes, 0, response, 0, headBytes.length);
                System.arraycopy(bodyBytes, 0, response, headBytes.length, bodyBytes.length);
                socket.write(response, 0, response.length);
            }
        } catch (RuntimeException e) {
            // client went away
        } finally {
            socket.close();
            open.remove(socket);
        }
    }

    static String describe(TlsFacts f) {
        return "alpn=" + f.alpn() + "\nsni_inner=" + f.sniInner() + "\nsni_outer=" + f.sniOuter()
                + "\nech=" + f.echAccepted() + "\nresumed=" + f.resumed() + "\nja4=" + f.ja4()
                + "\nversion=" + f.version() + "\nclient_certs=" + f.clientCertificates().size() + "\n";
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
        for (TlsSocket s : open) {
            s.close();
        }
    }
}
