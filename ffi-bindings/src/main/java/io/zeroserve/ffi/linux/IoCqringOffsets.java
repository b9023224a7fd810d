package io.zeroserve.ffi.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code linux/io_uring.h}, where the completion ring's fields sit inside the mmap'd ring (40 bytes):
 * <pre>
 * struct io_cqring_offsets {
 *     __u32 head; __u32 tail; __u32 ring_mask; __u32 ring_entries;
 *     __u32 overflow; __u32 cqes; __u32 flags; __u32 resv1; __u64 resv2;
 * };
 * </pre>
 */
public final class IoCqringOffsets {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("head"),
            ValueLayout.JAVA_INT.withName("tail"),
            ValueLayout.JAVA_INT.withName("ring_mask"),
            ValueLayout.JAVA_INT.withName("ring_entries"),
            ValueLayout.JAVA_INT.withName("overflow"),
            ValueLayout.JAVA_INT.withName("cqes"),
            ValueLayout.JAVA_INT.withName("flags"),
            ValueLayout.JAVA_INT.withName("resv1"),
            ValueLayout.JAVA_LONG.withName("resv2"))
            .withName("io_cqring_offsets");
    public static final long head = LAYOUT.byteOffset(groupElement("head"));
    public static final long tail = LAYOUT.byteOffset(groupElement("tail"));
    public static final long ring_mask = LAYOUT.byteOffset(groupElement("ring_mask"));
    public static final long ring_entries = LAYOUT.byteOffset(groupElement("ring_entries"));
    public static final long overflow = LAYOUT.byteOffset(groupElement("overflow"));
    public static final long cqes = LAYOUT.byteOffset(groupElement("cqes"));
    public static final long flags = LAYOUT.byteOffset(groupElement("flags"));

    private IoCqringOffsets() {
    }
}
