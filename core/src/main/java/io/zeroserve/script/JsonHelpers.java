package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.script.json.JsonCodec;
import io.zeroserve.script.json.JsonNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The handle-based JSON helpers. A handle is a cursor into a document: {@code zs_json_get} returns a new cursor
 * into the same document, mutations through any cursor are seen by all, {@code zs_json_reset} goes back to the
 * root. Soft failures (wrong type, missing key, bad index) return -1; an unknown handle is a hard failure.
 */
final class JsonHelpers {
    /** Footprint of a cursor that shares an existing document. */
    private static final long CURSOR_BYTES = 32;

    private JsonHelpers() {
    }

    static void register(HelperTable.Builder b) {
        b.add("zs_json_parse", (c, data, len, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            byte[] bytes = Guest.bytes(c.memory(), data, len);
            ctx.charge(bytes.length);
            Optional<JsonNode> parsed = JsonCodec.parse(bytes);
            return parsed.isEmpty() ? -1 : ctx.addJson(parsed.get());
        });
        b.add("zs_load_static_json", (c, p, len, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            String path = Guest.str(c.memory(), p, len);
            SiteFiles site = siteOf(ctx, "zs_load_static_json");
            byte[] bytes = site.read(path);
            if (bytes == null) {
                return -1;
            }
            ctx.charge(bytes.length);
            Optional<JsonNode> parsed = JsonCodec.parse(bytes);
            return parsed.isEmpty() ? -1 : ctx.addJson(parsed.get());
        });
        b.add("zs_load_file_metadata", (c, p, len, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            String path = Guest.str(c.memory(), p, len);
            SiteFiles.FileInfo info = siteOf(ctx, "zs_load_file_metadata").info(path);
            if (info == null) {
                return -1;
            }
            JsonNode o = JsonNode.newObject();
            o.object().put("size", JsonNode.of(info.size()));
            o.object().put("etag", JsonNode.of(info.etag()));
            o.object().put("mtime", JsonNode.of(info.mtime()));
            return ctx.addJson(o);
        });
        b.add("zs_json_reset", (c, h, r2, r3, r4, r5) -> {
            JsonCursor cur = ScriptContext.of(c).json(h);
            cur.node = cur.root;
            return 0;
        });
        b.add("zs_json_get", (c, h, key, keyLen, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            JsonCursor cur = ctx.json(h);
            String k = Guest.str(c.memory(), key, keyLen);
            if (!cur.node.isObject()) {
                return -1;
            }
            JsonNode child = cur.node.object().get(k);
            return child == null ? -1 : addCursor(ctx, cur, child);
        });
        b.add("zs_json_array_get", (c, h, index, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            JsonCursor cur = ctx.json(h);
            if (!cur.node.isArray() || index < 0 || index >= cur.node.array().size()) {
                return -1;
            }
            return addCursor(ctx, cur, cur.node.array().get((int) index));
        });
        b.add("zs_json_read_string", (c, h, out, outLen, r4, r5) -> {
            JsonCursor cur = ScriptContext.of(c).json(h);
            if (cur.node.kind() != JsonNode.Kind.STRING) {
                return -1;
            }
            byte[] value = cur.node.string().getBytes(StandardCharsets.UTF_8);
            // Unlike the other C-string outputs, out_len = 0 asks for the length here.
            return outLen == 0 ? value.length : Guest.cstr(c.memory(), out, outLen, value);
        });
        b.add("zs_json_read_i64", (c, h, out, outLen, r4, r5) -> {
            JsonCursor cur = ScriptContext.of(c).json(h);
            if (Long.compareUnsigned(outLen, 8) < 0 || cur.node.kind() != JsonNode.Kind.NUMBER) {
                return -1;
            }
            Long value = exactLong(cur.node.number());
            if (value == null) {
                return -1;
            }
            c.memory().writeLong(out, value);
            return 8;
        });
        b.add("zs_json_read_bool", (c, h, out, outLen, r4, r5) -> {
            JsonCursor cur = ScriptContext.of(c).json(h);
            if (outLen == 0 || cur.node.kind() != JsonNode.Kind.BOOL) {
                return -1;
            }
            c.memory().write(out, new byte[] {(byte) (cur.node.bool() ? 1 : 0)});
            return 1;
        });
        b.add("zs_object_free", (c, h, r2, r3, r4, r5) -> {
            ScriptContext.of(c).objects().free(h);
            return 0;
        });
        b.add("zs_json_new_object", (c, r1, r2, r3, r4, r5) -> ScriptContext.of(c).addJson(JsonNode.newObject()));
        b.add("zs_json_new_array", (c, r1, r2, r3, r4, r5) -> ScriptContext.of(c).addJson(JsonNode.newArray()));
        b.add("zs_json_clone", (c, h, r2, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            return ctx.addJson(ctx.json(h).node.deepCopy());
        });
        b.add("zs_json_len", (c, h, r2, r3, r4, r5) -> {
            JsonNode n = ScriptContext.of(c).json(h).node;
            return switch (n.kind()) {
                case ARRAY -> n.array().size();
                case OBJECT -> n.object().size();
                case STRING -> n.string().getBytes(StandardCharsets.UTF_8).length;
                default -> -1;
            };
        });
        b.add("zs_json_type", (c, h, r2, r3, r4, r5) -> ScriptContext.of(c).json(h).node.kind().ordinal());
        b.add("zs_json_set", (c, h, key, keyLen, valueHandle, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            JsonNode target = ctx.json(h).node;
            JsonNode value = ctx.json(valueHandle).node;
            String k = Guest.str(c.memory(), key, keyLen);
            if (!target.isObject()) {
                return -1;
            }
            JsonNode copy = value.deepCopy();
            ctx.charge(48 + 2L * k.length() + copy.footprint());
            target.object().put(k, copy);
            return 0;
        });
        b.add("zs_json_remove", (c, h, key, keyLen, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            JsonNode target = ctx.json(h).node;
            String k = Guest.str(c.memory(), key, keyLen);
            if (!target.isObject() || !target.object().containsKey(k)) {
                return -1;
            }
            target.object().remove(k);
            return 0;
        });
        b.add("zs_json_array_push", (c, h, valueHandle, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            JsonNode target = ctx.json(h).node;
            JsonNode value = ctx.json(valueHandle).node;
            if (!target.isArray()) {
                return -1;
            }
            JsonNode copy = value.deepCopy();
            ctx.charge(8 + copy.footprint());
            target.array().add(copy);
            return target.array().size();
        });
        b.add("zs_json_array_set", (c, h, index, valueHandle, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            JsonNode target = ctx.json(h).node;
            JsonNode value = ctx.json(valueHandle).node;
            if (!target.isArray() || index < 0 || index >= target.array().size()) {
                return -1;
            }
            JsonNode copy = value.deepCopy();
            ctx.charge(copy.footprint());
            target.array().set((int) index, copy);
            return 0;
        });
        b.add("zs_json_set_string", (c, h, p, len, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            JsonNode target = ctx.json(h).node;
            String s = Guest.str(c.memory(), p, len);
            ctx.charge(32 + 2L * s.length());
            target.set(s);
            return 0;
        });
        b.add("zs_json_set_i64", (c, h, value, r3, r4, r5) -> {
            ScriptContext.of(c).json(h).node.set(value);
            return 0;
        });
        b.add("zs_json_set_bool", (c, h, value, r3, r4, r5) -> {
            ScriptContext.of(c).json(h).node.set(value != 0);
            return 0;
        });
        b.add("zs_json_set_null", (c, h, r2, r3, r4, r5) -> {
            ScriptContext.of(c).json(h).node.setNull();
            return 0;
        });
    }

    private static long addCursor(ScriptContext ctx, JsonCursor from, JsonNode node) throws HelperException {
        ctx.charge(CURSOR_BYTES);
        return ctx.objects().add(new JsonCursor(from.root, node));
    }

    private static SiteFiles siteOf(ScriptContext ctx, String helper) throws HelperException {
        SiteFiles site = ctx.run.chain.site();
        if (site == null) {
            throw new HelperException(helper + ": there is no site (the server runs a standalone script)");
        }
        return site;
    }

    private static Long exactLong(BigDecimal d) {
        try {
            return d.longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }
}
