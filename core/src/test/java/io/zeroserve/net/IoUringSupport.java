package io.zeroserve.net;

import io.zeroserve.ffi.linux.NativeException;
import io.zeroserve.net.uring.IoUringTransport;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this kernel lets us set up io_uring at all, probed once per test JVM. Containers often refuse it (Docker's
 * default seccomp profile, {@code kernel.io_uring_disabled}, kernels before 5.19); io_uring-specific tests then skip
 * with the kernel's answer as the reason instead of failing, while the NIO suite still runs.
 */
public final class IoUringSupport {
    private static volatile String refusal;
    private static volatile boolean probed;

    private IoUringSupport() {
    }

    /** Null when io_uring works here, else why not (the failing call and errno). */
    public static synchronized String refusal() {
        if (!probed) {
            // Probed directly, not through Transports, so that a test's fail-setup switch does not stick here.
            if (Boolean.getBoolean(Transports.FAIL_IO_URING_PROPERTY)) {
                return "io_uring setup is switched off by -D" + Transports.FAIL_IO_URING_PROPERTY + "=true";
            }
            try (IoUringTransport t = IoUringTransport.create(IoUringTransport.Options.defaults().withRings(1))) {
                refusal = null;
            } catch (NativeException e) {
                refusal = e.getMessage();
            }
            probed = true;
        }
        return refusal;
    }

    /** Skips the calling test (or class, from a {@code @BeforeAll}) when the kernel refuses io_uring. */
    public static void assumeAvailable() {
        String why = refusal();
        Assumptions.assumeTrue(why == null, () -> "io_uring is not available here, skipped: " + why);
    }
}
