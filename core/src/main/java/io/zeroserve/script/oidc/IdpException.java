package io.zeroserve.script.oidc;

/**
 * The identity provider failed or answered something unacceptable (discovery, token exchange, id_token claims).
 * The message names the step and the reason, for the server log only; the client sees a generic status.
 */
public final class IdpException extends Exception {
    public IdpException(String message) {
        super(message);
    }

    public IdpException(String message, Throwable cause) {
        super(message, cause);
    }
}
