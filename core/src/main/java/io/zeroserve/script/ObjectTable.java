package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;

import java.util.HashMap;
import java.util.Map;

/**
 * A script context's handle table: small integers from 1 up, never reused, at most {@link #MAX_LIVE} live.
 */
final class ObjectTable {
    static final int MAX_LIVE = 32;

    private final Map<Long, JsonCursor> objects = new HashMap<>();
    private long next = 1;

    long add(JsonCursor cursor) throws HelperException {
        if (objects.size() >= MAX_LIVE) {
            throw new HelperException("too many live objects (limit " + MAX_LIVE + ")");
        }
        long id = next++;
        objects.put(id, cursor);
        return id;
    }

    /** The cursor of a handle; an unknown handle is a hard failure. */
    JsonCursor get(long handle) throws HelperException {
        JsonCursor c = objects.get(handle);
        if (c == null) {
            throw new HelperException("invalid object handle " + handle);
        }
        return c;
    }

    void free(long handle) throws HelperException {
        if (objects.remove(handle) == null) {
            throw new HelperException("invalid object index " + handle);
        }
    }

    int live() {
        return objects.size();
    }
}
