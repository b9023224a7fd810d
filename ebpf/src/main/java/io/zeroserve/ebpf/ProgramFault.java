package io.zeroserve.ebpf;

/**
 * A run that ended abnormally: a memory violation, a helper error, a CPU budget overrun. Messages are stable
 * lowercase phrases, for example {@code out of bounds store at 0x10000 (8 bytes) in zeroserve.request pc 41}.
 */
public final class ProgramFault extends Exception {
    /**
     * What kind of fault; tests and the server's logs match on it. {@code CANCELLED}: the running thread was
     * interrupted; the run stopped at its next poll (within about one epoch tick) with the interrupt still set.
     */
    public enum Kind { LOAD_OUT_OF_BOUNDS, STORE_OUT_OF_BOUNDS, HELPER_ERROR, CPU_BUDGET, CALL_DEPTH, DIVISION, INTERNAL,
        CANCELLED }

    private final Kind kind;
    private final String section;
    private final String codeSection;
    private final int pc;
    private final long address;
    private final int width;

    public ProgramFault(Kind kind, String section, int pc, String message) {
        this(kind, section, pc, message, 0, 0);
    }

    /**
     * @param address the guest address of a faulting load or store (0 for other kinds)
     * @param width   the access width in bytes (0 for other kinds)
     */
    public ProgramFault(Kind kind, String section, int pc, String message, long address, int width) {
        this(kind, section, section, pc, message, address, width);
    }

    /**
     * @param codeSection the section holding the faulting instruction (differs from {@code section}, the entry,
     *                    when the fault happened in a function of another section called from the entry)
     */
    public ProgramFault(Kind kind, String section, String codeSection, int pc, String message, long address,
                        int width) {
        super(message);
        this.kind = kind;
        this.section = section;
        this.codeSection = codeSection;
        this.pc = pc;
        this.address = address;
        this.width = width;
    }

    /** For {@link Kind#LOAD_OUT_OF_BOUNDS} and {@link Kind#STORE_OUT_OF_BOUNDS}: the guest address accessed. */
    public long address() {
        return address;
    }

    /** For memory faults: the access width in bytes (1, 2, 4 or 8); 0 otherwise. */
    public int width() {
        return width;
    }

    public Kind kind() {
        return kind;
    }

    /** The entry point (section) that was running. */
    public String section() {
        return section;
    }

    /** The section holding the instruction at {@link #pc()}: the entry, or a section its calls reached. */
    public String codeSection() {
        return codeSection;
    }

    /** Instruction index in {@link #codeSection()} where the fault happened, or -1 when not tied to one. */
    public int pc() {
        return pc;
    }
}
