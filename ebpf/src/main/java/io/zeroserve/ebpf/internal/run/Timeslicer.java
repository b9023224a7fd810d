package io.zeroserve.ebpf.internal.run;

import java.util.concurrent.TimeUnit;

/**
 * The clock and the two ways a long run gives way: yield the (virtual) thread, or sleep. Tests substitute a fake
 * to drive preemption without depending on timing.
 *
 * <p>WARNING: called on the script's thread inside a run; implementations must not call back into the program.
 */
public interface Timeslicer {
    long nanoTime();

    void yieldNow();

    void sleep(long nanos) throws InterruptedException;

    Timeslicer SYSTEM = new Timeslicer() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void yieldNow() {
            Thread.yield(); // on a virtual thread: unmounts and lets other virtual threads on this carrier run
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    };
}
