package io.zeroserve.ebpf.internal.run;

import io.zeroserve.ebpf.ProgramFault;

/**
 * How a fault leaves guest code (translated or interpreted): an unchecked exception without a stack trace, caught at
 * the edge of {@code invoke} and turned into a {@link ProgramFault}. Never escapes the runtime.
 */
public final class GuestTrap extends RuntimeException {
    private final ProgramFault.Kind kind;
    private final String section;
    private final String codeSection;
    private final int pc;
    private final long address;
    private final int width;

    public GuestTrap(ProgramFault.Kind kind, String section, String codeSection, int pc, String message, long address,
                     int width) {
        super(message, null, false, false);
        this.kind = kind;
        this.section = section;
        this.codeSection = codeSection;
        this.pc = pc;
        this.address = address;
        this.width = width;
    }

    public ProgramFault toFault() {
        return new ProgramFault(kind, section, codeSection, pc, getMessage(), address, width);
    }

    public ProgramFault.Kind kind() {
        return kind;
    }
}
