package io.zeroserve.ebpf.internal.isa;

/** Opcode fields and values of RFC 9669 §3-§5, with the spec's spelling. */
public final class Op {
    private Op() {
    }

    // Instruction classes (RFC 9669 §3.3).
    public static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, JMP32 = 0x06,
            ALU64 = 0x07;

    // Source bit for ALU and JMP classes (§4, §5).
    public static final int K = 0x00, X = 0x08;

    // Arithmetic operation codes (§4.1).
    public static final int ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60,
            RSH = 0x70, NEG = 0x80, MOD = 0x90, XOR = 0xa0, MOV = 0xb0, ARSH = 0xc0, END = 0xd0;

    // Jump operation codes (§4.3).
    public static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40, JNE = 0x50, JSGT = 0x60,
            JSGE = 0x70, CALL = 0x80, EXIT = 0x90, JLT = 0xa0, JLE = 0xb0, JSLT = 0xc0, JSLE = 0xd0;

    // Load/store modes and sizes (§5).
    public static final int IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, MEMSX = 0x80, ATOMIC = 0xc0;
    public static final int W = 0x00, H = 0x08, B = 0x10, DW = 0x18;

    // Atomic operations in imm (§5.3).
    public static final int FETCH = 0x01, XCHG = 0xe0 | FETCH, CMPXCHG = 0xf0 | FETCH;

    public static final int LDDW = LD | IMM | DW;
    public static final int CALL_OP = JMP | CALL;
    public static final int EXIT_OP = JMP | EXIT;

    /** CALL src values: helper by id, BPF-to-BPF by pc-relative imm, kfunc (unsupported). */
    public static final int CALL_HELPER = 0, CALL_LOCAL = 1, CALL_KFUNC = 2;

    public static int cls(int opcode) {
        return opcode & 0x07;
    }

    public static int code(int opcode) {
        return opcode & 0xf0;
    }

    public static int mode(int opcode) {
        return opcode & 0xe0;
    }

    public static int size(int opcode) {
        return opcode & 0x18;
    }

    public static int width(int opcode) {
        return switch (size(opcode)) {
            case W -> 4;
            case H -> 2;
            case B -> 1;
            default -> 8;
        };
    }

    public static boolean isJump(int opcode) {
        int c = cls(opcode);
        return (c == JMP || c == JMP32) && code(opcode) != CALL && code(opcode) != EXIT;
    }

    /** Whether control may continue at the next instruction. */
    public static boolean fallsThrough(int opcode) {
        int c = cls(opcode);
        if (c != JMP && c != JMP32) {
            return true;
        }
        int code = code(opcode);
        return code != JA && code != EXIT;
    }
}
