package io.zeroserve.script.json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mutable JSON value, the model behind script JSON handles. A node can change type in place
 * ({@code zs_json_set_string} on an object node turns it into a string), which is why this is one class with a
 * kind rather than a hierarchy. Not thread-safe: a node belongs to one request.
 */
public final class JsonNode {
    /** The codes {@code zs_json_type} returns, in order. */
    public enum Kind { NULL, BOOL, NUMBER, STRING, ARRAY, OBJECT }

    private Kind kind;
    private boolean bool;
    private BigDecimal number;
    private String string;
    private List<JsonNode> array;
    private Map<String, JsonNode> object;

    private JsonNode(Kind kind) {
        this.kind = kind;
    }

    public static JsonNode ofNull() {
        return new JsonNode(Kind.NULL);
    }

    public static JsonNode of(boolean value) {
        JsonNode n = new JsonNode(Kind.BOOL);
        n.bool = value;
        return n;
    }

    public static JsonNode of(long value) {
        return of(BigDecimal.valueOf(value));
    }

    public static JsonNode of(BigDecimal value) {
        JsonNode n = new JsonNode(Kind.NUMBER);
        n.number = value;
        return n;
    }

    public static JsonNode of(String value) {
        JsonNode n = new JsonNode(Kind.STRING);
        n.string = value;
        return n;
    }

    public static JsonNode newArray() {
        JsonNode n = new JsonNode(Kind.ARRAY);
        n.array = new ArrayList<>();
        return n;
    }

    public static JsonNode newObject() {
        // The member map comes on first use: scripts often turn a new object into a scalar right away
        // (zs_json_new_object then zs_json_set_string is how a string value is made).
        return new JsonNode(Kind.OBJECT);
    }

    public Kind kind() {
        return kind;
    }

    public boolean bool() {
        return bool;
    }

    public BigDecimal number() {
        return number;
    }

    public String string() {
        return string;
    }

    /** The live element list of an array node (mutations are visible to every cursor). */
    public List<JsonNode> array() {
        return array;
    }

    /** The live member map of an object node, in insertion order. */
    public Map<String, JsonNode> object() {
        if (object == null && kind == Kind.OBJECT) {
            object = new LinkedHashMap<>();
        }
        return object;
    }

    public boolean isObject() {
        return kind == Kind.OBJECT;
    }

    public boolean isArray() {
        return kind == Kind.ARRAY;
    }

    /** Replaces this node's value with a deep copy of {@code other}'s, keeping this node's identity. */
    public void assign(JsonNode other) {
        JsonNode copy = other.deepCopy();
        clear();
        kind = copy.kind;
        bool = copy.bool;
        number = copy.number;
        string = copy.string;
        array = copy.array;
        object = copy.object;
    }

    public void setNull() {
        clear();
        kind = Kind.NULL;
    }

    public void set(boolean value) {
        clear();
        kind = Kind.BOOL;
        bool = value;
    }

    public void set(long value) {
        clear();
        kind = Kind.NUMBER;
        number = BigDecimal.valueOf(value);
    }

    public void set(String value) {
        clear();
        kind = Kind.STRING;
        string = value;
    }

    private void clear() {
        bool = false;
        number = null;
        string = null;
        array = null;
        object = null;
    }

    /** An independent copy of the whole subtree. */
    public JsonNode deepCopy() {
        return switch (kind) {
            case NULL -> ofNull();
            case BOOL -> of(bool);
            case NUMBER -> of(number);
            case STRING -> of(string);
            case ARRAY -> {
                JsonNode n = newArray();
                for (JsonNode e : array) {
                    n.array.add(e.deepCopy());
                }
                yield n;
            }
            case OBJECT -> {
                JsonNode n = newObject();
                if (object != null && !object.isEmpty()) {
                    Map<String, JsonNode> members = n.object();
                    for (Map.Entry<String, JsonNode> e : object.entrySet()) {
                        members.put(e.getKey(), e.getValue().deepCopy());
                    }
                }
                yield n;
            }
        };
    }

    /**
     * A rough count of the host memory this subtree holds, in bytes, for the per-request footprint budget:
     * 32 bytes per node plus two bytes per character of strings and keys.
     */
    public long footprint() {
        return switch (kind) {
            case NULL, BOOL, NUMBER -> 32;
            case STRING -> 32 + 2L * string.length();
            case ARRAY -> {
                long sum = 32;
                for (JsonNode e : array) {
                    sum += 8 + e.footprint();
                }
                yield sum;
            }
            case OBJECT -> {
                long sum = 32;
                if (object == null) {
                    yield sum;
                }
                for (Map.Entry<String, JsonNode> e : object.entrySet()) {
                    sum += 48 + 2L * e.getKey().length() + e.getValue().footprint();
                }
                yield sum;
            }
        };
    }

    @Override
    public String toString() {
        return JsonCodec.serialize(this);
    }
}
