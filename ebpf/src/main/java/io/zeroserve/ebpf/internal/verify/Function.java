package io.zeroserve.ebpf.internal.verify;

/**
 * One BPF function: slots {@code [start, end)} of the shared code array.
 *
 * @param frameBytes the stack this function addresses below its r10, rounded up to 16
 * @param callees    indices of the functions it calls (BPF-to-BPF)
 * @param depth      the longest call chain starting here, this function included (a leaf is 1)
 */
public record Function(int index, int start, int end, String section, int frameBytes, int[] callees, int depth) {
    public int length() {
        return end - start;
    }
}
