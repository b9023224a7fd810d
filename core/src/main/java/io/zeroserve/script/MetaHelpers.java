package io.zeroserve.script;

import io.zeroserve.ebpf.GuestMemory;
import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.HelperTable;

/** {@code zs_meta_get} and {@code zs_meta_set} on the request's shared metadata map. */
final class MetaHelpers {
    private MetaHelpers() {
    }

    static void register(HelperTable.Builder b) {
        b.add("zs_meta_get", (c, key, keyLen, out, outLen, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            String value = ctx.run.metadata.get(Guest.str(c.memory(), key, keyLen).trim());
            return Guest.cstr(c.memory(), out, outLen, value == null ? "" : value);
        });
        b.add("zs_meta_set", (c, key, keyLen, val, valLen, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            GuestMemory m = c.memory();
            String k = Guest.str(m, key, keyLen).trim();
            if (k.isEmpty()) {
                throw new HelperException("zs_meta_set: empty key");
            }
            String v = Guest.str(m, val, valLen);
            // Metadata lives as long as the request: charge it so a loop of distinct keys cannot grow without bound.
            ctx.charge(48 + 2L * (k.length() + v.length()));
            ctx.run.metadata.put(k, v);
            return 0;
        });
    }
}
