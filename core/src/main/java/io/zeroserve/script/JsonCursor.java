package io.zeroserve.script;

import io.zeroserve.script.json.JsonNode;

/** What a JSON handle names: a position ({@code node}) inside a document ({@code root}). */
final class JsonCursor {
    final JsonNode root;
    JsonNode node;

    JsonCursor(JsonNode root, JsonNode node) {
        this.root = root;
        this.node = node;
    }

    static JsonCursor of(JsonNode root) {
        return new JsonCursor(root, root);
    }
}
