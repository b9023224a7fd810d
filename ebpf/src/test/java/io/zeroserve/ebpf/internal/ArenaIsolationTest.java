package io.zeroserve.ebpf.internal;

import static io.zeroserve.ebpf.internal.isa.Op.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.ProgramFault;
import io.zeroserve.ebpf.RuntimeOptions;
import io.zeroserve.ebpf.internal.run.LoadedProgram;
import io.zeroserve.ebpf.internal.run.Timeslicer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs share pooled arenas but never each other's data: whatever a run wrote is zero for the next one. */
class ArenaIsolationTest {
    /** "write" leaves a secret everywhere it can reach; "read" sums the same places, uninitialized. */
    static Asm program() {
        Asm a = new Asm().helper("fill", (c, r1, r2, r3, r4, r5) -> {
            c.memory().fill(r1, r2, (byte) 0x5a);
            return 0;
        });
        a.section("write")
                .lddw(6, 0x5ec2e75ec2e75ec2L)
                .stx(DW, 10, 6, -8).stx(DW, 10, 6, -4096)           // own frame
                .movi(8, -30000).mov(7, 10).alu64(ADD, 7, 8).stx(DW, 7, 6, 0) // far below the frame, computed
                .movi(8, -20000).mov(1, 10).alu64(ADD, 1, 8).movi(2, 64).callHelper("fill") // helper write
                .call("deep").exit()
                .label("deep").stx(DW, 10, 6, -2000).movi(0, 0).exit();
        a.section("read")
                .ldx(DW, 0, 10, -8)
                .ldx(DW, 1, 10, -4096).alu64(OR, 0, 1)
                .movi(8, -30000).mov(7, 10).alu64(ADD, 7, 8).ldx(DW, 1, 7, 0).alu64(OR, 0, 1)
                .movi(8, -20000).mov(7, 10).alu64(ADD, 7, 8).ldx(DW, 1, 7, 8).alu64(OR, 0, 1)
                .ldx(DW, 1, 10, -4096 - 2000).alu64(OR, 0, 1)
                .exit();
        return a;
    }

    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void nextRunSeesAZeroedStack(ProgramLoader.Mode mode) throws Exception {
        LoadedProgram p = program().load(mode);
        Invocation write = new Invocation("write", new byte[0], null, 0);
        Invocation read = new Invocation("read", new byte[0], null, 0);
        assertEquals(0, p.invoke(read));
        for (int i = 0; i < 3; i++) {
            p.invoke(write);
            assertEquals(0, p.invoke(read), "a run saw data left by the previous one");
        }
    }

    /**
     * However a run ends, the next one reads zeros everywhere: "loop" stores far below its frame in a loop and in a
     * callee; "fault" stores there, then faults; "readAll" ORs every doubleword of the stack (r3 is the stack's
     * base, r4 its size). Run as one method, as region methods, preempted every few instructions (the stores then
     * happen in continuations), on the checked views, and interpreted.
     */
    @Test
    void everyWayARunEndsLeavesAZeroedStack() throws Exception {
        Asm a = new Asm();
        a.section("loop").lddw(6, 0x5ec2e75ec2e75ec2L)
                .movi(8, -30000).mov(7, 10).alu64(ADD, 7, 8).movi(9, 0)
                .label("store").stx(DW, 7, 6, 0).alu64i(ADD, 7, 8).alu64i(ADD, 9, 1).jmpi(JMP | JLT | K, 9, 100, "store")
                .call("callee").exit()
                .label("callee").lddw(6, 0x5ec2e75ec2e75ec2L).movi(8, -25000).mov(7, 10).alu64(ADD, 7, 8)
                .stx(W, 7, 6, 4).movi(0, 0).exit();
        a.section("fault").lddw(6, 0x5ec2e75ec2e75ec2L)
                .movi(8, -31000).mov(7, 10).alu64(ADD, 7, 8).stx(DW, 7, 6, 0)
                .movi(9, 0).ldx(DW, 0, 9, 0).exit();
        a.section("readAll").movi(0, 0).mov(7, 3).mov(8, 3).alu64(ADD, 8, 4).alu64i(SUB, 8, 8)
                .label("read").ldx(DW, 1, 7, 0).alu64(OR, 0, 1).alu64i(ADD, 7, 8).jmp(JMP | JLE | X, 7, 8, "read")
                .exit();
        RuntimeOptions o = RuntimeOptions.defaults();
        Map<String, ProgramLoader.Config> configs = new LinkedHashMap<>();
        configs.put("jit", new ProgramLoader.Config(ProgramLoader.Mode.JIT, Timeslicer.SYSTEM));
        configs.put("regions", new ProgramLoader.Config(ProgramLoader.Mode.JIT, Timeslicer.SYSTEM, 40));
        configs.put("preempted", new ProgramLoader.Config(ProgramLoader.Mode.JIT, Timeslicer.SYSTEM, 0, Set.of(), 3));
        configs.put("views", new ProgramLoader.Config(ProgramLoader.Mode.JIT_CHECKED_VIEWS, Timeslicer.SYSTEM));
        configs.put("interpreter", new ProgramLoader.Config(ProgramLoader.Mode.INTERPRETER, Timeslicer.SYSTEM));
        Invocation loop = new Invocation("loop", new byte[0], null, 0);
        Invocation fault = new Invocation("fault", new byte[0], null, 0);
        Invocation readAll = new Invocation("readAll", new byte[0], null, 0);
        for (var c : configs.entrySet()) {
            LoadedProgram p = ProgramLoader.load(a.link(o), o, c.getValue());
            assertEquals(0, p.invoke(readAll), c.getKey());
            for (int i = 0; i < 3; i++) {
                assertEquals(0, p.invoke(loop), c.getKey());
                assertEquals(0, p.invoke(readAll), c.getKey() + ": a run saw the stores of a run that returned");
                ProgramFault f = assertThrows(ProgramFault.class, () -> p.invoke(fault), c.getKey());
                assertEquals(ProgramFault.Kind.LOAD_OUT_OF_BOUNDS, f.kind(), c.getKey());
                assertEquals(0, p.invoke(readAll), c.getKey() + ": a run saw the stores of a run that faulted");
            }
        }
    }

