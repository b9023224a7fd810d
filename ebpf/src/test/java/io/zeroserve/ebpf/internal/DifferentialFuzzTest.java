package io.zeroserve.ebpf.internal;

import static io.zeroserve.ebpf.internal.isa.Op.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.LoadException;
import io.zeroserve.ebpf.ProgramFault;
import io.zeroserve.ebpf.RuntimeOptions;
import io.zeroserve.ebpf.internal.isa.Disassembler;
import io.zeroserve.ebpf.internal.run.LoadedProgram;
import io.zeroserve.ebpf.internal.run.Timeslicer;
import io.zeroserve.ebpf.internal.translate.Translator;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Differential fuzzing: random valid programs run on the interpreter and on the translator (whole methods and
 * forced small regions) must give the same r0, the same stack bytes, or the same fault. Seeds are fixed, so a
 * failure reproduces; the seed is in the message.
 */
class DifferentialFuzzTest {
    static final int PROGRAMS = 300;
    static final int[] ALU_CODES = {ADD, SUB, MUL, DIV, OR, AND, LSH, RSH, NEG, MOD, XOR, MOV, ARSH, END};
    static final int[] JMP_CODES = {JEQ, JGT, JGE, JSET, JNE, JSGT, JSGE, JLT, JLE, JSLT, JSLE};
    static final int[] ATOMICS = {0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, XCHG, CMPXCHG};

    static final class Gen {
        final Random rnd;
        final Asm a = new Asm();
        int labels;
        /** Registers random instructions may use: r0 up to this one, exclusive. */
        int regLimit = 8;

        Gen(long seed) {
            rnd = new Random(seed);
            a.helper("mix", (c, r1, r2, r3, r4, r5) -> {
                long v = r1 * 0x9E3779B97F4A7C15L ^ r2 ^ (r3 << 7) ^ (r4 >>> 3) ^ r5;
                if ((v & 0xff) == 0x5a) {
                    throw new HelperException("mix refused " + Long.toHexString(v));
                }
                return v;
            });
            a.helper("poke", (c, r1, r2, r3, r4, r5) -> {
                c.memory().writeLong(r1, r2);
                return c.memory().readLong(r1 - 8 + ((r3 & 0x18) == 0x18 ? 8 : 0)) + 1;
            });
        }

        long value() {
            return switch (rnd.nextInt(6)) {
                case 0 -> rnd.nextInt(5) - 2;
                case 1 -> Long.MIN_VALUE;
                case 2 -> 0xffffffffL;
                case 3 -> 0x80000000L;
                case 4 -> rnd.nextInt();
                default -> rnd.nextLong();
            };
        }

        int reg() {
            return rnd.nextInt(regLimit); // r0..r7; r8 is a stack pointer, r9 the loop counter
        }

        int stackOff(int width) {
            return -width * (1 + rnd.nextInt(512 / width));
        }

