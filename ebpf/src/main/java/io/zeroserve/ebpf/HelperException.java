package io.zeroserve.ebpf;

/** A helper's hard failure: the run is aborted with a {@link ProgramFault} that names the helper and this message. */
public class HelperException extends Exception {
    public HelperException(String message) {
        super(message);
    }

    public HelperException(String message, Throwable cause) {
        super(message, cause);
    }
}