    /** A helper that keeps its HelperCall cannot use it after returning: the arena belongs to later runs. */
    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void keptHelperCallIsUseless(ProgramLoader.Mode mode) throws Exception {
        java.util.concurrent.atomic.AtomicReference<io.zeroserve.ebpf.HelperCall> kept =
                new java.util.concurrent.atomic.AtomicReference<>();
        Asm a = new Asm().helper("keep", (c, r1, r2, r3, r4, r5) -> {
            kept.set(c);
            return 0;
        });
        a.section("s").mov(1, 10).alu64i(ADD, 1, -8).callHelper("keep").exit();
        LoadedProgram p = a.load(mode);
        p.invoke(new Invocation("s", new byte[0], null, 0));
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.zeroserve.ebpf.HelperException.class,
                () -> kept.get().memory().writeLong(io.zeroserve.ebpf.internal.run.Layout.GUEST_BASE, 1));
        assertEquals("guest memory used outside the helper call it was given to", e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(io.zeroserve.ebpf.HelperException.class,
                () -> kept.get().charge(1));
    }

    /** Many threads at once: each run's result depends only on its own calldata. */
    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void concurrentRunsDoNotInterfere(ProgramLoader.Mode mode) throws Exception {
        Asm a = new Asm();
        // r0 = sum over 64 stack slots of (calldata * slot), written then read back, with a helper in between.
        a.helper("id", (c, r1, r2, r3, r4, r5) -> r1);
        a.section("s").ldx(DW, 6, 1, 0).movi(7, 0).movi(0, 0)
                .label("w").mov(1, 7).alu64(MUL, 1, 6).mov(2, 7).alu64i(LSH, 2, 3).mov(3, 10).alu64i(ADD, 3, -512)
                .alu64(ADD, 3, 2).stx(DW, 3, 1, 0).alu64i(ADD, 7, 1).jmpi(JMP | JLT | K, 7, 64, "w")
                .mov(1, 6).callHelper("id").mov(6, 0).movi(0, 0).movi(7, 0)
                .label("r").mov(2, 7).alu64i(LSH, 2, 3).mov(3, 10).alu64i(ADD, 3, -512).alu64(ADD, 3, 2)
                .ldx(DW, 1, 3, 0).alu64(ADD, 0, 1).alu64i(ADD, 7, 1).jmpi(JMP | JLT | K, 7, 64, "r").exit();
        LoadedProgram p = a.load(mode);
        try (ExecutorService ex = Executors.newFixedThreadPool(8)) {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                final int thread = t;
                Callable<long[]> job = () -> {
                    for (int i = 0; i < 2000; i++) {
                        long v = thread * 100_000L + i;
                        byte[] cd = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
                        long r0 = p.invoke(new Invocation("s", cd, null, 0));
                        if (r0 != v * (63 * 64 / 2)) {
                            return new long[] {v, r0};
                        }
                    }
                    return null;
                };
                futures.add(ex.submit(job));
            }
            for (Future<long[]> f : futures) {
                long[] bad = f.get();
                assertEquals(null, bad == null ? null : "input " + bad[0] + " gave " + bad[1]);
            }
        }
    }
}
