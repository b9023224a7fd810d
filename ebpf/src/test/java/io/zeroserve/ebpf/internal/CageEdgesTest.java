package io.zeroserve.ebpf.internal;

import static io.zeroserve.ebpf.internal.isa.Op.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.LoadException;
import io.zeroserve.ebpf.ProgramFault;
import io.zeroserve.ebpf.RuntimeOptions;
import io.zeroserve.ebpf.internal.run.Layout;
import io.zeroserve.ebpf.internal.run.LoadedProgram;
import io.zeroserve.ebpf.internal.run.RawMemory;
import io.zeroserve.ebpf.internal.run.Timeslicer;
import io.zeroserve.ebpf.internal.translate.Translator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The edges of the cage, access by access: every width of load, store and atomic at the first and last valid
 * index of each region, one byte outside, and at addresses that would alias into the arena if an index were
 * truncated to 32 bits ({@code base + 2^32}) or wrapped ({@code 0}, {@code -1}, {@code Long.MIN_VALUE}). Both
 * engines; a fault must name the kind, the pc, the guest address and the width, and nothing else may happen.
 */
class CageEdgesTest {
    static final long BASE = Layout.GUEST_BASE;
    static final int DATA_LEN = 40; // not a multiple of 8: the last doubleword straddles the end
    static final int[] WIDTHS = {B, H, W, DW};

    static int bytes(int size) {
        return switch (size) {
            case B -> 1;
            case H -> 2;
            case W -> 4;
            default -> 8;
        };
    }

