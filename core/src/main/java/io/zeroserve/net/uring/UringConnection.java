package io.zeroserve.net.uring;

import io.zeroserve.ffi.linux.Errno;
import io.zeroserve.ffi.linux.IoUring;
import io.zeroserve.ffi.linux.LibC;
import io.zeroserve.ffi.linux.NativeException;
import io.zeroserve.ffi.linux.Sockaddrs;
import io.zeroserve.net.Connection;
import io.zeroserve.net.SendableFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
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
 * <p>Writes (write-behind with gathering): a write copies its bytes into the connection's <em>staged</em> pooled
 * native buffer ({@link SendBuffers}) and returns. The poller sends the staged buffer as soon as no send of this
 * connection is in flight: at once when the connection was idle (the writer posts one task), otherwise from the
 * completion of the previous send, without the writer. Writes that arrive while a send is in flight are therefore
 * gathered into the next send (an HTTP/2 response's frames, a TLS connection's records); a writer waits only when
 * the staged buffer is full, so a connection holds at most two buffers (one in the kernel, one staged) and a peer that
 * stops reading parks the writer and pins those two, never more. {@link #write(Producer)} lets the caller fill the
 * staged buffer itself (TLS drains its write BIO straight into it) under the same rules. A send failure is thrown by
 * the next write, {@link #sendFile}, {@link #shutdownOutput}; the staged bytes are then dropped.
 *
 * <p>Close: {@link #close()} cancels the armed recv, lets the sends in flight and staged finish (as closing a socket
 * keeps the bytes already in its send buffer), then closes the fd with {@code IORING_OP_CLOSE} and returns when that has
 * completed: the fd number is released only when nothing of ours can refer to it. An interrupt (of a reader, a
 * writer, or a thread waiting in close) and {@link IoUringTransport#close()} abort instead: every pending operation is
 * cancelled ({@code IORING_OP_ASYNC_CANCEL}).
 *
 * <p>Outgoing connections ({@link IoUringTransport#connect}): the poller submits {@code IORING_OP_CONNECT} linked to
 * an {@code IORING_OP_LINK_TIMEOUT}; its completion arms the first recv and wakes the connecting thread, which
 * {@link #awaitConnected} parks until then. From there on the connection is the same as an accepted one.
 */
final class UringConnection implements Connection, Poller.Registration {
    /** Received arrays that may wait for the reader. */
    static final int READ_AHEAD = 2;

    private final IoUringTransport transport;
    private final Poller poller;
    private final int fd;
    private final InetSocketAddress remoteAddress;
    /** Set once connected for an outgoing connection (by the poller, before it wakes the connecting thread). */
    private volatile InetSocketAddress localAddress;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private final CountDownLatch fdClosed = new CountDownLatch(1);
    private final Runnable armRecv = this::armRecv;
    private final Runnable resumeRecv = this::resumeRecv;
    private final Runnable submitSend = this::submitSend;
    private final Runnable submitShutdown = this::submitShutdown;
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

    // Writer side, shared with the poller: guarded by sendLock. The writer (holding writeLock) only creates and
    // fills the staged buffer; the poller only takes it (staged -> in flight) or drops it.
    private final Object sendLock = new Object();
    /** Bytes written and not yet handed to the kernel, or null. */
    private MemorySegment staged;
    private int stagedLength;
    /** A file range read into the end of {@link #staged} before its send; the buffer takes no more bytes then. */
    private int stagedFileFd = -1;
    private long stagedFilePosition;
    private int stagedFileLength;
    /** From the post of a send (or shutdown) until the poller found nothing more to send. */
    private boolean sendActive;
    /** The first failure of a send, read or shutdown (negative errno, or {@link #FILE_ENDED}); sticky. */
    private int sendError;
    private boolean sendErrorInRead;
    /** The fd was closed: nothing may be staged any more. */
    private boolean sendClosed;
    /** A writer parked until the staged buffer was taken or the sends are done. */
    private Thread writer;
    /**
     * A producer ({@link #write(Producer)}) is filling the end of {@link #staged} outside {@code sendLock}: until it
     * commits, only the writer may take, drop or release that buffer.
     */
    private boolean filling;
    /** The poller wanted to send while {@link #filling}: the writer posts the send when it commits. */
    private boolean takeWanted;
    /** sendError of a file chunk whose read came back short: the file ended early. */
    private static final int FILE_ENDED = Integer.MIN_VALUE;

    // Poller-thread state.
    private int id = -1;
    private int inflight;
    private boolean recvArmed;
    private boolean recvEnded;
    /** The buffer the kernel sends from (or reads the file into first), or null. */
    private MemorySegment sending;
    private int sendingLength;
    private int sendOffset;
    private boolean sendInFlight;
    private int fileReadResult; // result of the linked read of the send in flight, 0 = fine or none
    private int expectedRead;
    private boolean closing;
    private boolean aborting;
    private boolean recvCancelSent;
    private boolean sendCancelSent;
    private boolean closeSubmitted;

    // Outgoing connections only: the connect in progress.
    /** {@code struct sockaddr} then {@code struct __kernel_timespec} for the connect; null for an accepted socket. */
    private final MemorySegment connectRequest;
    private final int connectAddressLength;
    private volatile boolean connectDone;
    /** 0, or the connect's negative errno; valid once {@link #connectDone}. */
    private volatile int connectResult;
    private volatile Thread connector;
    private boolean connectInFlight; // poller-thread state
    private boolean connectCancelSent; // poller-thread state

    /** End of stream or an error: the last entry of {@link #received}. */
    private record Ended(int res) {
    }

    /** An accepted socket. */
    UringConnection(IoUringTransport transport, Poller poller, int fd, InetSocketAddress remoteAddress,
            InetSocketAddress localAddress) {
        this(transport, poller, fd, remoteAddress, localAddress, null, 0);
    }

    private UringConnection(IoUringTransport transport, Poller poller, int fd, InetSocketAddress remoteAddress,
            InetSocketAddress localAddress, MemorySegment connectRequest, int connectAddressLength) {
        this.transport = transport;
        this.poller = poller;
        this.fd = fd;
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
        this.directSend = transport.directSend();
        this.connectRequest = connectRequest;
        this.connectAddressLength = connectAddressLength;
        poller.execute(this::registerOnPoller);
    }

    /**
     * An outgoing connection: the poller connects the fresh socket {@code fd} to {@code remote} within
     * {@code timeout}; the caller then waits in {@link #awaitConnected}.
     */
    static UringConnection connecting(IoUringTransport transport, Poller poller, int fd, InetSocketAddress remote,
            Duration timeout) {
        // Automatic memory: read by the kernel when the poller submits, so it lives as long as this connection.
        MemorySegment request = Arena.ofAuto().allocate(Sockaddrs.SOCKADDR_STORAGE_SIZE + 16, 8);
        int length = Sockaddrs.write(request, remote);
        long nanos = Math.max(1, timeout.toNanos());
        request.set(ValueLayout.JAVA_LONG, Sockaddrs.SOCKADDR_STORAGE_SIZE, nanos / 1_000_000_000L);
        request.set(ValueLayout.JAVA_LONG, Sockaddrs.SOCKADDR_STORAGE_SIZE + 8, nanos % 1_000_000_000L);
        return new UringConnection(transport, poller, fd, remote, null, request, length);
    }

    /**
     * Parks until the connect has completed; on failure closes the connection and throws: the kernel's answer
     * ({@code connect to 127.0.0.1:8081: connect: ECONNREFUSED (111)}), {@link SocketTimeoutException} when the
     * link timeout cancelled it, {@link ClosedByInterruptException} when the caller was interrupted (the connect is
     * cancelled), {@link AsynchronousCloseException} when the transport closed meanwhile.
     */
    void awaitConnected(String where, Duration timeout) throws IOException {
        Thread me = Thread.currentThread();
        connector = me;
        // Dekker pair with finishConnect: it stores connectDone, then reads connector.
        while (!connectDone && fdClosed.getCount() > 0) {
            if (Thread.interrupted()) {
                connector = null;
                abortAndWait();
                me.interrupt();
                throw new ClosedByInterruptException();
            }
            LockSupport.park(this);
        }
        connector = null;
        int res = connectDone ? connectResult : -Errno.ECANCELED;
        // A poller that stopped before it took the connect closed the socket without a close request.
        boolean closedMeanwhile = closeRequested.get() || (res == -Errno.ECANCELED && poller.isTerminated());
        if (res == 0 && !closedMeanwhile) {
            return;
        }
        abortAndWait();
        if (closedMeanwhile) {
            throw new AsynchronousCloseException();
        }
        if (res == -Errno.ECANCELED) {
            // Only the link timeout cancels a connect that nobody asked to close.
            throw new SocketTimeoutException(where + ": timed out after " + timeout.toMillis() + " ms");
        }
        throw new NativeException(where, "connect", res);
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
            checkWritable();
            if (directSend && length > 0 && awaitIdleForDirectSend()) {
                int sent;
                while (length > 0 && (sent = sendDirect(data, offset, length)) > 0) {
                    offset += sent;
                    length -= sent;
                }
            }
            while (length > 0) {
                MemorySegment fresh = freshBufferIfNeeded();
                boolean post = false;
                int copied = 0;
                synchronized (sendLock) {
                    long room = installAndMeasureRoom(fresh);
                    if (room > 0) {
                        copied = (int) Math.min(length, room);
                        MemorySegment.copy(data, offset, staged, ValueLayout.JAVA_BYTE, stagedLength, copied);
                        post = commitStaged(copied);
                    }
                }
                afterStaging(post, copied);
                offset += copied;
                length -= copied;
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Lets {@code producer} fill the free end of the staged native buffer directly, outside {@code sendLock} (the
     * buffer is marked {@link #filling} meanwhile, so the poller neither sends nor drops it), then commits what it
     * wrote like {@link #write(byte[], int, int)} does. No direct send: the bytes are in our memory already.
     */
    @Override
    public long write(Producer producer) throws IOException {
        writeLock.lock();
        try {
            checkWritable();
            long total = 0;
            while (true) {
                MemorySegment fresh = freshBufferIfNeeded();
                MemorySegment target = null;
                long room;
                synchronized (sendLock) {
                    room = installAndMeasureRoom(fresh);
                    if (room > 0) {
                        target = staged.asSlice(stagedLength, room);
                        filling = true;
                    }
                }
                if (target == null) {
                    awaitSend(false); // the staged buffer is full: wait until the poller takes it (or a failure)
                    continue;
                }
                int n = 0;
                try {
                    n = Producer.checked(producer.produce(target), room);
                } finally {
                    if (endFill(n)) {
                        poller.execute(submitSend);
                    }
                }
                total += n;
                if (n < room) {
                    return total;
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Commits {@code added} bytes a producer wrote into the staged buffer: true when the caller must start the send.
     * Drops the buffer when the connection failed or closed meanwhile, and gives back a fresh one that stayed empty.
     */
    private boolean endFill(int added) {
        MemorySegment release = null;
        boolean post;
        synchronized (sendLock) {
            filling = false;
            boolean wanted = takeWanted;
            takeWanted = false;
            if (sendError != 0 || sendClosed) {
                // failSends or closedFd left the buffer to us; the next write or awaitSend reports why.
                release = staged;
                staged = null;
                stagedLength = 0;
                post = false;
            } else if (stagedLength + added == 0) {
                release = staged;
                staged = null;
                post = wanted; // the poller must still learn that nothing is staged, to end the sends
            } else {
                post = commitStaged(added) || wanted;
            }
        }
        if (release != null) {
            transport.sendBuffers().release(release);
        }
        return post;
    }

    /**
     * Reads each chunk of the range from the file into the end of the staged native buffer with
     * {@code IORING_OP_READ}, linked to the {@code IORING_OP_SEND} of that buffer: bytes written just before (an HTTP
     * response head) and the first chunk of the file go out in one send, with no copy through the Java heap and no
     * hand-off back to the caller between chunks. Returns when the last chunk has been sent (the caller may close the
     * file then, and the file's fd must stay valid until the kernel has read from it).
     */
    @Override
    public void sendFile(SendableFile file, long position, long count) throws IOException {
        writeLock.lock();
        try {
            checkWritable();
            while (count > 0) {
                MemorySegment fresh = freshBufferIfNeeded();
                boolean post = false;
                int chunk = 0;
                synchronized (sendLock) {
                    long room = installAndMeasureRoom(fresh);
                    if (room > 0) {
                        chunk = (int) Math.min(count, room);
                        stagedFileFd = file.fd();
                        stagedFilePosition = position;
                        stagedFileLength = chunk;
                        post = commitStaged(chunk);
                    }
                }
                afterStaging(post, chunk);
                position += chunk;
                count -= chunk;
            }
            awaitSend(true);
        } finally {
            writeLock.unlock();
        }
    }

    // The steps {@link #write} and {@link #sendFile} share around their own staging (no lambda: one per write cost
    // 1.5-3 % of a small response).

    /** A fresh pooled buffer when the connection needs one; taken outside {@code sendLock}. */
    private MemorySegment freshBufferIfNeeded() throws IOException {
        return needsBuffer() ? transport.sendBuffers().acquire(this) : null;
    }

    /**
     * Under {@code sendLock}: installs {@code fresh} (or gives it back when the connection can no longer send) and
     * returns the room left at the end of the staged buffer, 0 when nothing can be staged now.
     */
    private long installAndMeasureRoom(MemorySegment fresh) {
        if (fresh != null) {
            if (sendClosed || sendError != 0) {
                transport.sendBuffers().release(fresh);
            } else {
                staged = fresh;
                stagedLength = 0;
            }
        }
        if (sendError != 0 || sendClosed || staged == null || stagedFileFd >= 0) {
            return 0;
        }
        return staged.byteSize() - stagedLength;
    }

    /** Under {@code sendLock}, after {@code added} bytes were staged: true when the caller must start the send. */
    private boolean commitStaged(int added) {
        stagedLength += added;
        boolean post = !sendActive;
        sendActive = true;
        return post;
    }

    /** After {@code sendLock}: starts the send, or waits for the poller to take a full buffer (or report a failure). */
    private void afterStaging(boolean post, int added) throws IOException {
        if (post) {
            poller.execute(submitSend);
        }
        if (added == 0) {
            awaitSend(false);
        }
    }

    /** Throws when the connection is closing, or aborts it when the caller is interrupted (NIO semantics). */
    private void checkWritable() throws IOException {
        if (closeRequested.get()) {
            throw new ClosedChannelException();
        }
        if (Thread.currentThread().isInterrupted()) {
            awaitSend(false); // aborts, waits for the cancelled operations and throws ClosedByInterruptException
        }
    }

    /** True when the writer must bring a buffer: none is staged (only the writer stages one, under writeLock). */
    private boolean needsBuffer() throws IOException {
        if (closeRequested.get()) {
            throw new ClosedChannelException();
        }
        synchronized (sendLock) {
            if (sendError == 0 && !sendClosed && staged == null) {
                return true;
            }
        }
        return false;
    }

    /** For direct sends: waits until nothing is staged or in flight, so the byte order is kept. */
    private boolean awaitIdleForDirectSend() throws IOException {
        awaitSend(true);
        return true;
    }

    /**
     * Waits until the poller has taken the staged buffer ({@code flush} false) or until every send is done
     * ({@code flush} true), and throws a send failure. An interrupt aborts the connection, then still waits until no
     * send is active (the kernel may be reading a file range for us until the cancelled operation completes).
     */
    private void awaitSend(boolean flush) throws IOException {
        Thread me = Thread.currentThread();
        boolean interrupted = me.isInterrupted();
        if (interrupted) {
            requestClose(true);
        }
        int error;
        boolean closed;
        while (true) {
            synchronized (sendLock) {
                error = sendError;
                closed = sendClosed;
                boolean ready = error != 0 || closed || !sendActive
                        || (!flush && !interrupted && (staged == null
                                || (stagedFileFd < 0 && stagedLength < staged.byteSize())));
                if (ready) {
                    writer = null;
                    break;
                }
                writer = me;
            }
            if (Thread.interrupted()) {
                if (!interrupted) {
                    interrupted = true;
                    requestClose(true);
                }
                continue;
            }
            LockSupport.park(this);
        }
        if (interrupted) {
            me.interrupt();
            throw new ClosedByInterruptException();
        }
        if (error != 0) {
            if (closeRequested.get()) {
                throw new AsynchronousCloseException();
            }
            if (error == FILE_ENDED) {
                throw new java.io.EOFException("the file ended before the range sent on " + this);
            }
            throw new NativeException("send on " + this, sendErrorInRead ? "read" : "send", error);
        }
        if (closed || closeRequested.get()) {
            throw new ClosedChannelException();
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

    @Override
    public void shutdownOutput() throws IOException {
        writeLock.lock(); // after the writes in progress: the FIN follows the last byte
        try {
            awaitSend(true);
            synchronized (sendLock) {
                sendActive = true;
            }
            poller.execute(submitShutdown);
            awaitSend(true);
        } finally {
            writeLock.unlock();
        }
    }

    // ---- caller side: the rest ----

    /** Builds threads carried by this connection's poller when it is a loop carrier (see {@link Poller}). */
    @Override
    public Thread.Builder threadBuilder() {
        return poller.threadBuilder();
    }

    /** True when this connection's poller carries the caller, or carries no connection threads at all. */
    @Override
    public boolean isLocalToCurrentThread() {
        return !poller.isCarrier() || poller.carriesCurrentThread();
    }

    /** The index of the poller (ring) that drives this connection; for tests and diagnostics. */
    int pollerIndex() {
        return poller.index();
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
        requestClose(false);
        awaitFdClosed();
    }

    /** Closes at once: staged bytes are dropped, sends and the recv cancelled; returns when the fd is closed. */
    @Override
    public void abort() {
        abortAndWait();
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
        if (connectRequest != null) {
            submitConnect();
        } else {
            armRecv();
        }
    }

    private void submitConnect() {
        SubmissionQueue sq = poller.sq(2); // the connect and its timeout are one chain
        sq.connectLinked(fd, connectRequest.address(), connectAddressLength, Poller.userData(id, Poller.OP_CONNECT));
        sq.linkTimeout(connectRequest.address() + Sockaddrs.SOCKADDR_STORAGE_SIZE,
                Poller.userData(id, Poller.OP_CONNECT_TIMEOUT));
        connectInFlight = true;
        inflight += 2;
    }

    private void completeConnect(int res) {
        connectInFlight = false;
        if (res == 0 && !closing) {
            try {
                localAddress = Sockaddrs.localAddress(fd); // here, where the fd cannot be closed meanwhile
            } catch (NativeException e) {
                res = -e.errno();
            }
        }
        if (res == 0 && !closing) {
            armRecv();
        }
        finishConnect(res);
    }

    /** Publishes the connect's outcome and wakes the connecting thread; the first outcome counts. */
    private void finishConnect(int res) {
        if (connectRequest == null || connectDone) {
            return;
        }
        connectResult = res;
        connectDone = true;
        Thread c = connector;
        if (c != null) {
            LockSupport.unpark(c);
        }
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

    /** Sends the staged buffer, if any; otherwise the connection's sends are done. */
    private void submitSend() {
        if (aborting || closeSubmitted || poller.isTerminated()) {
            failSends(-Errno.ECANCELED, false);
            return;
        }
        MemorySegment buffer;
        int length;
        int fileFd;
        long filePosition;
        int fileLength;
        Thread w;
        synchronized (sendLock) {
            if (filling && sendError == 0) {
                takeWanted = true; // the writer filling the staged buffer posts this again when it commits
                return;
            }
            buffer = staged;
            if (buffer == null || sendError != 0) {
                sendActive = false;
                w = writer;
                buffer = null;
                length = 0;
                fileFd = -1;
                filePosition = 0;
                fileLength = 0;
            } else {
                length = stagedLength;
                fileFd = stagedFileFd;
                filePosition = stagedFilePosition;
                fileLength = stagedFileLength;
                staged = null;
                stagedLength = 0;
                stagedFileFd = -1;
                w = writer;
            }
        }
        if (w != null) {
            LockSupport.unpark(w); // room for its next bytes, or all sent
        }
        if (buffer == null) {
            return;
        }
        sending = buffer;
        sendingLength = length;
        sendOffset = 0;
        sendInFlight = true;
        fileReadResult = 0;
        expectedRead = fileLength;
        if (fileFd >= 0) {
            SubmissionQueue sq = poller.sq(2);
            sq.readLinked(fileFd, buffer.address() + length - fileLength, fileLength, filePosition,
                    Poller.userData(id, Poller.OP_READ));
            sq.send(fd, buffer.address(), length, LibC.MSG_NOSIGNAL, Poller.userData(id, Poller.OP_SEND));
            inflight += 2;
        } else {
            sendChunk();
        }
    }

    private void sendChunk() {
        poller.sq().send(fd, sending.address() + sendOffset, sendingLength - sendOffset, LibC.MSG_NOSIGNAL,
                Poller.userData(id, Poller.OP_SEND));
        inflight++;
    }

    /** The send in flight is done; returns its buffer to the pool. */
    private void releaseSending() {
        sendInFlight = false;
        MemorySegment buffer = sending;
        sending = null;
        if (buffer != null) {
            transport.sendBuffers().release(buffer);
        }
    }

    /**
     * Records a failure ({@code res < 0}) of the connection's sends: drops the staged bytes and wakes the writer.
     * {@code inRead}: the failure is the file read's.
     */
    private void failSends(int res, boolean inRead) {
        releaseSending();
        MemorySegment dropped;
        Thread w;
        synchronized (sendLock) {
            if (sendError == 0) {
                sendError = res;
                sendErrorInRead = inRead;
            }
            dropped = dropStagedUnderSendLock();
            w = writer;
        }
        if (dropped != null) {
            transport.sendBuffers().release(dropped);
        }
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    private void submitShutdown() {
        if (closing || poller.isTerminated()) {
            failSends(-Errno.ECANCELED, false);
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
            failSends(-Errno.ECANCELED, false);
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
        if (connectInFlight && !connectCancelSent) {
            connectCancelSent = true;
            poller.sq().cancelUserData(Poller.userData(id, Poller.OP_CONNECT),
                    Poller.userData(id, Poller.OP_CANCEL));
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
            case Poller.OP_CONNECT -> completeConnect(res);
            case Poller.OP_CONNECT_TIMEOUT -> {
                // -ETIME: it fired and cancelled the connect (which reports -ECANCELED); -ECANCELED: the connect
                // completed first. Either way the connect's own completion says what happened.
            }
            case Poller.OP_READ -> fileReadResult = res < 0 ? res : res == expectedRead ? 0 : FILE_ENDED;
            case Poller.OP_SHUTDOWN -> {
                if (res < 0) {
                    failSends(res, false);
                } else {
                    submitSend(); // nothing is staged (the writer waits): marks the sends done and wakes it
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
            failSends(readResult, true);
            return;
        }
        if (res > 0 && sendOffset + res < sendingLength && !aborting) {
            sendOffset += res; // short send: the rest of the buffer goes next
            sendChunk();
            return;
        }
        if (res < 0) {
            failSends(res, false);
            return;
        }
        if (aborting) {
            failSends(-Errno.ECANCELED, false);
            return;
        }
        releaseSending();
        submitSend(); // what was written meanwhile goes next, without the writer
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

    /**
     * Under {@code sendLock}: forgets the staged bytes and any file read into them, and marks no send active.
     *
     * @return the staged buffer for the caller to release outside the lock, or null (none, or a filling writer,
     *         which drops it itself when it commits)
     */
    private MemorySegment dropStagedUnderSendLock() {
        MemorySegment dropped = filling ? null : staged;
        if (!filling) {
            staged = null;
            stagedLength = 0;
        }
        stagedFileFd = -1;
        sendActive = false;
        return dropped;
    }

    private void closedFd() {
        MemorySegment dropped;
        synchronized (sendLock) {
            sendClosed = true;
            dropped = dropStagedUnderSendLock();
            Thread w = writer;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
        if (dropped != null) {
            transport.sendBuffers().release(dropped);
        }
        releaseSending();
        transport.untrack(this);
        finishConnect(-Errno.ECANCELED); // a connect that never completed (the poller stopped first)
        fdClosed.countDown();
        Thread c = connector;
        if (c != null) {
            LockSupport.unpark(c);
        }
    }

    @Override
    public String toString() {
        return "io_uring connection " + remoteAddress + " -> " + localAddress;
    }
}
