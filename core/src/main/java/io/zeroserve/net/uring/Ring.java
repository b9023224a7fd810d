package io.zeroserve.net.uring;

import io.zeroserve.ffi.linux.IoCqringOffsets;
import io.zeroserve.ffi.linux.IoSqringOffsets;
import io.zeroserve.ffi.linux.IoUring;
import io.zeroserve.ffi.linux.IoUringCqe;
import io.zeroserve.ffi.linux.IoUringParams;
import io.zeroserve.ffi.linux.IoUringSqe;
import io.zeroserve.ffi.linux.LibC;
import io.zeroserve.ffi.linux.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One io_uring instance: the ring fd and its two mappings (rings, SQE array). Created and used by exactly one
 * poller thread ({@code IORING_SETUP_SINGLE_ISSUER}); {@link #close()} unmaps and closes the fd.
 */
final class Ring implements AutoCloseable {
    /** System property that makes every ring setup fail as if the kernel refused it (tests of the fallback). */
    static final String FAIL_SETUP_PROPERTY = io.zeroserve.net.Transports.FAIL_IO_URING_PROPERTY;

    private static final int PREFERRED_FLAGS = IoUring.IORING_SETUP_SINGLE_ISSUER
            | IoUring.IORING_SETUP_DEFER_TASKRUN | IoUring.IORING_SETUP_CQSIZE;

    final int fd;
    final int features;
    final SubmissionQueue sq;
    final CompletionQueue cq;
    private final MemorySegment rings;
    private final MemorySegment sqes;
    private boolean closed;

    private Ring(int fd, int features, MemorySegment rings, MemorySegment sqes, SubmissionQueue sq,
            CompletionQueue cq) {
        this.fd = fd;
        this.features = features;
        this.rings = rings;
        this.sqes = sqes;
        this.sq = sq;
        this.cq = cq;
    }

    /**
     * Sets up a ring with {@code entries} SQEs and {@code cqEntries} CQEs on the calling thread, which becomes its
     * only submitter. Falls back to no setup flags on kernels that reject SINGLE_ISSUER / DEFER_TASKRUN.
     */
    static Ring create(int entries, int cqEntries) throws NativeException {
        if (Boolean.getBoolean(FAIL_SETUP_PROPERTY)) {
            throw new NativeException("io_uring_setup (refused by -D" + FAIL_SETUP_PROPERTY + ")",
                    -io.zeroserve.ffi.linux.Errno.EPERM);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(IoUringParams.LAYOUT);
            params.set(ValueLayout.JAVA_INT, IoUringParams.flags, PREFERRED_FLAGS);
            params.set(ValueLayout.JAVA_INT, IoUringParams.cq_entries, cqEntries);
            int fd = IoUring.io_uring_setup(entries, params);
            if (fd == -io.zeroserve.ffi.linux.Errno.EINVAL) {
                params.fill((byte) 0);
                params.set(ValueLayout.JAVA_INT, IoUringParams.flags, IoUring.IORING_SETUP_CQSIZE);
                params.set(ValueLayout.JAVA_INT, IoUringParams.cq_entries, cqEntries);
                fd = IoUring.io_uring_setup(entries, params);
            }
            if (fd < 0) {
                throw new NativeException("io_uring_setup", fd);
            }
            try {
                return map(fd, params);
            } catch (NativeException | RuntimeException e) {
                LibC.close(fd);
                throw e;
            }
        }
    }

    private static Ring map(int fd, MemorySegment params) throws NativeException {
        int features = params.get(ValueLayout.JAVA_INT, IoUringParams.features);
        if ((features & IoUring.IORING_FEAT_SINGLE_MMAP) == 0 || (features & IoUring.IORING_FEAT_NODROP) == 0) {
            throw new NativeException("io_uring_setup (kernel lacks IORING_FEAT_SINGLE_MMAP or NODROP, needs 5.5+)",
                    -io.zeroserve.ffi.linux.Errno.ENOSYS);
        }
        int sqEntries = params.get(ValueLayout.JAVA_INT, IoUringParams.sq_entries);
        int cqEntries = params.get(ValueLayout.JAVA_INT, IoUringParams.cq_entries);
        MemorySegment sqOff = params.asSlice(IoUringParams.sq_off, IoSqringOffsets.LAYOUT.byteSize());
        MemorySegment cqOff = params.asSlice(IoUringParams.cq_off, IoCqringOffsets.LAYOUT.byteSize());
        long sqSize = sqOff.get(ValueLayout.JAVA_INT, IoSqringOffsets.array) + 4L * sqEntries;
        long cqSize = cqOff.get(ValueLayout.JAVA_INT, IoCqringOffsets.cqes)
                + IoUringCqe.LAYOUT.byteSize() * cqEntries;
        long ringSize = Math.max(sqSize, cqSize);
        MemorySegment rings = LibC.mmap(MemorySegment.NULL, ringSize, LibC.PROT_READ | LibC.PROT_WRITE,
                LibC.MAP_SHARED | LibC.MAP_POPULATE, fd, IoUring.IORING_OFF_SQ_RING);
        if (rings.equals(MemorySegment.NULL)) {
            throw new NativeException("mmap(IORING_OFF_SQ_RING)", LibC.lastMmapError());
        }
        long sqesSize = IoUringSqe.LAYOUT.byteSize() * sqEntries;
        MemorySegment sqes = LibC.mmap(MemorySegment.NULL, sqesSize, LibC.PROT_READ | LibC.PROT_WRITE,
                LibC.MAP_SHARED | LibC.MAP_POPULATE, fd, IoUring.IORING_OFF_SQES);
        if (sqes.equals(MemorySegment.NULL)) {
            int err = LibC.lastMmapError();
            LibC.munmap(rings, ringSize);
            throw new NativeException("mmap(IORING_OFF_SQES)", err);
        }
        return new Ring(fd, features, rings, sqes, new SubmissionQueue(rings, sqes, sqOff),
                new CompletionQueue(rings, cqOff));
    }

    /**
     * Publishes written SQEs and enters the kernel: submits them and, with {@code wait}, blocks until at least one
     * completion is available. Returns the kernel's result ({@code -EINTR} when a signal interrupted the wait).
     */
    int submit(boolean wait) {
        sq.publish();
        int toSubmit = sq.unsubmitted();
        int rc = IoUring.io_uring_enter(fd, toSubmit, wait ? 1 : 0, IoUring.IORING_ENTER_GETEVENTS,
                MemorySegment.NULL, 0);
        if (rc > 0) {
            sq.submitted(rc);
        }
        return rc;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LibC.munmap(sqes, sqes.byteSize());
        LibC.munmap(rings, rings.byteSize());
        LibC.close(fd);
    }

    @Override
    public String toString() {
        return "Ring[fd=" + fd + ", features=0x" + Integer.toHexString(features) + "]";
    }
}