    /**
     * Section {@code <kind><width>}: r6 = the u64 delta in calldata, r7 = r3 (stack base) + r6, then the access at
     * [r7 + off] at pc 3 (atomics: pc 4). Loads return the value; stores write 0x5a..., atomics add 1; both return 7.
     * {@code ldc<width>} is the same load followed by more loads than the checked-views translation makes through
     * the arena's segment in one method, so its loads take the other path there (our compare, then the array's own
     * check).
     * {@code ldb<width>} and {@code stb<width>} make the access in the outermost of three nested loops (each runs
     * once), where the checked-views translation reads and writes the arena byte by byte.
     */
    static Asm program(int off) {
        Asm a = new Asm();
        byte[] data = new byte[DATA_LEN];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (0xa0 + i);
        }
        a.data(data);
        for (int size : WIDTHS) {
            a.section("ld" + bytes(size));
            a.ldx(DW, 6, 1, 0).mov(7, 3).alu64(ADD, 7, 6).ldx(size, 0, 7, off).exit();
            a.section("ldc" + bytes(size));
            a.ldx(DW, 6, 1, 0).mov(7, 3).alu64(ADD, 7, 6).ldx(size, 0, 7, off);
            for (int i = 0; i <= Translator.SEGMENT_LOAD_LIMIT; i++) {
                a.ldx(DW, 9, 1, 0);
            }
            a.exit();
            a.section("ldb" + bytes(size));
            a.ldx(DW, 6, 1, 0).mov(7, 3).alu64(ADD, 7, 6).label("outer" + off + "l" + size).ldx(size, 0, 7, off);
            nest(a, off + "l" + size);
            a.exit();
            a.section("stb" + bytes(size));
            a.ldx(DW, 6, 1, 0).mov(7, 3).alu64(ADD, 7, 6).label("outer" + off + "s" + size).st(size, 7, off, 0x5a5a5a5a);
            nest(a, off + "s" + size);
            a.movi(0, 7).exit();
            a.section("st" + bytes(size));
            a.ldx(DW, 6, 1, 0).mov(7, 3).alu64(ADD, 7, 6).st(size, 7, off, 0x5a5a5a5a).movi(0, 7).exit();
            if (size == W || size == DW) {
                a.section("atomic" + bytes(size));
                a.ldx(DW, 6, 1, 0).movi(8, 1).mov(7, 3).alu64(ADD, 7, 6)
                        .ins(STX | ATOMIC | size, 7, 8, off, 0x00).movi(0, 7).exit();
            }
        }
        return a;
    }

    /** The rest of a three-deep nest whose outermost loop starts at label {@code outer<tag>}; r8, r9 count. */
    static void nest(Asm a, String tag) {
        a.movi(8, 0).label("middle" + tag).movi(9, 0).label("inner" + tag).alu64i(ADD, 9, 1)
                .jmpi(JMP | JLT | K, 9, 1, "inner" + tag).alu64i(ADD, 8, 1).jmpi(JMP | JLT | K, 8, 1, "middle" + tag)
                .jmpi(JMP | JEQ | K, 8, 0, "outer" + tag);
    }

    static byte[] calldata(long delta) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(delta).array();
    }

    @ParameterizedTest
    @EnumSource(value = ProgramLoader.Mode.class, names = {"INTERPRETER", "JIT", "JIT_CHECKED_VIEWS"})
    void everyAccessIsConfinedAtTheEdges(ProgramLoader.Mode mode) throws LoadException {
        RuntimeOptions o = RuntimeOptions.defaults();
        long stack = o.stackBytes();
        long arena = stack + DATA_LEN;
        int checked = 0;
        for (int off : new int[] {0, -8, 8}) {
            LoadedProgram p = program(off).load(mode, o, Timeslicer.SYSTEM);
            for (int size : WIDTHS) {
                int w = bytes(size);
                // Index (relative to the stack base) of the access itself; delta = idx - off.
                List<Long> idxs = new ArrayList<>(List.of(0L, -1L, -(long) w, stack - w, stack - w + 1, stack,
                        stack - 1, arena - w, arena - w + 1, arena, arena - 1, 1L << 32, (1L << 32) + 8,
                        (1L << 32) - BASE, -BASE, -BASE - 1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 31,
                        (1L << 31) - w, -(1L << 32), stack + (1L << 32), (long) Integer.MIN_VALUE));
                for (long idx : idxs) {
                    long addr = BASE + idx;
                    boolean loadOk = idx >= 0 && idx <= arena - w;
                    boolean storeOk = idx >= 0 && idx <= stack - w;
                    expect(p, "ld" + w, idx - off, addr, w, loadOk, ProgramFault.Kind.LOAD_OUT_OF_BOUNDS,
                            loadOk ? arenaValue((int) stack, idx - off, (int) idx, w) : 0);
                    expect(p, "ldc" + w, idx - off, addr, w, loadOk, ProgramFault.Kind.LOAD_OUT_OF_BOUNDS,
                            loadOk ? arenaValue((int) stack, idx - off, (int) idx, w) : 0);
                    expect(p, "ldb" + w, idx - off, addr, w, loadOk, ProgramFault.Kind.LOAD_OUT_OF_BOUNDS,
                            loadOk ? arenaValue((int) stack, idx - off, (int) idx, w) : 0);
                    expect(p, "st" + w, idx - off, addr, w, storeOk, ProgramFault.Kind.STORE_OUT_OF_BOUNDS, 7);
                    expect(p, "stb" + w, idx - off, addr, w, storeOk, ProgramFault.Kind.STORE_OUT_OF_BOUNDS, 7);
                    if (w >= 4) {
                        expect(p, "atomic" + w, idx - off, addr, w, storeOk,
                                ProgramFault.Kind.STORE_OUT_OF_BOUNDS, 7);
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked > 200);
    }

    /**
     * The tests must exercise what production runs: translated code on raw memory access, our compare being the
     * only check (the build passes {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}, as the launcher
     * does); the checked-views mode must not use it.
     */
    @Test
    void translatedCodeAccessesTheArenaRawUnlessAskedForCheckedViews() throws LoadException {
        assertTrue(RawMemory.available(), "raw memory access unavailable: " + RawMemory.UNAVAILABLE);
        RuntimeOptions o = RuntimeOptions.defaults();
        assertTrue(((Translator.Report) program(0).load(ProgramLoader.Mode.JIT, o, Timeslicer.SYSTEM).translation())
                .rawMemory());
        assertFalse(((Translator.Report) program(0).load(ProgramLoader.Mode.JIT_CHECKED_VIEWS, o, Timeslicer.SYSTEM)
                .translation()).rawMemory());
    }

    /**
     * What a load of {@code w} bytes at arena index {@code idx} reads: a zeroed stack (every run's stack is zeroed)
     * holding only the 8 calldata bytes (the delta) at its top, 16-byte aligned, then the data image.
     */
    static long arenaValue(int stack, long delta, int idx, int w) {
        byte[] arena = new byte[stack + DATA_LEN];
        System.arraycopy(calldata(delta), 0, arena, stack - 16, 8);
        for (int i = 0; i < DATA_LEN; i++) {
            arena[stack + i] = (byte) (0xa0 + i);
        }
        long v = 0;
        for (int i = w - 1; i >= 0; i--) {
            v = (v << 8) | (arena[idx + i] & 0xff);
        }
        return v;
    }

    static void expect(LoadedProgram p, String section, long delta, long addr, int w, boolean ok,
                       ProgramFault.Kind kind, long value) {
        Invocation inv = new Invocation(section, calldata(delta), null, 0);
        String what = section + " at 0x" + Long.toHexString(addr);
        if (ok) {
            long r0;
            try {
                r0 = p.invoke(inv);
            } catch (ProgramFault f) {
                throw new AssertionError(what + ": unexpected fault " + f.getMessage(), f);
            }
            assertEquals(value, r0, what);
            return;
        }
        ProgramFault f = assertThrows(ProgramFault.class, () -> p.invoke(inv), what);
        assertEquals(kind, f.kind(), what + ": " + f.getMessage());
        assertEquals(section.startsWith("atomic") ? 4 : 3, f.pc(), what + ": " + f.getMessage());
        assertEquals(addr, f.address(), what + ": " + f.getMessage());
        assertEquals(w, f.width(), what + ": " + f.getMessage());
        assertTrue(f.getMessage().contains("0x" + Long.toHexString(addr)), f.getMessage());
    }
}
