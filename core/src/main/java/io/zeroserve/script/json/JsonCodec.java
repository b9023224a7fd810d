package io.zeroserve.script.json;

import jakarta.json.JsonException;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;

/** Parses {@link JsonNode} trees with jakarta.json (Parsson) and writes them compactly. Thread-safe. */
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

    /**
     * Compact serialization, exactly as Parsson's generator writes it: no whitespace, {@code "} and backslash
     * escaped, {@code \b \f \n \r \t} short escapes, other control characters as lowercase {@code \\u00xx},
     * everything else (including {@code /} and non-ASCII) as is; numbers as {@link java.math.BigDecimal#toString()}.
     * Written here rather than through a generator: a generator per response costs more than the whole write.
     */
    public static String serialize(JsonNode node) {
        StringBuilder out = new StringBuilder(64);
        write(out, node);
        return out.toString();
    }

    /**
     * {@link #serialize} encoded as UTF-8, written straight to bytes (a lone surrogate becomes {@code ?}, as
     * {@link String#getBytes} encodes it).
     */
    public static byte[] serializeUtf8(JsonNode node) {
        Utf8Out out = new Utf8Out();
        writeUtf8(out, node);
        return Arrays.copyOf(out.buf, out.len);
    }

    /** A growable byte buffer, just enough for {@link #writeUtf8}. */
    private static final class Utf8Out {
        byte[] buf = new byte[128];
        int len;

        void ensure(int more) {
            if (len + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }

        void put(int b) {
            ensure(1);
            buf[len++] = (byte) b;
        }

        void putAscii(String s) {
            int n = s.length();
            ensure(n);
            for (int i = 0; i < n; i++) {
                buf[len++] = (byte) s.charAt(i);
            }
        }
    }

    private static void writeUtf8(Utf8Out out, JsonNode node) {
        switch (node.kind()) {
            case NULL -> out.putAscii("null");
            case BOOL -> out.putAscii(node.bool() ? "true" : "false");
            case NUMBER -> out.putAscii(node.number().toString());
            case STRING -> writeStringUtf8(out, node.string());
            case ARRAY -> {
                out.put('[');
                boolean first = true;
                for (JsonNode e : node.array()) {
                    if (!first) {
                        out.put(',');
                    }
                    first = false;
                    writeUtf8(out, e);
                }
                out.put(']');
            }
            case OBJECT -> {
                out.put('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> e : node.object().entrySet()) {
                    if (!first) {
                        out.put(',');
                    }
                    first = false;
                    writeStringUtf8(out, e.getKey());
                    out.put(':');
                    writeUtf8(out, e.getValue());
                }
                out.put('}');
            }
        }
    }

    /** {@link #writeString}'s escaping, encoded as UTF-8 on the way. */
    private static void writeStringUtf8(Utf8Out out, String s) {
        int n = s.length();
        out.ensure(n + 2); // the common case (ASCII, nothing to escape) needs no further growth
        out.put('"');
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    out.put(c);
                    continue;
                }
                out.put('\\');
                switch (c) {
                    case '"' -> out.put('"');
                    case '\\' -> out.put('\\');
                    case '\b' -> out.put('b');
                    case '\f' -> out.put('f');
                    case '\n' -> out.put('n');
                    case '\r' -> out.put('r');
                    case '\t' -> out.put('t');
                    default -> {
                        out.putAscii("u00");
                        out.put(HEX[c >> 4]);
                        out.put(HEX[c & 0xf]);
                    }
                }
            } else if (c < 0x800) {
                out.put(0xc0 | c >> 6);
                out.put(0x80 | c & 0x3f);
            } else if (Character.isSurrogate(c)) {
                char low = i + 1 < n ? s.charAt(i + 1) : 0;
                if (Character.isHighSurrogate(c) && Character.isLowSurrogate(low)) {
                    int cp = Character.toCodePoint(c, low);
                    out.put(0xf0 | cp >> 18);
                    out.put(0x80 | cp >> 12 & 0x3f);
                    out.put(0x80 | cp >> 6 & 0x3f);
                    out.put(0x80 | cp & 0x3f);
                    i++;
                } else {
                    out.put('?');
                }
            } else {
                out.put(0xe0 | c >> 12);
                out.put(0x80 | c >> 6 & 0x3f);
                out.put(0x80 | c & 0x3f);
            }
        }
        out.put('"');
    }

    private static void write(StringBuilder out, JsonNode node) {
        switch (node.kind()) {
            case NULL -> out.append("null");
            case BOOL -> out.append(node.bool() ? "true" : "false");
            case NUMBER -> out.append(node.number().toString());
            case STRING -> writeString(out, node.string());
            case ARRAY -> {
                out.append('[');
                boolean first = true;
                for (JsonNode e : node.array()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(out, e);
                }
                out.append(']');
            }
            case OBJECT -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> e : node.object().entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    writeString(out, e.getKey());
                    out.append(':');
                    write(out, e.getValue());
                }
                out.append('}');
            }
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void writeString(StringBuilder out, String s) {
        out.append('"');
        int len = s.length();
        int run = 0; // start of the pending run of characters that need no escape
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, run, i);
            run = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        out.append(s, run, len);
        out.append('"');
    }
}