        void body(int n, boolean allowCalls, String endLabel) {
            for (int i = 0; i < n; i++) {
                int k = rnd.nextInt(100);
                if (k < 40) {
                    alu();
                } else if (k < 52) {
                    int w = new int[] {B, H, W, DW}[rnd.nextInt(4)];
                    int width = width(w);
                    int base = rnd.nextInt(10) < 7 ? 10 : (rnd.nextInt(30) == 0 ? reg() : 8);
                    int off = base == 10 ? stackOff(width) : rnd.nextInt(129) - 64;
                    if (rnd.nextBoolean()) {
                        a.ldx(w, reg(), base, off);
                    } else if (w != DW && rnd.nextInt(4) == 0) {
                        a.ins(LDX | MEMSX | w, reg(), base, off, 0);
                    } else {
                        a.ldx(w, reg(), base, off);
                    }
                } else if (k < 64) {
                    int w = new int[] {B, H, W, DW}[rnd.nextInt(4)];
                    int width = width(w);
                    int base = rnd.nextInt(10) < 7 ? 10 : (rnd.nextInt(30) == 0 ? reg() : 8);
                    int off = base == 10 ? stackOff(width) : rnd.nextInt(129) - 64;
                    if (rnd.nextBoolean()) {
                        a.stx(w, base, reg(), off);
                    } else {
                        a.st(w, base, off, (int) value());
                    }
                } else if (k < 68) {
                    int w = rnd.nextBoolean() ? W : DW;
                    a.ins(STX | ATOMIC | w, 10, reg(), stackOff(width(w)), ATOMICS[rnd.nextInt(ATOMICS.length)]);
                } else if (k < 82) {
                    String l = endLabel != null && rnd.nextInt(8) == 0 ? endLabel : "L" + (labels++);
                    int cls = rnd.nextBoolean() ? JMP : JMP32;
                    int code = JMP_CODES[rnd.nextInt(JMP_CODES.length)];
                    if (rnd.nextBoolean()) {
                        a.jmp(cls | X | code, reg(), reg(), l);
                    } else {
                        a.jmpi(cls | K | code, reg(), (int) value(), l);
                    }
                    int skip = rnd.nextInt(4);
                    for (int j = 0; j < skip; j++) {
                        alu();
                    }
                    if (!l.equals(endLabel)) {
                        a.label(l);
                    }
                } else if (k < 86 && allowCalls) {
                    a.call("sub");
                } else if (k < 89 && allowCalls) {
                    a.callHelper("mix");
                } else if (k < 91 && allowCalls) {
                    a.mov(1, 8).alu64i(ADD, 1, -8 * rnd.nextInt(8)).callHelper("poke");
                } else if (k < 93) {
                    a.lddw(reg(), value());
                } else if (k < 95) {
                    indexed();
                } else if (allowCalls && rnd.nextInt(3) == 0) {
                    // a bounded loop: r9 counts down, the body leaves r9 alone
                    String l = "loop" + (labels++);
                    a.movi(9, 1 + rnd.nextInt(20)).label(l);
                    body(1 + rnd.nextInt(6), false, null);
                    a.alu64i(SUB, 9, 1).jmpi(JMP | JNE | K, 9, 0, l);
                } else {
                    alu();
                }
            }
        }

        /**
         * clang's array indexing, {@code ra = r10; ra += K; ra += rb}, then accesses through ra (the translator
         * computes their address as {@code rb + (r10 + K)}), with rb or ra sometimes changed in between.
         */
        void indexed() {
            int ra = reg();
            int rb = reg();
            if (ra == rb) {
                rb = (ra + 1) % regLimit;
            }
            if (rnd.nextInt(8) != 0) {
                a.movi(rb, 8 * rnd.nextInt(40) - 64);
            }
            a.mov(ra, 10).alu64i(ADD, ra, -8 * (1 + rnd.nextInt(64))).alu64(ADD, ra, rb);
            if (rnd.nextBoolean()) {
                a.alu64i(ADD, ra, 8 * rnd.nextInt(5) - 16);
            }
            for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
                int w = new int[] {B, H, W, DW}[rnd.nextInt(4)];
                int off = rnd.nextInt(33) - 16;
                switch (rnd.nextInt(4)) {
                    case 0 -> a.ldx(w, rnd.nextInt(3) == 0 ? rb : reg(), ra, off);
                    case 1 -> a.stx(w, ra, reg(), off);
                    case 2 -> a.st(w, ra, off, (int) value());
                    default -> a.alu64i(ADD, rnd.nextBoolean() ? rb : ra, 8 * rnd.nextInt(3));
                }
            }
        }

        void alu() {
            boolean is64 = rnd.nextBoolean();
            int cls = is64 ? ALU64 : ALU;
            int code = ALU_CODES[rnd.nextInt(ALU_CODES.length)];
            int dst = reg();
            switch (code) {
                case NEG -> a.ins(cls | code, dst, 0, 0, 0);
                case END -> {
                    int width = new int[] {16, 32, 64}[rnd.nextInt(3)];
                    int src = is64 ? K : (rnd.nextBoolean() ? X : K);
                    a.ins(cls | src | END, dst, 0, 0, width);
                }
                case DIV, MOD -> {
                    int off = rnd.nextInt(2);
                    if (rnd.nextBoolean()) {
                        a.ins(cls | X | code, dst, reg(), off, 0);
                    } else {
                        a.ins(cls | K | code, dst, 0, off, (int) value());
                    }
                }
                case MOV -> {
                    if (rnd.nextInt(3) == 0) {
                        int[] offs = is64 ? new int[] {8, 16, 32} : new int[] {8, 16};
                        a.ins(cls | X | MOV, dst, reg(), offs[rnd.nextInt(offs.length)], 0);
                    } else if (rnd.nextBoolean()) {
                        a.ins(cls | X | MOV, dst, reg(), 0, 0);
                    } else {
                        a.ins(cls | K | MOV, dst, 0, 0, (int) value());
                    }
                }
                default -> {
                    if (rnd.nextBoolean()) {
                        a.ins(cls | X | code, dst, reg(), 0, 0);
                    } else {
                        a.ins(cls | K | code, dst, 0, 0, (int) value());
                    }
                }
            }
        }

