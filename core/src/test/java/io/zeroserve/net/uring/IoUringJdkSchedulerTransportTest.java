package io.zeroserve.net.uring;

import io.zeroserve.net.Transport;
import java.io.IOException;

/**
 * The contract again with connection threads on the JDK's scheduler instead of the pollers
 * ({@code Options.withLoopCarriers(false)}: the A/B switch, and what runs without {@code --add-opens}).
 */
class IoUringJdkSchedulerTransportTest extends IoUringTransportTest {
    @Override
    protected Transport createTransport() throws IOException {
        return IoUringTransport.create(IoUringTransport.Options.defaults().withRings(2).withLoopCarriers(false));
    }
}
