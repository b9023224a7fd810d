package io.zeroserve.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Closes upstream connections whose socket write has been blocked longer than the write timeout (an upstream that
 * stopped reading): blocking socket writes have no timeout of their own. Each connection's socket output is
 * {@linkplain #watch watched}: a write in progress records when it started; a ticker thread, started with the first
 * connection, {@linkplain #check checks} once a second. Thread-safe.
 */
final class WriteDeadlines implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(WriteDeadlines.class.getName());
    private static final long NOT_WRITING = Long.MIN_VALUE;
    private static final long TICK_MILLIS = 1000;

    private final long timeoutNanos;
    private final LongSupplier clock;
    private final boolean ticking;
    private final Set<UpstreamConnection> connections = ConcurrentHashMap.newKeySet();
    private Thread ticker;
    private volatile boolean closed;

    /**
     * @param clock   nanoseconds, as {@link System#nanoTime()}
     * @param ticking start the ticker thread; false leaves {@link #check()} to the caller (tests)
     */
    WriteDeadlines(Duration timeout, LongSupplier clock, boolean ticking) {
        this.timeoutNanos = timeout.toNanos();
        this.clock = clock;
        this.ticking = ticking;
    }

    /** {@code socketOut} with its writes watched for {@code c}; registers {@code c} until {@link #forget}. */
    OutputStream watch(UpstreamConnection c, OutputStream socketOut) {
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
                    c.writeStarted = NOT_WRITING;
                }
            }

            @Override
            public void flush() throws IOException {
                socketOut.flush();
            }
        };
    }

    void forget(UpstreamConnection c) {
        connections.remove(c);
    }

    /** One pass: closes every connection whose current write started more than the timeout ago; returns how many. */
    int check() {
        long now = clock.getAsLong();
        int cut = 0;
        for (UpstreamConnection c : connections) {
            long started = c.writeStarted;
            if (started != NOT_WRITING && now - started > timeoutNanos) {
                c.closeBecause("a write to the upstream was blocked for more than "
                        + Duration.ofNanos(timeoutNanos).toSeconds() + " s (it stopped reading)");
                LOGGER.log(System.Logger.Level.WARNING, "[proxy] " + c.endpoint + ": connection closed: "
                        + c.closedBecause());
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
