package io.zeroserve.net;

import io.zeroserve.net.nio.NioTransport;
import io.zeroserve.net.uring.IoUringTransport;
import java.io.IOException;
import java.util.Locale;

/**
 * Picks the transport for {@code --transport auto|io_uring|nio}. {@code auto} uses io_uring when a ring can be set
 * up and NIO otherwise; the choice is logged once, with the reason when it fell back (for example a container's
 * seccomp profile refusing {@code io_uring_setup}).
 *
 * <p>Test switch: the system property {@value #FAIL_IO_URING_PROPERTY}{@code =true} makes every io_uring setup fail
 * with {@code EPERM}, as a seccomp filter would.
 */
public final class Transports {
    /** Makes io_uring setup fail (tests of the fallback). */
    public static final String FAIL_IO_URING_PROPERTY = "zeroserve.io_uring.failSetup";

    private static final System.Logger LOG = System.getLogger(Transports.class.getName());

    /** A created transport and the one-line reason it was chosen. */
    public record Selection(Transport transport, String reason) {
    }

    private Transports() {
    }

    /**
     * Creates the transport named by {@code choice} and logs the choice.
     *
     * @throws IllegalArgumentException for a choice other than auto, io_uring or nio
     * @throws IOException when io_uring was asked for explicitly and the kernel refuses it
     */
    public static Transport create(String choice) throws IOException {
        Selection s = select(choice);
        LOG.log(System.Logger.Level.INFO, s.reason());
        return s.transport();
    }

    /** Like {@link #create} but returns the reason instead of logging it. */
    public static Selection select(String choice) throws IOException {
        String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
        switch (c) {
            case "nio":
                return new Selection(NioTransport.create(), "transport: nio (asked for)");
            case "io_uring":
            case "io-uring":
            case "iouring":
                try {
                    IoUringTransport t = IoUringTransport.create();
                    return new Selection(t, "transport: io_uring (asked for)");
                } catch (IOException e) {
                    throw new IOException("--transport io_uring: io_uring is not available here: " + e.getMessage()
                            + " (use --transport auto or nio)", e);
                }
            case "auto":
                try {
                    IoUringTransport t = IoUringTransport.create();
                    return new Selection(t, "transport: io_uring");
                } catch (IOException | LinkageError | UnsupportedOperationException e) {
                    return new Selection(NioTransport.create(),
                            "transport: nio (io_uring unavailable: " + e.getMessage() + ")");
                }
            default:
                throw new IllegalArgumentException(
                        "unknown transport '" + choice + "': expected auto, io_uring or nio");
        }
    }
}
