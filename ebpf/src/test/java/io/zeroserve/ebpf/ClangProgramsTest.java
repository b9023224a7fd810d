package io.zeroserve.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.ebpf.internal.ProgramLoader;
import io.zeroserve.ebpf.internal.run.LoadedProgram;
import io.zeroserve.ebpf.internal.run.Timeslicer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** C programs compiled by clang-19, run on both engines. */
class ClangProgramsTest {
    static final List<String> log = new ArrayList<>();

    static HelperTable helpers() {
        return HelperTable.builder()
                .add("host_log", (c, r1, r2, r3, r4, r5) -> {
                    synchronized (log) {
                        log.add(c.memory().readUtf8(r1, r2));
                    }
                    return r2;
                })
                .add("host_add", (c, r1, r2, r3, r4, r5) -> r1 + r2 + r3 + r4 + r5)
                .add("host_fill", (c, r1, r2, r3, r4, r5) -> {
                    c.memory().fill(r1, r2, (byte) r3);
                    return 0;
                })
                .add("host_fail", (c, r1, r2, r3, r4, r5) -> {
                    throw new HelperException("requested failure " + r1);
                })
                .add("host_alloc", (c, r1, r2, r3, r4, r5) -> {
                    c.charge(r1);
                    return 1;
                })
                .build();
    }

    static LoadedProgram load(String src, ProgramLoader.Mode mode, String... flags) throws LoadException {
        return ProgramLoader.load("test.o", Clang.compile(src, flags), helpers(), RuntimeOptions.defaults(),
                new ProgramLoader.Config(mode, Timeslicer.SYSTEM));
    }

    static long run(Program p, String section) throws ProgramFault {
        return p.invoke(new Invocation(section, new byte[0], null, 0));
    }

    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void arithmeticLoopsAndRodata(ProgramLoader.Mode mode) throws Exception {
        LoadedProgram p = load("""
                static const char msg[] = "hello from bpf";
                extern u64 host_log(const char *s, u64 n);
                __attribute__((section("zeroserve.request"))) u64 entry(void) {
                    u64 acc = 0;
                    for (u32 i = 0; i < 1000; i++) acc = acc * 31 + i;
                    host_log(msg, sizeof(msg) - 1);
                    return acc;
                }
                """, mode);
        assertEquals(Set.of("zeroserve.request"), p.sections());
        long expect = 0;
        for (int i = 0; i < 1000; i++) {
            expect = expect * 31 + i;
        }
        log.clear();
        assertEquals(expect, run(p, "zeroserve.request"));
        assertEquals(List.of("hello from bpf"), log);
    }

    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void callEntryReadsCalldataPointer(ProgramLoader.Mode mode) throws Exception {
        LoadedProgram p = load("""
                __attribute__((section("zeroserve.call.double"))) s64 entry(s64 *p) { return *p * 2; }
                """, mode);
        byte[] cd = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(21).array();
        assertEquals(42, p.invoke(new Invocation("zeroserve.call.double", cd, null, 0)));
    }

    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void pointerTablesBssAndCrossSectionCalls(ProgramLoader.Mode mode) throws Exception {
        LoadedProgram p = load("""
                static const char a[] = "alpha", b[] = "beta", c[] = "gamma!";
                static const char *const table[] = {a, b, c};
                static const u32 lens[] = {5, 4, 6};
                u64 zeroes[16];
                extern u64 host_log(const char *s, u64 n);
                __attribute__((noinline)) u64 helper_fn(u64 x) { return x * 3 + zeroes[x & 15]; }
                __attribute__((section("zeroserve.call.a"))) s64 ca(s64 *p) {
                    for (int i = 0; i < 3; i++) host_log(table[i], lens[i]);
                    return helper_fn(*p);
                }
                __attribute__((section("zeroserve.call.b"), noinline)) s64 cb(s64 *p) { return helper_fn(*p) + 1; }
                """, mode);
        log.clear();
        byte[] cd = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(5).array();
        assertEquals(15, p.invoke(new Invocation("zeroserve.call.a", cd, null, 0)));
        assertEquals(16, p.invoke(new Invocation("zeroserve.call.b", cd, null, 0)));
        assertEquals(List.of("alpha", "beta", "gamma!"), log);
    }

