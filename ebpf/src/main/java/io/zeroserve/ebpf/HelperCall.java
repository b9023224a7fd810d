package io.zeroserve.ebpf;

/**
 * What a helper sees of the run that called it. Valid only during that one helper call.
 */
public interface HelperCall {
    /** A checked view of the caller's guest memory, fresh for this call (its overlap bookkeeping starts empty). */
    GuestMemory memory();

    /** The host object passed to {@link Program#invoke}, for example the request context; may be null. */
    Object host();

    /** The entry point (section name) being run. */
    String section();

    /**
     * Charges {@code bytes} of host allocation to this invocation's budget ({@link Invocation#budgetBytes()}).
     *
     * @throws HelperException when the budget would be exceeded
     */
    void charge(long bytes) throws HelperException;
}
