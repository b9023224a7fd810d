package io.zeroserve.ffi.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code linux/io_uring.h}, one entry of a provided-buffer ring (16 bytes). The ring is an array of these; the ring's
 * tail overlays the first entry's {@code resv} ({@code struct io_uring_buf_ring}), hence {@link #RING_TAIL}.
 * <pre>
 * struct io_uring_buf {
 *     __u64 addr;
 *     __u32 len;
 *     __u16 bid;
 *     __u16 resv;
 * };
 * </pre>
 */
public final class IoUringBuf {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("addr"),
            ValueLayout.JAVA_INT.withName("len"),
            ValueLayout.JAVA_SHORT.withName("bid"),
            ValueLayout.JAVA_SHORT.withName("resv"))
            .withName("io_uring_buf");
    public static final long addr = LAYOUT.byteOffset(groupElement("addr"));
    public static final long len = LAYOUT.byteOffset(groupElement("len"));
    public static final long bid = LAYOUT.byteOffset(groupElement("bid"));
    public static final long resv = LAYOUT.byteOffset(groupElement("resv"));
    /** {@code offsetof(struct io_uring_buf_ring, tail)}: the u16 tail shares bytes with {@code bufs[0].resv}. */
    public static final long RING_TAIL = resv;

    private IoUringBuf() {
    }
}
