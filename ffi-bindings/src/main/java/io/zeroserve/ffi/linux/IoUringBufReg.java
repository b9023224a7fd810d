package io.zeroserve.ffi.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code linux/io_uring.h}, the argument of {@code IORING_REGISTER_PBUF_RING} (40 bytes):
 * <pre>
 * struct io_uring_buf_reg {
 *     __u64 ring_addr;     // page aligned, ring_entries * sizeof(struct io_uring_buf) bytes
 *     __u32 ring_entries;  // power of two
 *     __u16 bgid;
 *     __u16 pad;           // "flags" in newer headers
 *     __u64 resv[3];
 * };
 * </pre>
 */
public final class IoUringBufReg {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("ring_addr"),
            ValueLayout.JAVA_INT.withName("ring_entries"),
            ValueLayout.JAVA_SHORT.withName("bgid"),
            ValueLayout.JAVA_SHORT.withName("pad"),
            MemoryLayout.sequenceLayout(3, ValueLayout.JAVA_LONG).withName("resv"))
            .withName("io_uring_buf_reg");
    public static final long ring_addr = LAYOUT.byteOffset(groupElement("ring_addr"));
    public static final long ring_entries = LAYOUT.byteOffset(groupElement("ring_entries"));
    public static final long bgid = LAYOUT.byteOffset(groupElement("bgid"));

    private IoUringBufReg() {
    }
}