    /**
     * R_BPF_64_ABS32 in a data section: a table of 32-bit guest addresses (clang emits these for {@code .long sym}),
     * with an addend kept in place. Guest addresses lie below 4 GiB, so they fit.
     */
    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void abs32RelocationsInData(ProgramLoader.Mode mode) throws Exception {
        LoadedProgram p = load("""
                asm(".pushsection .rodata.abs32,\\"a\\",@progbits\\n.p2align 2\\n.globl tab32\\ntab32:\\n"
                    ".long msg_a\\n.long msg_b + 2\\n.popsection\\n");
                const char msg_a[] = "first";
                const char msg_b[] = "xxsecond";
                extern const u32 tab32[];
                extern u64 host_log(const char *s, u64 n);
                __attribute__((section("zeroserve.request"))) u64 entry(void) {
                    host_log((const char *)(u64)tab32[0], 5);
                    host_log((const char *)(u64)tab32[1], 6);
                    return tab32[1] - tab32[0];
                }
                """, mode);
        log.clear();
        assertEquals(8, run(p, "zeroserve.request"));
        assertEquals(List.of("first", "second"), log);
    }

    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void helpersSeeCheckedMemoryAndBudget(ProgramLoader.Mode mode) throws Exception {
        LoadedProgram p = load("""
                extern u64 host_fill(char *p, u64 n, u64 v);
                extern u64 host_fail(u64 code);
                extern u64 host_alloc(u64 n);
                extern u64 host_add(u64 a, u64 b, u64 c, u64 d, u64 e);
                static const char ro[8] = "rodata";
                __attribute__((section("t.fill"))) u64 fill(void) {
                    volatile char buf[64];
                    host_fill((char *)buf, 64, 7);
                    u64 s = 0;
                    for (int i = 0; i < 64; i++) s += buf[i];
                    return s + host_add(1, 2, 3, 4, 5);
                }
                __attribute__((section("t.fillro"))) u64 fillro(void) { return host_fill((char *)ro, 8, 1); }
                __attribute__((section("t.fail"))) u64 fail(void) { return host_fail(9); }
                __attribute__((section("t.alloc"))) u64 alloc(void) { return host_alloc(100) + host_alloc(200); }
                """, mode);
        assertEquals(64 * 7 + 15, run(p, "t.fill"));
        ProgramFault f = assertThrows(ProgramFault.class, () -> run(p, "t.fillro"));
        assertEquals(ProgramFault.Kind.HELPER_ERROR, f.kind());
        assertTrue(f.getMessage().startsWith("helper host_fill failed: write to read-only data at 0x"),
                f.getMessage());
        f = assertThrows(ProgramFault.class, () -> run(p, "t.fail"));
        assertEquals("helper host_fail failed: requested failure 9 in t.fail pc 1", f.getMessage());
        assertEquals(2, p.invoke(new Invocation("t.alloc", new byte[0], null, 300)));
        f = assertThrows(ProgramFault.class, () -> p.invoke(new Invocation("t.alloc", new byte[0], null, 299)));
        assertTrue(f.getMessage().contains("allocation budget of 299 bytes exceeded"), f.getMessage());
    }

