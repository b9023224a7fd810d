package io.zeroserve.ebpf;

import java.time.Duration;

/**
 * Runtime limits.
 *
 * @param stackBytes      guest stack per invocation (default 32 KiB)
 * @param maxFrameBytes   verifier limit for one function's frame (default 8 KiB)
 * @param timeSlice       a run yields its (virtual) thread after this much CPU (default 2 ms)
 * @param throttleAfter   continuous CPU after which a run sleeps between slices (default 20 ms; zero = never)
 * @param cpuBudget       hard CPU budget per invocation, then a {@link ProgramFault.Kind#CPU_BUDGET} fault
 *                        (default zero = none)
 */
public record RuntimeOptions(int stackBytes, int maxFrameBytes, Duration timeSlice, Duration throttleAfter,
                             Duration cpuBudget) {
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(32 * 1024, 8 * 1024, Duration.ofMillis(2), Duration.ofMillis(20), Duration.ZERO);
    }
}
