package io.zeroserve.ebpf;

/** An object that cannot be loaded: bad ELF, unknown helper, verifier rejection. The message names section and pc. */
public final class LoadException extends Exception {
    public LoadException(String message) {
        super(message);
    }

    public LoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
