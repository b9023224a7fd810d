package io.zeroserve.ebpf.internal.interp;

import static io.zeroserve.ebpf.internal.isa.Op.*;

import io.zeroserve.ebpf.internal.isa.Insn;
import io.zeroserve.ebpf.internal.run.Engine;
import io.zeroserve.ebpf.internal.run.Epoch;
import io.zeroserve.ebpf.internal.run.Layout;
import io.zeroserve.ebpf.internal.run.Ops;
import io.zeroserve.ebpf.internal.run.RunContext;
import io.zeroserve.ebpf.internal.verify.Function;
import io.zeroserve.ebpf.internal.verify.VerifiedProgram;

/**
 * The reference interpreter: the semantics the translator must match, instruction by instruction (RFC 9669 plus
 * the edge cases in {@link Ops}). Also the fallback for functions the translator cannot compile. Works on verified
 * code only, so it does not re-check fields.
 */
public final class Interpreter implements Engine {
    private static final long BASE = Layout.GUEST_BASE;
    private final VerifiedProgram program;
    private final long[] code;
    private final int[] frames;
    private final int stackBytes;

    public Interpreter(VerifiedProgram program, int stackBytes) {
        this.program = program;
        this.code = program.object().code();
        this.frames = program.functions().stream().mapToInt(Function::frameBytes).toArray();
        this.stackBytes = stackBytes;
    }

