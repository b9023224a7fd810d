package io.zeroserve.ebpf.internal;

import static io.zeroserve.ebpf.internal.isa.Op.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.internal.run.LoadedProgram;
import io.zeroserve.ebpf.internal.translate.Translator;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A 20,000-instruction function must run compiled: HotSpot refuses to compile methods over 8000 bytes of bytecode,
 * so the translator splits it into region methods. We check the split happened, that no generated method is "huge"
 * (the exact condition under which HotSpot would refuse it), and that it computes what the interpreter computes.
 */
class BigFunctionTest {
    static Asm bigFunction(int body, int iterations) {
        Asm a = new Asm().section("big");
        a.movi(0, 1).movi(6, iterations).movi(7, 0);
        a.label("loop");
        for (int i = 0; i < body; i++) {
            switch (i % 8) {
                case 0 -> a.mov(1, 0);
                case 1 -> a.alu64i(MUL, 1, 3 + (i % 7));
                case 2 -> a.alu64(ADD, 0, 1);
                case 3 -> a.stx(DW, 10, 0, -8 - 8 * ((i / 8) % 32));
                case 4 -> a.ldx(DW, 2, 10, -8 - 8 * (((i / 8) + 5) % 32));
                case 5 -> a.alu64(XOR, 0, 2);
                case 6 -> a.jmpi(JMP | JSET | K, 0, 1 << (i % 13), "s" + i).alu64i(ADD, 7, 1).label("s" + i);
                default -> a.alu32i(ADD, 0, i);
            }
        }
        a.alu64i(SUB, 6, 1).jmpi(JMP | JNE | K, 6, 0, "loop");
        a.alu64(ADD, 0, 7).exit();
        return a;
    }

    @Test
    void twentyThousandInstructionFunctionIsSplitIntoCompilableMethods() throws Exception {
        Asm a = bigFunction(20_000, 50);
        LoadedProgram jit = a.load(ProgramLoader.Mode.JIT);
        LoadedProgram interp = a.load(ProgramLoader.Mode.INTERPRETER);
        var report = (Translator.Report) jit.translation();
        assertEquals(Map.of(), report.fallbacks());
        List<int[]> regions = report.regions().get(0);
        assertTrue(regions != null && regions.size() > 1, "the function was not split");
        int insns = jit.image().program().functions().getFirst().length();
        assertTrue(insns > 20_000, "function has " + insns + " instructions");
        report.methodSizes().forEach((m, size) -> assertTrue(size <= Translator.HUGE_METHOD_LIMIT,
                m + " has " + size + " bytes of bytecode: HotSpot would not compile it"));
        Invocation inv = new Invocation("big", new byte[0], null, 0);
        long expect = interp.invoke(inv);
        for (int i = 0; i < 20; i++) {
            assertEquals(expect, jit.invoke(inv));
        }
        // Informational: compiled vs interpreted speed (not asserted: tests never depend on timing).
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            jit.invoke(inv);
        }
        long t1 = System.nanoTime();
        interp.invoke(inv);
        long t2 = System.nanoTime();
        System.out.println("largest method: " + report.methodSizes().values().stream().mapToInt(i -> i).max().orElse(0));
        System.out.printf("20k-insn function: %d regions, jit %.2f ms/run, interpreter %.2f ms/run%n",
                regions.size(), (t1 - t0) / 20 / 1e6, (t2 - t1) / 1e6);
    }

    /**
     * HotSpot really compiles it: JFR's compilation events must show every region method of the function compiled
     * by C2 (level 4). Waits for the events (bounded by a generous limit), so it does not depend on timing.
     */
    @Test
    void everyRegionMethodGetsCompiledByC2() throws Exception {
        Asm a = bigFunction(20_000, 20);
        LoadedProgram jit = a.load(ProgramLoader.Mode.JIT);
        var report = (Translator.Report) jit.translation();
        java.util.Set<String> regionMethods = new java.util.TreeSet<>();
        report.methodSizes().keySet().stream().filter(m -> m.startsWith("r0_")).forEach(regionMethods::add);
        assertTrue(regionMethods.size() > 1, "no region methods: " + report.methodSizes());
        java.util.Set<String> compiled = java.util.concurrent.ConcurrentHashMap.newKeySet();
        String jfrName = report.className().replace('/', '.'); // JFR spells hidden class names with a dot
        try (var rs = new jdk.jfr.consumer.RecordingStream()) {
            rs.enable("jdk.Compilation").withThreshold(java.time.Duration.ZERO);
            rs.onEvent("jdk.Compilation", e -> {
                jdk.jfr.consumer.RecordedMethod m = e.getValue("method");
                if (e.getInt("compileLevel") == 4 && m.getType().getName().equals(jfrName)) {
                    compiled.add(m.getName());
                }
            });
            rs.startAsync();
            Invocation inv = new Invocation("big", new byte[0], null, 0);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!compiled.containsAll(regionMethods) && System.nanoTime() < deadline) {
                jit.invoke(inv);
            }
        }
        java.util.Set<String> missing = new java.util.TreeSet<>(regionMethods);
        missing.removeAll(compiled);
        assertEquals(java.util.Set.of(), missing, "region methods never compiled by C2");
    }
}
