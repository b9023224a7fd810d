package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.proxy.UpstreamUrl;
import io.zeroserve.script.json.JsonCodec;

import java.util.List;
import java.util.Map;

/**
 * Terminal actions: {@code zs_respond}, {@code zs_json_respond}, {@code zs_reverse_proxy}, {@code zs_abort} and the
 * response slot. A script that chose a proxy cannot respond as well, nor proxy twice: that is a fault.
 */
final class ResponseHelpers {
    private ResponseHelpers() {
    }

    static void register(HelperTable.Builder b) {
        b.add("zs_respond", (c, status, body, len, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            if (status < 0 || status > 65535) {
                throw new HelperException("zs_respond: status out of range: " + Long.toUnsignedString(status));
            }
            checkNotProxied(ctx, "zs_respond");
            byte[] bytes = Guest.bytes(c.memory(), body, len);
            ctx.response = new ScriptResponse((int) status, bytes, null, List.of());
            return 0;
        });
        b.add("zs_json_respond", (c, status, handle, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            if (status < 0 || status > 65535) {
                throw new HelperException("zs_json_respond: status out of range: " + Long.toUnsignedString(status));
            }
            checkNotProxied(ctx, "zs_json_respond");
            byte[] body = JsonCodec.serializeUtf8(ctx.json(handle).node);
            ctx.response = new ScriptResponse((int) status, body, "application/json",
                    List.of(Map.entry("server", "zeroserve")));
            return 0;
        });
        b.add("zs_reverse_proxy", (c, url, len, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            if (ctx.response != null) {
                throw new HelperException("zs_reverse_proxy: a response is already set (zs_response_clear drops it)");
            }
            checkNotProxied(ctx, "zs_reverse_proxy");
            String backend = Guest.str(c.memory(), url, len);
            try {
                UpstreamUrl.parse(backend);
            } catch (IllegalArgumentException e) {
                throw new HelperException("zs_reverse_proxy: " + e.getMessage());
            }
            ctx.proxyUrl = backend;
            return 0;
        });
        b.add("zs_abort", (c, r1, r2, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            if (ctx.hookHead != null) {
                throw new HelperException("zs_abort is not allowed in a response hook");
            }
            ctx.abort = true;
            ctx.response = null;
            ctx.proxyUrl = null;
            return 0;
        });
        b.add("zs_response_pending", (c, r1, r2, r3, r4, r5) -> ScriptContext.of(c).response != null ? 1 : 0);
        b.add("zs_response_clear", (c, r1, r2, r3, r4, r5) -> {
            ScriptContext.of(c).response = null;
            return 0;
        });
    }

    private static void checkNotProxied(ScriptContext ctx, String helper) throws HelperException {
        if (ctx.proxyUrl != null) {
            throw new HelperException(helper + ": the request is already proxied to " + ctx.proxyUrl);
        }
    }
}
