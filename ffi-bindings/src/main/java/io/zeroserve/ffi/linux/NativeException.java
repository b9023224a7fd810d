package io.zeroserve.ffi.linux;

import java.io.IOException;

/** A failed native call; the message reads {@code <call>: <ERRNO_NAME> (<n>)}. */
public class NativeException extends IOException {
    private final int errno;

    /** @param result the call's negative result ({@code -errno}); the sign is ignored */
    public NativeException(String call, int result) {
        super(Errno.message(call, result));
        this.errno = Math.abs(result);
    }

    public NativeException(String context, String call, int result) {
        super(context + ": " + Errno.message(call, result));
        this.errno = Math.abs(result);
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }
}
