package io.zeroserve.net.uring;

import io.zeroserve.ffi.linux.IoCqringOffsets;
import io.zeroserve.ffi.linux.IoUringCqe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The completion side of one ring. Single consumer (the poller thread): the kernel's tail is read with an acquire
 * load, so the CQEs below it are fully written; our head is stored with release once the entries were read, which
 * hands their slots back to the kernel.
 */
final class CompletionQueue {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** Receives one completion; runs on the poller thread and must not block. */
    interface Handler {
        void complete(long userData, int res, int flags);
    }

    private final MemorySegment ring;
    private final long headOffset;
    private final long tailOffset;
    private final long cqesOffset;
    private final int mask;

    CompletionQueue(MemorySegment ring, MemorySegment offsets) {
        this.ring = ring;
        this.headOffset = offsets.get(ValueLayout.JAVA_INT, IoCqringOffsets.head);
        this.tailOffset = offsets.get(ValueLayout.JAVA_INT, IoCqringOffsets.tail);
        this.cqesOffset = offsets.get(ValueLayout.JAVA_INT, IoCqringOffsets.cqes);
        this.mask = ring.get(ValueLayout.JAVA_INT, offsets.get(ValueLayout.JAVA_INT, IoCqringOffsets.ring_mask));
    }

    boolean hasCompletions() {
        return (int) INT.getAcquire(ring, tailOffset) != ring.get(ValueLayout.JAVA_INT, headOffset);
    }

    /** Hands every available completion to {@code handler}; returns how many. */
    int drain(Handler handler) {
        int head = ring.get(ValueLayout.JAVA_INT, headOffset); // only we write it
        int tail = (int) INT.getAcquire(ring, tailOffset);
        int count = 0;
        while (head != tail) {
            long cqe = cqesOffset + (long) (head & mask) * IoUringCqe.LAYOUT.byteSize();
            long userData = ring.get(ValueLayout.JAVA_LONG, cqe + IoUringCqe.user_data);
            int res = ring.get(ValueLayout.JAVA_INT, cqe + IoUringCqe.res);
            int flags = ring.get(ValueLayout.JAVA_INT, cqe + IoUringCqe.flags);
            head++;
            count++;
            // Release the slot before running the handler: the values are copied, and a handler may submit work
            // whose completion needs room.
            INT.setRelease(ring, headOffset, head);
            handler.complete(userData, res, flags);
            if (head == tail) {
                tail = (int) INT.getAcquire(ring, tailOffset);
            }
        }
        return count;
    }
}
