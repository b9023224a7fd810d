package io.zeroserve.script.oidc;

/** The helper's {@code cfg} is unusable: the helper logs the message and returns -1 to the script. */
public final class OidcConfigException extends Exception {
    public OidcConfigException(String message) {
        super(message);
    }
}
