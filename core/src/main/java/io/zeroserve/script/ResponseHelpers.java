package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.script.json.JsonCodec;

import java.util.List;
import java.util.Map;

/** Terminal actions: {@code zs_respond}, {@code zs_json_respond}, {@code zs_abort} and the response slot. */
final class ResponseHelpers {
    private ResponseHelpers() {
    }

    static void register(HelperTable.Builder b) {
        b.add("zs_respond", (c, status, body, len, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            if (status < 0 || status > 65535) {
                throw new HelperException("zs_respond: status out of range: " + Long.toUnsignedString(status));
            }
            byte[] bytes = Guest.bytes(c.memory(), body, len);
            ctx.response = new ScriptResponse((int) status, bytes, null, List.of());
            return 0;
        });
        b.add("zs_json_respond", (c, status, handle, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            if (status < 0 || status > 65535) {
                throw new HelperException("zs_json_respond: status out of range: " + Long.toUnsignedString(status));
            }
            byte[] body = JsonCodec.serializeUtf8(ctx.json(handle).node);
            ctx.response = new ScriptResponse((int) status, body, "application/json",
                    List.of(Map.entry("server", "zeroserve")));
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
}