    /** The same program built for every BPF ISA level gives the same answer on both engines. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"v1", "v2", "v3", "v4"})
    void everyCpuLevel(String cpu) throws Exception {
        String src = """
                static const char text[] = "The quick brown fox jumps over the lazy dog";
                extern u64 host_add(u64 a, u64 b, u64 c, u64 d, u64 e);
                static __attribute__((noinline)) u32 crc(const char *p, u32 n) {
                    u32 c = 0xffffffff;
                    for (u32 i = 0; i < n; i++) {
                        c ^= (u8)p[i];
                        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
                    }
                    return ~c;
                }
                __attribute__((section("levels"))) s64 fn_levels(s64 *p) {
                    s32 x = (s32)*p;
                    u64 q = (u32)x / 7, r = (u32)x % 7; /* signed division needs v4 */
                    u64 w = (u32)x * 2654435761u;
                    return (s64)crc(text, sizeof(text) - 1) + q * 1000 + r + (s64)(w >> 7)
                        + (s64)host_add(1, 2, 3, 4, (u64)x);
                }
                """;
        byte[] cd = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-123457).array();
        long ux = -123457 & 0xffffffffL;
        long expect = 0x414fa339L + (ux / 7) * 1000L + (ux % 7)
                + (((-123457) & 0xffffffffL) * 2654435761L & 0xffffffffL) / 128 + 10 - 123457;
        for (ProgramLoader.Mode mode : ProgramLoader.Mode.values()) {
            LoadedProgram p = load(src, mode, "-mcpu=" + cpu);
            assertEquals(expect, p.invoke(new Invocation("levels", cd, null, 0)), cpu + " " + mode);
        }
    }

    /** v4 instructions (sdiv/smod, movsx, ldsx, bswap); expected values from the same C compiled natively by gcc. */
    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void cpuV4Instructions(ProgramLoader.Mode mode) throws Exception {
        LoadedProgram p = load("""
                __attribute__((section("v4"))) s64 fv4(s64 *p) {
                    volatile s8 a = (s8)*p; volatile s16 b = (s16)(*p * 300); volatile s32 c = (s32)(*p * 100000);
                    s64 x = a; s64 y = b; s64 z = c;
                    s64 q = (x * 1000 + y) / (z | 1);
                    s64 r = (y * 7) % (x | 3);
                    s32 w = (s32)y / (s32)(x | 5);
                    u64 sw = __builtin_bswap64((u64)q) ^ __builtin_bswap32((u32)r) ^ __builtin_bswap16((u16)w);
                    return q + r + w + (s64)(sw & 0xffff) + (s64)(s8)(z >> 3) + (s64)(s16)(y << 2);
                }
                """, mode, "-mcpu=v4");
        long[] expect = {51883, 30158, 42045, 0, -9651, 30018, 10167};
        for (int i = -3; i < 4; i++) {
            byte[] cd = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(i * 37L).array();
            assertEquals(expect[i + 3], p.invoke(new Invocation("v4", cd, null, 0)), "input " + i * 37);
        }
    }

    /** A fault in a function of another section belongs to the entry that ran; the code location names both. */
    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void faultInACalleeOfAnotherSection(ProgramLoader.Mode mode) throws Exception {
        LoadedProgram p = load("""
                __attribute__((section("t.callee"), noinline)) s64 cb(s64 *p) { return *(volatile s64 *)p[0]; }
                __attribute__((section("t.entry"))) s64 ca(s64 *p) { return cb(p) + 1; }
                """, mode);
        ProgramFault f = assertThrows(ProgramFault.class, () -> p.invoke(new Invocation("t.entry", new byte[8],
                null, 0)));
        assertEquals(ProgramFault.Kind.LOAD_OUT_OF_BOUNDS, f.kind());
        assertEquals("t.entry", f.section());
        assertEquals("t.callee", f.codeSection());
        assertTrue(f.getMessage().startsWith("out of bounds load at 0x0 (8 bytes) in t.callee pc "), f.getMessage());
        assertTrue(f.getMessage().endsWith(" (called from t.entry)"), f.getMessage());
        f = assertThrows(ProgramFault.class, () -> p.invoke(new Invocation("t.callee", new byte[8], null, 0)));
        assertEquals("t.callee", f.section());
        assertEquals("t.callee", f.codeSection());
        assertFalse(f.getMessage().contains("called from"), f.getMessage());
    }

    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void faultsAreContained(ProgramLoader.Mode mode) throws Exception {
        LoadedProgram p = load("""
                static const u64 ro[2] = {1, 2};
                __attribute__((section("t.null"))) u64 n(void) { return *(volatile u64 *)0; }
                __attribute__((section("t.wild"))) u64 w(u64 *p) { return *(volatile u64 *)((u64)p + 0x7fff0000); }
                __attribute__((section("t.rostore"))) u64 rs(void) { *(volatile u64 *)&ro[1] = 5; return 0; }
                __attribute__((section("t.abovetop"))) u64 at(u64 *p) { p[64] = 1; return 0; }
                __attribute__((section("t.ok"))) u64 ok(u64 *p) { return ro[1] + p[-1]; }
                """, mode);
        ProgramFault f = assertThrows(ProgramFault.class, () -> run(p, "t.null"));
        assertEquals(ProgramFault.Kind.LOAD_OUT_OF_BOUNDS, f.kind());
        assertEquals("out of bounds load at 0x0 (8 bytes) in t.null pc 1", f.getMessage());
        assertEquals(0, f.address());
        assertEquals(8, f.width());
        assertEquals("t.null", f.section());
        assertEquals(1, f.pc());
        f = assertThrows(ProgramFault.class, () -> run(p, "t.wild"));
        assertEquals(ProgramFault.Kind.LOAD_OUT_OF_BOUNDS, f.kind());
        f = assertThrows(ProgramFault.class, () -> run(p, "t.rostore"));
        assertEquals(ProgramFault.Kind.STORE_OUT_OF_BOUNDS, f.kind());
        assertTrue(f.getMessage().startsWith("store to read-only data at 0x"), f.getMessage());
        f = assertThrows(ProgramFault.class, () -> run(p, "t.abovetop"));
        assertEquals(ProgramFault.Kind.STORE_OUT_OF_BOUNDS, f.kind());
        assertEquals(2, run(p, "t.ok"));
    }
}
