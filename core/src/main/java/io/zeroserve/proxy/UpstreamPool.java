package io.zeroserve.proxy;

import io.zeroserve.net.Transport;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keep-alive connections to upstreams, per (host, port, tls). {@link #acquire} hands out the most recently used
 * idle connection or opens a new one; {@link #release} puts a connection that can carry another exchange back.
 * Idle connections older than the idle timeout are closed when next looked at. Thread-safe.
 *
 * <p>Plaintext TCP upstreams go through the server's {@link Transport} when there is one: on io_uring the
 * connection then lives on the ring that carries the request's thread, whose reads and writes complete there and
 * wake the thread without a switch to another one (the JDK's sockets park it on the JDK's own poller, whose wake-ups
 * come from another thread). TLS upstreams and Unix domain sockets use JDK sockets, as do all upstreams of a proxy
 * made without a transport (embedders, tests). With several rings, {@link #acquire} prefers an idle connection on
 * the caller's own ring ({@link UpstreamConnection#isLocalToCurrentThread()}), else takes the most recent one.
 */
final class UpstreamPool implements AutoCloseable {
    /** Where connections go: one pool per endpoint. {@code unixPath} is a Unix domain socket's path, else null. */
    record Endpoint(String host, int port, boolean tls, String unixPath) {
        @Override
        public String toString() {
            if (unixPath != null) {
                return "unix/" + unixPath;
            }
            return (tls ? "https://" : "http://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private final ProxySettings settings;
    private final DnsCache dns = new DnsCache();
    private final ConcurrentHashMap<Endpoint, ArrayDeque<UpstreamConnection>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private final IoDeadlines deadlines;
    /** For plaintext TCP upstreams; null for JDK sockets. */
    private final Transport transport;

    /** @param transport the server's transport for plaintext TCP upstreams, or null for JDK sockets only */
    UpstreamPool(ProxySettings settings, IoDeadlines deadlines, Transport transport) {
        this.settings = settings;
        this.deadlines = deadlines;
        this.transport = transport;
    }

    /** How many idle connections {@link #acquire} looks at for one on the caller's ring, most recent first. */
    private static final int LOCAL_SCAN = 16;

    /** An idle connection to {@code endpoint}, or a new one. */
    UpstreamConnection acquire(Endpoint endpoint) throws IOException {
        ArrayDeque<UpstreamConnection> queue = idle.get(endpoint);
        if (queue != null) {
            long now = System.nanoTime();
            while (true) {
                UpstreamConnection c;
                synchronized (queue) {
                    c = takePreferringLocal(queue);
                }
                if (c == null) {
                    break;
                }
                if (now - c.idleSince < settings.idleTimeout().toNanos() && !c.isClosed()) {
                    return c;
                }
                c.close();
            }
        }
        return connect(endpoint);
    }

    /** The most recent of the last {@value #LOCAL_SCAN} idle connections that is local to the caller, else the last. */
    private static UpstreamConnection takePreferringLocal(ArrayDeque<UpstreamConnection> queue) {
        Iterator<UpstreamConnection> recentFirst = queue.descendingIterator();
        for (int looked = 0; looked < LOCAL_SCAN && recentFirst.hasNext(); looked++) {
            UpstreamConnection c = recentFirst.next();
            if (c.isLocalToCurrentThread()) {
                recentFirst.remove();
                return c;
            }
        }
        return queue.pollLast();
    }

    /** Takes back a connection whose last exchange ended cleanly; closes it when the pool is full or closed. */
    void release(UpstreamConnection c) {
        c.exchanges++;
        c.idleSince = System.nanoTime();
        ArrayDeque<UpstreamConnection> queue = idle.computeIfAbsent(c.endpoint, e -> new ArrayDeque<>());
        boolean kept = false;
        synchronized (queue) {
            if (!closed && queue.size() < settings.maxIdlePerEndpoint()) {
                queue.addLast(c);
                kept = true;
            }
        }
        if (!kept) {
            c.close();
        }
        if (closed) {
            closeIdle(); // close() may have run between the check and the add
        }
    }

    /** Idle connections to {@code endpoint} (for tests). */
    int idleCount(Endpoint endpoint) {
        ArrayDeque<UpstreamConnection> queue = idle.get(endpoint);
        if (queue == null) {
            return 0;
        }
        synchronized (queue) {
            return queue.size();
        }
    }

    private UpstreamConnection connect(Endpoint endpoint) throws IOException {
        if (endpoint.unixPath() != null) {
            return connectUnix(endpoint);
        }
        InetAddress[] addresses;
        try {
            addresses = dns.resolve(endpoint.host());
        } catch (IOException e) {
            throw new UpstreamException("cannot resolve " + endpoint.host() + ": " + e.getMessage(), e);
        }
        IOException last = null;
        if (transport != null && !endpoint.tls()) {
            return connectThroughTransport(endpoint, addresses);
        }
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(address, endpoint.port()),
                        (int) settings.connectTimeout().toMillis());
                if (endpoint.tls()) {
                    socket.setSoTimeout((int) settings.connectTimeout().toMillis()); // the handshake's reads
                    socket = handshake(socket, endpoint);
                }
                socket.setSoTimeout((int) settings.readTimeout().toMillis());
                return new UpstreamConnection(endpoint, socket, deadlines);
            } catch (IOException e) {
                closeQuietly(socket);
                last = new UpstreamException("cannot connect to " + address.getHostAddress() + " port "
                        + endpoint.port() + (endpoint.tls() ? " (TLS)" : "") + ": " + describe(e), e);
            }
        }
        throw last;
    }

    private UpstreamConnection connectThroughTransport(Endpoint endpoint, InetAddress[] addresses)
            throws IOException {
        IOException last = null;
        for (InetAddress address : addresses) {
            InetSocketAddress remote = new InetSocketAddress(address, endpoint.port());
            try {
                return new UpstreamConnection(endpoint, transport.connect(remote, settings.connectTimeout()),
                        deadlines);
            } catch (java.nio.channels.ClosedByInterruptException e) {
                throw e;
            } catch (IOException e) {
                // The same words as over a JDK socket; the transport's own "connect to <address>:" goes.
                String why = describe(e);
                String context = Transport.connectContext(remote) + ": ";
                if (why.startsWith(context)) {
                    why = why.substring(context.length());
                }
                last = new UpstreamException("cannot connect to " + address.getHostAddress() + " port "
                        + endpoint.port() + ": " + why, e);
            }
        }
        throw last;
    }

    private UpstreamConnection connectUnix(Endpoint endpoint) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(endpoint.unixPath())); // local: no connect timeout needed
            return new UpstreamConnection(endpoint, channel, deadlines);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new UpstreamException("cannot connect to the Unix socket " + endpoint.unixPath() + ": "
                    + (e instanceof IOException io ? describe(io) : e.getMessage()), e);
        }
    }

    /** TLS over {@code plain}: default trust, the host name checked against the certificate, ALPN http/1.1. */
    private SSLSocket handshake(Socket plain, Endpoint endpoint) throws IOException {
        SSLSocket tls = (SSLSocket) settings.sslContextOrDefault().getSocketFactory().createSocket(plain,
                endpoint.host(), endpoint.port(), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return tls;
    }

    static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isEmpty() ? e.getClass().getSimpleName() : message;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Already failing; the connect error is what gets reported.
        }
    }

    private void closeIdle() {
        for (ArrayDeque<UpstreamConnection> queue : idle.values()) {
            List<UpstreamConnection> all;
            synchronized (queue) {
                all = new ArrayList<>(queue);
                queue.clear();
            }
            all.forEach(UpstreamConnection::close);
        }
    }

    /** Closes every idle connection; connections in use are closed when released. */
    @Override
    public void close() {
        closed = true;
        closeIdle();
        deadlines.close();
    }
}
