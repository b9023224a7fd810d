package io.zeroserve.ffi.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code linux/io_uring.h}, one completion queue entry (16 bytes without {@code IORING_SETUP_CQE32}):
 * <pre>
 * struct io_uring_cqe {
 *     __u64 user_data;  // sqe->user_data submission passed back
 *     __s32 res;        // result code for this event
 *     __u32 flags;      // IORING_CQE_F_*; with F_BUFFER the buffer id is flags >> IORING_CQE_BUFFER_SHIFT
 * };
 * </pre>
 */
public final class IoUringCqe {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("user_data"),
            ValueLayout.JAVA_INT.withName("res"),
            ValueLayout.JAVA_INT.withName("flags"))
            .withName("io_uring_cqe");
    public static final long user_data = LAYOUT.byteOffset(groupElement("user_data"));
    public static final long res = LAYOUT.byteOffset(groupElement("res"));
    public static final long flags = LAYOUT.byteOffset(groupElement("flags"));

    private IoUringCqe() {
    }
}
