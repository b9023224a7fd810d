package io.zeroserve.net.nio;

import io.zeroserve.net.Transport;
import io.zeroserve.net.TransportContractTest;

class NioTransportTest extends TransportContractTest {
    @Override
    protected Transport createTransport() {
        return NioTransport.create();
    }
}
