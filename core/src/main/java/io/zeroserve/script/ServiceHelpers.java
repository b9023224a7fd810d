package io.zeroserve.script;

import io.zeroserve.ebpf.GuestMemory;
import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.script.json.JsonNode;
import io.zeroserve.script.sigv4.SigV4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code zs_rate_limit} and the AWS SigV4 helpers. */
final class ServiceHelpers {
    /** {@code sizeof(zs_aws_v4_sign_params)}: 18 fields of 8 bytes. */
    static final int SIGN_PARAMS_BYTES = 144;

    private ServiceHelpers() {
    }

    static void register(HelperTable.Builder b) {
        b.add("zs_rate_limit", (c, key, keyLen, perSecond, perMinute, perHour) -> {
            ScriptContext ctx = ScriptContext.of(c);
            if (keyLen == 0 || Long.compareUnsigned(keyLen, 256) > 0) {
                return -1;
            }
            byte[] k = Guest.bytes(c.memory(), key, keyLen);
            return ctx.host().rateLimiter().check(k, perSecond, perMinute, perHour);
        });
        b.add("zs_aws_v4_authorization_header", (c, params, paramsLen, r3, r4, r5) ->
                sign(c.memory(), ScriptContext.of(c), params, paramsLen, false, 0));
        b.add("zs_aws_v4_presigned_url", (c, params, paramsLen, expires, r4, r5) ->
                sign(c.memory(), ScriptContext.of(c), params, paramsLen, true, expires));
    }

    private static long sign(GuestMemory m, ScriptContext ctx, long params, long paramsLen, boolean presign,
                             long expires) throws HelperException {
        if (paramsLen != SIGN_PARAMS_BYTES) {
            throw new HelperException("incorrect zs_aws_v4_sign_params size: expected " + SIGN_PARAMS_BYTES
                    + ", got " + Long.toUnsignedString(paramsLen));
        }
        if ((params & 7) != 0) {
            throw new HelperException("misaligned zs_aws_v4_sign_params pointer");
        }
        ByteBuffer p = ByteBuffer.wrap(m.read(params, SIGN_PARAMS_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        long[] f = new long[18];
        for (int i = 0; i < f.length; i++) {
            f[i] = p.getLong();
        }
        // The same sanity limits as zeroserve: anything larger is a script bug, answered softly.
        if (Long.compareUnsigned(f[1], 256) > 0 || Long.compareUnsigned(f[3], 256) > 0
                || Long.compareUnsigned(f[5], 64) > 0 || Long.compareUnsigned(f[7], 64) > 0
                || Long.compareUnsigned(f[9], 64) > 0 || Long.compareUnsigned(f[11], 1024) > 0
                || !presign && Long.compareUnsigned(f[14], 256) > 0) {
            return -1;
        }
        String accessKey = Guest.str(m, f[0], f[1]);
        String secretKey = Guest.str(m, f[2], f[3]);
        String region = Guest.str(m, f[4], f[5]);
        String service = Guest.str(m, f[6], f[7]);
        String method = Guest.str(m, f[8], f[9]);
        String uri = Guest.str(m, f[10], f[11]);
        long headersHandle = f[12];
        String bodyHash = presign ? "UNSIGNED-PAYLOAD" : Guest.str(m, f[13], f[14]);
        long timestampMs = f[15];
        long out = f[16];
        long outLen = f[17];
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (headersHandle != 0) {
            JsonNode h = ctx.json(headersHandle).node;
            if (!h.isObject()) {
                return -2;
            }
            for (Map.Entry<String, JsonNode> e : h.object().entrySet()) {
                if (e.getValue().kind() == JsonNode.Kind.STRING) {
                    headers.add(Map.entry(e.getKey(), e.getValue().string()));
                }
            }
        }
        if (timestampMs < 0) {
            return -2;
        }
        SigV4.Request request = new SigV4.Request(accessKey, secretKey, region, service, method,
                uri.isEmpty() ? "/" : uri, headers, bodyHash, timestampMs);
        String result = presign ? SigV4.presignedUrl(request, expires) : SigV4.authorizationHeader(request);
        return Guest.cstr(m, out, outLen, result);
    }
}
