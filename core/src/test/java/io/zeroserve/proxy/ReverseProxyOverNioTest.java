package io.zeroserve.proxy;

import io.zeroserve.net.Transport;
import io.zeroserve.net.nio.NioTransport;

/** {@link ReverseProxyTest} with plaintext TCP upstreams connected through the NIO transport. */
class ReverseProxyOverNioTest extends ReverseProxyOverTransportTest {
    @Override
    protected Transport createTransport() {
        return NioTransport.create();
    }
}
