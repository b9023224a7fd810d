package io.zeroserve.ffi.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code linux/io_uring.h}, one submission queue entry (64 bytes; unions flattened to their first member, the other
 * members' names listed beside the offset constant):
 * <pre>
 * struct io_uring_sqe {
 *     __u8  opcode;     __u8 flags;    __u16 ioprio;   __s32 fd;
 *     union { __u64 off; __u64 addr2; struct { __u32 cmd_op; __u32 __pad1; }; };
 *     union { __u64 addr; __u64 splice_off_in; };
 *     __u32 len;
 *     union { __u32 rw_flags; __u32 msg_flags; __u32 accept_flags; __u32 cancel_flags; ... };
 *     __u64 user_data;
 *     union { __u16 buf_index; __u16 buf_group; } __attribute__((packed));
 *     __u16 personality;
 *     union { __s32 splice_fd_in; __u32 file_index; struct { __u16 addr_len; __u16 __pad3[1]; }; };
 *     union { struct { __u64 addr3; __u64 __pad2[1]; }; __u8 cmd[0]; };
 * };
 * </pre>
 */
public final class IoUringSqe {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_BYTE.withName("opcode"),
            ValueLayout.JAVA_BYTE.withName("flags"),
            ValueLayout.JAVA_SHORT.withName("ioprio"),
            ValueLayout.JAVA_INT.withName("fd"),
            ValueLayout.JAVA_LONG.withName("off"),
            ValueLayout.JAVA_LONG.withName("addr"),
            ValueLayout.JAVA_INT.withName("len"),
            ValueLayout.JAVA_INT.withName("op_flags"),
            ValueLayout.JAVA_LONG.withName("user_data"),
            ValueLayout.JAVA_SHORT.withName("buf_index"),
            ValueLayout.JAVA_SHORT.withName("personality"),
            ValueLayout.JAVA_INT.withName("splice_fd_in"),
            ValueLayout.JAVA_LONG.withName("addr3"),
            ValueLayout.JAVA_LONG.withName("__pad2"))
            .withName("io_uring_sqe");
    public static final long opcode = offset("opcode");
    public static final long flags = offset("flags");
    public static final long ioprio = offset("ioprio");
    public static final long fd = offset("fd");
    /** also {@code addr2}, {@code cmd_op} */
    public static final long off = offset("off");
    /** also {@code splice_off_in} */
    public static final long addr = offset("addr");
    public static final long len = offset("len");
    /** the flags union: {@code rw_flags}, {@code msg_flags}, {@code accept_flags}, {@code cancel_flags}, ... */
    public static final long op_flags = offset("op_flags");
    public static final long user_data = offset("user_data");
    /** also {@code buf_group} */
    public static final long buf_index = offset("buf_index");
    public static final long personality = offset("personality");
    /** also {@code file_index}, {@code addr_len} */
    public static final long splice_fd_in = offset("splice_fd_in");
    public static final long addr3 = offset("addr3");

    private IoUringSqe() {
    }

    private static long offset(String field) {
        return LAYOUT.byteOffset(groupElement(field));
    }
}
