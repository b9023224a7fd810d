package io.zeroserve.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.FixedLimit;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.zeroserve.net.Connection;
import io.zeroserve.net.Listener;
import io.zeroserve.tls.TlsSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Hosts Helidon's HTTP/1.1 and HTTP/2 connections on one of our listeners: the duties of Helidon's package-private
 * {@code ServerListener} and {@code ConnectionHandler} (accept, admission, PROXY header, socket opening, protocol
 * choice, idle sweep, graceful stop), over our transport.
 *
 * <p>Threading: one platform thread accepts; each connection runs on its own virtual thread; HTTP/2 streams run on
 * the listener context's executor; one daemon thread sweeps idle connections.
 */
public final class ConnectionHost {
    private static final System.Logger LOGGER = System.getLogger(ConnectionHost.class.getName());
    private static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final AtomicLong CONNECTION_IDS = new AtomicLong();
    /** The connection whose virtual thread this is; HTTP/1 handlers run on it. */
    private static final ThreadLocal<Active> CURRENT = new ThreadLocal<>();

    private final String name;
    private final Listener listener;
    private final SocketOpener opener;
    private final Router router;
    private final ListenerContext listenerContext;
    private final HostSettings settings;
    private final ServerConnectionSelector http1;
    private final ServerConnectionSelector http2;
    private final Http1FastPath.Responder fastPath;
    private final Semaphore admission;
    private final Limit requestLimit = FixedLimit.create();
    private final Map<Long, Active> active = new ConcurrentHashMap<>();
    private final PeerInfo localPeer;
    private volatile boolean accepting = true;
    private Thread acceptor;
    private Thread sweeper;

    public ConnectionHost(String name, Listener listener, SocketOpener opener, Router router,
                          ListenerContext listenerContext, HostSettings settings,
                          ServerConnectionSelector http1, ServerConnectionSelector http2,
                          Http1FastPath.Responder fastPath) {
        this.name = name;
        this.listener = listener;
        this.opener = opener;
        this.router = router;
        this.listenerContext = listenerContext;
        this.settings = settings;
        this.http1 = http1;
        this.http2 = http2;
        this.fastPath = fastPath;
        this.admission = new Semaphore(settings.maxConnections());
        this.localPeer = Peer.of(listener.localAddress());
    }

    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    /** Open connections right now. */
    public int connectionCount() {
        return active.size();
    }

    public synchronized void start() {
        acceptor = Thread.ofPlatform().name("zeroserve-accept-" + name).daemon().start(this::acceptLoop);
        sweeper = Thread.ofPlatform().name("zeroserve-idle-" + name).daemon().start(this::sweepLoop);
    }

    private void acceptLoop() {
        while (accepting) {
            try {
                admission.acquire();
            } catch (InterruptedException e) {
                return;
            }
            Connection connection;
            try {
                connection = listener.accept();
            } catch (ClosedChannelException e) {
                admission.release();
                return;
            } catch (IOException | RuntimeException e) {
                admission.release();
                if (!accepting) {
                    return;
                }
                // EMFILE and friends: say so and back off briefly instead of spinning.
                LOGGER.log(System.Logger.Level.WARNING, "accept on " + name + " failed: " + e.getMessage());
                sleepQuietly(50);
                continue;
            }
            long id = CONNECTION_IDS.incrementAndGet();
            Active entry = new Active(id, connection, System.nanoTime());
            active.put(id, entry);
            try {
                entry.thread = connection.threadBuilder().unstarted(() -> serve(entry));
                entry.thread.start();
            } catch (RuntimeException | OutOfMemoryError e) {
                active.remove(id);
                connection.close();
                admission.release();
            }
        }
    }

