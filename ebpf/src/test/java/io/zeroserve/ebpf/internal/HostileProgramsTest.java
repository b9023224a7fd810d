package io.zeroserve.ebpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.ebpf.ClangAccess;
import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.LoadException;
import io.zeroserve.ebpf.ProgramFault;
import io.zeroserve.ebpf.RuntimeOptions;
import io.zeroserve.ebpf.internal.run.LoadedProgram;
import io.zeroserve.ebpf.internal.run.Timeslicer;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Programs written to escape or wedge the runtime; every one must end in a typed fault or a load error. */
class HostileProgramsTest {
    static byte[] elf;

    static final String SOURCE = """
            extern u64 host_npe(void);
            extern u64 host_copy(char *dst, const char *src, u64 n);
            extern u64 host_touch(char *p, u64 n);
            #define SEC(n) __attribute__((section(n)))
            SEC("wild_read") u64 fn_wild_read(void) { return *(volatile u64 *)0x7fff12345678ULL; }
            SEC("wild_write") u64 fn_wild_write(void) { *(volatile u64 *)0x200000ULL = 1; return 0; }
            SEC("int_pointer") u64 fn_int_pointer(u64 *p) { u64 a = (u64)p; a ^= 0xfff000; return *(volatile u64 *)a; }
            SEC("negative_index") u64 fn_negative_index(u64 *p) { volatile u64 *q = p - 5000; return q[0]; }
            SEC("past_top") u64 fn_past_top(u64 *p) { volatile u64 *q = p; return q[1] + q[2]; }
            static __attribute__((noinline)) u64 level(int n) {
                char buf[8000];
                host_touch(buf, sizeof(buf));
                return n;
            }
            static __attribute__((noinline)) u64 l4(int n) { char b[8000]; host_touch(b, 8000); return level(n) + 1; }
            static __attribute__((noinline)) u64 l3(int n) { char b[8000]; host_touch(b, 8000); return l4(n) + 1; }
            static __attribute__((noinline)) u64 l2(int n) { char b[8000]; host_touch(b, 8000); return l3(n) + 1; }
            SEC("stack_overflow") u64 fn_stack_overflow(void) { char b[8000]; host_touch(b, 8000); return l2(1) + 1; }
            SEC("billion") u64 fn_billion(void) {
                volatile u64 acc = 0;
                for (u64 i = 0; i < 1000000000ULL; i++) acc += i * i;
                return acc;
            }
            SEC("npe") u64 fn_npe(void) { return host_npe(); }
            SEC("overlap") u64 fn_overlap(void) { char b[32] = {0}; return host_copy(b + 4, b, 16); }
            """;

    @BeforeAll
    static void compile() {
        elf = ClangAccess.compile(SOURCE);
    }

    static LoadedProgram load(ProgramLoader.Mode mode, RuntimeOptions o, Timeslicer ts) throws LoadException {
        HelperTable h = HelperTable.builder()
                .add("host_npe", (c, a, b, d, e, f) -> {
                    Object o2 = null;
                    return o2.hashCode();
                })
                .add("host_copy", (c, dst, src, n, e, f) -> {
                    byte[] bytes = c.memory().read(src, n);
                    c.memory().write(dst, bytes);
                    return n;
                })
                .add("host_touch", (c, p, n, d, e, f) -> {
                    c.memory().checkWritable(p, n);
                    return 0;
                })
                .build();
        return ProgramLoader.load("hostile.o", elf, h, o, new ProgramLoader.Config(mode, ts));
    }

