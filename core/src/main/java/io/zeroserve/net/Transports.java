package io.zeroserve.net;

import io.zeroserve.net.nio.NioTransport;

/** Chooses the transport for {@code --transport auto|io_uring|nio}. */
public final class Transports {
    private Transports() {
    }

    /**
     * @throws IllegalArgumentException for an unknown choice, or for {@code io_uring} when it cannot be used here
     */
    public static Transport create(String choice) {
        return switch (choice) {
            case "auto", "nio" -> NioTransport.create();
            case "io_uring" -> throw new IllegalArgumentException("--transport io_uring: not available in this build");
            default -> throw new IllegalArgumentException("unknown transport '" + choice
                    + "' (expected auto, io_uring or nio)");
        };
    }
}
