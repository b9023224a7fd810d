package io.zeroserve.script.json;

import jakarta.json.JsonException;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;

/** Parses and writes {@link JsonNode} trees with jakarta.json (Parsson). Thread-safe. */
public final class JsonCodec {
    // Looking the provider up is a service-loader scan: do it once.
    private static final JsonProvider PROVIDER = JsonProvider.provider();

    /** Nesting deeper than this is rejected, so a hostile document cannot exhaust the host's stack or heap. */
    public static final int MAX_DEPTH = 512;

    private JsonCodec() {
    }

    /** Parses one complete JSON text (UTF-8); empty if it is not valid JSON or nests deeper than 512. */
    public static Optional<JsonNode> parse(byte[] utf8) {
        String text;
        try {
            // Strict: a lenient reader would turn invalid UTF-8 into U+FFFD and accept it.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        return parse(text);
    }

    /** Parses one complete JSON text; empty if it is not valid JSON or nests deeper than 512. */
    public static Optional<JsonNode> parse(String text) {
        try (JsonParser parser = PROVIDER.createParser(new StringReader(text))) {
            Deque<JsonNode> stack = new ArrayDeque<>();
            Deque<String> keys = new ArrayDeque<>();
            JsonNode root = null;
            String key = null;
            while (parser.hasNext()) {
                JsonParser.Event event = parser.next();
                JsonNode value = null;
                switch (event) {
                    case KEY_NAME -> {
                        key = parser.getString();
                        continue;
                    }
                    case START_OBJECT, START_ARRAY -> {
                        if (stack.size() >= MAX_DEPTH) {
                            return Optional.empty();
                        }
                        JsonNode container = event == JsonParser.Event.START_OBJECT
                                ? JsonNode.newObject() : JsonNode.newArray();
                        attach(stack, key, container);
                        if (stack.isEmpty()) {
                            root = container;
                        }
                        stack.push(container);
                        keys.push(key == null ? "" : key);
                        key = null;
                        continue;
                    }
                    case END_OBJECT, END_ARRAY -> {
                        stack.pop();
                        keys.pop();
                        continue;
                    }
                    case VALUE_STRING -> value = JsonNode.of(parser.getString());
                    case VALUE_NUMBER -> value = JsonNode.of(parser.getBigDecimal());
                    case VALUE_TRUE -> value = JsonNode.of(true);
                    case VALUE_FALSE -> value = JsonNode.of(false);
                    case VALUE_NULL -> value = JsonNode.ofNull();
                }
                if (stack.isEmpty()) {
                    root = value;
                } else {
                    attach(stack, key, value);
                }
                key = null;
            }
            return Optional.ofNullable(root);
        } catch (JsonException | IllegalStateException | ArithmeticException | java.util.NoSuchElementException e) {
            return Optional.empty();
        }
    }

    private static void attach(Deque<JsonNode> stack, String key, JsonNode value) {
        JsonNode parent = stack.peek();
        if (parent == null) {
            return;
        }
        if (parent.isObject()) {
            // Duplicate keys: the last one wins, as in most parsers.
            parent.object().put(key, value);
        } else {
            parent.array().add(value);
        }
    }

    /** Compact serialization. */
    public static String serialize(JsonNode node) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = PROVIDER.createGenerator(out)) {
            write(g, null, node);
        }
        return out.toString();
    }

    public static byte[] serializeUtf8(JsonNode node) {
        return serialize(node).getBytes(StandardCharsets.UTF_8);
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
}