    private void serve(Active entry) {
        Connection connection = entry.connection;
        HelidonSocket socket = null;
        CURRENT.set(entry);
        try {
            PeerInfo remote = Peer.of(connection.remoteAddress());
            byte[] leftover = null;
            ProxyProtocolData proxyData = null;
            if (settings.proxyProtocol()) {
                ProxyHeader header = ProxyHeader.read(readerOf(connection));
                proxyData = header.data();
                leftover = header.leftover();
                if (proxyData.protocol() == ProxyProtocolData.Protocol.TCP) {
                    remote = Peer.of(new InetSocketAddress(
                            java.net.InetAddress.ofLiteral(proxyData.sourceAddress()), proxyData.sourcePort()));
                }
            }
            var ids = new SocketOpener.ConnectionIds(name, Long.toString(entry.id));
            socket = opener.open(connection, ids, remote, localPeer, leftover, settings.firstByteTimeout());
            entry.socket = socket;
            HelidonSocket source = socket;
            Http10Shim stream = new Http10Shim(() -> readMapped(source));
            DataReader reader = DataReader.create(() -> entry.closeAfterResponse ? null : stream.get());
            ServerConnectionSelector selector = choose(socket, reader);
            if (selector == null) {
                return;
            }
            ConnectionWriter writer = new ConnectionWriter(socket);
            // Over TLS the fast path writes through our TlsSocket; any other secure socket keeps the general path.
            if (selector == http1 && fastPath != null && (!socket.isSecure() || socket instanceof TlsSocket)) {
                // The sniffed bytes (none when ALPN chose) start at a request boundary: the fast path takes them and
                // what follows.
                byte[] first = reader.available() == 0 ? null : reader.readBytes(reader.available());
                Http1FastPath.ResponseSink sink = socket instanceof TlsSocket tls ? Http1FastPath.ResponseSink.tls(tls)
                        : Http1FastPath.ResponseSink.direct(connection);
                var origin = new Http1FastPath.Origin(socket.remotePeer(), socket.localPeer(), socket.isSecure());
                Http1FastPath fast = new Http1FastPath(first, stream, fastPath, sink, origin, entry);
                reader = DataReader.create(() -> entry.closeAfterResponse ? null : fast.get());
            }
            HostedConnection context = new HostedConnection(listenerContext, router, socket, reader, writer,
                    proxyData);
            ServerConnection serverConnection = selector.connection(context);
            entry.serverConnection = serverConnection;
            if (entry.closing) {
                serverConnection.close(false);
            }
            serverConnection.handle(requestLimit);
        } catch (CloseConnectionException | UncheckedIOException e) {
            LOGGER.log(System.Logger.Level.TRACE, () -> "connection " + entry.id + " closed: " + e.getMessage());
        } catch (IOException e) {
            LOGGER.log(System.Logger.Level.DEBUG, () -> "connection " + entry.id + " dropped: " + e.getMessage());
        } catch (InterruptedException e) {
            LOGGER.log(System.Logger.Level.TRACE, () -> "connection " + entry.id + " interrupted");
        } catch (RuntimeException e) {
            // Helidon's RequestException and HttpException end here when a response could not be written.
            LOGGER.log(System.Logger.Level.DEBUG, () -> "connection " + entry.id + " ended: " + e);
        } finally {
            if (socket != null) {
                socket.close();
            }
            connection.close();
            CURRENT.remove();
            active.remove(entry.id);
            admission.release();
        }
    }

    /**
     * Ends the current HTTP/1 connection once the response being written is sent: the next read sees end of
     * stream. Helidon answers {@code Connection: close} requests with that header but leaves closing to the client;
     * zeroserve closes. Called on the request's thread; a no-op elsewhere (HTTP/2 streams).
     */
    public static void closeAfterResponse() {
        Active entry = CURRENT.get();
        if (entry != null) {
            entry.closeAfterResponse = true;
        }
    }

    /** Closes the current HTTP/1 connection now, without a response (a script's {@code zs_abort}). */
    public static void abortConnection() {
        Active entry = CURRENT.get();
        if (entry != null) {
            entry.closeAfterResponse = true;
            entry.connection.close();
        }
    }

