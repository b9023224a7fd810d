package io.zeroserve.ebpf.internal;

import static io.zeroserve.ebpf.internal.isa.Op.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.ebpf.LoadException;
import io.zeroserve.ebpf.Program;
import io.zeroserve.ebpf.RuntimeOptions;

import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/** Load failures name the section, the instruction index, the instruction disassembled, and the reason. */
class LoadErrorsTest {
    static String error(Consumer<Asm> p) {
        Asm a = new Asm().section("s");
        p.accept(a);
        return assertThrows(LoadException.class, () -> a.load(ProgramLoader.Mode.INTERPRETER)).getMessage();
    }

    @Test
    void verifierMessages() {
        assertEquals("asm: section s instruction 0 (r10 = 1): r10 is read-only",
                error(a -> a.movi(10, 1).exit()));
        assertEquals("asm: section s instruction 1 (r0 += 1): control falls off the end of the function",
                error(a -> a.movi(0, 0).alu64i(ADD, 0, 1)));
        assertEquals("asm: section s instruction 0 (goto +5): jump target 6 lies outside the function "
                + "(instructions 0 to 1)", error(a -> a.ins(JMP | JA, 0, 0, 5, 0).exit()));
        assertEquals("asm: section s instruction 0 (goto +2): jump lands on the second slot of lddw",
                error(a -> a.ins(JMP | JA, 0, 0, 2, 0).movi(0, 0).lddw(1, 5).exit()));
        assertEquals("asm: section s instruction 0 (unknown opcode 0xff): unknown ALU operation",
                error(a -> a.ins(0xff, 0, 0, 0, 0).exit()));
        assertEquals("asm: section s instruction 0 (r0 = be24 r0): byte swap width must be 16, 32 or 64",
                error(a -> a.ins(ALU | X | END, 0, 0, 0, 24).exit()));
        assertEquals("asm: section s instruction 0 (w0 = (s32)w1): invalid sign-extension width 32 for movsx",
                error(a -> a.ins(ALU | X | MOV, 0, 1, 32, 0).exit()));
        assertEquals("asm: section s instruction 0 (atomic *(u64 *)(r10 - 8) op 0x10 r1): "
                + "unknown atomic operation 0x10", error(a -> a.ins(STX | ATOMIC | DW, 10, 1, -8, 0x10).exit()));
        assertEquals("asm: section s instruction 0 (call 7): call to unknown helper index 7",
                error(a -> a.ins(CALL_OP, 0, 0, 0, 7).exit()));
        assertEquals("asm: section s instruction 0 (call 3 (src 2)): kfunc calls are not supported",
                error(a -> a.ins(CALL_OP, 0, 2, 0, 3).exit()));
        assertEquals("asm: section s instruction 0 (unknown opcode 0x20): legacy packet access instructions are "
                + "not supported", error(a -> a.ins(LD | ABS | W, 0, 0, 0, 0).exit()));
        assertEquals("asm: section s instruction 0 (r0 = *(u64 *)(r11 + 0)): invalid register",
                error(a -> a.ldx(DW, 0, 11, 0).exit()));
    }

    @Test
    void callGraphRules() {
        String rec = error(a -> a.call("f").exit().label("f").call("f").exit());
        assertEquals("asm: section s instruction 2 (call -1): recursion: this function is reached again "
                + "through its own calls", rec);
        String deep = error(a -> {
            for (int i = 0; i < 9; i++) {
                a.label("f" + i).call("f" + (i + 1)).exit();
            }
            a.label("f9").exit();
        });
        assertEquals("asm: section s instruction 0 (call +1): call chain is 10 functions deep; the limit is 8",
                deep);
        String frame = error(a -> a.st(DW, 10, -8200, 0).exit());
        assertEquals("asm: section s instruction 0 (*(u64 *)(r10 - 8200) = 0): function frame is 8208 bytes; "
                + "the limit is 8192 (compile with -mllvm -bpf-stack-size=8192)", frame);
    }

    @Test
    void elfMessages() {
        var ex = assertThrows(LoadException.class, () -> Program.load("x.o", new byte[] {1, 2, 3},
                HelperTable.builder().build(), RuntimeOptions.defaults()));
        assertEquals("x.o: invalid ELF: not an ELF file (bad magic)", ex.getMessage());
    }

    @Test
    void unknownAndUnsupportedHelpersAreNamed() {
        byte[] elf = io.zeroserve.ebpf.ClangAccess.compile("""
                extern u64 zs_missing(u64);
                extern u64 zs_later(u64);
                __attribute__((section("zeroserve.request"))) u64 e(void) { return zs_missing(1); }
                __attribute__((section("zeroserve.tls"))) u64 t(void) { return zs_later(1); }
                """);
        var ex = assertThrows(LoadException.class, () -> Program.load("site/a.o", elf,
                HelperTable.builder().add("zs_later", (c, a, b, d, e, f) -> 0).build(), RuntimeOptions.defaults()));
        assertEquals("site/a.o: section zeroserve.request instruction 1: unknown helper zs_missing",
                ex.getMessage());
        ex = assertThrows(LoadException.class, () -> Program.load("site/a.o", elf,
                HelperTable.builder().add("zs_missing", (c, a, b, d, e, f) -> 0)
                        .unsupported("zs_later", "needs --enable-later").build(), RuntimeOptions.defaults()));
        assertTrue(ex.getMessage().startsWith("site/a.o: section zeroserve.tls instruction "), ex.getMessage());
        assertTrue(ex.getMessage().endsWith(": helper zs_later is not supported: needs --enable-later"),
                ex.getMessage());
    }
}
