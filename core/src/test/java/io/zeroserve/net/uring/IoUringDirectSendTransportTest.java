package io.zeroserve.net.uring;

import io.zeroserve.net.IoUringSupport;
import io.zeroserve.net.Transport;
import io.zeroserve.net.TransportContractTest;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/** The contract again with direct non-blocking {@code send(2)} before the ring (Options.withDirectSend). */
class IoUringDirectSendTransportTest extends TransportContractTest {
    @BeforeAll
    static void needsIoUring() {
        IoUringSupport.assumeAvailable();
    }

    @Override
    protected Transport createTransport() throws IOException {
        return IoUringTransport.create(IoUringTransport.Options.defaults().withRings(2).withDirectSend(true));
    }

    @Override
    protected void assertReleased(Transport closed) {
        org.junit.jupiter.api.Assertions.assertEquals(0, ((IoUringTransport) closed).sendBuffersInUse(),
                "send buffers still taken after close");
    }

    @Override
    protected int writeBuffersInUse() {
        return ((IoUringTransport) transport).sendBuffersInUse();
    }
}
