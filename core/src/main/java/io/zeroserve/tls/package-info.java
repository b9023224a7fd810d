/**
 * HTTPS: TLS 1.3 in BoringSSL over memory BIOs, so the transport ({@code io.zeroserve.net}) owns every byte on
 * the wire.
 *
 * <ul>
 *   <li>{@link io.zeroserve.tls.TlsContext}: certificates with SNI choice, ECH keys, rotating ticket keys;
 *       reloadable as a whole; {@code accept(Connection, timeout)} runs a handshake and returns a
 *       {@link io.zeroserve.tls.TlsSocket}, a Helidon {@code HelidonSocket} whose ALPN result picks HTTP/2 or
 *       HTTP/1.1.</li>
 *   <li>{@link io.zeroserve.tls.TlsSettings}: the flags ({@code --cert/--key}, {@code --cert-dir},
 *       {@code --ech-key}, {@code --state-dir}).</li>
 *   <li>{@link io.zeroserve.tls.TlsFacts}: what a handshake established (ALPN, SNI inner/outer, ECH, JA4, client
 *       certificates), for logs and scripts.</li>
 *   <li>{@link io.zeroserve.tls.Ja4}, {@link io.zeroserve.tls.EchKeys} (including {@code --gen-ech-key}),
 *       {@link io.zeroserve.tls.CertificateBuilder}, {@link io.zeroserve.tls.SelfSignedCertificate},
 *       {@link io.zeroserve.tls.HostCheck} (the 421 rule).</li>
 * </ul>
 *
 * <p>Native resources: {@code SSL_CTX}, certificate buffers, keys and ECH keys belong to one generation of
 * material, reference counted ({@code Material}); each {@code SSL*} belongs to its {@code TlsSocket}. Callbacks
 * from BoringSSL are FFM upcalls made once per JVM ({@code Callbacks}). Error queue discipline: every call that can
 * fail is preceded by {@code ERR_clear_error} (except {@code SSL_read} and {@code SSL_write}, which clear the queue
 * on entry themselves: BoringSSL's {@code ssl_reset_error_state}) and followed, without any blocking call in between
 * (so a virtual thread cannot change carrier), by {@code SSL_get_error} and the draining of the queue.
 *
 * <p>Write path: plaintext goes from the caller's array to {@code SSL_write} as it is (a critical downcall reads the
 * heap array in place); the write BIO is the queue of sealed records, drained with {@code BIO_read} straight into
 * the transport's outgoing memory ({@link io.zeroserve.net.Connection#write(io.zeroserve.net.Connection.Producer)}),
 * one 16 KiB round at a time; see {@link io.zeroserve.tls.TlsSocket}.
 */
package io.zeroserve.tls;
