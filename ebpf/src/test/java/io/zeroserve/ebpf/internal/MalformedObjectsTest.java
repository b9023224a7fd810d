package io.zeroserve.ebpf.internal;

import static org.junit.jupiter.api.Assertions.fail;

import io.zeroserve.ebpf.ClangAccess;
import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.LoadException;
import io.zeroserve.ebpf.Program;
import io.zeroserve.ebpf.ProgramFault;
import io.zeroserve.ebpf.RuntimeOptions;

import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Corrupted objects: every mutation of a real clang object either loads or fails with a {@link LoadException}
 * (never another exception), and whatever loads runs to r0 or a {@link ProgramFault}.
 */
class MalformedObjectsTest {
    @Test
    void mutatedObjectsFailCleanly() {
        byte[] elf = ClangAccess.compile("""
                static const char *const names[] = {"a", "bb", "ccc"};
                extern u64 h(const char *p, u64 n);
                static __attribute__((noinline)) u64 sum(u64 n) { u64 s = 0; for (u64 i = 0; i < n; i++) s += i ^ (s << 1); return s; }
                __attribute__((section("e1"))) u64 fn_e1(u64 *p) { return h(names[*p % 3], 1) + sum(*p & 63); }
                __attribute__((section("e2"))) u64 fn_e2(u64 *p) { char b[64]; for (int i = 0; i < 64; i++) b[i] = i; return b[*p & 63]; }
                """);
        HelperTable helpers = HelperTable.builder().add("h", (c, r1, r2, r3, r4, r5) -> c.memory().read(r1, r2)[0])
                .build();
        RuntimeOptions o = new RuntimeOptions(32 * 1024, 8192, Duration.ofMillis(2), Duration.ofMillis(20),
                Duration.ofMillis(200));
        Random rnd = new Random(7);
        int loaded = 0;
        for (int i = 0; i < 1500; i++) {
            byte[] m = elf.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int at = rnd.nextInt(m.length);
                m[at] = switch (rnd.nextInt(3)) {
                    case 0 -> (byte) rnd.nextInt(256);
                    case 1 -> (byte) (m[at] ^ (1 << rnd.nextInt(8)));
                    default -> (byte) 0xff;
                };
            }
            Program p;
            try {
                p = Program.load("m" + i + ".o", m, helpers, o);
            } catch (LoadException e) {
                continue;
            } catch (Throwable t) {
                fail("mutation " + i + ": load threw " + t, t);
                return;
            }
            loaded++;
            for (String s : p.sections()) {
                try {
                    p.invoke(new Invocation(s, new byte[] {(byte) i, 0, 0, 0, 0, 0, 0, 0}, null, 0));
                } catch (ProgramFault expected) {
                    // fine: contained
                } catch (Throwable t) {
                    fail("mutation " + i + ": invoke of " + s + " threw " + t, t);
                }
            }
        }
        System.out.println("malformed objects: " + loaded + " of 1500 mutations still loaded");
    }
}
