package io.zeroserve.net.uring;

import io.zeroserve.net.Transport;
import io.zeroserve.net.TransportContractTest;
import java.io.IOException;

/** The contract again with every send going through the ring (no direct {@code send(2)} first). */
class IoUringRingSendTransportTest extends TransportContractTest {
    @Override
    protected Transport createTransport() throws IOException {
        return IoUringTransport.create(IoUringTransport.Options.defaults().withRings(2).withDirectSend(false));
    }
}
