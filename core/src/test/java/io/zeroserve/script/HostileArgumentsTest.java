package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every helper, called with hostile register values (wild pointers, huge and negative lengths, bad handles, odd
 * codes), either returns or fails with a {@link HelperException}: never another exception, never a huge
 * allocation. Deterministic (fixed seed).
 */
class HostileArgumentsTest {
    private static final long[] INTERESTING = {0, 1, 2, 7, 8, 31, 32, 33, 64, 255, 256, 257, 4096, 65535, 65536,
            -1, -2, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 31, 1L << 32, 1L << 40, FakeGuest.STACK, FakeGuest.STACK + 8,
            FakeGuest.STACK + 32 * 1024 - 4, FakeGuest.RODATA, FakeGuest.RODATA + 4095, 0x1234_5678L};

    @Test
    void helpersFailCleanly() {
        Harness h = new Harness();
        Random random = new Random(42);
        List<String> names = List.copyOf(new TreeSet<>(h.host.helpers().names()));
        for (String name : names) {
            for (int round = 0; round < 300; round++) {
                Harness.Fixture f = h.fixture(TestRequest.get("/a?b=c").header("X", "y"));
                // Some live handles, so handle arguments sometimes hit.
                try {
                    f.g().call("zs_json_parse", f.g().ro("{\"a\":[1,\"s\",{\"b\":true}]}"), 23);
                    f.g().call("zs_json_new_array");
                } catch (HelperException e) {
                    fail(e);
                }
                long[] args = new long[5];
                for (int i = 0; i < 5; i++) {
                    args[i] = random.nextInt(3) == 0 ? random.nextLong() : INTERESTING[random.nextInt(INTERESTING.length)];
                }
                try {
                    f.g().call(name, args);
                } catch (HelperException expected) {
                    // A hard failure: the script faults, the request gets a 500.
                } catch (RuntimeException | Error e) {
                    throw new AssertionError(name + " with " + java.util.Arrays.toString(args) + " threw " + e, e);
                } finally {
                    f.ctx().flushLog();
                }
            }
        }
    }
}
