package io.zeroserve.script;

import io.zeroserve.ebpf.GuestMemory;
import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.script.json.JsonNode;

/** {@code zs_call}, response hooks and the helpers only meaningful inside a hook ({@code zs_res_*}). */
final class CallHelpers {
    private CallHelpers() {
    }

    static void register(HelperTable.Builder b) {
        b.add("zs_call", (c, script, scriptLen, func, funcLen, handle) -> {
            ScriptContext ctx = ScriptContext.of(c);
            GuestMemory m = c.memory();
            String name = Guest.str(m, script, scriptLen).trim();
            String function = Guest.str(m, func, funcLen).trim();
            JsonNode input = handle == 0 ? JsonNode.ofNull() : ctx.json(handle).node;
            return ctx.run.chain.call(ctx, name, function, input);
        });
        b.add("zs_res_hook", (c, script, scriptLen, func, funcLen, handle) -> {
            ScriptContext ctx = ScriptContext.of(c);
            GuestMemory m = c.memory();
            String name = Guest.str(m, script, scriptLen).trim();
            String function = Guest.str(m, func, funcLen).trim();
            if (function.isEmpty()) {
                throw new HelperException("zs_res_hook: empty function name");
            }
            JsonNode input = (handle == 0 ? JsonNode.ofNull() : ctx.json(handle).node).deepCopy();
            ctx.charge(64 + input.footprint());
            ctx.run.hooks.add(new Hook(name.isEmpty() ? ctx.script.name() : name, function, input));
            return 0;
        });
        b.add("zs_res_hooks_clear", (c, r1, r2, r3, r4, r5) -> {
            ScriptContext.of(c).run.hooks.clear();
            return 0;
        });
        b.add("zs_res_status", (c, r1, r2, r3, r4, r5) -> {
            ResponseHead head = ScriptContext.of(c).hookHead;
            return head == null ? -1 : head.status();
        });
        b.add("zs_res_set_status", (c, status, r2, r3, r4, r5) -> {
            ResponseHead head = ScriptContext.of(c).hookHead;
            if (head == null) {
                return -1;
            }
            if (status >= 100 && status <= 999) {
                head.status((int) status);
            }
            return 0;
        });
        b.add("zs_res_header", (c, name, nameLen, out, outLen, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            String n = Guest.str(c.memory(), name, nameLen).trim();
            if (ctx.hookHead == null) {
                return -1;
            }
            String value = ctx.hookHead.get(n);
            return Guest.cstr(c.memory(), out, outLen, value == null ? "" : value);
        });
        b.add("zs_res_continue_request", (c, r1, r2, r3, r4, r5) -> {
            ResponseHead head = ScriptContext.of(c).hookHead;
            if (head == null) {
                return -1;
            }
            head.requestContinue();
            return 0;
        });
        b.add("zs_res_replace_header", (c, p, len, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            RequestHelpers.HeaderReplace op = RequestHelpers.HeaderReplace.parse(Guest.bytes(c.memory(), p, len));
            if (ctx.hookHead == null || op == null) {
                return -1;
            }
            for (String[] f : ctx.hookHead.rawFields()) {
                if (f[0].equals(op.name())) {
                    String v = op.apply(f[1]);
                    if (!HttpSyntax.isFieldValue(v)) {
                        throw new HelperException("zs_res_replace_header: result is not a valid header value");
                    }
                    f[1] = v;
                }
            }
            return 0;
        });
    }
}
