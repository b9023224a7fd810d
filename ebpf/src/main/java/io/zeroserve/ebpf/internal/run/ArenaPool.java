package io.zeroserve.ebpf.internal.run;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Pooled arenas of one program: a fixed set of slots taken with {@code getAndSet(null)} and returned with
 * {@code compareAndSet(null, ctx)}; no allocation on the hot path. When every slot is empty (more concurrent runs
 * than slots) a fresh arena is made, and on release a full pool drops it for the GC.
 */
public final class ArenaPool {
    private final AtomicReferenceArray<RunContext> slots;
    private final Supplier<RunContext> factory;
    private final int mask;

    public ArenaPool(Supplier<RunContext> factory) {
        int n = Integer.highestOneBit(Math.max(8, Runtime.getRuntime().availableProcessors() * 4) - 1) << 1;
        this.slots = new AtomicReferenceArray<>(n);
        this.mask = n - 1;
        this.factory = factory;
    }

    private static int hint() {
        return (int) Thread.currentThread().threadId() * 0x9E3779B9;
    }

    public RunContext acquire() {
        int h = hint();
        for (int i = 0; i <= mask; i++) {
            int s = (h + i) & mask;
            if (slots.getPlain(s) != null) {
                RunContext c = slots.getAndSet(s, null);
                if (c != null) {
                    return c;
                }
            }
        }
        return factory.get();
    }

    public void release(RunContext c) {
        int h = hint();
        for (int i = 0; i <= mask; i++) {
            int s = (h + i) & mask;
            if (slots.getPlain(s) == null && slots.compareAndSet(s, null, c)) {
                return;
            }
        }
    }
}