        /**
         * A program whose function is a nest of four counted loops (counters r9, r7, r6, r5; bodies on r0..r4 and
         * the r8 stack pointer), with random loads and stores of every width at every level: the translator
         * makes the outer levels' accesses byte by byte and the inner ones through the JDK's accessors.
         */
        Asm nestedProgram() {
            a.section("fuzz");
            for (int r = 0; r <= 4; r++) {
                a.lddw(r, value());
            }
            a.mov(8, 10).alu64i(ADD, 8, -256);
            regLimit = 5;
            int[] counters = {9, 7, 6, 5};
            for (int level = 0; level < counters.length; level++) {
                a.movi(counters[level], 1 + rnd.nextInt(3)).label("nest" + level);
                body(2 + rnd.nextInt(8), false, null);
                copy();
            }
            for (int level = counters.length - 1; level >= 0; level--) {
                body(rnd.nextInt(6), false, null);
                copy();
                a.alu64i(SUB, counters[level], 1).jmpi(JMP | JNE | K, counters[level], 0, "nest" + level);
            }
            body(rnd.nextInt(6), false, null);
            a.exit();
            return a;
        }

        /** A load of any width and signedness whose value is then stored on the stack, where the run's end sees it. */
        void copy() {
            int w = new int[] {B, H, W, DW}[rnd.nextInt(4)];
            int width = width(w);
            int base = rnd.nextInt(3) == 0 ? 8 : 10;
            int off = base == 10 ? stackOff(width) : rnd.nextInt(129) - 64;
            int r = reg();
            a.ins(LDX | (w != DW && rnd.nextBoolean() ? MEMSX : MEM) | w, r, base, off, 0);
            a.stx(DW, 10, r, stackOff(8));
        }

