package io.zeroserve.ebpf.internal;

import static io.zeroserve.ebpf.internal.isa.Op.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.internal.run.LoadedProgram;
import io.zeroserve.ebpf.internal.translate.Translator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Per-instruction conformance (RFC 9669 semantics plus the edge cases of ebpf-runtime-notes §9), each case run on
 * the interpreter and on the translator. Cases are data: name, program, expected r0.
 */
class ConformanceTest {
    record Case(String name, Consumer<Asm> program, long expect) {
    }

    static final List<Case> CASES = new ArrayList<>();

    static void c(String name, long expect, Consumer<Asm> p) {
        CASES.add(new Case(name, p, expect));
    }

    static Consumer<Asm> bin(int cls, int code, int off, long a, long b) {
        return m -> m.lddw(0, a).lddw(1, b).ins(cls | X | code, 0, 1, off, 0).exit();
    }

    static Consumer<Asm> bini(int cls, int code, int off, long a, int imm) {
        return m -> m.lddw(0, a).ins(cls | K | code, 0, 0, off, imm).exit();
    }

    static Consumer<Asm> jmp(int op, long a, long b) {
        return m -> m.lddw(1, a).lddw(2, b).movi(0, 1).jmp(op | X, 1, 2, "t").movi(0, 0).label("t").exit();
    }

    static Consumer<Asm> jmpi(int op, long a, int imm) {
        return m -> m.lddw(1, a).movi(0, 1).jmpi(op | K, 1, imm, "t").movi(0, 0).label("t").exit();
    }

    static final long MIN = Long.MIN_VALUE;

