package io.zeroserve.net.uring;

import io.zeroserve.net.Transport;
import io.zeroserve.net.TransportContractTest;
import java.io.IOException;

/** The contract again with direct non-blocking {@code send(2)} before the ring (Options.withDirectSend). */
class IoUringDirectSendTransportTest extends TransportContractTest {
    @Override
    protected Transport createTransport() throws IOException {
        return IoUringTransport.create(IoUringTransport.Options.defaults().withRings(2).withDirectSend(true));
    }

    @Override
    protected void assertReleased(Transport closed) {
        org.junit.jupiter.api.Assertions.assertEquals(0, ((IoUringTransport) closed).sendBuffersInUse(),
                "send buffers still taken after close");
    }
}
