package io.zeroserve.ebpf.internal.isa;

import static io.zeroserve.ebpf.internal.isa.Op.*;

import java.util.function.IntFunction;

/** Renders one instruction in the syntax of {@code llvm-objdump -d} for BPF, for error messages. */
public final class Disassembler {
    private Disassembler() {
    }

    public static String disassemble(long w) {
        return disassemble(w, 0L, null);
    }

    /**
     * @param next        the following slot (only used by {@code lddw})
     * @param helperNames names helper indices in {@code call}, or null
     */
    public static String disassemble(long w, long next, IntFunction<String> helperNames) {
        int opcode = Insn.opcode(w), dst = Insn.dst(w), src = Insn.src(w), off = Insn.off(w), imm = Insn.imm(w);
        int cls = cls(opcode);
        switch (cls) {
            case ALU, ALU64 -> {
                String p = cls == ALU64 ? "r" : "w";
                String d = p + dst;
                String s = (opcode & X) != 0 ? p + src : Integer.toString(imm);
                int code = code(opcode);
                String name = switch (code) {
                    case ADD -> "+=";
                    case SUB -> "-=";
                    case MUL -> "*=";
                    case DIV -> off == 1 ? "s/=" : "/=";
                    case OR -> "|=";
                    case AND -> "&=";
                    case LSH -> "<<=";
                    case RSH -> ">>=";
                    case MOD -> off == 1 ? "s%=" : "%=";
                    case XOR -> "^=";
                    case ARSH -> "s>>=";
                    default -> null;
                };
                if (name != null) {
                    return d + " " + name + " " + s;
                }
                if (code == NEG) {
                    return d + " = -" + d;
                }
                if (code == MOV) {
                    if (off != 0 && (opcode & X) != 0) {
                        return d + " = (s" + off + ")" + p + src;
                    }
                    return d + " = " + s;
                }
                if (code == END) {
                    if (cls == ALU64) {
                        return "r" + dst + " = bswap" + imm + " r" + dst;
                    }
                    return "r" + dst + " = " + ((opcode & X) != 0 ? "be" : "le") + imm + " r" + dst;
                }
                return unknown(opcode);
            }
            case JMP, JMP32 -> {
                int code = code(opcode);
                if (cls == JMP && code == CALL) {
                    if (src == CALL_LOCAL) {
                        return "call " + signed(imm);
                    }
                    if (src == CALL_HELPER && helperNames != null) {
                        return "call " + helperNames.apply(imm);
                    }
                    return "call " + imm + (src != 0 ? " (src " + src + ")" : "");
                }
                if (cls == JMP && code == EXIT) {
                    return "exit";
                }
                if (code == JA) {
                    return cls == JMP ? "goto " + signed(off) : "gotol " + signed(imm);
                }
                String p = cls == JMP ? "r" : "w";
                String s = (opcode & X) != 0 ? p + src : Integer.toString(imm);
                String cmp = switch (code) {
                    case JEQ -> "==";
                    case JGT -> ">";
                    case JGE -> ">=";
                    case JSET -> "&";
                    case JNE -> "!=";
                    case JSGT -> "s>";
                    case JSGE -> "s>=";
                    case JLT -> "<";
                    case JLE -> "<=";
                    case JSLT -> "s<";
                    case JSLE -> "s<=";
                    default -> null;
                };
                if (cmp == null) {
                    return unknown(opcode);
                }
                return "if " + p + dst + " " + cmp + " " + s + " goto " + signed(off);
            }
            case LD -> {
                if (opcode == LDDW) {
                    return "r" + dst + " = 0x" + Long.toHexString(Insn.imm64(w, next)) + " ll"
                            + (src != 0 ? " (src " + src + ")" : "");
                }
                return unknown(opcode);
            }
            case LDX -> {
                String t = type(opcode);
                if (mode(opcode) == MEMSX) {
                    t = "s" + t.substring(1);
                }
                return "r" + dst + " = *(" + t + " *)(r" + src + " " + offset(off) + ")";
            }
            case ST -> {
                return "*(" + type(opcode) + " *)(r" + dst + " " + offset(off) + ") = " + imm;
            }
            case STX -> {
                String mem = "*(" + type(opcode) + " *)(r" + dst + " " + offset(off) + ")";
                if (mode(opcode) == ATOMIC) {
                    String s = (size(opcode) == DW ? "r" : "w") + src;
                    return switch (imm) {
                        case 0x00 -> "lock " + mem + " += " + s;
                        case 0x40 -> "lock " + mem + " |= " + s;
                        case 0x50 -> "lock " + mem + " &= " + s;
                        case 0xa0 -> "lock " + mem + " ^= " + s;
                        case 0x01 -> s + " = atomic_fetch_add(" + mem + ", " + s + ")";
                        case 0x41 -> s + " = atomic_fetch_or(" + mem + ", " + s + ")";
                        case 0x51 -> s + " = atomic_fetch_and(" + mem + ", " + s + ")";
                        case 0xa1 -> s + " = atomic_fetch_xor(" + mem + ", " + s + ")";
                        case XCHG -> s + " = xchg(" + mem + ", " + s + ")";
                        case CMPXCHG -> "r0 = cmpxchg(" + mem + ", r0, " + s + ")";
                        default -> "atomic " + mem + " op 0x" + Integer.toHexString(imm) + " " + s;
                    };
                }
                return mem + " = r" + src;
            }
            default -> {
                return unknown(opcode);
            }
        }
    }

    private static String type(int opcode) {
        return switch (size(opcode)) {
            case W -> "u32";
            case H -> "u16";
            case B -> "u8";
            default -> "u64";
        };
    }

    private static String offset(int off) {
        return off < 0 ? "- " + (-off) : "+ " + off;
    }

    private static String signed(int v) {
        return v < 0 ? Integer.toString(v) : "+" + v;
    }

    private static String unknown(int opcode) {
        return "unknown opcode 0x" + String.format("%02x", opcode);
    }
}
