package io.zeroserve.script;

import java.util.Locale;

/**
 * What the chain decided for one request, plus the request as the scripts left it. The handler acts on
 * {@link #action()}, and calls {@link #finishResponse(ResponseHead)} on every response it then sends (static,
 * script, proxied or error) so that metadata headers and response hooks apply.
 */
public final class ScriptResult {
    /** What the handler does next. */
    public enum Action {
        /** No script produced a response: apply the mutations and serve statically (GET/HEAD) or 405. */
        CONTINUE,
        /** Send {@link #response()}. */
        RESPOND,
        /** Proxy to {@link #proxyUrl()}. */
        PROXY,
        /** Close the connection without a response. */
        ABORT,
        /** A script faulted: send {@link #response()} (500, empty, text/plain). */
        FAULT,
        /** {@code zs_req_set_uri} left a path that does not normalize: answer 400. */
        BAD_REQUEST
    }

    private final RequestRun run;
    private final Action action;
    private final ScriptResponse response;
    private final String proxyUrl;
    private final String faultMessage;

    private ScriptResult(RequestRun run, Action action, ScriptResponse response, String proxyUrl, String fault) {
        this.run = run;
        this.action = action;
        this.response = response;
        this.proxyUrl = proxyUrl;
        this.faultMessage = fault;
    }

    static ScriptResult of(RequestRun run, Action action, ScriptResponse response, String proxyUrl) {
        return new ScriptResult(run, action, response, proxyUrl, null);
    }

    static ScriptResult fault(RequestRun run, String script, String section, String reason) {
        return fault(run, "script '" + script + "' section '" + section + "' failed: " + reason);
    }

    static ScriptResult fault(RequestRun run, String message) {
        return new ScriptResult(run, Action.FAULT, ScriptResponse.internalError(), null, message);
    }

    RequestRun run() {
        return run;
    }

    public Action action() {
        return action;
    }

    /** The response to send for RESPOND and FAULT; null otherwise. */
    public ScriptResponse response() {
        return response;
    }

    /** The backend URL for PROXY; null otherwise. */
    public String proxyUrl() {
        return proxyUrl;
    }

    /** For FAULT: which script and section failed, and why. */
    public String faultMessage() {
        return faultMessage;
    }

    /** The request as the handler handed it to {@link ScriptChain#run} (before the scripts' changes). */
    public ScriptRequest scriptRequest() {
        return run.request;
    }

    /** The request after the scripts' changes (method, path, query, headers). */
    public RequestState request() {
        return run.state;
    }

    public Metadata metadata() {
        return run.metadata;
    }

    /** The smallest {@code zs_req_body_limit} a script set, or -1 for none. */
    public long bodyLimit() {
        return run.bodyLimit;
    }

    /**
     * The request body as the scripts buffered it ({@code zs_req_body_json} and the like): what a proxied request
     * sends. Null when no script read the body, or it was longer than the buffered-body limit (the body then is
     * still to be read from the request).
     */
    public byte[] bufferedBody() {
        return run.bodyIfRead();
    }

    /**
     * Applies {@code zs.response.header.*} metadata, then the response hooks, then the metadata again, to the
     * response about to be written. Call once per response, after the base headers are in {@code head}. When a hook
     * called {@code zs_res_continue_request}, {@link ResponseHead#continueRequested()} is then true: send nothing and
     * call {@link ScriptChain#rerun} with this result.
     */
    public void finishResponse(ResponseHead head) {
        run.metadata.applyResponseHeaders(head);
        if (!run.hooks.isEmpty()) {
            run.chain.runHooks(run, head);
            run.metadata.applyResponseHeaders(head);
        }
    }

    /** True when {@link #finishResponse} may change a response: response hooks or response-header metadata exist. */
    public boolean changesResponse() {
        return !run.hooks.isEmpty() || run.metadata.hasResponseHeaders();
    }

    /** True when response hooks are registered (they may change anything in the response head). */
    public boolean hasResponseHooks() {
        return !run.hooks.isEmpty();
    }

    /** True when a static file of this Content-Type must be templated: metadata exists and it is HTML or XML. */
    public boolean templates(String contentType) {
        if (run.metadata.isEmpty() || contentType == null) {
            return false;
        }
        String ct = contentType.toLowerCase(Locale.ROOT);
        return ct.startsWith("text/html") || ct.equals("application/xml");
    }

    /** Replaces every {@code <zs-meta>key</zs-meta>} with the metadata value (nothing when unknown). */
    public byte[] template(byte[] body) {
        return MetaTemplate.render(body, run.metadata);
    }
}
