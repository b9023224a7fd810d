package io.zeroserve.ebpf;

/**
 * Optional callbacks about a run's scheduling. When the {@link Invocation#host()} object implements this interface,
 * the runtime calls it on the run's own thread.
 *
 * <p>WARNING: called from inside the run's preemption check; keep it short and never call back into the program.
 */
public interface RunObserver {
    /**
     * The run has kept the CPU past {@link RuntimeOptions#throttleAfter()} and from now on sleeps between its
     * slices. Called once per run.
     *
     * @param section the entry point being run
     */
    void throttled(String section);
}
