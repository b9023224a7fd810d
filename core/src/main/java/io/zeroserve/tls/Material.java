package io.zeroserve.tls;

import io.zeroserve.ffi.boringssl.LibSsl;
import java.lang.foreign.MemorySegment;

/**
 * One generation of TLS material: an {@code SSL_CTX} configured for our server, the certificates it chooses from,
 * and the ECH keys it decrypts with. A reload builds a new generation and retires the old one.
 *
 * <p>Lifetime: reference counted. The {@link TlsContext} holds one reference while the generation is current;
 * each handshake holds one until it is past certificate selection (after which the {@code SSL} holds its own
 * BoringSSL references to the context, chain and key). Native memory is freed when the count reaches zero.
 */
final class Material {
    final MemorySegment ctx;
    final CertificateStore certificates;
    final EchKeys ech;
    private int references = 1;

    Material(MemorySegment ctx, CertificateStore certificates, EchKeys ech) {
        this.ctx = ctx;
        this.certificates = certificates;
        this.ech = ech;
    }

    /** Takes a reference; false if the generation was already freed (the caller retries with the new one). */
    synchronized boolean retain() {
        if (references == 0) {
            return false;
        }
        references++;
        return true;
    }

    synchronized void release() {
        if (references <= 0) {
            throw new IllegalStateException("TLS material released twice");
        }
        if (--references == 0) {
            LibSsl.SSL_CTX_free(ctx);
            certificates.close();
            if (ech != null) {
                ech.close();
            }
        }
    }
}
