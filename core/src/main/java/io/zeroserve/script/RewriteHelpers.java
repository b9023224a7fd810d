package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.HelperTable;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code zs_req_rewrite_uri} and {@code zs_req_rewrite_query}: Caddy's {@code rewrite} modifiers on the request
 * ({@link UriRewrite}, {@link QueryRewrite}). Both return 0. Ops that are not valid JSON, have unknown keys or
 * wrong types, or hold an invalid regular expression are hard failures (a 500) whose message names the field, as a
 * Caddy config with them would not load. A path that no longer normalizes after the rewrite makes the chain answer
 * 400, as after {@code zs_req_set_uri}.
 */
final class RewriteHelpers {
    /** Parsed ops by their JSON text: scripts pass the same constant ops on every request. */
    private static final int CACHE_ENTRIES = 256;
    private static final int CACHE_MAX_JSON = 4096;
    private static final ConcurrentHashMap<String, UriRewrite> URI_OPS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, QueryRewrite> QUERY_OPS = new ConcurrentHashMap<>();

    private RewriteHelpers() {
    }

    static void register(HelperTable.Builder b) {
        b.add("zs_req_rewrite_uri", (c, p, len, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            String json = Guest.str(c.memory(), p, len);
            UriRewrite ops = URI_OPS.get(json);
            if (ops == null) {
                ops = cache(URI_OPS, json, UriRewrite.parse(json));
            }
            RequestState s = ctx.run.state;
            UriRewrite.Result r = ops.apply(s.path(), s.query());
            rewrite(ctx, r.path(), r.query());
            return 0;
        });
        b.add("zs_req_rewrite_query", (c, p, len, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            String json = Guest.str(c.memory(), p, len);
            QueryRewrite ops = QUERY_OPS.get(json);
            if (ops == null) {
                ops = cache(QUERY_OPS, json, QueryRewrite.parse(json));
            }
            RequestState s = ctx.run.state;
            rewrite(ctx, s.path(), ops.apply(s.query()));
            return 0;
        });
    }

    private static void rewrite(ScriptContext ctx, String path, String query) throws HelperException {
        RequestState s = ctx.run.state;
        if (!path.equals(s.path()) || !java.util.Objects.equals(query, s.query())) {
            ctx.charge(path.length() + (query == null ? 0 : query.length()));
            s.rewrite(path, query);
        }
    }

    private static <T> T cache(ConcurrentHashMap<String, T> cache, String json, T parsed) {
        if (json.length() <= CACHE_MAX_JSON) {
            if (cache.size() >= CACHE_ENTRIES) {
                cache.clear(); // ops built per request (not constants) would only churn it; start over
            }
            cache.put(json, parsed);
        }
        return parsed;
    }
}
