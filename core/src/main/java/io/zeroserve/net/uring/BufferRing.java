package io.zeroserve.net.uring;

import io.zeroserve.ffi.linux.IoUring;
import io.zeroserve.ffi.linux.IoUringBuf;
import io.zeroserve.ffi.linux.IoUringBufReg;
import io.zeroserve.ffi.linux.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}): {@code count} receive buffers of {@code size} bytes that
 * the kernel picks from when data arrives on a {@code recv} submitted with {@code IOSQE_BUFFER_SELECT}. An idle
 * connection therefore holds no buffer at all; the pool is shared by every connection of the ring.
 *
 * <p>Single producer: only the poller thread recycles buffers, so the tail is a plain field published with a release
 * store. Memory belongs to the ring's arena and is freed with it, after {@link #unregister}.
 */
final class BufferRing {
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle();

    private final short group;
    private final int count;
    private final int size;
    private final int mask;
    private final MemorySegment ring;
    private final MemorySegment buffers;
    private short tail;
    private boolean dirty;

    BufferRing(int ringFd, short group, int count, int size, Arena arena) throws NativeException {
        if (Integer.bitCount(count) != 1 || count > 32768) {
            throw new IllegalArgumentException("buffer count must be a power of two up to 32768: " + count);
        }
        this.group = group;
        this.count = count;
        this.size = size;
        this.mask = count - 1;
        this.ring = arena.allocate(count * IoUringBuf.LAYOUT.byteSize(), 4096);
        this.buffers = arena.allocate((long) count * size, 4096);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(IoUringBufReg.LAYOUT);
            reg.set(ValueLayout.JAVA_LONG, IoUringBufReg.ring_addr, ring.address());
            reg.set(ValueLayout.JAVA_INT, IoUringBufReg.ring_entries, count);
            reg.set(ValueLayout.JAVA_SHORT, IoUringBufReg.bgid, group);
            int rc = IoUring.io_uring_register(ringFd, IoUring.IORING_REGISTER_PBUF_RING, reg, 1);
            if (rc < 0) {
                throw new NativeException("io_uring_register(IORING_REGISTER_PBUF_RING)", rc);
            }
        }
        for (int bid = 0; bid < count; bid++) {
            recycle(bid);
        }
        publish();
    }

    short group() {
        return group;
    }

    int bufferSize() {
        return size;
    }

    /** The buffer the kernel filled, as named by a CQE's buffer id. */
    MemorySegment buffer(int bid) {
        return buffers.asSlice((long) bid * size, size);
    }

    /** Copies {@code length} bytes of buffer {@code bid} into {@code target}. */
    void copyOut(int bid, byte[] target, int length) {
        MemorySegment.copy(buffers, ValueLayout.JAVA_BYTE, (long) bid * size, target, 0, length);
    }

    /** Gives buffer {@code bid} back to the kernel; visible after {@link #publish()}. */
    void recycle(int bid) {
        long entry = (long) (tail & mask) * IoUringBuf.LAYOUT.byteSize();
        ring.set(ValueLayout.JAVA_LONG, entry + IoUringBuf.addr, buffers.address() + (long) bid * size);
        ring.set(ValueLayout.JAVA_INT, entry + IoUringBuf.len, size);
        ring.set(ValueLayout.JAVA_SHORT, entry + IoUringBuf.bid, (short) bid);
        tail++;
        dirty = true;
    }

    /** Publishes recycled buffers to the kernel (release store of the 16-bit tail). */
    void publish() {
        if (dirty) {
            SHORT.setRelease(ring, IoUringBuf.RING_TAIL, tail);
            dirty = false;
        }
    }

    void unregister(int ringFd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(IoUringBufReg.LAYOUT);
            reg.set(ValueLayout.JAVA_SHORT, IoUringBufReg.bgid, group);
            IoUring.io_uring_register(ringFd, IoUring.IORING_UNREGISTER_PBUF_RING, reg, 1);
        }
    }

    @Override
    public String toString() {
        return "BufferRing[group=" + group + ", " + count + " x " + size + " B]";
    }
}
