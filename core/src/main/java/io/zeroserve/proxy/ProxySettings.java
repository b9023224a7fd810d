package io.zeroserve.proxy;

import javax.net.ssl.SSLContext;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * How the proxy talks to upstreams. Immutable; {@link #defaults()} gives the values stated beside each field.
 *
 * @param connectTimeout     a TCP connect (per address) and the TLS handshake's reads: 10 s
 * @param readTimeout        the longest wait for the next bytes of a response (head or body): 60 s, as nginx's
 *                           {@code proxy_read_timeout}
 * @param writeTimeout       the longest a write to the upstream may stay blocked (it stopped reading): 60 s, as
 *                           nginx's {@code proxy_send_timeout}; checked once a second
 * @param idleTimeout        an idle pooled connection older than this is closed rather than reused: 30 s
 * @param maxIdlePerEndpoint idle connections kept per (host, port, tls): 64
 * @param sslContext         for {@code https://} upstreams; null (the default) for the JDK's default context and
 *                           its trust store, made at the first TLS connection (so a server that never proxies to
 *                           https:// never pays for it)
 */
public record ProxySettings(Duration connectTimeout, Duration readTimeout, Duration writeTimeout,
                            Duration idleTimeout, int maxIdlePerEndpoint, SSLContext sslContext) {
    public static ProxySettings defaults() {
        return new ProxySettings(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofSeconds(30), 64, null);
    }

    /** {@link #sslContext()}, or the JDK's default context when it is null. */
    SSLContext sslContextOrDefault() throws java.io.IOException {
        if (sslContext != null) {
            return sslContext;
        }
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new java.io.IOException("the JDK has no default TLS context: " + e.getMessage(), e);
        }
    }

    public ProxySettings withSslContext(SSLContext context) {
        return new ProxySettings(connectTimeout, readTimeout, writeTimeout, idleTimeout, maxIdlePerEndpoint, context);
    }

    public ProxySettings withReadTimeout(Duration timeout) {
        return new ProxySettings(connectTimeout, timeout, writeTimeout, idleTimeout, maxIdlePerEndpoint, sslContext);
    }
}
