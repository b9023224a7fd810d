package io.zeroserve.script;

import java.util.List;
import java.util.Map;

/**
 * A response a script chose ({@code zs_respond}, {@code zs_json_respond}) or the 500 of a fault.
 *
 * @param status      as the script gave it (0..65535); see {@link #effectiveStatus()}
 * @param body        the body bytes (never templated)
 * @param contentType the Content-Type to send, or null for none ({@code zs_respond} sets none)
 * @param headers     further headers as (name, value) pairs, e.g. {@code server} for JSON responses
 */
public record ScriptResponse(int status, byte[] body, String contentType, List<Map.Entry<String, String>> headers) {
    public ScriptResponse {
        headers = List.copyOf(headers);
    }

    /** The status to send: values outside 100..999 become 500. */
    public int effectiveStatus() {
        return status < 100 || status > 999 ? 500 : status;
    }

    /** What a script fault answers: 500, empty body, {@code text/plain; charset=utf-8}. */
    public static ScriptResponse internalError() {
        return new ScriptResponse(500, new byte[0], "text/plain; charset=utf-8", List.of());
    }
}
