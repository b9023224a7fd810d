package io.zeroserve.ebpf.internal;

import static io.zeroserve.ebpf.internal.isa.Op.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.ProgramFault;
import io.zeroserve.ebpf.RuntimeOptions;
import io.zeroserve.ebpf.internal.run.LoadedProgram;
import io.zeroserve.ebpf.internal.translate.Translator;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Loops the translator generates without a fuel check (a provably small trip count): the shapes it accepts compute
 * the same as the interpreter, and near misses that never terminate keep their check and hit the CPU budget.
 */
class BoundedLoopsTest {
    private static final RuntimeOptions BUDGET = new RuntimeOptions(32 * 1024, 8192, Duration.ofMillis(2),
            Duration.ofMillis(20), Duration.ofMillis(50));

    private static LoadedProgram load(ProgramLoader.Mode mode, Consumer<Asm> program) throws Exception {
        Asm a = new Asm().section("test");
        program.accept(a);
        return a.load(mode, BUDGET, new FakeTimeslicer(1_000_000L));
    }

    private static Set<Integer> bounded(LoadedProgram jit) {
        return ((Translator.Report) jit.translation()).boundedLoops().getOrDefault(0, Set.of());
    }

    private static void accepted(Consumer<Asm> program, Set<Integer> headers, long expect) throws Exception {
        LoadedProgram jit = load(ProgramLoader.Mode.JIT, program);
        assertEquals(headers, bounded(jit));
        for (LoadedProgram p : new LoadedProgram[] {jit, load(ProgramLoader.Mode.INTERPRETER, program)}) {
            assertEquals(expect, p.invoke(new Invocation("test", new byte[0], null, 0)));
        }
    }

    private static void endless(Consumer<Asm> program) throws Exception {
        LoadedProgram jit = load(ProgramLoader.Mode.JIT, program);
        assertEquals(Set.of(), bounded(jit));
        ProgramFault f = assertThrows(ProgramFault.class,
                () -> jit.invoke(new Invocation("test", new byte[0], null, 0)));
        assertEquals(ProgramFault.Kind.CPU_BUDGET, f.kind());
    }

    @Test
    void clangsCountedLoopWithExitTestBeforeTheBackEdge() throws Exception {
        // r6 = 0; do { r0 += r6; r6 += 4; } while (r6 != 96), as `if r6 == 96 goto out; goto h`.
        accepted(a -> a.movi(0, 0).movi(6, 0).label("h").alu64(ADD, 0, 6).alu64i(ADD, 6, 4)
                .jmpi(JMP | JEQ, 6, 96, "out").ja("h").label("out").exit(), Set.of(2), 1104);
    }

    @Test
    void conditionalBackEdges() throws Exception {
        accepted(a -> a.movi(0, 0).movi(6, 0).label("h").alu64(ADD, 0, 6).alu64i(ADD, 6, 1)
                .jmpi(JMP | JNE, 6, 100, "h").exit(), Set.of(2), 4950);
        // Unsigned `<` from a start that wraps past 2^64: -4 + 8 = 4, 12, ..., 60, 68: nine iterations.
        accepted(a -> a.movi(0, 0).lddw(6, -4L).label("h").alu64i(ADD, 0, 1).alu64i(ADD, 6, 8)
                .jmpi(JMP | JLT, 6, 64, "h").exit(), Set.of(3), 9);
    }

    @Test
    void nestedCountedLoopsWithForwardBranches() throws Exception {
        accepted(a -> a.movi(0, 0).movi(7, 0).label("outer").movi(6, 0).label("inner")
                .jmpi(JMP | JSET, 6, 1, "odd").alu64i(ADD, 0, 1).label("odd").alu64i(ADD, 6, 1)
                .jmpi(JMP | JNE, 6, 10, "inner").alu64i(ADD, 7, 1).jmpi(JMP | JNE, 7, 7, "outer").exit(),
                Set.of(2, 3), 35);
    }

    @Test
    void nearMissesKeepTheirCheck() throws Exception {
        // K - s not a multiple of the step: 3, 6, 9, 12, ... never equals 10.
        endless(a -> a.movi(0, 0).movi(6, 0).label("h").alu64i(ADD, 6, 3).jmpi(JMP | JEQ, 6, 10, "out")
                .ja("h").label("out").exit());
        // The increment skipped by a branch (r7 is 0, so always).
        endless(a -> a.movi(0, 0).movi(6, 0).movi(7, 0).label("h").jmpi(JMP | JEQ, 7, 0, "skip")
                .alu64i(ADD, 6, 1).label("skip").jmpi(JMP | JEQ, 6, 10, "out").ja("h").label("out").exit());
        // The exit test skipped by a branch.
        endless(a -> a.movi(0, 0).movi(6, 0).movi(7, 0).label("h").alu64i(ADD, 6, 1)
                .jmpi(JMP | JEQ, 7, 0, "back").jmpi(JMP | JEQ, 6, 10, "out").label("back").ja("h")
                .label("out").exit());
        // Entered by a jump, not from the straight-line code that sets the start: r6 starts at 1, steps by 2.
        endless(a -> a.movi(0, 0).movi(6, 1).ja("h").movi(6, 0).label("h").alu64i(ADD, 6, 2)
                .jmpi(JMP | JEQ, 6, 10, "out").ja("h").label("out").exit());
        // A second write of the counter.
        endless(a -> a.movi(0, 0).movi(6, 0).label("h").alu64i(ADD, 6, 4).alu64i(ADD, 6, 1)
                .jmpi(JMP | JEQ, 6, 8, "out").ja("h").label("out").exit());
        // A signed bound from a negative start is not small: (runs 2^63 / 1 iterations).
        endless(a -> a.movi(0, 0).lddw(6, Long.MIN_VALUE).label("h").alu64i(ADD, 6, 1)
                .jmpi(JMP | JSLT, 6, 64, "h").exit());
        // A counted loop whose body holds an endless loop.
        endless(a -> a.movi(0, 0).movi(6, 0).label("h").alu64i(ADD, 6, 1).label("spin").alu64i(ADD, 0, 1)
                .jmpi(JMP | JNE, 0, 0, "spin").jmpi(JMP | JNE, 6, 10, "h").exit());
    }

    @Test
    void theFuelOfAnEnclosingLoopCountsItsBoundedLoops() throws Exception {
        // An endless outer loop around a bounded inner one still hits the budget.
        LoadedProgram jit = load(ProgramLoader.Mode.JIT, a -> a.movi(0, 0).label("outer").movi(6, 0)
                .label("inner").alu64i(ADD, 6, 1).jmpi(JMP | JNE, 6, 1000, "inner").ja("outer").exit());
        assertTrue(bounded(jit).contains(2));
        ProgramFault f = assertThrows(ProgramFault.class,
                () -> jit.invoke(new Invocation("test", new byte[0], null, 0)));
        assertEquals(ProgramFault.Kind.CPU_BUDGET, f.kind());
    }
}
