package io.zeroserve.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.zeroserve.net.Connection;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pool's choice among idle connections; over stand-in connections, no sockets. */
class UpstreamPoolTest {
    private static final UpstreamPool.Endpoint ENDPOINT = new UpstreamPool.Endpoint("127.0.0.1", 8080, false, null);

    /** A connection that only answers where it is local; nothing is read or written in these tests. */
    private static final class StandIn implements Connection {
        private final boolean local;
        private boolean open = true;

        StandIn(boolean local) {
            this.local = local;
        }

        @Override
        public byte[] read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void write(byte[] data, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isLocalToCurrentThread() {
            return local;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 8080);
        }

        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress("127.0.0.1", 40000);
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
            open = false;
        }
    }

    @Test
    void acquirePrefersTheMostRecentIdleConnectionLocalToTheCaller() throws Exception {
        IoDeadlines deadlines = new IoDeadlines(Duration.ofSeconds(60), Duration.ofSeconds(60), System::nanoTime,
                false);
        try (UpstreamPool pool = new UpstreamPool(ProxySettings.defaults(), deadlines, null)) {
            UpstreamConnection olderLocal = new UpstreamConnection(ENDPOINT, new StandIn(true), deadlines);
            UpstreamConnection newerLocal = new UpstreamConnection(ENDPOINT, new StandIn(true), deadlines);
            UpstreamConnection remote = new UpstreamConnection(ENDPOINT, new StandIn(false), deadlines);
            pool.release(olderLocal);
            pool.release(newerLocal);
            pool.release(remote); // the most recent, but on another ring
            assertSame(newerLocal, pool.acquire(ENDPOINT));
            assertSame(olderLocal, pool.acquire(ENDPOINT));
            assertSame(remote, pool.acquire(ENDPOINT), "with no local one left, the most recent");
            assertEquals(0, pool.idleCount(ENDPOINT));
        }
    }
}
