package io.zeroserve.net.uring;

import io.zeroserve.net.Transport;
import io.zeroserve.net.TransportContractTest;
import java.io.IOException;

class IoUringTransportTest extends TransportContractTest {
    @Override
    protected Transport createTransport() throws IOException {
        return IoUringTransport.create(IoUringTransport.Options.defaults().withRings(2));
    }
}
