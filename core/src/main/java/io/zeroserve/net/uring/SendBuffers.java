package io.zeroserve.net.uring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * Native buffers that writes copy into before the kernel sends them: at most {@code max} buffers of {@code size}
 * bytes, created on first use and reused. A connection holds at most two (one the kernel sends from, one staged);
 * when all are taken, further writers park until one comes back, which bounds the transport's send memory to
 * {@code max * size} however many peers stop reading.
 *
 * <p>Memory belongs to a shared arena closed by {@link #close()}, after every poller has stopped (no send can be in
 * flight then).
 */
final class SendBuffers implements AutoCloseable {
    private final int size;
    private final int max;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<MemorySegment> free = new ConcurrentLinkedQueue<>();
    private final Arena arena = Arena.ofShared();

    SendBuffers(int size, int max) {
        this.size = size;
        this.max = max;
        this.permits = new Semaphore(max);
    }

    /** Takes a buffer, parking while none is free. An interrupt closes {@code owner} (NIO semantics). */
    MemorySegment acquire(UringConnection owner) throws IOException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            owner.requestClose(true);
            throw new ClosedByInterruptException();
        }
        MemorySegment b = free.poll();
        if (b == null) {
            try {
                b = arena.allocate(size, 64);
            } catch (RuntimeException e) {
                permits.release();
                throw e;
            }
        }
        return b;
    }

    void release(MemorySegment buffer) {
        free.offer(buffer);
        permits.release();
    }

    /** Buffers taken and not yet released. */
    int inUse() {
        return max - permits.availablePermits();
    }

    @Override
    public void close() {
        arena.close();
    }
}
