package io.zeroserve.net.uring;

import io.zeroserve.ffi.linux.Errno;
import io.zeroserve.ffi.linux.IoUring;
import io.zeroserve.ffi.linux.LibC;
import io.zeroserve.ffi.linux.NativeException;
import io.zeroserve.net.Connection;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One accepted socket served by one {@link Poller}. The calling (virtual) thread posts a task that writes the SQE on
 * the poller thread, then parks; the completion stores the result and unparks it.
 *
 * <p>Reads: a single-shot {@code recv} with {@code IOSQE_BUFFER_SELECT}, so the kernel picks a buffer from the ring's
 * shared pool only when data arrives; the poller copies the bytes into a fresh array and recycles the buffer at once.
 * Multishot recv is not used on purpose: it would keep filling pool buffers for a connection whose reader does not
 * keep up, whereas one recv per {@link #read()} leaves unread data in the kernel's socket buffer, where TCP flow
 * control throttles the peer.
 *
 * <p>Writes: at most one {@code send} in flight per connection, from one pooled native buffer ({@link SendBuffers})
 * held only during {@link #write}. A peer that stops reading therefore parks the writer and pins one buffer, never
 * more.
 *
 * <p>Close: {@link #close()} cancels the pending operations ({@code IORING_ASYNC_CANCEL_FD | ALL}), then closes the fd
 * with {@code IORING_OP_CLOSE} once the last of them has completed, and waits for that: the fd number is only
 * released when nothing of ours can still refer to it.
 */
final class UringConnection implements Connection, Poller.Registration {
    private final IoUringTransport transport;
    private final Poller poller;
    private final int fd;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;
    private final Operation readOp = new Operation();
    private final Operation writeOp = new Operation();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private final CountDownLatch fdClosed = new CountDownLatch(1);
    private final Runnable submitRecv = this::submitRecv;
    private final Runnable submitSend = this::submitSend;
    private final Runnable submitShutdown = this::submitShutdown;
    private final Runnable closeOnPoller = this::closeOnPoller;
    private volatile boolean eof;
    // Poller-thread state.
    private int id = -1;
    private int inflight;
    private boolean closing;
    private boolean closeSubmitted;

    /** A single in-flight operation; one per direction, reused. */
    private static final class Operation {
        volatile Thread waiter;
        volatile boolean done;
        int res;
        byte[] data;
        long address;
        int length;

        void begin() {
            done = false;
            data = null;
            waiter = Thread.currentThread();
        }

        /** Poller thread: publishes the result, then wakes the waiter. */
        void finish(int result, byte[] bytes) {
            res = result;
            data = bytes;
            Thread t = waiter;
            done = true; // volatile store publishes res and data
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    UringConnection(IoUringTransport transport, Poller poller, int fd, InetSocketAddress remoteAddress,
            InetSocketAddress localAddress) {
        this.transport = transport;
        this.poller = poller;
        this.fd = fd;
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
        poller.execute(this::registerOnPoller);
    }

    // ---- caller side ----

    @Override
    public byte[] read() throws IOException {
        if (eof) {
            return null;
        }
        if (closeRequested.get()) {
            throw new ClosedChannelException();
        }
        if (Thread.currentThread().isInterrupted()) {
            close();
            throw new ClosedByInterruptException();
        }
        readOp.begin();
        poller.execute(submitRecv);
        boolean interrupted = await(readOp);
        int res = readOp.res;
        byte[] data = readOp.data;
        readOp.data = null;
        readOp.waiter = null;
        if (interrupted) {
            throw new ClosedByInterruptException();
        }
        if (res > 0) {
            return data;
        }
        if (res == 0) {
            eof = true;
            return null;
        }
        if (closeRequested.get()) {
            throw new AsynchronousCloseException();
        }
        throw new NativeException("recv on " + this, "recv", res);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, data.length);
        writeLock.lock();
        MemorySegment buffer = null;
        try {
            while (length > 0) {
                checkWritable();
                if (buffer == null) {
                    buffer = transport.sendBuffers().acquire(this);
                }
                int chunk = (int) Math.min(length, buffer.byteSize());
                MemorySegment.copy(data, offset, buffer, ValueLayout.JAVA_BYTE, 0, chunk);
                int sent = 0;
                while (sent < chunk) {
                    writeOp.begin();
                    writeOp.address = buffer.address() + sent;
                    writeOp.length = chunk - sent;
                    poller.execute(submitSend);
                    boolean interrupted = await(writeOp);
                    writeOp.waiter = null;
                    if (interrupted) {
                        throw new ClosedByInterruptException();
                    }
                    int res = writeOp.res;
                    if (res < 0) {
                        if (closeRequested.get()) {
                            throw new AsynchronousCloseException();
                        }
                        throw new NativeException("send on " + this, "send", res);
                    }
                    sent += res;
                }
                offset += chunk;
                length -= chunk;
            }
        } finally {
            if (buffer != null) {
                transport.sendBuffers().release(buffer);
            }
            writeLock.unlock();
        }
    }

    private void checkWritable() throws IOException {
        if (closeRequested.get()) {
            throw new ClosedChannelException();
        }
        if (Thread.currentThread().isInterrupted()) {
            close();
            throw new ClosedByInterruptException();
        }
    }

    /**
     * Parks until {@code op} completed. An interrupt closes the connection (which cancels the operation) and keeps
     * waiting for the completion, because the kernel may still use the operation's buffer until then; the interrupt
     * status is restored before returning true.
     */
    private boolean await(Operation op) {
        boolean interrupted = false;
        while (!op.done) {
            if (Thread.interrupted()) {
                if (!interrupted) {
                    interrupted = true;
                    requestClose();
                }
                continue;
            }
            LockSupport.park(this);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return interrupted;
    }

    @Override
    public void shutdownOutput() throws IOException {
        writeLock.lock(); // after writes in progress, like a FIN after the last byte
        try {
            checkWritable();
            writeOp.begin();
            poller.execute(submitShutdown);
            boolean interrupted = await(writeOp);
            writeOp.waiter = null;
            if (interrupted) {
                throw new ClosedByInterruptException();
            }
            if (writeOp.res < 0) {
                if (closeRequested.get()) {
                    throw new AsynchronousCloseException();
                }
                throw new NativeException("shutdown on " + this, "shutdown", writeOp.res);
            }
        } finally {
            writeLock.unlock();
        }
    }

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
        requestClose();
        if (!poller.isPollerThread()) {
            boolean interrupted = false;
            while (true) {
                try {
                    fdClosed.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts closing without waiting; idempotent. */
    void requestClose() {
        if (closeRequested.compareAndSet(false, true)) {
            poller.execute(closeOnPoller);
        }
    }

    // ---- poller side ----

    private void registerOnPoller() {
        if (poller.isTerminated()) {
            closing = true;
            closedFd(LibC.close(fd));
            return;
        }
        id = poller.register(this);
        if (poller.isStopping()) {
            forceClose();
        }
    }

    private void submitRecv() {
        if (closing || poller.isTerminated()) {
            readOp.finish(-Errno.ECANCELED, null);
            return;
        }
        BufferRing buffers = poller.buffers();
        poller.sq().recvBufferSelect(fd, buffers.bufferSize(), buffers.group(),
                Poller.userData(id, Poller.OP_RECV));
        inflight++;
    }

    private void submitSend() {
        if (closing || poller.isTerminated()) {
            writeOp.finish(-Errno.ECANCELED, null);
            return;
        }
        poller.sq().send(fd, writeOp.address, writeOp.length, LibC.MSG_NOSIGNAL,
                Poller.userData(id, Poller.OP_SEND));
        inflight++;
    }

    private void submitShutdown() {
        if (closing || poller.isTerminated()) {
            writeOp.finish(-Errno.ECANCELED, null);
            return;
        }
        poller.sq().shutdown(fd, LibC.SHUT_WR, Poller.userData(id, Poller.OP_SHUTDOWN));
        inflight++;
    }

    private void closeOnPoller() {
        if (closing) {
            return;
        }
        closing = true;
        if (poller.isTerminated()) {
            closedFd(LibC.close(fd));
            return;
        }
        if (inflight > 0) {
            poller.sq().cancelFd(fd, Poller.userData(id, Poller.OP_CANCEL));
            inflight++;
        } else {
            submitClose();
        }
    }

    private void submitClose() {
        closeSubmitted = true;
        poller.sq().close(fd, Poller.userData(id, Poller.OP_CLOSE));
        inflight++;
    }

    @Override
    public void forceClose() {
        closeRequested.set(true);
        closeOnPoller();
    }

    @Override
    public void complete(int op, int res, int flags) {
        inflight--;
        switch (op) {
            case Poller.OP_RECV -> completeRecv(res, flags);
            case Poller.OP_SEND, Poller.OP_SHUTDOWN -> writeOp.finish(res, null);
            case Poller.OP_CANCEL -> {
                // res is the number cancelled, or -ENOENT when they had completed already; either way fine
            }
            case Poller.OP_CLOSE -> {
                poller.unregister(id);
                closedFd(res);
                return;
            }
            default -> throw new IllegalStateException("unexpected op " + op + " on " + this);
        }
        if (closing && inflight == 0 && !closeSubmitted) {
            submitClose();
        }
    }

    private void completeRecv(int res, int flags) {
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
            poller.afterDrain(submitRecv);
            return;
        }
        readOp.finish(res, data);
    }

    private void closedFd(int res) {
        fdClosed.countDown();
        transport.untrack(this);
        // The socket is gone; a reader or writer still parked (it cannot be: their ops completed first) would
        // have been woken by its own completion.
    }

    @Override
    public String toString() {
        return "io_uring connection " + remoteAddress + " -> " + localAddress;
    }
}
