package io.zeroserve.script;

import io.zeroserve.ebpf.GuestMemory;
import io.zeroserve.ebpf.HelperTable;

import java.security.SecureRandom;

/** Log, time, environment and randomness: {@code zs_log}, {@code zs_now_ms}, {@code zs_env_get}, {@code zs_getrandom}. */
final class BasicHelpers {
    private static final SecureRandom RANDOM = new SecureRandom();

    private BasicHelpers() {
    }

    static void register(HelperTable.Builder b) {
        b.add("zs_log", (c, msg, len, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            ctx.log(Guest.bytes(c.memory(), msg, len));
            return 0;
        });
        b.add("zs_now_ms", (c, r1, r2, r3, r4, r5) -> ScriptContext.of(c).host().options().wallClockMs().getAsLong());
        b.add("zs_env_get", (c, name, nameLen, out, outLen, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            String key = Guest.str(c.memory(), name, nameLen).trim();
            String value = key.isEmpty() ? null : ctx.host().options().environment().apply(key);
            return Guest.cstr(c.memory(), out, outLen, value == null ? "" : value);
        });
        b.add("zs_getrandom", (c, out, outLen, r3, r4, r5) -> {
            if (outLen == 0) {
                return 0;
            }
            GuestMemory m = c.memory();
            m.checkWritable(out, outLen);
            byte[] bytes = new byte[Guest.len(outLen, "zs_getrandom")];
            RANDOM.nextBytes(bytes);
            m.write(out, bytes);
            return outLen;
        });
    }
}
