package io.zeroserve.net.uring;

import static io.zeroserve.ffi.linux.IoUring.IORING_OP_ACCEPT;
import static io.zeroserve.ffi.linux.IoUring.IORING_OP_ASYNC_CANCEL;
import static io.zeroserve.ffi.linux.IoUring.IORING_OP_CLOSE;
import static io.zeroserve.ffi.linux.IoUring.IORING_OP_CONNECT;
import static io.zeroserve.ffi.linux.IoUring.IORING_OP_LINK_TIMEOUT;
import static io.zeroserve.ffi.linux.IoUring.IORING_OP_READ;
import static io.zeroserve.ffi.linux.IoUring.IORING_OP_RECV;
import static io.zeroserve.ffi.linux.IoUring.IORING_OP_SEND;
import static io.zeroserve.ffi.linux.IoUring.IORING_OP_SHUTDOWN;

import io.zeroserve.ffi.linux.IoSqringOffsets;
import io.zeroserve.ffi.linux.IoUring;
import io.zeroserve.ffi.linux.IoUringSqe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The submission side of one ring. Single producer: only the ring's poller thread calls these methods, so the tail
 * is kept in a plain field and published with a release store in {@link #publish()}; the kernel's head is read with
 * an acquire load (the kernel writes it with a release store once it has consumed an entry).
 */
final class SubmissionQueue {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment ring;
    private final MemorySegment sqes;
    private final long headOffset;
    private final long tailOffset;
    private final int mask;
    private final int entries;
    private int tail;
    private int unsubmitted;

    /**
     * @param ring the mmap'd SQ ring ({@code IORING_OFF_SQ_RING})
     * @param sqes the mmap'd SQE array ({@code IORING_OFF_SQES})
     * @param offsets {@code io_uring_params.sq_off}
     */
    SubmissionQueue(MemorySegment ring, MemorySegment sqes, MemorySegment offsets) {
        this.ring = ring;
        this.sqes = sqes;
        this.headOffset = offsets.get(ValueLayout.JAVA_INT, IoSqringOffsets.head);
        this.tailOffset = offsets.get(ValueLayout.JAVA_INT, IoSqringOffsets.tail);
        this.mask = ring.get(ValueLayout.JAVA_INT, offsets.get(ValueLayout.JAVA_INT, IoSqringOffsets.ring_mask));
        this.entries = ring.get(ValueLayout.JAVA_INT,
                offsets.get(ValueLayout.JAVA_INT, IoSqringOffsets.ring_entries));
        this.tail = (int) INT.getAcquire(ring, tailOffset);
        // The indirection array maps ring slots to SQE indexes; identity, set once (as liburing does).
        long array = offsets.get(ValueLayout.JAVA_INT, IoSqringOffsets.array);
        for (int i = 0; i < entries; i++) {
            ring.set(ValueLayout.JAVA_INT, array + 4L * i, i);
        }
    }

    /** Entries written but not yet handed to the kernel by {@code io_uring_enter}. */
    int unsubmitted() {
        return unsubmitted;
    }

    /** Called with the number {@code io_uring_enter} consumed. */
    void submitted(int count) {
        unsubmitted -= count;
    }

    /** True when no entry is free; the caller must submit first. */
    boolean isFull() {
        return !hasRoom(1);
    }

    /** True when {@code n} entries are free (a linked chain must be submitted whole). */
    boolean hasRoom(int n) {
        int head = (int) INT.getAcquire(ring, headOffset);
        return entries - (tail - head) >= n;
    }

    /** Makes written entries visible to the kernel. */
    void publish() {
        INT.setRelease(ring, tailOffset, tail);
    }

    /** Claims the next entry, zeroes it and fills the common fields; the caller must have checked {@link #isFull}. */
    private long next(byte opcode, int fd, long userData) {
        long sqe = (long) (tail & mask) * IoUringSqe.LAYOUT.byteSize();
        for (long i = 0; i < IoUringSqe.LAYOUT.byteSize(); i += 8) {
            sqes.set(ValueLayout.JAVA_LONG, sqe + i, 0L);
        }
        sqes.set(ValueLayout.JAVA_BYTE, sqe + IoUringSqe.opcode, opcode);
        sqes.set(ValueLayout.JAVA_INT, sqe + IoUringSqe.fd, fd);
        sqes.set(ValueLayout.JAVA_LONG, sqe + IoUringSqe.user_data, userData);
        tail++;
        unsubmitted++;
        return sqe;
    }

    /** Multishot {@code accept4(fd, NULL, NULL, SOCK_CLOEXEC)}: one CQE per connection while F_MORE is set. */
    void acceptMultishot(int fd, int acceptFlags, long userData) {
        long sqe = next(IORING_OP_ACCEPT, fd, userData);
        sqes.set(ValueLayout.JAVA_SHORT, sqe + IoUringSqe.ioprio, IoUring.IORING_ACCEPT_MULTISHOT);
        sqes.set(ValueLayout.JAVA_INT, sqe + IoUringSqe.op_flags, acceptFlags);
    }

    /** {@code recv(fd, <buffer picked from group>, len, 0)}: the kernel chooses the buffer when data arrives. */
    void recvBufferSelect(int fd, int len, short bufferGroup, long userData) {
        long sqe = next(IORING_OP_RECV, fd, userData);
        sqes.set(ValueLayout.JAVA_BYTE, sqe + IoUringSqe.flags, IoUring.IOSQE_BUFFER_SELECT);
        sqes.set(ValueLayout.JAVA_INT, sqe + IoUringSqe.len, len);
        sqes.set(ValueLayout.JAVA_SHORT, sqe + IoUringSqe.buf_index, bufferGroup);
    }

    /** {@code send(fd, buf, len, msgFlags)} */
    void send(int fd, long address, int len, int msgFlags, long userData) {
        long sqe = next(IORING_OP_SEND, fd, userData);
        sqes.set(ValueLayout.JAVA_LONG, sqe + IoUringSqe.addr, address);
        sqes.set(ValueLayout.JAVA_INT, sqe + IoUringSqe.len, len);
        sqes.set(ValueLayout.JAVA_INT, sqe + IoUringSqe.op_flags, msgFlags);
    }

    /** {@code pread(fd, buf, len, offset)} */
    void read(int fd, long address, int len, long offset, long userData) {
        long sqe = next(IORING_OP_READ, fd, userData);
        sqes.set(ValueLayout.JAVA_LONG, sqe + IoUringSqe.off, offset);
        sqes.set(ValueLayout.JAVA_LONG, sqe + IoUringSqe.addr, address);
        sqes.set(ValueLayout.JAVA_INT, sqe + IoUringSqe.len, len);
    }

    /**
     * {@code pread(fd, buf, len, offset)} linked to the next entry ({@code IOSQE_IO_LINK}): that one starts only
     * when this read completed in full; a short or failed read cancels it with {@code -ECANCELED}.
     */
    void readLinked(int fd, long address, int len, long offset, long userData) {
        read(fd, address, len, offset, userData);
        long sqe = (long) ((tail - 1) & mask) * IoUringSqe.LAYOUT.byteSize();
        sqes.set(ValueLayout.JAVA_BYTE, sqe + IoUringSqe.flags, IoUring.IOSQE_IO_LINK);
    }

    /**
     * {@code connect(fd, addr, addrlen)} linked to the next entry, which must be its {@link #linkTimeout}. The
     * kernel copies the address when it takes the entry ({@code io_uring_enter}); the caller keeps it valid until
     * the completion anyway.
     */
    void connectLinked(int fd, long sockaddrAddress, int sockaddrLength, long userData) {
        long sqe = next(IORING_OP_CONNECT, fd, userData);
        sqes.set(ValueLayout.JAVA_BYTE, sqe + IoUringSqe.flags, IoUring.IOSQE_IO_LINK);
        sqes.set(ValueLayout.JAVA_LONG, sqe + IoUringSqe.addr, sockaddrAddress);
        sqes.set(ValueLayout.JAVA_LONG, sqe + IoUringSqe.off, sockaddrLength); // addr2: the address length
    }

    /**
     * A relative timeout ({@code struct __kernel_timespec} at {@code timespecAddress}) on the entry linked just
     * before: when it fires first, that entry is cancelled ({@code -ECANCELED}) and this completes with
     * {@code -ETIME}; when that entry completes first, this completes with {@code -ECANCELED}.
     */
    void linkTimeout(long timespecAddress, long userData) {
        long sqe = next(IORING_OP_LINK_TIMEOUT, -1, userData);
        sqes.set(ValueLayout.JAVA_LONG, sqe + IoUringSqe.addr, timespecAddress);
        sqes.set(ValueLayout.JAVA_INT, sqe + IoUringSqe.len, 1);
    }

    /** Cancels every request on {@code fd} ({@code IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL}). */
    void cancelFd(int fd, long userData) {
        long sqe = next(IORING_OP_ASYNC_CANCEL, fd, userData);
        sqes.set(ValueLayout.JAVA_INT, sqe + IoUringSqe.op_flags,
                IoUring.IORING_ASYNC_CANCEL_FD | IoUring.IORING_ASYNC_CANCEL_ALL);
    }

    /** Cancels the request submitted with {@code target} as its user_data. */
    void cancelUserData(long target, long userData) {
        long sqe = next(IORING_OP_ASYNC_CANCEL, -1, userData);
        sqes.set(ValueLayout.JAVA_LONG, sqe + IoUringSqe.addr, target);
    }

    /** {@code shutdown(fd, how)} */
    void shutdown(int fd, int how, long userData) {
        long sqe = next(IORING_OP_SHUTDOWN, fd, userData);
        sqes.set(ValueLayout.JAVA_INT, sqe + IoUringSqe.len, how);
    }

    /** {@code close(fd)} */
    void close(int fd, long userData) {
        next(IORING_OP_CLOSE, fd, userData);
    }
}
