/**
 * The reverse proxy: an HTTP/1.1 client for the upstreams scripts choose with {@code zs_reverse_proxy}.
 *
 * <p>{@link io.zeroserve.proxy.ReverseProxy} is the one entry point. It takes an {@link io.zeroserve.proxy.UpstreamUrl}
 * and a {@link io.zeroserve.proxy.ProxyRequest} (the client's request as the scripts left it) and returns an
 * {@link io.zeroserve.proxy.UpstreamResponse} whose body streams from the upstream. Connections are pooled per
 * (host, port, tls) in {@link io.zeroserve.proxy.UpstreamPool} and reused unless the upstream closes them; host
 * names resolve through a small cache ({@link io.zeroserve.proxy.DnsCache}, 60 s). {@code https://} upstreams use
 * the JDK's TLS with its default trust and hostname verification.
 *
 * <p>Header rules (zeroserve's): hop-by-hop fields are stripped both ways, with those the Connection field names;
 * Host goes upstream unchanged; X-Forwarded-For is appended to, X-Forwarded-Proto and X-Forwarded-Host are set
 * only when absent ({@link io.zeroserve.proxy.ForwardedHeaders}).
 *
 * <p>Threading: a {@link io.zeroserve.proxy.ReverseProxy} is shared by every request; each exchange runs on the
 * request's own (virtual) thread with blocking I/O: plaintext TCP upstreams through the server's
 * {@link io.zeroserve.net.Transport} when the proxy was given one (on io_uring the connection lives on the ring that
 * carries the request's thread), JDK sockets otherwise and for TLS and Unix domain socket upstreams. Nothing here
 * depends on Helidon.
 */
package io.zeroserve.proxy;