        Asm program() {
            a.section("fuzz");
            for (int r = 0; r <= 7; r++) {
                a.lddw(r, value());
            }
            a.mov(8, 10).alu64i(ADD, 8, -256);
            body(30 + rnd.nextInt(200), true, "end");
            a.label("end").exit();
            a.label("sub").mov(8, 10).alu64i(ADD, 8, -128);
            body(5 + rnd.nextInt(20), false, "subend");
            a.label("subend").exit();
            return a;
        }
    }

    static String outcome(LoadedProgram p, Invocation inv, byte[][] mem) {
        try {
            Object[] r = p.invokeForTest(inv);
            mem[0] = (byte[]) r[1];
            return "r0=" + Long.toHexString((Long) r[0]);
        } catch (ProgramFault f) {
            mem[0] = null;
            return "fault " + f.kind() + ": " + f.getMessage();
        }
    }

    /**
     * A loop long enough to be stopped for preemption many times: each stop leaves the translated method by a
     * return, polls, and resumes in the loop header's continuation; all ten registers and the stack must survive
     * every transfer (with a tiny test fuel: a million transfers).
     */
    @Test
    void loopsStoppedForPreemptionResumeWithTheirState() throws LoadException, ProgramFault {
        Asm a = new Asm().section("s");
        a.call("f").exit();
        a.label("f");
        for (int r = 0; r <= 8; r++) {
            a.lddw(r, 0x9E3779B97F4A7C15L * (r + 1));
        }
        a.lddw(9, 3_000_000).st(DW, 10, -8, 0);
        a.label("loop");
        for (int r = 0; r <= 8; r++) {
            a.alu64(XOR, r, (r + 1) % 9).alu64i(ADD, r, r * 7 + 1);
        }
        a.ldx(DW, 1, 10, -8).alu64(ADD, 1, 0).stx(DW, 10, 1, -8)
                .alu64i(SUB, 9, 1).jmpi(JMP | JNE | K, 9, 0, "loop")
                .ldx(DW, 1, 10, -8);
        for (int r = 1; r <= 8; r++) {
            a.alu64(ADD, 0, r);
        }
        a.exit();
        Invocation inv = new Invocation("s", new byte[0], null, 0);
        RuntimeOptions o = RuntimeOptions.defaults();
        long expect = a.load(ProgramLoader.Mode.INTERPRETER, o, Timeslicer.SYSTEM).invoke(inv);
        LoadedProgram jit = a.load(ProgramLoader.Mode.JIT, o, Timeslicer.SYSTEM);
        for (int i = 0; i < 5; i++) {
            assertEquals(expect, jit.invoke(inv));
        }
        LoadedProgram everyFewInsns = ProgramLoader.load(a.link(o), o, new ProgramLoader.Config(
                ProgramLoader.Mode.JIT, Timeslicer.SYSTEM, 0, java.util.Set.of(), 100));
        Translator.Report report = (Translator.Report) everyFewInsns.translation();
        assertTrue(report.continuationSizes().isEmpty(), "continuations generated before any preemption: "
                + report.continuationSizes().keySet());
        assertEquals(expect, everyFewInsns.invoke(inv));
        assertTrue(report.continuationSizes().keySet().stream().anyMatch(m -> m.startsWith("c1_")),
                "no continuation generated: " + report.continuationSizes().keySet());
    }

    /**
     * A continuation that cannot be generated (metaspace or host stack exhausted) ends that run with an INTERNAL
     * fault (after one immediate retry), and the next preemption of that loop tries again: the program is not
     * broken for good.
     */
    @Test
    void aFailedContinuationFaultsThatRunAndIsRetried() throws Exception {
        Asm a = new Asm().section("s");
        a.movi(0, 0).movi(6, 0);
        a.label("loop");
        a.alu64i(ADD, 0, 3).alu64i(ADD, 6, 1).jmpi(JMP | JNE | K, 6, 100, "loop");
        a.exit();
        Invocation inv = new Invocation("s", new byte[0], null, 0);
        RuntimeOptions o = RuntimeOptions.defaults();
        LoadedProgram p = ProgramLoader.load(a.link(o), o, new ProgramLoader.Config(
                ProgramLoader.Mode.JIT, Timeslicer.SYSTEM, 0, java.util.Set.of(), 3));
        // Three failures: the bootstrap's and its immediate retry (run 1), the retry in run 2.
        Translator.failNextContinuationsForTest(3);
        try {
            for (int i = 0; i < 2; i++) {
                ProgramFault f = org.junit.jupiter.api.Assertions.assertThrows(ProgramFault.class,
                        () -> p.invoke(inv));
                assertEquals(ProgramFault.Kind.INTERNAL, f.kind(), f.getMessage());
                assertTrue(f.getMessage().contains("cannot generate continuation c0_2"), f.getMessage());
            }
            assertEquals(300, p.invoke(inv));
            assertEquals(300, p.invoke(inv));
        } finally {
            Translator.failNextContinuationsForTest(0);
        }
    }

    /**
     * Continuations are generated when a loop is first preempted; programs are shared, so several threads may
     * reach the same not yet generated continuation at once. Every run must still give the interpreter's result,
     * and each continuation is generated once. A nested loop with a BPF-to-BPF call inside gives several headers
     * and a call from a continuation back into the program's class.
     */
    @Test
    void continuationsGeneratedOnFirstPreemptionAreSafeAcrossThreads() throws Exception {
        Asm a = new Asm().section("s");
        a.call("f").exit();
        a.label("f");
        a.movi(0, 1).movi(6, 0);
        a.label("outer");
        a.movi(7, 0);
        a.label("inner");
        a.mov(1, 0).mov(2, 7).call("g").alu64(ADD, 0, 6).alu64i(ADD, 7, 1).jmpi(JMP | JNE | K, 7, 50, "inner");
        a.alu64i(ADD, 6, 1).jmpi(JMP | JNE | K, 6, 40, "outer");
        a.exit();
        a.label("g");
        a.mov(0, 1).alu64i(MUL, 0, 31).alu64(XOR, 0, 2).movi(3, 0);
        a.label("spin");
        a.alu64i(ADD, 0, 3).alu64i(ADD, 3, 1).jmpi(JMP | JLT | K, 3, 5, "spin");
        a.exit();
        Invocation inv = new Invocation("s", new byte[0], null, 0);
        RuntimeOptions o = RuntimeOptions.defaults();
        long expect = a.load(ProgramLoader.Mode.INTERPRETER, o, Timeslicer.SYSTEM).invoke(inv);
        for (int round = 0; round < 5; round++) {
            LoadedProgram p = ProgramLoader.load(a.link(o), o, new ProgramLoader.Config(
                    ProgramLoader.Mode.JIT, Timeslicer.SYSTEM, 0, java.util.Set.of(), 3));
            Translator.Report report = (Translator.Report) p.translation();
            int threads = 6;
            var start = new java.util.concurrent.CountDownLatch(1);
            var results = new java.util.concurrent.ConcurrentLinkedQueue<Object>();
            Thread[] ts = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                ts[i] = new Thread(() -> {
                    try {
                        start.await();
                        for (int k = 0; k < 3; k++) {
                            results.add(p.invoke(inv));
                        }
                    } catch (Throwable t) {
                        results.add(t);
                    }
                });
                ts[i].start();
            }
            start.countDown();
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(threads * 3, results.size());
            for (Object r : results) {
                assertEquals(expect, r, "round " + round);
            }
            // f's two loop headers and g's one, each generated once.
            var names = report.continuationSizes().keySet();
            assertEquals(3, names.size(), names.toString());
            assertEquals(2, names.stream().filter(n -> n.startsWith("c1_")).count(), names.toString());
            assertEquals(1, names.stream().filter(n -> n.startsWith("c2_")).count(), names.toString());
        }
    }

    /**
     * Loop nests: the outer levels' accesses are made byte by byte (every width, signed loads, frame and
     * computed addresses, faults at the cage's edges), the inner ones through the JDK's accessors; both must give
     * the interpreter's r0, stack bytes or fault, also when every loop is preempted every few instructions.
     */
    @Test
    void loopNestsMatchInterpreter() throws LoadException {
        RuntimeOptions o = RuntimeOptions.defaults();
        Invocation inv = new Invocation("fuzz", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, null, 0);
        int faults = 0;
        for (int i = 0; i < 200; i++) {
            long seed = 0x4e570000L + i;
            Asm a = new Gen(seed).nestedProgram();
            LoadedProgram interp = a.load(ProgramLoader.Mode.INTERPRETER, o, Timeslicer.SYSTEM);
            LoadedProgram jit = a.load(ProgramLoader.Mode.JIT, o, Timeslicer.SYSTEM);
            LoadedProgram preempted = ProgramLoader.load(a.link(o), o, new ProgramLoader.Config(
                    ProgramLoader.Mode.JIT, Timeslicer.SYSTEM, 0, java.util.Set.of(), 3));
            LoadedProgram views = a.load(ProgramLoader.Mode.JIT_CHECKED_VIEWS, o, Timeslicer.SYSTEM);
            assertEquals(java.util.Map.of(), ((Translator.Report) jit.translation()).fallbacks());
            byte[][] m1 = new byte[1][], m2 = new byte[1][], m3 = new byte[1][], m4 = new byte[1][];
            String expect = outcome(interp, inv, m1);
            String got = outcome(jit, inv, m2);
            String gotPreempted = outcome(preempted, inv, m3);
            String gotViews = outcome(views, inv, m4);
            if (!expect.equals(got) || !expect.equals(gotPreempted) || !expect.equals(gotViews)) {
                StringBuilder dis = new StringBuilder();
                long[] code = a.link(o).code();
                for (int pc = 0; pc < code.length; pc++) {
                    dis.append(pc).append(": ").append(Disassembler.disassemble(code[pc],
                            pc + 1 < code.length ? code[pc + 1] : 0, null)).append('\n');
                }
                fail("seed " + Long.toHexString(seed) + ": interpreter " + expect + ", jit " + got + ", preempted "
                        + gotPreempted + ", checked views " + gotViews + "\n" + dis);
            }
            if (m1[0] != null) {
                assertArrayEquals(m1[0], m2[0], "seed " + Long.toHexString(seed) + ": stack differs (jit)");
                assertArrayEquals(m1[0], m3[0], "seed " + Long.toHexString(seed) + ": stack differs (preempted)");
                assertArrayEquals(m1[0], m4[0], "seed " + Long.toHexString(seed) + ": stack differs (views)");
            } else {
                faults++;
            }
        }
        System.out.println("fuzz: 200 loop nests, " + faults + " ended in a fault");
        assertTrue(faults < 150, "most loop nests faulted: the generator is too hostile");
    }

    @Test
    void translatorMatchesInterpreter() throws LoadException {
        RuntimeOptions o = RuntimeOptions.defaults();
        Invocation inv = new Invocation("fuzz", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, null, 0);
        int faults = 0;
        for (int i = 0; i < PROGRAMS; i++) {
            long seed = 0x5eed0000L + i;
            Asm a = new Gen(seed).program();
            LoadedProgram interp = a.load(ProgramLoader.Mode.INTERPRETER, o, Timeslicer.SYSTEM);
            LoadedProgram jit = a.load(ProgramLoader.Mode.JIT, o, Timeslicer.SYSTEM);
            LoadedProgram regions = ProgramLoader.load(a.link(o), o,
                    new ProgramLoader.Config(ProgramLoader.Mode.JIT, Timeslicer.SYSTEM, 200));
            assertEquals(java.util.Map.of(), ((Translator.Report) jit.translation()).fallbacks());
            assertEquals(java.util.Map.of(), ((Translator.Report) regions.translation()).fallbacks());
            // The callee left to the interpreter: translated code calling interpreted code.
            LoadedProgram mixed = ProgramLoader.load(a.link(o), o, new ProgramLoader.Config(ProgramLoader.Mode.JIT,
                    Timeslicer.SYSTEM, 0, java.util.Set.of(1)));
            // Every loop leaves its method for a continuation every few instructions, as on an epoch tick.
            LoadedProgram preempted = ProgramLoader.load(a.link(o), o, new ProgramLoader.Config(
                    ProgramLoader.Mode.JIT, Timeslicer.SYSTEM, 0, java.util.Set.of(), 3));
            byte[][] m1 = new byte[1][], m2 = new byte[1][], m3 = new byte[1][], m4 = new byte[1][];
            byte[][] m5 = new byte[1][], m6 = new byte[1][];
            // Every access through the JDK's checked views, as where raw memory access is unavailable.
            LoadedProgram views = a.load(ProgramLoader.Mode.JIT_CHECKED_VIEWS, o, Timeslicer.SYSTEM);
            String expect = outcome(interp, inv, m1);
            String got = outcome(jit, inv, m2);
            String gotRegions = outcome(regions, inv, m3);
            String gotMixed = outcome(mixed, inv, m4);
            String gotPreempted = outcome(preempted, inv, m5);
            String gotViews = outcome(views, inv, m6);
            if (!expect.equals(got) || !expect.equals(gotRegions) || !expect.equals(gotMixed)
                    || !expect.equals(gotPreempted) || !expect.equals(gotViews)) {
                StringBuilder dis = new StringBuilder();
                long[] code = a.link(o).code();
                for (int pc = 0; pc < code.length; pc++) {
                    dis.append(pc).append(": ").append(Disassembler.disassemble(code[pc],
                            pc + 1 < code.length ? code[pc + 1] : 0, null)).append('\n');
                }
                fail("seed " + Long.toHexString(seed) + ": interpreter " + expect + ", jit " + got + ", regions "
                        + gotRegions + ", mixed " + gotMixed + ", preempted " + gotPreempted + ", checked views "
                        + gotViews + "\n" + dis);
            }
            if (m1[0] != null) {
                assertArrayEquals(m1[0], m2[0], "seed " + Long.toHexString(seed) + ": stack differs (jit)");
                assertArrayEquals(m1[0], m3[0], "seed " + Long.toHexString(seed) + ": stack differs (regions)");
                assertArrayEquals(m1[0], m4[0], "seed " + Long.toHexString(seed) + ": stack differs (mixed)");
                assertArrayEquals(m1[0], m5[0], "seed " + Long.toHexString(seed) + ": stack differs (preempted)");
                assertArrayEquals(m1[0], m6[0], "seed " + Long.toHexString(seed) + ": stack differs (views)");
            } else {
                faults++;
            }
        }
        System.out.println("fuzz: " + PROGRAMS + " programs, " + faults + " ended in a fault");
        assertEquals(true, faults < PROGRAMS, "every program faulted: the generator is too hostile");
    }
}
