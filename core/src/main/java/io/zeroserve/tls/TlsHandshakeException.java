package io.zeroserve.tls;

import java.io.IOException;

/**
 * A client's handshake failed (bad ClientHello, TLS 1.2 or older, no common parameters, timeout, peer went away).
 * The connection is already closed when this is thrown; the server logs it at debug level and moves on.
 */
public final class TlsHandshakeException extends IOException {
    public TlsHandshakeException(String message) {
        super(message);
    }

    public TlsHandshakeException(String message, Throwable cause) {
        super(message, cause);
    }
}
