package io.zeroserve.net.uring;

import io.zeroserve.net.Transport;
import io.zeroserve.net.TransportContractTest;
import java.io.IOException;

class IoUringTransportTest extends TransportContractTest {
    @Override
    protected Transport createTransport() throws IOException {
        return IoUringTransport.create(IoUringTransport.Options.defaults().withRings(2));
    }

    @Override
    protected void assertReleased(Transport closed) {
        org.junit.jupiter.api.Assertions.assertEquals(0, ((IoUringTransport) closed).sendBuffersInUse(),
                "send buffers still taken after close");
    }
}
