package io.zeroserve.net.nio;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers that {@link NioConnection#write(io.zeroserve.net.Connection.Producer)} lets a producer fill before
 * {@code write(2)} sends them, so those bytes take no detour through a heap array and the JDK's temporary direct
 * buffer. At most {@code max} are taken at once and at most that many are kept for reuse; when all are taken a
 * writer gets none and falls back to a heap buffer, so a peer that stops reading pins at most the one buffer of its
 * writer and never makes other writers wait.
 *
 * <p>Memory: ordinary direct buffers, freed by the garbage collector once dropped from the pool.
 */
final class DirectBuffers {
    private final int size;
    private final int max;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger taken = new AtomicInteger();

    DirectBuffers(int size, int max) {
        this.size = size;
        this.max = max;
    }

    /** A cleared buffer of {@link #size()} bytes, or null when {@code max} are taken already. */
    ByteBuffer take() {
        if (taken.incrementAndGet() > max) {
            taken.decrementAndGet();
            return null;
        }
        ByteBuffer b = free.poll();
        if (b == null) {
            try {
                b = ByteBuffer.allocateDirect(size);
            } catch (OutOfMemoryError e) {
                taken.decrementAndGet(); // out of direct memory: the caller falls back to the heap
                return null;
            }
        }
        return b.clear();
    }

    void release(ByteBuffer buffer) {
        free.offer(buffer);
        taken.decrementAndGet();
    }

    int size() {
        return size;
    }

    /** Buffers taken and not yet released. */
    int inUse() {
        return taken.get();
    }

    /** Drops the kept buffers (taken ones are dropped when released after this). */
    void clear() {
        free.clear();
    }
}
