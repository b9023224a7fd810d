package io.zeroserve.net.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zeroserve.net.Transport;
import io.zeroserve.net.TransportContractTest;

class NioTransportTest extends TransportContractTest {
    @Override
    protected Transport createTransport() {
        return NioTransport.create();
    }

    @Override
    protected void assertReleased(Transport closed) {
        assertEquals(0, ((NioTransport) closed).directBuffersInUse(), "direct write buffers still taken after close");
    }

    @Override
    protected int writeBuffersInUse() {
        return ((NioTransport) transport).directBuffersInUse();
    }
}
