package io.zeroserve.net.uring;

import io.zeroserve.ffi.linux.Errno;
import io.zeroserve.ffi.linux.IoUring;
import io.zeroserve.ffi.linux.LibC;
import io.zeroserve.ffi.linux.NativeException;
import io.zeroserve.net.Connection;
import io.zeroserve.net.SendableFile;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One accepted socket served by one {@link Poller}. Caller threads (virtual) never touch the ring: they post tasks
 * that write SQEs on the poller thread and park until a completion wakes them.
 *
 * <p>Reads: single-shot {@code recv}s with {@code IOSQE_BUFFER_SELECT}, so the kernel picks a buffer from the ring's
 * shared pool only when data arrives (an idle connection holds none); the poller copies the bytes into a fresh array
 * and recycles the buffer at once. The poller keeps one recv armed ahead of the reader and re-arms it from the
 * completion itself, so a request/response loop costs no hand-off to the poller for reading. At most
 * {@value #READ_AHEAD} received arrays wait for the reader; then arming pauses until the reader catches up, and
 * unread data stays in the kernel's socket buffer where TCP flow control throttles the peer. (Multishot recv is not
 * used: it cannot be paused without a cancel, and it would keep filling pool buffers for a reader that lags.)
 *
 * <p>Writes: a write copies its bytes, one chunk at a time, into a pooled native buffer ({@link SendBuffers}) and
 * posts a {@code send}; the poller resubmits short sends until the chunk is done and then returns the buffer to the
 * pool. At most one chunk is in flight per connection: every chunk but the last waits for the previous one, and the
 * last one is left in flight when {@link #write} returns (write-behind of one chunk, so a response costs one
 * hand-off instead of a round trip). Its outcome is checked by the next {@link #write}, {@link #shutdownOutput} or
 * {@link #close}. A peer that stops reading therefore parks the writer and pins one buffer, never more.
 *
 * <p>Close: {@link #close()} cancels the armed recv, lets a send still in flight finish (as closing a socket keeps
 * the bytes already in its send buffer), then closes the fd with {@code IORING_OP_CLOSE} and returns when that has
 * completed: the fd number is released only when nothing of ours can refer to it. An interrupt (of a reader, a
 * writer, or a thread waiting in close) and {@link IoUringTransport#close()} abort instead: every pending operation is
 * cancelled ({@code IORING_OP_ASYNC_CANCEL}).
 */
final class UringConnection implements Connection, Poller.Registration {
    /** Received arrays that may wait for the reader. */
    static final int READ_AHEAD = 2;

    private final IoUringTransport transport;
    private final Poller poller;
    private final int fd;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private final CountDownLatch fdClosed = new CountDownLatch(1);
    private final Runnable armRecv = this::armRecv;
    private final Runnable resumeRecv = this::resumeRecv;
    private final Runnable submitSend = this::submitSend;
    private final Runnable submitShutdown = this::submitShutdown;
    private final Runnable submitFileSend = this::submitFileSend;
    private final Runnable closeGracefully = () -> closeOnPoller(false);
    private final Runnable abort = () -> closeOnPoller(true);
    private final Runnable progressClose = this::progressClose;
    private final boolean directSend;
    /** Caller threads inside a direct system call on {@link #fd}; the poller closes the fd only at zero. */
    private final AtomicInteger fdUsers = new AtomicInteger();
    /** Set by the poller before it checks {@link #fdUsers} and closes the fd. */
    private volatile boolean fdClosing;

    // Reader side, shared with the poller.
    private final ConcurrentLinkedQueue<Object> received = new ConcurrentLinkedQueue<>();
    private final AtomicInteger receivedCount = new AtomicInteger();
    private volatile Thread reader;
    private volatile boolean recvPaused;
    private volatile boolean eof;

    // Writer side, shared with the poller. The writer sets sendBuffer/sendLength before posting submitSend (the
    // task queue orders them); the poller publishes the outcome with the volatile writeDone.
    private MemorySegment sendBuffer;
    private int sendLength;
    private int fileFd = -1;
    private long filePosition;
    /** writeResult of a file chunk whose read came back short: the file ended early. */
    private static final int FILE_ENDED = Integer.MIN_VALUE;
    private volatile boolean fileError;
    private volatile boolean writeDone = true;
    private volatile int writeResult;
    private volatile Thread writer;

    // Poller-thread state.
    private int id = -1;
    private int inflight;
    private boolean recvArmed;
    private boolean recvEnded;
    private boolean sendInFlight;
    private int fileReadResult; // poller: result of the linked read of the chunk in flight, 0 = none
    private int sendOffset;
    private boolean closing;
    private boolean aborting;
    private boolean recvCancelSent;
    private boolean sendCancelSent;
    private boolean closeSubmitted;

    /** End of stream or an error: the last entry of {@link #received}. */
    private record Ended(int res) {
    }

    UringConnection(IoUringTransport transport, Poller poller, int fd, InetSocketAddress remoteAddress,
            InetSocketAddress localAddress) {
        this.transport = transport;
        this.poller = poller;
        this.fd = fd;
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
        this.directSend = transport.directSend();
        poller.execute(this::registerOnPoller);
    }

    // ---- caller side: reading ----

    @Override
    public byte[] read() throws IOException {
        if (eof) {
            return null;
        }
        if (closeRequested.get()) {
            throw new ClosedChannelException();
        }
        Thread me = Thread.currentThread();
        if (me.isInterrupted()) {
            abortAndWait();
            throw new ClosedByInterruptException();
        }
        Object next = received.peek();
        if (next == null) {
            reader = me;
            // Dekker pair with the poller's offer-then-read-reader: re-check after publishing ourselves.
            while ((next = received.peek()) == null) {
                if (Thread.interrupted()) {
                    reader = null;
                    // The armed recv holds no buffer of ours, so there is nothing to wait for but the fd's close.
                    abortAndWait();
                    me.interrupt();
                    throw new ClosedByInterruptException();
                }
                LockSupport.park(this);
            }
            reader = null;
        }
        if (next instanceof byte[] data) {
            received.poll();
            if (receivedCount.getAndDecrement() == READ_AHEAD && recvPaused) {
                poller.execute(resumeRecv);
            }
            return data;
        }
        int res = ((Ended) next).res(); // stays queued: every later read sees it too
        if (res == 0) {
            eof = true;
            return null;
        }
        if (closeRequested.get()) {
            throw new AsynchronousCloseException();
        }
        throw new NativeException("recv on " + this, "recv", res);
    }

    // ---- caller side: writing ----

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, data.length);
        writeLock.lock();
        try {
            if (directSend && length > 0) {
                awaitPreviousSend(); // keeps the byte order with a chunk still in flight
                int sent;
                while (length > 0 && (sent = sendDirect(data, offset, length)) > 0) {
                    offset += sent;
                    length -= sent;
                }
            }
            while (length > 0) {
                awaitPreviousSend();
                MemorySegment buffer = transport.sendBuffers().acquire(this);
                int chunk = (int) Math.min(length, buffer.byteSize());
                MemorySegment.copy(data, offset, buffer, ValueLayout.JAVA_BYTE, 0, chunk);
                sendBuffer = buffer;
                sendLength = chunk;
                writeDone = false;
                poller.execute(submitSend); // the poller returns the buffer to the pool when the chunk is sent
                offset += chunk;
                length -= chunk;
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Reads each chunk of the range from the file into a pooled native buffer with {@code IORING_OP_READ} linked to
     * the {@code IORING_OP_SEND} of that buffer: one buffer, no copy through the Java heap, one hand-off per chunk.
     * The last chunk is left in flight like {@link #write}'s.
     */
    @Override
    public void sendFile(SendableFile file, long position, long count) throws IOException {
        writeLock.lock();
        try {
            while (count > 0) {
                awaitPreviousSend();
                MemorySegment buffer = transport.sendBuffers().acquire(this);
                int chunk = (int) Math.min(count, buffer.byteSize());
                sendBuffer = buffer;
                sendLength = chunk;
                fileFd = file.fd();
                filePosition = position;
                writeDone = false;
                poller.execute(submitFileSend);
                position += chunk;
                count -= chunk;
            }
            // Unlike write(), wait for the last chunk: the caller may close the file once this returns, and the
            // file's fd must stay valid until the kernel has read from it.
            awaitPreviousSend();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * One non-blocking {@code send(2)} straight from the caller's array: the bytes sent, or 0 when the socket's send
     * buffer is full (the rest then goes through the ring, which waits for room without a thread). The fd is pinned
     * by {@link #fdUsers} for the duration of the call so that the poller cannot close it, and its number cannot be
     * reused, while the call runs.
     */
    private int sendDirect(byte[] data, int offset, int length) throws IOException {
        fdUsers.incrementAndGet();
        try {
            if (fdClosing || closeRequested.get()) {
                throw new ClosedChannelException();
            }
            long n = LibC.send(fd, MemorySegment.ofArray(data).asSlice(offset, length), length,
                    LibC.MSG_DONTWAIT | LibC.MSG_NOSIGNAL);
            if (n == -Errno.EAGAIN) {
                return 0;
            }
            if (n < 0) {
                throw new NativeException("send on " + this, "send", (int) n);
            }
            return (int) n;
        } finally {
            // Dekker pair with progressClose: it stores fdClosing and then reads fdUsers.
            if (fdUsers.decrementAndGet() == 0 && fdClosing) {
                poller.execute(progressClose);
            }
        }
    }

    /**
     * Waits until no send is in flight and throws its failure, if any. An interrupt aborts the connection (the
     * kernel may use the buffer until the cancelled send completes, so this still waits for that).
     */
    private void awaitPreviousSend() throws IOException {
        if (closeRequested.get()) {
            throw new ClosedChannelException();
        }
        Thread me = Thread.currentThread();
        boolean interrupted = me.isInterrupted();
        if (interrupted) {
            requestClose(true);
        }
        if (!writeDone) {
            writer = me;
            while (!writeDone) {
                if (Thread.interrupted()) {
                    if (!interrupted) {
                        interrupted = true;
                        requestClose(true);
                    }
                    continue;
                }
                LockSupport.park(this);
            }
            writer = null;
        }
        if (interrupted) {
            me.interrupt();
            throw new ClosedByInterruptException();
        }
        int res = writeResult;
        if (res < 0) {
            if (closeRequested.get()) {
                throw new AsynchronousCloseException();
            }
            if (res == FILE_ENDED) {
                throw new java.io.EOFException("the file ended before the range sent on " + this);
            }
            throw new NativeException("send on " + this, fileError ? "read" : "send", res);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        writeLock.lock(); // after the writes in progress: the FIN follows the last byte
        try {
            awaitPreviousSend();
            writeDone = false;
            poller.execute(submitShutdown);
            awaitPreviousSend();
        } finally {
            writeLock.unlock();
        }
    }

    // ---- caller side: the rest ----

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public boolean isOpen() {
        return !eof && !closeRequested.get();
    }

    @Override
    public void close() {
        requestClose(false);
        awaitFdClosed();
    }

    private void abortAndWait() {
        requestClose(true);
        awaitFdClosed();
    }

    /** Waits for the fd's close; an interrupt turns a graceful close into an abort, the status is kept. */
    private void awaitFdClosed() {
        if (poller.isPollerThread()) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                fdClosed.await();
                break;
            } catch (InterruptedException e) {
                if (!interrupted) {
                    interrupted = true;
                    poller.execute(abort);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts closing without waiting; idempotent, but an abort may follow a graceful request. */
    void requestClose(boolean abortive) {
        boolean first = closeRequested.compareAndSet(false, true);
        if (abortive) {
            poller.execute(abort);
        } else if (first) {
            poller.execute(closeGracefully);
        }
    }

    // ---- poller side ----

    private void registerOnPoller() {
        if (poller.isTerminated()) {
            closing = true;
            LibC.close(fd);
            closedFd();
            return;
        }
        id = poller.register(this);
        if (poller.isStopping()) {
            forceClose();
            return;
        }
        armRecv();
    }

    private void armRecv() {
        if (recvArmed || recvEnded || closing || poller.isTerminated()) {
            return;
        }
        BufferRing buffers = poller.buffers();
        poller.sq().recvBufferSelect(fd, buffers.bufferSize(), buffers.group(),
                Poller.userData(id, Poller.OP_RECV));
        recvArmed = true;
        inflight++;
    }

    private void resumeRecv() {
        if (recvPaused && receivedCount.get() < READ_AHEAD) {
            recvPaused = false;
            armRecv();
        }
    }

    private void submitSend() {
        if (aborting || closeSubmitted || poller.isTerminated()) {
            finishSend(-Errno.ECANCELED);
            return;
        }
        sendOffset = 0;
        sendInFlight = true;
        sendChunk();
    }

    private void submitFileSend() {
        if (aborting || closeSubmitted || poller.isTerminated()) {
            finishSend(-Errno.ECANCELED);
            return;
        }
        sendOffset = 0;
        sendInFlight = true;
        fileReadResult = 0;
        fileError = false;
        SubmissionQueue sq = poller.sq(2);
        sq.readLinked(fileFd, sendBuffer.address(), sendLength, filePosition, Poller.userData(id, Poller.OP_READ));
        sq.send(fd, sendBuffer.address(), sendLength, LibC.MSG_NOSIGNAL, Poller.userData(id, Poller.OP_SEND));
        inflight += 2;
    }

    private void sendChunk() {
        poller.sq().send(fd, sendBuffer.address() + sendOffset, sendLength - sendOffset, LibC.MSG_NOSIGNAL,
                Poller.userData(id, Poller.OP_SEND));
        inflight++;
    }

    private void finishSend(int res) {
        sendInFlight = false;
        MemorySegment buffer = sendBuffer;
        sendBuffer = null;
        if (buffer != null) {
            transport.sendBuffers().release(buffer);
        }
        writeResult = res < 0 ? res : 0;
        writeDone = true;
        Thread w = writer;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    private void submitShutdown() {
        if (closing || poller.isTerminated()) {
            writeResult = -Errno.ECANCELED;
            writeDone = true;
            Thread w = writer;
            if (w != null) {
                LockSupport.unpark(w);
            }
            return;
        }
        poller.sq().shutdown(fd, LibC.SHUT_WR, Poller.userData(id, Poller.OP_SHUTDOWN));
        inflight++;
    }

    private void closeOnPoller(boolean abortive) {
        if (closeSubmitted) {
            return;
        }
        closing = true;
        aborting |= abortive;
        if (poller.isTerminated()) {
            // No ring any more (transport closed, or the poller failed): fail the waiting threads, close directly.
            if (sendInFlight || sendBuffer != null || !writeDone) {
                finishSend(-Errno.ECANCELED);
            }
            if (!recvEnded) {
                recvEnded = true;
                received.offer(new Ended(-Errno.ECANCELED));
                Thread r = reader;
                if (r != null) {
                    LockSupport.unpark(r);
                }
            }
            closeSubmitted = true;
            LibC.close(fd);
            closedFd();
            return;
        }
        progressClose();
    }

    /** Cancels what keeps the fd open and closes it once nothing is in flight. */
    private void progressClose() {
        if (closeSubmitted || !closing) {
            return;
        }
        if (recvArmed && !recvCancelSent) {
            recvCancelSent = true;
            poller.sq().cancelUserData(Poller.userData(id, Poller.OP_RECV), Poller.userData(id, Poller.OP_CANCEL));
            inflight++;
        }
        if (aborting && sendInFlight && !sendCancelSent) {
            sendCancelSent = true;
            poller.sq().cancelUserData(Poller.userData(id, Poller.OP_SEND), Poller.userData(id, Poller.OP_CANCEL));
            inflight++;
        }
        if (inflight == 0) {
            fdClosing = true;
            if (fdUsers.get() > 0) {
                return; // a caller is inside send(2) on the fd; it runs progressClose again when it leaves
            }
            closeSubmitted = true;
            poller.sq().close(fd, Poller.userData(id, Poller.OP_CLOSE));
            inflight++;
        }
    }

    @Override
    public void forceClose() {
        closeRequested.set(true);
        closeOnPoller(true);
    }

    @Override
    public void complete(int op, int res, int flags) {
        inflight--;
        switch (op) {
            case Poller.OP_RECV -> completeRecv(res, flags);
            case Poller.OP_SEND -> completeSend(res);
            case Poller.OP_READ -> fileReadResult = res == sendLength ? 0 : res < 0 ? res : FILE_ENDED;
            case Poller.OP_SHUTDOWN -> {
                writeResult = res < 0 ? res : 0;
                writeDone = true;
                Thread w = writer;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
            case Poller.OP_CANCEL -> {
                // res is 0, or -ENOENT/-EALREADY when the target had completed or was completing: all fine
            }
            case Poller.OP_CLOSE -> {
                poller.unregister(id);
                closedFd();
                return;
            }
            default -> throw new IllegalStateException("unexpected op " + op + " on " + this);
        }
        if (closing) {
            progressClose();
        }
    }

    private void completeSend(int res) {
        if (fileReadResult != 0) {
            // The linked read failed or came back short, which cancelled this send: report the read's outcome.
            int readResult = fileReadResult;
            fileReadResult = 0;
            fileError = true;
            finishSend(readResult);
            return;
        }
        if (res > 0 && sendOffset + res < sendLength && !aborting) {
            sendOffset += res; // short send: the rest of the chunk goes next
            sendChunk();
            return;
        }
        finishSend(res);
    }

    private void completeRecv(int res, int flags) {
        recvArmed = false;
        BufferRing buffers = poller.buffers();
        byte[] data = null;
        if ((flags & IoUring.IORING_CQE_F_BUFFER) != 0) {
            int bid = flags >>> IoUring.IORING_CQE_BUFFER_SHIFT;
            if (res > 0) {
                data = new byte[res];
                buffers.copyOut(bid, data, res);
            }
            buffers.recycle(bid);
        }
        if (res == -Errno.ENOBUFS && !closing) {
            // Every pool buffer was taken in this batch; they are recycled by the end of it, so try again then.
            poller.afterDrain(armRecv);
            return;
        }
        if (data != null) {
            int queued = receivedCount.incrementAndGet();
            received.offer(data);
            if (queued < READ_AHEAD) {
                armRecv(); // read ahead: the next request finds its recv already in the kernel
            } else {
                recvPaused = true;
                if (receivedCount.get() < READ_AHEAD) {
                    resumeRecv(); // the reader took one between our count and the flag
                }
            }
        } else {
            recvEnded = true;
            received.offer(new Ended(res));
        }
        Thread r = reader;
        if (r != null) {
            LockSupport.unpark(r);
        }
    }

    private void closedFd() {
        transport.untrack(this);
        fdClosed.countDown();
    }

    @Override
    public String toString() {
        return "io_uring connection " + remoteAddress + " -> " + localAddress;
    }
}