    static {
        // ALU64
        c("add64", 3, bin(ALU64, ADD, 0, 1, 2));
        c("add64 wraps", 0, bin(ALU64, ADD, 0, -1, 1));
        c("add64 imm sign-extends", 0xfffffffffffffffeL, bini(ALU64, ADD, 0, -1, -1));
        c("sub64", -1, bin(ALU64, SUB, 0, 1, 2));
        c("mul64", -12, bin(ALU64, MUL, 0, 3, -4));
        c("div64 unsigned", 0x7fffffffffffffffL, bin(ALU64, DIV, 0, -1, 2));
        c("div64 by zero", 0, bin(ALU64, DIV, 0, 42, 0));
        c("div64 imm -1 is unsigned max", 1, bini(ALU64, DIV, 0, -1, -1));
        c("div64 imm -1 small dividend", 0, bini(ALU64, DIV, 0, 10, -1));
        c("sdiv64", -3, bin(ALU64, DIV, 1, -7, 2));
        c("sdiv64 MIN / -1", MIN, bin(ALU64, DIV, 1, MIN, -1));
        c("sdiv64 by zero", 0, bin(ALU64, DIV, 1, -5, 0));
        c("mod64 unsigned", 5, bin(ALU64, MOD, 0, -1, 10));
        c("mod64 by zero keeps dividend", 7, bin(ALU64, MOD, 0, 7, 0));
        c("smod64 sign of dividend", -1, bin(ALU64, MOD, 1, -7, 2));
        c("smod64 MIN % -1", 0, bin(ALU64, MOD, 1, MIN, -1));
        c("smod64 by zero", -9, bini(ALU64, MOD, 1, -9, 0));
        c("or64", 0xff00ffL, bin(ALU64, OR, 0, 0xff0000L, 0xffL));
        c("and64", 0x0fL, bin(ALU64, AND, 0, 0xffL, 0x0fL));
        c("xor64", 0xf0L, bin(ALU64, XOR, 0, 0xffL, 0x0fL));
        c("lsh64 masks count", 2, bin(ALU64, LSH, 0, 1, 65));
        c("rsh64 logical", 15, bini(ALU64, RSH, 0, -1, 60));
        c("arsh64", -4, bini(ALU64, ARSH, 0, -16, 2));
        c("neg64", -5, m -> m.movi(0, 5).ins(ALU64 | NEG, 0, 0, 0, 0).exit());
        c("mov64 imm sign-extends", -1, m -> m.movi(0, -1).exit());
        c("movsx64 8", -128, m -> m.movi(1, 0x180).ins(ALU64 | X | MOV, 0, 1, 8, 0).exit());
        c("movsx64 16", -32768, m -> m.movi(1, 0x18000).ins(ALU64 | X | MOV, 0, 1, 16, 0).exit());
        c("movsx64 32", -2147483648L, m -> m.lddw(1, 0x180000000L).ins(ALU64 | X | MOV, 0, 1, 32, 0).exit());
        // ALU32: low word, zero-extended
        c("add32 zero-extends", 0, bin(ALU, ADD, 0, 0xffffffffL, 1));
        c("add32 ignores high bits", 3, bin(ALU, ADD, 0, 0x500000001L, 0x700000002L));
        c("sub32", 0xffffffffL, bin(ALU, SUB, 0, 0, 1));
        c("mul32", 0xfffffff4L, bin(ALU, MUL, 0, 3, -4));
        c("mov32 imm zero-extends", 0xffffffffL, m -> m.alu32i(MOV, 0, -1).exit());
        c("mov32 reg truncates", 0x23456789L, m -> m.lddw(1, 0x123456789L).alu32(MOV, 0, 1).exit());
        c("movsx32 8", 0xffffff80L, m -> m.movi(1, 0x80).ins(ALU | X | MOV, 0, 1, 8, 0).exit());
        c("movsx32 16", 0xffff8000L, m -> m.movi(1, 0x8000).ins(ALU | X | MOV, 0, 1, 16, 0).exit());
        c("div32 unsigned", 0x7fffffffL, bin(ALU, DIV, 0, 0xffffffffL, 2));
        c("div32 imm unsigned", 0x7fffffffL, bini(ALU, DIV, 0, 0xfffffffeL, 2));
        c("div32 by zero", 0, bin(ALU, DIV, 0, 5, 0x100000000L));
        c("sdiv32", 0xfffffffdL, bin(ALU, DIV, 1, -7, 2));
        c("sdiv32 MIN / -1", 0x80000000L, bin(ALU, DIV, 1, 0x80000000L, -1));
        c("smod32 MIN % -1", 0, bin(ALU, MOD, 1, 0x80000000L, -1));
        c("mod32 by zero keeps low word", 5, bin(ALU, MOD, 0, 0x100000005L, 0));
        c("smod32 sign of dividend", 0xffffffffL, bin(ALU, MOD, 1, -7, 2));
        c("lsh32 masks count", 2, bini(ALU, LSH, 0, 1, 33));
        c("rsh32 ignores high bits", 0x0fffffffL, bini(ALU, RSH, 0, -1, 4));
        c("arsh32", 0xf8000000L, bini(ALU, ARSH, 0, 0x80000000L, 4));
        c("neg32", 0xfffffffbL, m -> m.movi(0, 5).ins(ALU | NEG, 0, 0, 0, 0).exit());
        c("xor32", 0xffffffffL, bini(ALU, XOR, 0, 0xffffffff00000000L, -1));
        // byte order
        c("le16", 0x5678, m -> m.lddw(0, 0x12345678L).ins(ALU | END, 0, 0, 0, 16).exit());
        c("le32", 0x23456789L, m -> m.lddw(0, 0x123456789L).ins(ALU | END, 0, 0, 0, 32).exit());
        c("le64", 0x0102030405060708L, m -> m.lddw(0, 0x0102030405060708L).ins(ALU | END, 0, 0, 0, 64).exit());
        c("be16", 0x3412, m -> m.lddw(0, 0xabcd1234L).ins(ALU | X | END, 0, 0, 0, 16).exit());
        c("be32", 0x44332211L, m -> m.lddw(0, 0x9911223344L).ins(ALU | X | END, 0, 0, 0, 32).exit());
        c("be64", 0x0807060504030201L, m -> m.lddw(0, 0x0102030405060708L).ins(ALU | X | END, 0, 0, 0, 64)
                .exit());
        c("bswap16", 0x3412, m -> m.lddw(0, 0xabcd1234L).ins(ALU64 | END, 0, 0, 0, 16).exit());
        c("bswap32", 0x44332211L, m -> m.lddw(0, 0x9911223344L).ins(ALU64 | END, 0, 0, 0, 32).exit());
        c("bswap64", 0x0807060504030201L, m -> m.lddw(0, 0x0102030405060708L).ins(ALU64 | END, 0, 0, 0, 64)
                .exit());
        // jumps, 64-bit
        c("jeq taken", 1, jmp(JMP | JEQ, 5, 5));
        c("jeq not taken", 0, jmp(JMP | JEQ, 5, 6));
        c("jeq imm sign-extends", 1, jmpi(JMP | JEQ, -1, -1));
        c("jne", 1, jmp(JMP | JNE, 5, 6));
        c("jgt unsigned", 1, jmp(JMP | JGT, -1, 1));
        c("jsgt signed", 0, jmp(JMP | JSGT, -1, 1));
        c("jge equal", 1, jmp(JMP | JGE, 7, 7));
        c("jsge", 1, jmp(JMP | JSGE, 1, -1));
        c("jlt unsigned", 0, jmp(JMP | JLT, -1, 1));
        c("jslt signed", 1, jmp(JMP | JSLT, -1, 1));
        c("jle", 1, jmp(JMP | JLE, 1, 1));
        c("jsle", 1, jmp(JMP | JSLE, MIN, 0));
        c("jset", 1, jmp(JMP | JSET, 0x10, 0x30));
        c("jset clear", 0, jmp(JMP | JSET, 0x10, 0x20));
        c("jgt imm unsigned vs sign-extended", 0, jmpi(JMP | JGT, 5, -1));
        c("jlt imm unsigned vs sign-extended", 1, jmpi(JMP | JLT, 5, -1));
        // jumps, 32-bit
        c("jeq32 ignores high bits", 1, jmpi(JMP32 | JEQ, 0x100000000L, 0));
        c("jgt32 unsigned", 1, jmp(JMP32 | JGT, 0xffffffffL, 1));
        c("jsgt32 signed", 0, jmp(JMP32 | JSGT, 0xffffffffL, 1));
        c("jslt32 imm", 1, jmpi(JMP32 | JSLT, 0x80000000L, 0));
        c("jlt32 imm", 1, jmpi(JMP32 | JLT, 3, -1));
        c("jset32", 0, jmp(JMP32 | JSET, 0x100000000L, 0x100000000L));
        c("jsle32", 1, jmp(JMP32 | JSLE, 0x80000000L, 0x7fffffffL));
        c("jge32", 0, jmp(JMP32 | JGE, 0x1_00000001L, 2));
        c("gotol", 7, m -> m.movi(0, 7).ins(JMP32 | JA, 0, 0, 0, 1).movi(0, 1).exit());
        c("goto backwards loop", 10, m -> m.movi(0, 0).label("l").alu64i(ADD, 0, 1)
                .jmpi(JMP | JLT | K, 0, 10, "l").exit());
        // memory
        c("stx/ldx dw", 0x1122334455667788L, m -> m.lddw(1, 0x1122334455667788L).stx(DW, 10, 1, -8)
                .ldx(DW, 0, 10, -8).exit());
        c("ldx w zero-extends", 0xffffffffL, m -> m.movi(1, -1).stx(DW, 10, 1, -8).ldx(W, 0, 10, -8).exit());
        c("ldx h", 0xffff, m -> m.movi(1, -1).stx(DW, 10, 1, -8).ldx(H, 0, 10, -6).exit());
        c("ldx b little-endian", 0x88, m -> m.lddw(1, 0x1122334455667788L).stx(DW, 10, 1, -8)
                .ldx(B, 0, 10, -8).exit());
        c("ldxsx b", -1, m -> m.movi(1, 0xff).stx(DW, 10, 1, -8).ins(LDX | MEMSX | B, 0, 10, -8, 0).exit());
        c("ldxsx h", -32768, m -> m.movi(1, 0x8000).stx(DW, 10, 1, -8).ins(LDX | MEMSX | H, 0, 10, -8, 0)
                .exit());
        c("ldxsx w", -2147483648L, m -> m.lddw(1, 0x80000000L).stx(DW, 10, 1, -8)
                .ins(LDX | MEMSX | W, 0, 10, -8, 0).exit());
        c("st dw sign-extends imm", -2, m -> m.st(DW, 10, -8, -2).ldx(DW, 0, 10, -8).exit());
        c("st w truncates", 0xfffffffeL, m -> m.st(DW, 10, -8, 0).st(W, 10, -8, -2).ldx(DW, 0, 10, -8).exit());
        c("st b", 0x7f, m -> m.st(DW, 10, -8, 0).st(B, 10, -8, 0x37f).ldx(DW, 0, 10, -8).exit());
        c("stx h", 0xbeef, m -> m.st(DW, 10, -8, 0).movi(1, 0x1beef).stx(H, 10, 1, -8).ldx(DW, 0, 10, -8).exit());
        c("store through derived pointer", 9, m -> m.mov(1, 10).alu64i(ADD, 1, -16).st(DW, 1, 0, 9)
                .ldx(DW, 0, 10, -16).exit());
        c("lddw", 0x123456789abcdef0L, m -> m.lddw(0, 0x123456789abcdef0L).exit());
        // atomics
        c("atomic add", 15, m -> m.st(DW, 10, -8, 10).movi(1, 5).ins(STX | ATOMIC | DW, 10, 1, -8, 0x00)
                .ldx(DW, 0, 10, -8).exit());
        c("atomic fetch add returns old", 10, m -> m.st(DW, 10, -8, 10).movi(0, 5)
                .ins(STX | ATOMIC | DW, 10, 0, -8, 0x01).exit());
        c("atomic or", 0x13, m -> m.st(DW, 10, -8, 0x10).movi(1, 3).ins(STX | ATOMIC | DW, 10, 1, -8, 0x40)
                .ldx(DW, 0, 10, -8).exit());
        c("atomic fetch and", 0x1f, m -> m.st(DW, 10, -8, 0x1f).movi(0, 3)
                .ins(STX | ATOMIC | DW, 10, 0, -8, 0x51).exit());
        c("atomic xor result", 0x1c, m -> m.st(DW, 10, -8, 0x1f).movi(1, 3)
                .ins(STX | ATOMIC | DW, 10, 1, -8, 0xa0).ldx(DW, 0, 10, -8).exit());
        c("xchg", 0x77, m -> m.st(DW, 10, -8, 0x77).movi(0, 1).ins(STX | ATOMIC | DW, 10, 0, -8, XCHG).exit());
        c("cmpxchg success stores", 99, m -> m.st(DW, 10, -8, 5).movi(0, 5).movi(1, 99)
                .ins(STX | ATOMIC | DW, 10, 1, -8, CMPXCHG).ldx(DW, 0, 10, -8).exit());
        c("cmpxchg failure returns old", 5, m -> m.st(DW, 10, -8, 5).movi(0, 6).movi(1, 99)
                .ins(STX | ATOMIC | DW, 10, 1, -8, CMPXCHG).exit());
        c("atomic32 fetch add zero-extends", 0xffffffffL, m -> m.st(DW, 10, -8, -1).movi(0, 1)
                .ins(STX | ATOMIC | W, 10, 0, -8, 0x01).exit());
        c("atomic32 add wraps in word", 0xffffffff00000000L, m -> m.st(DW, 10, -8, -1).movi(1, 1)
                .ins(STX | ATOMIC | W, 10, 1, -8, 0x00).ldx(DW, 0, 10, -8).exit());
        c("cmpxchg32 compares low word", 7, m -> m.st(DW, 10, -8, 5).lddw(0, 0x900000005L).movi(1, 7)
                .ins(STX | ATOMIC | W, 10, 1, -8, CMPXCHG).ldx(W, 0, 10, -8).exit());
        // calls
        c("local call keeps r6-r9 and moves r10", 1234, m -> m.movi(6, 1000).st(DW, 10, -8, 200).movi(1, 30)
                .call("f").alu64(ADD, 0, 6).ldx(DW, 1, 10, -8).alu64(ADD, 0, 1).exit()
                .label("f").movi(6, 0).st(DW, 10, -8, 0).alu64i(ADD, 1, 4).mov(0, 1).exit());
        c("helper call", 15, m -> m.helper("sum", (call, a, b, cc, d, e) -> a + b + cc + d + e).movi(1, 1)
                .movi(2, 2).movi(3, 3).movi(4, 4).movi(5, 5).callHelper("sum").exit());
        c("r1 and r2 point at calldata", 1, m -> m.alu64(SUB, 1, 2).movi(0, 1).jmpi(JMP | JEQ, 1, 0, "t")
                .movi(0, 0).label("t").exit());
    }

    @TestFactory
    Stream<DynamicTest> conformance() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : CASES) {
            for (ProgramLoader.Mode mode : ProgramLoader.Mode.values()) {
                tests.add(DynamicTest.dynamicTest(c.name() + " [" + mode + "]", () -> {
                    Asm a = new Asm().section("test");
                    c.program().accept(a);
                    LoadedProgram p = a.load(mode);
                    if (mode == ProgramLoader.Mode.JIT) {
                        var report = (Translator.Report) p.translation();
                        assertEquals(Map.of(), report.fallbacks(), "functions fell back to the interpreter");
                        assertTrue(report.className().contains("JitProgram"), report.className());
                    }
                    long r0 = p.invoke(new Invocation("test", new byte[0], null, 0));
                    assertEquals(c.expect(), r0, () -> String.format("%s: expected 0x%x got 0x%x", c.name(),
                            c.expect(), r0));
                }));
            }
        }
        return tests.stream();
    }
}
