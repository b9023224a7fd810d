package io.zeroserve.ebpf.internal.run;

/**
 * Runs BPF function {@code fn} of a program with arguments r1..r5 and frame pointer {@code fp}; returns r0.
 * Implemented by the interpreter and by each translated program's hidden class. Faults leave as {@link GuestTrap}.
 */
public interface Engine {
    long call(RunContext ctx, int fn, long r1, long r2, long r3, long r4, long r5, long fp);
}
