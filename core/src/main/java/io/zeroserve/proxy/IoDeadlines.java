package io.zeroserve.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Closes upstream connections whose socket write has been blocked longer than the write timeout (an upstream that
 * stopped reading): blocking socket writes have no timeout of their own. The same for reads on connections whose
 * socket has no read timeout of its own (Unix domain sockets). A watched stream records when its call in progress
 * started; a ticker thread, started with the first connection, {@linkplain #check checks} once a second.
 * Thread-safe.
 */
final class IoDeadlines implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(IoDeadlines.class.getName());
    private static final long IDLE = Long.MIN_VALUE;
    private static final long TICK_MILLIS = 1000;

    private final long timeoutNanos;
    private final long readTimeoutNanos;
    private final LongSupplier clock;
    private final boolean ticking;
    private final Set<UpstreamConnection> connections = ConcurrentHashMap.newKeySet();
    private Thread ticker;
    private volatile boolean closed;

    /**
     * @param timeout     for writes
     * @param readTimeout for watched reads
     * @param clock       nanoseconds, as {@link System#nanoTime()}
     * @param ticking     start the ticker thread; false leaves {@link #check()} to the caller (tests)
     */
    IoDeadlines(Duration timeout, Duration readTimeout, LongSupplier clock, boolean ticking) {
        this.timeoutNanos = timeout.toNanos();
        this.readTimeoutNanos = readTimeout.toNanos();
        this.clock = clock;
        this.ticking = ticking;
    }

    /** {@code socketOut} with its writes watched for {@code c}; registers {@code c} until {@link #forget}. */
    OutputStream watchWrites(UpstreamConnection c, OutputStream socketOut) {
        connections.add(c);
        startTicker();
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                c.writeStarted = clock.getAsLong();
                try {
                    socketOut.write(b, off, len);
                } finally {
                    c.writeStarted = IDLE;
                }
            }

            @Override
            public void flush() throws IOException {
                socketOut.flush();
            }
        };
    }

    /** {@code socketIn} with its reads watched for {@code c} while {@code c.readsWatched} is set. */
    InputStream watchReads(UpstreamConnection c, InputStream socketIn) {
        return new BlockReadInputStream() {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (!c.readsWatched) {
                    return socketIn.read(b, off, len);
                }
                c.readStarted = clock.getAsLong();
                try {
                    return socketIn.read(b, off, len);
                } finally {
                    c.readStarted = IDLE;
                }
            }
        };
    }

    /** The same for a transport connection's reads. */
    UpstreamInput.Chunks watchReads(UpstreamConnection c, UpstreamInput.Chunks source) {
        return () -> {
            if (!c.readsWatched) {
                return source.next();
            }
            c.readStarted = clock.getAsLong();
            try {
                return source.next();
            } finally {
                c.readStarted = IDLE;
            }
        };
    }

    void forget(UpstreamConnection c) {
        connections.remove(c);
    }

    /** One pass: closes every connection whose current write (or watched read) is past its timeout; returns how many. */
    int check() {
        long now = clock.getAsLong();
        int cut = 0;
        for (UpstreamConnection c : connections) {
            long started = c.writeStarted;
            long readStarted = c.readStarted;
            String reason = null;
            if (started != IDLE && now - started > timeoutNanos) {
                reason = "a write to the upstream was blocked for more than "
                        + Duration.ofNanos(timeoutNanos).toSeconds() + " s (it stopped reading)";
            } else if (readStarted != IDLE && now - readStarted > readTimeoutNanos) {
                reason = "upstream did not answer in time (nothing for "
                        + Duration.ofNanos(readTimeoutNanos).toSeconds() + " s)";
            }
            if (reason != null) {
                c.closeBecause(reason);
                if (started != IDLE) {
                    LOGGER.log(System.Logger.Level.WARNING, "[proxy] " + c.endpoint + ": connection closed: "
                            + reason);
                }
                cut++;
            }
        }
        return cut;
    }

    private synchronized void startTicker() {
        if (!ticking || ticker != null || closed) {
            return;
        }
        ticker = Thread.ofVirtual().name("zeroserve-proxy-write-deadlines").start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(TICK_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                check();
            }
        });
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (ticker != null) {
            ticker.interrupt();
        }
    }
}
