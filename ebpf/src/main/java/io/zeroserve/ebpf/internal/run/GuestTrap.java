package io.zeroserve.ebpf.internal.run;

import io.zeroserve.ebpf.ProgramFault;

/**
 * How a fault leaves guest code (translated or interpreted): an unchecked exception without a stack trace, caught at
 * the edge of {@code invoke} and turned into a {@link ProgramFault}. Never escapes the runtime.
 */
public final class GuestTrap extends RuntimeException {
    private final ProgramFault.Kind kind;
    private final String section;
    private final int pc;

    public GuestTrap(ProgramFault.Kind kind, String section, int pc, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.section = section;
        this.pc = pc;
    }

    public ProgramFault toFault() {
        return new ProgramFault(kind, section, pc, getMessage());
    }

    public ProgramFault.Kind kind() {
        return kind;
    }
}
