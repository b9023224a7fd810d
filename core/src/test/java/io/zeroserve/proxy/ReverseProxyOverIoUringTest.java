package io.zeroserve.proxy;

import io.zeroserve.net.IoUringSupport;
import io.zeroserve.net.Transport;
import io.zeroserve.net.uring.IoUringTransport;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ReverseProxyTest} with plaintext TCP upstreams connected through io_uring (skipped with the kernel's reason
 * where it refuses io_uring). The proxy runs on ordinary virtual threads here, so its connections take the rings in
 * turn; ProxyServingTest covers the server's own connection threads.
 */
class ReverseProxyOverIoUringTest extends ReverseProxyOverTransportTest {
    @BeforeAll
    static void needsIoUring() {
        IoUringSupport.assumeAvailable();
    }

    @Override
    protected Transport createTransport() throws IOException {
        return IoUringTransport.create(IoUringTransport.Options.defaults().withRings(2));
    }
}
