package io.zeroserve.tls;

/**
 * TLS material could not be loaded: a missing or malformed file, a key without a certificate, only expired
 * certificates, a corrupt ECH key. The message names the file and the problem and is meant for the user as is.
 * At startup it stops the server; at reload the old material stays in use and the message is logged.
 */
public final class TlsConfigException extends Exception {
    public TlsConfigException(String message) {
        super(message);
    }

    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