    static ProgramFault fault(LoadedProgram p, String section) {
        byte[] cd = new byte[8];
        return assertThrows(ProgramFault.class, () -> p.invoke(new Invocation(section, cd, null, 0)));
    }

    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void memoryEscapesFault(ProgramLoader.Mode mode) throws Exception {
        LoadedProgram p = load(mode, RuntimeOptions.defaults(), Timeslicer.SYSTEM);
        ProgramFault f = fault(p, "wild_read");
        assertEquals(ProgramFault.Kind.LOAD_OUT_OF_BOUNDS, f.kind());
        assertTrue(f.getMessage().startsWith("out of bounds load at 0x7fff12345678 (8 bytes) in wild_read pc "),
                f.getMessage());
        f = fault(p, "wild_write");
        assertEquals(ProgramFault.Kind.STORE_OUT_OF_BOUNDS, f.kind());
        assertEquals("wild_write", f.section());
        assertEquals(ProgramFault.Kind.LOAD_OUT_OF_BOUNDS, fault(p, "int_pointer").kind());
        assertEquals(ProgramFault.Kind.LOAD_OUT_OF_BOUNDS, fault(p, "negative_index").kind());
        assertEquals(ProgramFault.Kind.LOAD_OUT_OF_BOUNDS, fault(p, "past_top").kind());
    }

    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void deepFramesOverflowTheStackCleanly(ProgramLoader.Mode mode) throws Exception {
        LoadedProgram p = load(mode, RuntimeOptions.defaults(), Timeslicer.SYSTEM);
        ProgramFault f = fault(p, "stack_overflow");
        assertEquals(ProgramFault.Kind.CALL_DEPTH, f.kind());
        assertTrue(f.getMessage().startsWith("stack overflow: the call chain needs more than 32768 bytes of stack"),
                f.getMessage());
        // With a bigger stack the same program runs.
        LoadedProgram big = load(mode, new RuntimeOptions(64 * 1024, 8192, Duration.ofMillis(2),
                Duration.ofMillis(20), Duration.ZERO), Timeslicer.SYSTEM);
        assertEquals(5, big.invoke(new Invocation("stack_overflow", new byte[0], null, 0)));
    }

    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void billionIterationLoopHitsTheBudget(ProgramLoader.Mode mode) throws Exception {
        FakeTimeslicer clock = new FakeTimeslicer(1_000_000L);
        LoadedProgram p = load(mode, new RuntimeOptions(32 * 1024, 8192, Duration.ofMillis(2),
                Duration.ofMillis(20), Duration.ofMillis(50)), clock);
        ProgramFault f = fault(p, "billion");
        assertEquals(ProgramFault.Kind.CPU_BUDGET, f.kind());
    }

    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void helperBugsAndOverlapsAreFaults(ProgramLoader.Mode mode) throws Exception {
        LoadedProgram p = load(mode, RuntimeOptions.defaults(), Timeslicer.SYSTEM);
        ProgramFault f = fault(p, "npe");
        assertEquals(ProgramFault.Kind.HELPER_ERROR, f.kind());
        assertTrue(f.getMessage().startsWith("helper host_npe failed: java.lang.NullPointerException"),
                f.getMessage());
        f = fault(p, "overlap");
        assertEquals(ProgramFault.Kind.HELPER_ERROR, f.kind());
        assertTrue(f.getMessage().startsWith("helper host_copy failed: overlapping write at 0x"), f.getMessage());
    }

    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void recursionIsRejectedAtLoad(ProgramLoader.Mode mode) {
        byte[] rec = ClangAccess.compile("""
                __attribute__((noinline)) u64 f(u64 n) { return n < 2 ? n : f(n - 1) * n + f(n - 2); }
                __attribute__((section("rec_entry"))) u64 r(u64 *p) { return f(*p); }
                """);
        LoadException e = assertThrows(LoadException.class, () -> ProgramLoader.load("rec.o", rec,
                HelperTable.builder().build(), RuntimeOptions.defaults(),
                new ProgramLoader.Config(mode, Timeslicer.SYSTEM)));
        assertTrue(e.getMessage().startsWith("rec.o: section .text instruction "), e.getMessage());
        assertTrue(e.getMessage().endsWith("recursion: this function is reached again through its own calls"),
                e.getMessage());
    }
}
