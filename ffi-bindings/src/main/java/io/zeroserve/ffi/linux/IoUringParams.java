package io.zeroserve.ffi.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code linux/io_uring.h}, passed to {@code io_uring_setup(2)} and filled in by it (120 bytes):
 * <pre>
 * struct io_uring_params {
 *     __u32 sq_entries; __u32 cq_entries; __u32 flags; __u32 sq_thread_cpu; __u32 sq_thread_idle;
 *     __u32 features; __u32 wq_fd; __u32 resv[3];
 *     struct io_sqring_offsets sq_off;
 *     struct io_cqring_offsets cq_off;
 * };
 * </pre>
 */
public final class IoUringParams {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("sq_entries"),
            ValueLayout.JAVA_INT.withName("cq_entries"),
            ValueLayout.JAVA_INT.withName("flags"),
            ValueLayout.JAVA_INT.withName("sq_thread_cpu"),
            ValueLayout.JAVA_INT.withName("sq_thread_idle"),
            ValueLayout.JAVA_INT.withName("features"),
            ValueLayout.JAVA_INT.withName("wq_fd"),
            MemoryLayout.sequenceLayout(3, ValueLayout.JAVA_INT).withName("resv"),
            IoSqringOffsets.LAYOUT.withName("sq_off"),
            IoCqringOffsets.LAYOUT.withName("cq_off"))
            .withName("io_uring_params");
    public static final long sq_entries = LAYOUT.byteOffset(groupElement("sq_entries"));
    public static final long cq_entries = LAYOUT.byteOffset(groupElement("cq_entries"));
    public static final long flags = LAYOUT.byteOffset(groupElement("flags"));
    public static final long sq_thread_cpu = LAYOUT.byteOffset(groupElement("sq_thread_cpu"));
    public static final long sq_thread_idle = LAYOUT.byteOffset(groupElement("sq_thread_idle"));
    public static final long features = LAYOUT.byteOffset(groupElement("features"));
    public static final long wq_fd = LAYOUT.byteOffset(groupElement("wq_fd"));
    public static final long sq_off = LAYOUT.byteOffset(groupElement("sq_off"));
    public static final long cq_off = LAYOUT.byteOffset(groupElement("cq_off"));

    private IoUringParams() {
    }
}
