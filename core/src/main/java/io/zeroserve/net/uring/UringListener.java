package io.zeroserve.net.uring;

import io.zeroserve.ffi.linux.Errno;
import io.zeroserve.ffi.linux.IoUring;
import io.zeroserve.ffi.linux.LibC;
import io.zeroserve.ffi.linux.NativeException;
import io.zeroserve.net.Connection;
import io.zeroserve.net.Listener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening socket with one multishot {@code IORING_OP_ACCEPT} armed on its poller. Accepted fds queue here until
 * {@link #accept()} takes them. The queue is bounded by the backlog: when it is full the multishot accept is
 * cancelled, so further connections wait in the kernel's backlog (and eventually are refused) instead of piling
 * up as open fds; {@link #accept()} re-arms it when the queue has drained to half.
 */
final class UringListener implements Listener, Poller.Registration {
    /** Marks a closed listener in the queue; re-offered so that every waiting acceptor sees it. */
    private static final int CLOSED = Integer.MIN_VALUE;

    private final IoUringTransport transport;
    private final Poller poller;
    private final int fd;
    private final InetSocketAddress localAddress;
    private final int limit;
    private final LinkedBlockingQueue<Integer> accepted = new LinkedBlockingQueue<>();
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private final CountDownLatch fdClosed = new CountDownLatch(1);
    private volatile boolean armed;
    // Poller-thread state.
    private int id = -1;
    private int inflight;
    private boolean closing;
    private boolean closeSubmitted;
    private boolean cancelling;

    UringListener(IoUringTransport transport, Poller poller, int fd, InetSocketAddress localAddress, int backlog) {
        this.transport = transport;
        this.poller = poller;
        this.fd = fd;
        this.localAddress = localAddress;
        this.limit = Math.max(16, backlog);
        poller.execute(() -> {
            if (poller.isTerminated()) {
                closing = true;
                LibC.close(fd);
                fdClosed.countDown();
                return;
            }
            id = poller.register(this);
            arm();
        });
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public Connection accept() throws IOException {
        if (closeRequested.get()) {
            throw new ClosedChannelException();
        }
        int fd;
        try {
            fd = accepted.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new ClosedByInterruptException();
        }
        if (fd == CLOSED) {
            accepted.offer(CLOSED);
            throw new AsynchronousCloseException();
        }
        if (!armed && accepted.size() <= limit / 2) {
            poller.execute(this::arm);
        }
        if (fd < 0) {
            throw new NativeException("accept on " + localAddress, "accept", fd);
        }
        return transport.adopt(fd);
    }

    /** Accepted connections waiting for {@link #accept()}; for tests and diagnostics. */
    int queued() {
        return (int) accepted.stream().filter(fd -> fd >= 0).count();
    }

    /** Whether the multishot accept is armed; false while paused because the queue is full, or after close. */
    boolean isArmed() {
        return armed;
    }

    @Override
    public void close() {
        if (closeRequested.compareAndSet(false, true)) {
            accepted.offer(CLOSED);
            poller.execute(this::closeOnPoller);
        }
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
        transport.untrack(this);
    }

    // ---- poller side ----

    private void arm() {
        if (armed || closing || poller.isTerminated()) {
            return;
        }
        armed = true;
        poller.sq().acceptMultishot(fd, LibC.SOCK_CLOEXEC, Poller.userData(id, Poller.OP_ACCEPT));
        inflight++;
    }

    private void closeOnPoller() {
        if (closing) {
            return;
        }
        closing = true;
        if (poller.isTerminated()) {
            LibC.close(fd);
            drainQueue();
            fdClosed.countDown();
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
        if (closeRequested.compareAndSet(false, true)) {
            accepted.offer(CLOSED);
        }
        closeOnPoller();
    }

    @Override
    public void complete(int op, int res, int flags) {
        switch (op) {
            case Poller.OP_ACCEPT -> {
                boolean more = (flags & IoUring.IORING_CQE_F_MORE) != 0;
                if (!more) {
                    inflight--;
                    armed = false;
                    cancelling = false;
                }
                if (res >= 0) {
                    if (closing) {
                        LibC.close(res);
                    } else {
                        accepted.offer(res);
                        if (more && accepted.size() >= limit && !cancelling) {
                            cancelling = true;
                            poller.sq().cancelUserData(Poller.userData(id, Poller.OP_ACCEPT),
                                    Poller.userData(id, Poller.OP_CANCEL));
                            inflight++;
                        }
                    }
                } else if (res != -Errno.ECANCELED && !closing) {
                    // The multishot ended with an error (EMFILE, ENFILE, ...): report it to an acceptor, whose
                    // next accept() re-arms.
                    accepted.offer(res);
                }
            }
            case Poller.OP_CANCEL -> inflight--;
            case Poller.OP_CLOSE -> {
                inflight--;
                poller.unregister(id);
                drainQueue();
                fdClosed.countDown();
                return;
            }
            default -> throw new IllegalStateException("unexpected op " + op + " on " + this);
        }
        if (closing && inflight == 0 && !closeSubmitted) {
            submitClose();
        }
    }

    /** Closes accepted fds nobody took. */
    private void drainQueue() {
        for (Integer queued : accepted.toArray(new Integer[0])) {
            if (queued >= 0 && accepted.remove(queued)) {
                LibC.close(queued);
            }
        }
    }

    @Override
    public String toString() {
        return "io_uring listener " + localAddress;
    }
}
