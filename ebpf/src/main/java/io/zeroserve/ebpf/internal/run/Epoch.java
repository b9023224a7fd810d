package io.zeroserve.ebpf.internal.run;

import java.util.concurrent.locks.LockSupport;

/**
 * The global epoch (wasmtime's epoch interruption): a daemon ticker bumps {@link #ticks} every tick period, and
 * guest code compares it with the value its run saw last, at every loop back-edge and function entry. The compare is
 * one volatile load (a plain load on x86, but HotSpot may not hoist it out of the loop) and a rarely taken branch.
 *
 * <p>The ticker runs only while scripts run: a run marks the epoch used when it starts and whenever it polls; after
 * a second in which nobody did, the ticker stops, and the next run starts it again.
 */
public final class Epoch {
    /** Bumped by the ticker; read by generated code with {@code getstatic}. */
    public static volatile long ticks;

    private static volatile boolean used;
    private static volatile boolean running;
    private static volatile long periodNanos = 1_000_000L;
    private static final Object LOCK = new Object();

    private Epoch() {
    }

    /** Requests a tick period no longer than half of {@code sliceNanos} (never below 100 µs). */
    public static void requestPeriod(long sliceNanos) {
        long p = Math.max(100_000L, sliceNanos / 2);
        synchronized (LOCK) {
            if (p < periodNanos) {
                periodNanos = p;
            }
        }
    }

    /** The current tick period in nanoseconds. */
    public static long periodNanos() {
        return periodNanos;
    }

    /** Called when a run starts and when it polls: keeps the ticker alive. */
    public static void markUsed() {
        if (!used) {
            used = true;
        }
        if (!running) {
            start();
        }
    }

    private static void start() {
        synchronized (LOCK) {
            if (running) {
                return;
            }
            running = true;
            Thread t = new Thread(Epoch::tickLoop, "zeroserve-ebpf-epoch");
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            t.start();
        }
    }

    private static void tickLoop() {
        long idleSince = System.nanoTime();
        while (true) {
            LockSupport.parkNanos(periodNanos);
            ticks++; // single writer: the ticker thread
            long now = System.nanoTime();
            if (used) {
                used = false;
                idleSince = now;
            } else if (now - idleSince > 1_000_000_000L) {
                synchronized (LOCK) {
                    running = false;
                    // Dekker-style re-check: a run sets used, then reads running; we cleared running, then read used.
                    if (!used) {
                        return;
                    }
                    running = true;
                }
                idleSince = now;
            }
        }
    }
}
