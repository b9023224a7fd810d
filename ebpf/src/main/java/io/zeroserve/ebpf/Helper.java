package io.zeroserve.ebpf;

/**
 * A host function a script calls by name ({@code extern} in C, bound through an {@code R_BPF_64_32} relocation).
 *
 * <p>Receives r1..r5 and returns r0. Runs on the script's thread, inside the run. WARNING: a helper must not block
 * for long (it holds the script's time slice) and must not keep the {@link HelperCall} after it returns.
 */
@FunctionalInterface
public interface Helper {
    /**
     * @throws HelperException to abort the run; it becomes a {@link ProgramFault} naming the helper
     */
    long call(HelperCall call, long r1, long r2, long r3, long r4, long r5) throws HelperException;
}