    private static Supplier<byte[]> readerOf(Connection connection) {
        return () -> {
            try {
                return connection.read();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static byte[] readMapped(HelidonSocket socket) {
        try {
            return socket.get();
        } catch (UncheckedIOException e) {
            throw new ServerConnectionException("socket read failed", e);
        }
    }

    /**
     * ALPN decides when TLS negotiated it; otherwise the first bytes do: the HTTP/2 connection preface means h2c
     * by prior knowledge, anything else is HTTP/1.
     *
     * @return the selector, or null when the client went away before sending anything
     */
    private ServerConnectionSelector choose(HelidonSocket socket, DataReader reader) {
        if (socket.protocolNegotiated()) {
            return "h2".equals(socket.protocol()) ? http2 : http1;
        }
        try {
            reader.ensureAvailable();
        } catch (RuntimeException e) {
            return null;
        }
        while (true) {
            int available = Math.min(reader.available(), H2_PREFACE.length);
            BufferData peek = reader.getBuffer(available);
            for (int i = 0; i < available; i++) {
                if (peek.get(i) != H2_PREFACE[i]) {
                    return http1;
                }
            }
            if (available == H2_PREFACE.length) {
                return http2;
            }
            try {
                reader.pullData();
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    private void sweepLoop() {
        long periodMs = Math.max(100, Math.min(settings.idleTimeout().toMillis(), settings.firstByteTimeout().toMillis()) / 4);
        while (true) {
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long firstByteNanos = settings.firstByteTimeout().toNanos();
            long idleNanos = settings.idleTimeout().toNanos();
            for (Active entry : active.values()) {
                ServerConnection serverConnection = entry.serverConnection;
                if (serverConnection == null) {
                    if (now - entry.acceptedNanos > firstByteNanos) {
                        entry.connection.close(); // never said anything (or stalled in the handshake)
                    }
                } else if (serverConnection.idleTime().compareTo(settings.idleTimeout()) > 0
                        && now - entry.fastPathServedNanos > idleNanos && !entry.fastPathBusy) {
                    // Helidon's idle time does not see requests the fast path answered, hence the second check.
                    serverConnection.close(false);
                }
            }
        }
    }

    /** Stops accepting new connections; open ones keep being served. */
    public void stopAccepting() {
        accepting = false;
        listener.close();
        if (acceptor != null) {
            acceptor.interrupt();
        }
    }

    /** Asks every connection to finish its current request and close; idle ones close at once. */
    public void drain() {
        for (Active entry : active.values()) {
            entry.closing = true;
            ServerConnection serverConnection = entry.serverConnection;
            if (entry.fastPathBusy) {
                continue; // the fast path sees `closing` once its current responses are written
            }
            if (serverConnection != null) {
                serverConnection.close(false);
            } else {
                entry.connection.close();
            }
        }
    }

    /** Waits until every connection has ended, or the deadline ({@link System#nanoTime()}) passes. */
    public boolean awaitDrained(long deadlineNanos) {
        while (!active.isEmpty()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            sleepQuietly(Math.min(20, TimeUnit.NANOSECONDS.toMillis(left) + 1));
        }
        return true;
    }

    /** Cuts every remaining connection. */
    public void forceClose() {
        for (Active entry : active.values()) {
            ServerConnection serverConnection = entry.serverConnection;
            if (serverConnection != null) {
                serverConnection.close(true);
            }
            entry.connection.close();
        }
        if (sweeper != null) {
            sweeper.interrupt();
        }
    }

    /** Graceful stop of this host alone: stop accepting, drain within the grace period, then cut. */
    public void stop() {
        stopAccepting();
        drain();
        if (!awaitDrained(System.nanoTime() + settings.gracePeriod().toNanos())) {
            forceClose();
            awaitDrained(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        }
        if (sweeper != null) {
            sweeper.interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Active implements Http1FastPath.ConnectionState {
        final long id;
        final Connection connection;
        final long acceptedNanos;
        volatile Thread thread;
        volatile HelidonSocket socket;
        volatile ServerConnection serverConnection;
        volatile boolean closing;
        volatile boolean closeAfterResponse;
        volatile boolean fastPathBusy;
        volatile long fastPathServedNanos;

        Active(long id, Connection connection, long acceptedNanos) {
            this.id = id;
            this.connection = connection;
            this.acceptedNanos = acceptedNanos;
            this.fastPathServedNanos = acceptedNanos;
        }

        @Override
        public void fastPathBusy(boolean busy) {
            if (!busy) {
                fastPathServedNanos = System.nanoTime();
            }
            fastPathBusy = busy;
        }

        @Override
        public boolean closing() {
            return closing;
        }
    }
}