    @Override
    public long call(RunContext ctx, int fn, long r1, long r2, long r3, long r4, long r5, long fp) {
        Function f = program.functions().get(fn);
        if (fp - frames[fn] - BASE < 0) {
            throw ctx.stackOverflow(f.start());
        }
        if (Epoch.ticks != ctx.epochSeen) {
            ctx.poll(f.start());
        }
        long[] r = new long[11];
        r[1] = r1;
        r[2] = r2;
        r[3] = r3;
        r[4] = r4;
        r[5] = r5;
        r[10] = fp;
        final byte[] m = ctx.mem;
        final long loadMax = m.length;
        final long storeMax = stackBytes;
        int pc = f.start();
        while (true) {
            long w = code[pc];
            int op = (int) (w & 0xff);
            int dst = (int) ((w >>> 8) & 0xf);
            int src = (int) ((w >>> 12) & 0xf);
            int off = (short) (w >>> 16);
            int imm = (int) (w >>> 32);
            int next = pc + 1;
            switch (op & 0x07) {
                case ALU64 -> {
                    long a = r[dst];
                    long b = (op & X) != 0 ? r[src] : imm;
                    r[dst] = switch (op & 0xf0) {
                        case ADD -> a + b;
                        case SUB -> a - b;
                        case MUL -> a * b;
                        case DIV -> off == 1 ? Ops.sdiv64(a, b) : Ops.udiv64(a, b);
                        case OR -> a | b;
                        case AND -> a & b;
                        case LSH -> a << b;
                        case RSH -> a >>> b;
                        case NEG -> -a;
                        case MOD -> off == 1 ? Ops.smod64(a, b) : Ops.umod64(a, b);
                        case XOR -> a ^ b;
                        case MOV -> switch (off) {
                            case 8 -> (byte) b;
                            case 16 -> (short) b;
                            case 32 -> (int) b;
                            default -> b;
                        };
                        case ARSH -> a >> b;
                        case END -> Ops.bswap(a, imm);
                        default -> throw new IllegalStateException("unverified opcode " + op);
                    };
                }
                case ALU -> {
                    int a = (int) r[dst];
                    int b = (op & X) != 0 ? (int) r[src] : imm;
                    int v = switch (op & 0xf0) {
                        case ADD -> a + b;
                        case SUB -> a - b;
                        case MUL -> a * b;
                        case DIV -> off == 1 ? Ops.sdiv32(a, b) : Ops.udiv32(a, b);
                        case OR -> a | b;
                        case AND -> a & b;
                        case LSH -> a << b;
                        case RSH -> a >>> b;
                        case NEG -> -a;
                        case MOD -> off == 1 ? Ops.smod32(a, b) : Ops.umod32(a, b);
                        case XOR -> a ^ b;
                        case MOV -> switch (off) {
                            case 8 -> (byte) b;
                            case 16 -> (short) b;
                            default -> b;
                        };
                        case ARSH -> a >> b;
                        case END -> 0;
                        default -> throw new IllegalStateException("unverified opcode " + op);
                    };
                    if ((op & 0xf0) == END) {
                        r[dst] = (op & X) != 0 ? Ops.bswap(r[dst], imm) : Ops.le(r[dst], imm);
                    } else {
                        r[dst] = v & 0xffffffffL;
                    }
                }
                case JMP, JMP32 -> {
                    int code = op & 0xf0;
                    if (op == CALL_OP) {
                        if (src == CALL_HELPER) {
                            r[0] = ctx.callHelper(imm, pc, r[1], r[2], r[3], r[4], r[5]);
                        } else {
                            int callee = program.functionStartingAt(pc + imm + 1);
                            r[0] = call(ctx, callee, r[1], r[2], r[3], r[4], r[5], r[10] - frames[fn]);
                        }
                    } else if (op == EXIT_OP) {
                        return r[0];
                    } else {
                        boolean taken;
                        if (code == JA) {
                            taken = true;
                        } else if ((op & 7) == JMP) {
                            long a = r[dst];
                            long b = (op & X) != 0 ? r[src] : imm;
                            taken = cmp64(code, a, b);
                        } else {
                            int a = (int) r[dst];
                            int b = (op & X) != 0 ? (int) r[src] : imm;
                            taken = cmp32(code, a, b);
                        }
                        if (taken) {
                            int target = pc + 1 + (op == (JMP32 | JA) ? imm : off);
                            if (target <= pc && Epoch.ticks != ctx.epochSeen) {
                                ctx.poll(pc);
                            }
                            next = target;
                        }
                    }
                }
                case LD -> {
                    r[dst] = Insn.imm64(w, code[pc + 1]);
                    next = pc + 2;
                }
                case LDX -> {
                    int width = width(op);
                    long addr = r[src] + off;
                    long idx = addr - BASE;
                    if (Long.compareUnsigned(idx, loadMax - width) > 0) {
                        throw ctx.loadFault(pc, addr, width);
                    }
                    int i = (int) idx;
                    boolean sx = mode(op) == MEMSX;
                    r[dst] = switch (width) {
                        case 1 -> sx ? Ops.ldsx8(m, i) : Ops.ld8(m, i);
                        case 2 -> sx ? Ops.ldsx16(m, i) : Ops.ld16(m, i);
                        case 4 -> sx ? Ops.ldsx32(m, i) : Ops.ld32(m, i);
                        default -> Ops.ld64(m, i);
                    };
                }
                case ST, STX -> {
                    int width = width(op);
                    long addr = r[dst] + off;
                    long idx = addr - BASE;
                    if (Long.compareUnsigned(idx, storeMax - width) > 0) {
                        throw ctx.storeFault(pc, addr, width);
                    }
                    int i = (int) idx;
                    if (dst != 10 && i < ctx.lowWater) {
                        ctx.lowWater = i;
                    }
                    if (mode(op) == ATOMIC) {
                        long old = width == 8 ? Ops.atomic64(m, i, imm, r[src], r[0])
                                : Ops.atomic32(m, i, imm, r[src], r[0]);
                        if (imm == CMPXCHG) {
                            r[0] = old;
                        } else if ((imm & FETCH) != 0) {
                            r[src] = old;
                        }
                    } else {
                        long v = (op & 7) == ST ? imm : r[src];
                        switch (width) {
                            case 1 -> Ops.st8(m, i, v);
                            case 2 -> Ops.st16(m, i, v);
                            case 4 -> Ops.st32(m, i, v);
                            default -> Ops.st64(m, i, v);
                        }
                    }
                }
                default -> throw new IllegalStateException("unverified opcode " + op);
            }
            pc = next;
        }
    }

    public static boolean cmp64(int code, long a, long b) {
        return switch (code) {
            case JEQ -> a == b;
            case JGT -> Long.compareUnsigned(a, b) > 0;
            case JGE -> Long.compareUnsigned(a, b) >= 0;
            case JSET -> (a & b) != 0;
            case JNE -> a != b;
            case JSGT -> a > b;
            case JSGE -> a >= b;
            case JLT -> Long.compareUnsigned(a, b) < 0;
            case JLE -> Long.compareUnsigned(a, b) <= 0;
            case JSLT -> a < b;
            case JSLE -> a <= b;
            default -> throw new IllegalStateException("jump code " + code);
        };
    }

    public static boolean cmp32(int code, int a, int b) {
        return switch (code) {
            case JEQ -> a == b;
            case JGT -> Integer.compareUnsigned(a, b) > 0;
            case JGE -> Integer.compareUnsigned(a, b) >= 0;
            case JSET -> (a & b) != 0;
            case JNE -> a != b;
            case JSGT -> a > b;
            case JSGE -> a >= b;
            case JLT -> Integer.compareUnsigned(a, b) < 0;
            case JLE -> Integer.compareUnsigned(a, b) <= 0;
            case JSLT -> a < b;
            case JSLE -> a <= b;
            default -> throw new IllegalStateException("jump code " + code);
        };
    }
}
