package io.zeroserve.script.json;

import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** JsonCodec writes byte for byte what Parsson's generator writes (scripts saw that output before). */
class JsonCodecTest {
    private static final JsonProvider PARSSON = JsonProvider.provider();

    private static String parsson(JsonNode node) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = PARSSON.createGenerator(out)) {
            write(g, null, node);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, String key, JsonNode node) {
        switch (node.kind()) {
            case NULL -> {
                if (key == null) g.writeNull(); else g.writeNull(key);
            }
            case BOOL -> {
                if (key == null) g.write(node.bool()); else g.write(key, node.bool());
            }
            case NUMBER -> {
                if (key == null) g.write(node.number()); else g.write(key, node.number());
            }
            case STRING -> {
                if (key == null) g.write(node.string()); else g.write(key, node.string());
            }
            case ARRAY -> {
                if (key == null) g.writeStartArray(); else g.writeStartArray(key);
                for (JsonNode e : node.array()) {
                    write(g, null, e);
                }
                g.writeEnd();
            }
            case OBJECT -> {
                if (key == null) g.writeStartObject(); else g.writeStartObject(key);
                for (Map.Entry<String, JsonNode> e : node.object().entrySet()) {
                    write(g, e.getKey(), e.getValue());
                }
                g.writeEnd();
            }
        }
    }

    private static void same(JsonNode node) {
        String expected = parsson(node);
        assertEquals(expected, JsonCodec.serialize(node));
        assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), JsonCodec.serializeUtf8(node));
    }

    @Test
    void everyCharacterIsWrittenAsParssonWritesIt() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x800; c++) {
            same(JsonNode.of(String.valueOf(c)));
            all.append(c);
        }
        for (int c = 0x800; c <= 0xffff; c += 7) {
            same(JsonNode.of("a" + (char) c + "b")); // lone surrogates included: both become '?' in UTF-8
        }
        same(JsonNode.of(all.toString()));
        same(JsonNode.of("emoji \uD83D\uDE00 and \"quotes\" \\ / \u2028"));
        for (char c = 0xd800; c <= 0xdfff; c++) {
            same(JsonNode.of("x" + c)); // a lone surrogate at the end
            same(JsonNode.of(c + "\uDE00y")); // high + low is a pair; anything else is two lone halves
        }
        same(JsonNode.of("\uDE00\uD83D")); // reversed pair
        JsonNode o = JsonNode.newObject();
        o.object().put(all.toString(), JsonNode.of(all.toString()));
        o.object().put("", JsonNode.of(""));
        same(o);
    }

    @Test
    void scalarsAndNestingAreWrittenAsParssonWritesThem() {
        for (String n : new String[] {"0", "-0", "1", "-17", "1.50", "1E+3", "1e-7", "123456789012345678901234567890",
                "0.000001", "-2.5E-10", "9223372036854775807"}) {
            same(JsonNode.of(new BigDecimal(n)));
        }
        same(JsonNode.of(Long.MIN_VALUE));
        same(JsonNode.of(true));
        same(JsonNode.of(false));
        same(JsonNode.ofNull());
        same(JsonNode.newArray());
        same(JsonNode.newObject());
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            same(randomTree(random, 4));
        }
    }

    private static JsonNode randomTree(Random r, int depth) {
        int kind = r.nextInt(depth > 0 ? 6 : 4);
        switch (kind) {
            case 0:
                return JsonNode.ofNull();
            case 1:
                return JsonNode.of(r.nextBoolean());
            case 2:
                return JsonNode.of(BigDecimal.valueOf(r.nextLong(), r.nextInt(12) - 6));
            case 3:
                return JsonNode.of(randomString(r));
            case 4: {
                JsonNode a = JsonNode.newArray();
                for (int i = r.nextInt(4); i > 0; i--) {
                    a.array().add(randomTree(r, depth - 1));
                }
                return a;
            }
            default: {
                JsonNode o = JsonNode.newObject();
                for (int i = r.nextInt(4); i > 0; i--) {
                    o.object().put(randomString(r), randomTree(r, depth - 1));
                }
                return o;
            }
        }
    }

    private static String randomString(Random r) {
        String pool = "ab\"\\/\n\t\u0001\u001f\u007f é€\uD83D\uDE00";
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(8); i > 0; i--) {
            s.append(pool.charAt(r.nextInt(pool.length())));
        }
        return s.toString();
    }
}
