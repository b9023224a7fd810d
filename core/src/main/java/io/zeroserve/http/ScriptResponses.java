package io.zeroserve.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.zeroserve.script.ResponseHead;
import io.zeroserve.script.ScriptResponse;
import io.zeroserve.script.ScriptResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writing what the script chain decided onto a Helidon response. */
final class ScriptResponses {
    private static final Header JSON = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "application/json");

    private ScriptResponses() {
    }

    /**
     * A response hook called {@code zs_res_continue_request}: the response being prepared must not be sent (nothing
     * of it is written yet); the handler runs the request scripts again ({@code ScriptChain.rerun(result())}) and
     * answers with what they decide. Thrown by {@link #finish}, caught by {@link ZeroServeHandler}.
     */
    static final class ContinueRequest extends RuntimeException {
        private final transient ScriptResult result;

        ContinueRequest(ScriptResult result) {
            super("a response hook called zs_res_continue_request", null, false, false);
            this.result = result;
        }

        ScriptResult result() {
            return result;
        }
    }

    /**
     * Applies {@code zs.response.header.*} metadata and the response hooks to the headers and status already set on
     * {@code res}. Call right before the body is sent, with nothing of the response written yet. Content-Length
     * stays the server's.
     *
     * @throws ContinueRequest when a hook asked to run the request scripts again instead of sending this response
     */
    static void finish(ServerResponse res, ScriptResult result) {
        if (result == null || !result.changesResponse()) {
            return;
        }
        if (!result.hasResponseHooks()) {
            // Metadata alone only sets fields: write them straight onto the response, no full copy and rewrite.
            result.metadata().forEachResponseHeader((name, value) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!lower.equals("content-length")) { // the body decides
                    res.headers().set(HeaderNames.create(lower), value);
                }
            });
            return;
        }
        ResponseHead head = new ResponseHead(res.status().code());
        List<String> before = new ArrayList<>();
        for (Header h : res.headers()) {
            before.add(h.name());
            for (String v : h.allValues()) {
                head.add(h.name(), v);
            }
        }
        result.finishResponse(head);
        if (head.continueRequested()) {
            throw new ContinueRequest(result);
        }
        if (head.status() != res.status().code()) {
            res.status(Status.create(head.status()));
        }
        for (String name : before) {
            if (head.get(name) == null) {
                res.headers().remove(HeaderNames.create(name));
            }
        }
        java.util.LinkedHashMap<String, List<String>> grouped = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> f : head.fields()) {
            grouped.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(f.getValue());
        }
        for (Map.Entry<String, List<String>> e : grouped.entrySet()) {
            if (e.getKey().equals("content-length")) {
                continue; // the body decides
            }
            HeaderName name = HeaderNames.create(e.getKey());
            res.headers().set(name, e.getValue().toArray(String[]::new));
        }
    }

    /** Sends a script's response ({@code zs_respond}, {@code zs_json_respond}, or the 500 of a fault). */
    static void send(ServerResponse res, ScriptResult result, boolean head) {
        ScriptResponse r = result.response();
        int status = r.effectiveStatus();
        res.status(status == 200 ? Status.OK_200 : Status.create(status));
        if (r.contentType() != null) {
            res.header(r.contentType().equals("application/json") ? JSON : HeaderValues.create(HeaderNames.CONTENT_TYPE,
                    r.contentType()));
        }
        List<Map.Entry<String, String>> extra = r.headers();
        for (int i = 0; i < extra.size(); i++) {
            Map.Entry<String, String> h = extra.get(i);
            if (h.getKey().equals("server") && h.getValue().equals("zeroserve")) {
                res.header(ZeroServeHandler.SERVER);
            } else if (!seenBefore(extra, i)) {
                // res.header replaces: a name that repeats (Set-Cookie) is set once with all its values.
                List<String> values = new ArrayList<>(1);
                for (int j = i; j < extra.size(); j++) {
                    if (extra.get(j).getKey().equals(h.getKey())) {
                        values.add(extra.get(j).getValue());
                    }
                }
                res.header(HeaderNames.create(h.getKey()), values.toArray(String[]::new));
            }
        }
        finish(res, result);
        int sent = res.status().code();
        boolean noBody = sent < 200 || sent == 204 || sent == 304;
        if (noBody) {
            res.headers().remove(HeaderNames.CONTENT_LENGTH);
            res.headers().remove(HeaderNames.TRANSFER_ENCODING);
            res.send();
        } else if (head) {
            res.contentLength(r.body().length);
            res.send();
        } else {
            res.send(r.body());
        }
    }

    private static boolean seenBefore(List<Map.Entry<String, String>> headers, int index) {
        for (int i = 0; i < index; i++) {
            if (headers.get(i).getKey().equals(headers.get(index).getKey())) {
                return true;
            }
        }
        return false;
    }
}
