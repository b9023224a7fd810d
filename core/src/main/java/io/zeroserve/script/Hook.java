package io.zeroserve.script;

import io.zeroserve.script.json.JsonNode;

/** A registered response hook: {@code zeroserve.call.<function>} of {@code script}, with its own input copy. */
record Hook(String script, String function, JsonNode input) {
}
