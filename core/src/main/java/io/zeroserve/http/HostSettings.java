package io.zeroserve.http;

import java.time.Duration;

/**
 * What the connection host enforces for every listener.
 *
 * @param maxConnections    open connections at most; further clients wait in the kernel's accept backlog
 * @param idleTimeout       a connection with no request in flight for this long is closed
 * @param gracePeriod       at stop, in-flight requests get this long to finish before connections are cut
 * @param proxyProtocol     expect a PROXY v1 header at the start of each connection
 * @param firstByteTimeout  a new connection must send its first bytes (or finish its TLS handshake) this fast
 */
public record HostSettings(int maxConnections, Duration idleTimeout, Duration gracePeriod, boolean proxyProtocol,
                           Duration firstByteTimeout) {
    public static HostSettings defaults() {
        return new HostSettings(16_384, Duration.ofSeconds(60), Duration.ofSeconds(10), false, Duration.ofSeconds(10));
    }
}
