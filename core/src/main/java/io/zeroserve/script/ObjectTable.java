package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;

import java.util.Arrays;

/**
 * A script context's handle table: small integers from 1 up, never reused, at most {@link #MAX_LIVE} live.
 *
 * <p>Two parallel arrays of slots, made on the first handle (most runs make none) and grown up to
 * {@link #MAX_LIVE}: with so few live handles a scan beats hashing boxed keys.
 */
final class ObjectTable {
    static final int MAX_LIVE = 32;
    private static final int INITIAL_SLOTS = 4;

    /** The handle in each slot; meaningful only where {@link #cursors} is non-null. */
    private long[] ids;
    private JsonCursor[] cursors;
    private int live;
    /** Slots below this index are all taken (the next free slot is at or after it). */
    private int firstFree;
    /** One past the highest slot ever used: lookups scan no further. */
    private int high;
    private long next = 1;

    long add(JsonCursor cursor) throws HelperException {
        if (live >= MAX_LIVE) {
            throw new HelperException("too many live objects (limit " + MAX_LIVE + ")");
        }
        if (cursors == null) {
            ids = new long[INITIAL_SLOTS];
            cursors = new JsonCursor[INITIAL_SLOTS];
        }
        int slot = firstFree;
        while (slot < cursors.length && cursors[slot] != null) {
            slot++;
        }
        if (slot == cursors.length) {
            int size = Math.min(MAX_LIVE, cursors.length * 2);
            ids = Arrays.copyOf(ids, size);
            cursors = Arrays.copyOf(cursors, size);
        }
        long id = next++;
        ids[slot] = id;
        cursors[slot] = cursor;
        firstFree = slot + 1;
        high = Math.max(high, slot + 1);
        live++;
        return id;
    }

    /** The cursor of a handle; an unknown handle is a hard failure. */
    JsonCursor get(long handle) throws HelperException {
        int slot = slotOf(handle);
        if (slot < 0) {
            throw new HelperException("invalid object handle " + handle);
        }
        return cursors[slot];
    }

    void free(long handle) throws HelperException {
        int slot = slotOf(handle);
        if (slot < 0) {
            throw new HelperException("invalid object index " + handle);
        }
        cursors[slot] = null;
        live--;
        firstFree = Math.min(firstFree, slot);
    }

    int live() {
        return live;
    }

    private int slotOf(long handle) {
        if (cursors == null || handle <= 0 || handle >= next) {
            return -1;
        }
        for (int i = 0; i < high; i++) {
            if (ids[i] == handle && cursors[i] != null) {
                return i;
            }
        }
        return -1;
    }
}
