package io.zeroserve.script;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The request as the HTTP handler hands it to the script chain. Read-only: the chain keeps its own mutable copy
 * ({@link RequestState}) and reports the mutations in {@link ScriptResult}.
 *
 * <p>WARNING: the chain calls these methods on the request's own thread, during {@link ScriptChain#run}; none may
 * block for long except {@link #body(int)}, which reads the request body.
 */
public interface ScriptRequest {
    /** The request id used in log lines (a ULID). */
    String requestId();

    String method();

    /** The path as received (still percent-encoded), without the query. */
    String rawPath();

    /** The raw query without {@code ?}, or null when the target has none. */
    String query();

    /** {@code http} or {@code https}. */
    String scheme();

    int protoMajor();

    int protoMinor();

    /** The client address (from the PROXY header when that protocol is on). */
    InetSocketAddress peer();

    default ConnectionFacts connection() {
        return ConnectionFacts.plaintext();
    }

    /** The header fields in arrival order; names in any case. */
    List<Map.Entry<String, String>> headers();

    /** Calls {@code to} with each (name, value) of {@link #headers()}, in order; override to skip the list. */
    default void forEachHeader(BiConsumer<String, String> to) {
        for (Map.Entry<String, String> e : headers()) {
            to.accept(e.getKey(), e.getValue());
        }
    }

    /**
     * Reads the whole request body, at most {@code maxBytes}. Called at most once per request.
     *
     * @return the body (empty when there is none), or null when it is longer than {@code maxBytes}
     */
    byte[] body(int maxBytes) throws IOException;
}
