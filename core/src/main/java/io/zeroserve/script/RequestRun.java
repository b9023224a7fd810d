package io.zeroserve.script;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The state one request shares between all its script contexts: the request being changed, the metadata map,
 * the response hooks and the body. Not thread-safe: a request runs its scripts one at a time.
 */
final class RequestRun {
    final ScriptChain chain;
    final ScriptRequest request;
    final RequestState state;
    final Metadata metadata = new Metadata();
    final List<Hook> hooks = new ArrayList<>();
    /** How many times {@code zs_res_continue_request} ran the request scripts again ({@link ScriptChain#rerun}). */
    int reruns;
    /** The smallest {@code zs_req_body_limit} set so far, or -1. */
    long bodyLimit = -1;
    private boolean bodyRead;
    private byte[] body;
    private ConnectionFacts connection;

    RequestRun(ScriptChain chain, ScriptRequest request) {
        this.chain = chain;
        this.request = request;
        this.state = new RequestState(request.method(), request.rawPath(), request.query(), request);
    }

    /** The connection facts, asked of the request once. */
    ConnectionFacts connection() {
        if (connection == null) {
            connection = request.connection();
        }
        return connection;
    }

    /** The body as a script read it ({@link #body()}), or null when no script read it or it was over the limit. */
    byte[] bodyIfRead() {
        return bodyRead ? body : null;
    }

    void lowerBodyLimit(long max) {
        if (bodyLimit < 0 || max < bodyLimit) {
            bodyLimit = max;
        }
    }

    /**
     * The request body, read once, or null when it exceeds the buffered-body limit (the smaller of
     * {@code --max-buffered-body-size-kb} and any {@code zs_req_body_limit}) or cannot be read.
     */
    byte[] body() {
        if (!bodyRead) {
            bodyRead = true;
            long limit = chain.host().options().maxBufferedBodyBytes();
            if (bodyLimit >= 0) {
                limit = Math.min(limit, bodyLimit);
            }
            try {
                body = request.body((int) limit);
            } catch (IOException e) {
                chain.host().log("[script_runtime] " + request.requestId() + ": request body could not be read: "
                        + e.getMessage());
                body = null;
            }
        }
        return body;
    }
}
