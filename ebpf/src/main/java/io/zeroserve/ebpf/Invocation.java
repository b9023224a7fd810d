package io.zeroserve.ebpf;

/**
 * One run of an entry point.
 *
 * @param section     the entry point, e.g. {@code zeroserve.request}
 * @param calldata    bytes copied to the top of the guest stack; r1 and r2 point at them (empty: both point at the
 *                    stack top). At most 512 bytes.
 * @param host        passed through to helpers as {@link HelperCall#host()}; may be null
 * @param budgetBytes the allocation budget helpers charge against ({@link HelperCall#charge}); 0 = unlimited
 */
public record Invocation(String section, byte[] calldata, Object host, long budgetBytes) {
    public Invocation {
        if (calldata.length > 512) {
            throw new IllegalArgumentException("calldata is limited to 512 bytes, got " + calldata.length);
        }
    }
}
