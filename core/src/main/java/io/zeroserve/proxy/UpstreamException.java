package io.zeroserve.proxy;

import java.io.IOException;

/**
 * The upstream could not be reached or did not answer with a valid HTTP/1.1 response: the client gets a 502.
 * The message names what failed (connect, TLS, the response head) for the log line.
 */
public class UpstreamException extends IOException {
    public UpstreamException(String message) {
        super(message);
    }

    public UpstreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
