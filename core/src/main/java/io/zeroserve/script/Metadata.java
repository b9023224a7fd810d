package io.zeroserve.script;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The per-request metadata map ({@code zs_meta_get}/{@code zs_meta_set}): one per request, shared by every script,
 * {@code zs_call} callee and response hook. Keys under {@link #RESPONSE_HEADER_PREFIX} become response headers;
 * all values feed {@code <zs-meta>} templating. Not thread-safe.
 */
public final class Metadata {
    public static final String RESPONSE_HEADER_PREFIX = "zs.response.header.";

    /** Empty and immutable until the first put (most requests set no metadata). */
    private Map<String, String> entries = Map.of();
    /** How many keys start with {@link #RESPONSE_HEADER_PREFIX} (keys are never removed). */
    private int responseHeaderKeys;

    /** The value, or null. */
    public String get(String key) {
        return entries.get(key);
    }

    public void put(String key, String value) {
        if (entries.isEmpty()) {
            entries = new LinkedHashMap<>();
        }
        if (entries.put(key, value) == null && key.startsWith(RESPONSE_HEADER_PREFIX)) {
            responseHeaderKeys++;
        }
    }

    /** True when some {@code zs.response.header.*} key is set (valid as a header or not). */
    public boolean hasResponseHeaders() {
        return responseHeaderKeys > 0;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(entries);
    }

    /**
     * Sets (replacing) every {@code zs.response.header.<name>} entry on {@code head}. Entries whose name or
     * value is not a valid header field are skipped.
     */
    public void applyResponseHeaders(ResponseHead head) {
        forEachResponseHeader(head::set);
    }

    /**
     * Calls {@code to} with (name, value) for every {@code zs.response.header.<name>} entry that is a valid header
     * field, in the order {@link #applyResponseHeaders} applies them (each replaces earlier fields of its name).
     */
    public void forEachResponseHeader(BiConsumer<String, String> to) {
        if (responseHeaderKeys == 0) {
            return;
        }
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (!e.getKey().startsWith(RESPONSE_HEADER_PREFIX)) {
                continue;
            }
            String name = e.getKey().substring(RESPONSE_HEADER_PREFIX.length());
            if (HttpSyntax.isToken(name) && HttpSyntax.isFieldValue(e.getValue())) {
                to.accept(name, e.getValue());
            }
        }
    }
}
