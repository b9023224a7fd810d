package io.zeroserve.net.uring;

import io.zeroserve.ffi.linux.LibC;
import io.zeroserve.ffi.linux.NativeException;
import io.zeroserve.ffi.linux.Sockaddrs;
import io.zeroserve.net.Connection;
import io.zeroserve.net.ListenAddress;
import io.zeroserve.net.Listener;
import io.zeroserve.net.Transport;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sockets driven through io_uring: {@code rings} platform poller threads (default: one per core), each with its own
 * ring and receive-buffer pool. A listener's multishot accept runs on one poller; accepted connections are spread
 * over all pollers round-robin. Connection threads (virtual, built by {@link Connection#threadBuilder()}) park while
 * their operation is in the kernel; by default their carrier is their connection's poller thread
 * ({@link Options#withLoopCarriers}), so a completion resumes them without a switch to another thread.
 *
 * <p>Memory bounds: per ring {@code recvBuffers * recvBufferSize} bytes of receive buffers (shared by its
 * connections, held only between a completion and the copy out of it); per transport at most
 * {@code sendBuffers * sendBufferSize} bytes of send buffers (at most two per connection while it writes: one
 * the kernel sends from, one that gathers the writes made meanwhile).
 *
 * <p>Ownership: the transport owns the pollers, rings, pools and every socket it creates or adopts;
 * {@link #close()} closes all connections and listeners, stops the pollers and frees the native memory.
 */
public final class IoUringTransport implements Transport {
    /** Tunables; the defaults are stated beside each field of {@link #defaults()}. */
    public record Options(int rings, int ringEntries, int recvBuffers, int recvBufferSize, int sendBuffers,
            int sendBufferSize, boolean directSend, boolean loopCarriers) {
        /** System property overriding {@link #directSend} ({@code true} or {@code false}), for benchmarks. */
        public static final String DIRECT_SEND_PROPERTY = "zeroserve.io_uring.directSend";
        /** System property overriding {@link #sendBufferSize} in KiB (a positive number), for benchmarks. */
        public static final String SEND_BUFFER_KIB_PROPERTY = "zeroserve.io_uring.sendBufferKiB";
        /** System property overriding {@link #rings} (a positive number), for benchmarks. */
        public static final String RINGS_PROPERTY = "zeroserve.io_uring.rings";
        /** System property overriding {@link #loopCarriers} ({@code true} or {@code false}), for A/B runs. */
        public static final String LOOP_CARRIERS_PROPERTY = "zeroserve.io_uring.loopCarriers";

        /**
         * One ring per core; 1024 SQEs per ring (4096 CQEs); 256 receive buffers of 16 KiB per ring (4 MiB); at most
         * 1024 send buffers of 128 KiB per transport (128 MiB, allocated on demand; a connection holds at most two,
         * so that a 100 KB response is staged whole while its first bytes are sent, see perf/RESULTS.md
         * "Transports"); direct sends off (see {@link #withDirectSend}); loop carriers on where the JDK allows them
         * (see {@link #withLoopCarriers}).
         */
        public static Options defaults() {
            return new Options(Integer.getInteger(RINGS_PROPERTY, Runtime.getRuntime().availableProcessors()), 1024,
                    256, 16 * 1024, 1024, Integer.getInteger(SEND_BUFFER_KIB_PROPERTY, 128) * 1024,
                    Boolean.parseBoolean(System.getProperty(DIRECT_SEND_PROPERTY, "false")),
                    Boolean.parseBoolean(System.getProperty(LOOP_CARRIERS_PROPERTY, "true")));
        }

        public Options withRings(int n) {
            return new Options(n, ringEntries, recvBuffers, recvBufferSize, sendBuffers, sendBufferSize, directSend,
                    loopCarriers);
        }

        /**
         * With {@code true}, each ring's poller thread is also the carrier of the virtual threads of the connections
         * it drives ({@link Connection#threadBuilder()}): a completion wakes a connection thread with a push onto
         * the poller's own run queue, and the sends it posts are submitted by the same thread's next ring entry, with
         * no thread switch in between. With {@code false} connection threads run on the JDK's scheduler and every
         * hand-off between them and the poller is a wake-up of another thread (perf/RESULTS.md, "Transports").
         * Needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}; without it the transport says so once and runs
         * as with {@code false}.
         */
        public Options withLoopCarriers(boolean on) {
            return new Options(rings, ringEntries, recvBuffers, recvBufferSize, sendBuffers, sendBufferSize,
                    directSend, on);
        }

        /**
         * With {@code true}, a write first tries one non-blocking {@code send(2)} from the caller's thread and only
         * what does not fit in the socket buffer goes through the ring; with {@code false} every send goes through
         * the ring. Off by default: on the HTTP benchmark (perf/transport-bench, perf/RESULTS.md) sends through the
         * ring, batched per poller iteration, cost less server CPU per request than a system call per write.
         */
        public Options withDirectSend(boolean on) {
            return new Options(rings, ringEntries, recvBuffers, recvBufferSize, sendBuffers, sendBufferSize, on,
                    loopCarriers);
        }
    }

    private static final System.Logger LOG = System.getLogger(IoUringTransport.class.getName());
    private static final AtomicBoolean NO_LOOP_CARRIERS_LOGGED = new AtomicBoolean();

    private final Poller[] pollers;
    private final boolean directSend;
    private final boolean loopCarriers;
    private final SendBuffers sendBuffers;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger nextPoller = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Sets up the rings.
     *
     * @throws NativeException when the kernel refuses io_uring (old kernel, seccomp, {@code io_uring_disabled}),
     *     with the failing call and errno in the message
     */
    public static IoUringTransport create() throws NativeException {
        return create(Options.defaults());
    }

    public static IoUringTransport create(Options options) throws NativeException {
        return new IoUringTransport(options);
    }

    private IoUringTransport(Options options) throws NativeException {
        if (options.rings() < 1) {
            throw new IllegalArgumentException("rings must be at least 1: " + options.rings());
        }
        pollers = new Poller[options.rings()];
        directSend = options.directSend();
        boolean carriers = options.loopCarriers();
        if (carriers) {
            String why = LoopCarriers.unavailableReason();
            if (why != null) {
                carriers = false;
                if (NO_LOOP_CARRIERS_LOGGED.compareAndSet(false, true)) {
                    LOG.log(System.Logger.Level.INFO, "io_uring: connection threads run on the JDK's scheduler, not "
                            + "on the pollers (slower: a thread switch per hand-off), because " + why);
                }
            }
        }
        loopCarriers = carriers;
        sendBuffers = new SendBuffers(options.sendBufferSize(), options.sendBuffers());
        try {
            for (int i = 0; i < pollers.length; i++) {
                pollers[i] = new Poller(i, options.ringEntries(), options.recvBuffers(), options.recvBufferSize(),
                        carriers);
                pollers[i].start();
            }
        } catch (NativeException | RuntimeException e) {
            for (Poller p : pollers) {
                if (p != null && !p.isTerminated()) {
                    p.stop();
                    p.awaitStopped();
                }
            }
            sendBuffers.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "io_uring";
    }

    @Override
    public Listener listen(ListenAddress address, int backlog) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        int fd = switch (address) {
            case ListenAddress.Bind bind -> bind(bind.address(), backlog);
            case ListenAddress.InheritedFd inherited -> checkInherited(inherited.fd());
        };
        InetSocketAddress local;
        try {
            local = Sockaddrs.localAddress(fd);
        } catch (NativeException e) {
            LibC.close(fd);
            throw new NativeException(address.toString(), "getsockname", -e.errno());
        }
        Poller poller = pollers[Math.floorMod(nextPoller.getAndIncrement(), pollers.length)];
        UringListener listener = new UringListener(this, poller, fd, local, backlog);
        track(listener);
        return listener;
    }

    /**
     * A socket connected with {@code IORING_OP_CONNECT} (bounded by a linked {@code IORING_OP_LINK_TIMEOUT}) on the
     * ring of the poller that carries the calling thread, if one does, so that the connection's completions wake
     * its user there; otherwise on the next ring.
     */
    @Override
    public Connection connect(InetSocketAddress remote, Duration timeout) throws IOException {
        String where = Transport.checkConnectable(closed, remote);
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException(where + ": the timeout must be positive: " + timeout);
        }
        Poller poller = pollerCarryingCurrentThread();
        if (poller == null) {
            poller = pollers[Math.floorMod(nextPoller.getAndIncrement(), pollers.length)];
        }
        boolean v6 = remote.getAddress() instanceof Inet6Address;
        int fd = LibC.socket(v6 ? LibC.AF_INET6 : LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new NativeException(where, "socket", fd);
        }
        try (Arena arena = Arena.ofConfined()) {
            setInt(fd, LibC.IPPROTO_TCP, LibC.TCP_NODELAY, 1, where, arena);
        } catch (IOException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
        UringConnection c = UringConnection.connecting(this, poller, fd, remote, timeout);
        track(c);
        c.awaitConnected(where, timeout); // on failure it has closed itself (and untracked itself)
        return c;
    }

    /** The poller whose loop carries the calling (virtual) thread, or null. */
    private Poller pollerCarryingCurrentThread() {
        if (!loopCarriers || !Thread.currentThread().isVirtual()) {
            return null;
        }
        for (Poller p : pollers) {
            if (p.carriesCurrentThread()) {
                return p;
            }
        }
        return null;
    }

    private static int bind(InetSocketAddress address, int backlog) throws IOException {
        String where = "cannot listen on " + address.getHostString() + ":" + address.getPort();
        if (address.isUnresolved()) {
            throw new IOException(where + ": unknown host");
        }
        boolean v6 = address.getAddress() instanceof Inet6Address;
        int fd = LibC.socket(v6 ? LibC.AF_INET6 : LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new NativeException(where, "socket", fd);
        }
        try (Arena arena = Arena.ofConfined()) {
            setInt(fd, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, 1, where, arena);
            if (v6 && address.getAddress().isAnyLocalAddress()) {
                setInt(fd, LibC.IPPROTO_IPV6, LibC.IPV6_V6ONLY, 0, where, arena); // dual stack, as the JDK does
            }
            MemorySegment sa = arena.allocate(Sockaddrs.SOCKADDR_STORAGE_SIZE, 8);
            int len = Sockaddrs.write(sa, address);
            int rc = LibC.bind(fd, sa, len);
            if (rc < 0) {
                throw new NativeException(where, "bind", rc);
            }
            rc = LibC.listen(fd, backlog);
            if (rc < 0) {
                throw new NativeException(where, "listen", rc);
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    private static int checkInherited(int fd) throws IOException {
        String where = "fd:" + fd;
        try (Arena arena = Arena.ofConfined()) {
            int acceptConn = getInt(fd, LibC.SOL_SOCKET, LibC.SO_ACCEPTCONN, where, arena);
            if (acceptConn != 1) {
                throw new IOException(where + " is a socket but not a listening one (call listen() before passing it)");
            }
            int domain = getInt(fd, LibC.SOL_SOCKET, LibC.SO_DOMAIN, where, arena);
            if (domain != LibC.AF_INET && domain != LibC.AF_INET6) {
                throw new IOException(where + " is not a TCP/IP socket (address family " + domain + ")");
            }
            int flags = LibC.fcntl(fd, LibC.F_GETFD, 0);
            if (flags >= 0) {
                LibC.fcntl(fd, LibC.F_SETFD, flags | LibC.FD_CLOEXEC); // ours now: not for our children
            }
            return fd;
        }
    }

    private static void setInt(int fd, int level, int option, int value, String where, Arena arena)
            throws NativeException {
        MemorySegment v = arena.allocateFrom(ValueLayout.JAVA_INT, value);
        int rc = LibC.setsockopt(fd, level, option, v, 4);
        if (rc < 0) {
            throw new NativeException(where, "setsockopt", rc);
        }
    }

    private static int getInt(int fd, int level, int option, String where, Arena arena) throws NativeException {
        MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, 4);
        int rc = LibC.getsockopt(fd, level, option, v, len);
        if (rc < 0) {
            throw new NativeException(where, "getsockopt", rc);
        }
        return v.get(ValueLayout.JAVA_INT, 0);
    }

    /** Wraps a freshly accepted fd: sets TCP_NODELAY, reads its addresses, binds it to the next poller. */
    Connection adopt(int fd) throws IOException {
        if (closed) {
            LibC.close(fd);
            throw new ClosedChannelException();
        }
        InetSocketAddress remote;
        InetSocketAddress local;
        try (Arena arena = Arena.ofConfined()) {
            setInt(fd, LibC.IPPROTO_TCP, LibC.TCP_NODELAY, 1, "accepted socket", arena);
            remote = Sockaddrs.remoteAddress(fd);
            local = Sockaddrs.localAddress(fd);
        } catch (IOException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
        Poller poller = pollers[Math.floorMod(nextPoller.getAndIncrement(), pollers.length)];
        UringConnection c = new UringConnection(this, poller, fd, remote, local);
        track(c);
        return c;
    }

    boolean directSend() {
        return directSend;
    }

    /**
     * Whether the pollers carry their connections' threads ({@link Options#withLoopCarriers}): false when asked so,
     * or when the JDK did not allow it.
     */
    public boolean loopCarriers() {
        return loopCarriers;
    }

    SendBuffers sendBuffers() {
        return sendBuffers;
    }

    private void track(AutoCloseable resource) {
        open.add(resource);
    }

    void untrack(AutoCloseable resource) {
        open.remove(resource);
    }

    /** Send buffers held by writes in progress or sends in flight; for tests and diagnostics. */
    public int sendBuffersInUse() {
        return sendBuffers.inUse();
    }

    /** Listeners and connections not yet closed; for tests and diagnostics. */
    public int openCount() {
        return open.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Each poller cancels and closes its registrations, then exits once none is left.
        for (Poller p : pollers) {
            p.stop();
        }
        for (Poller p : pollers) {
            p.awaitStopped();
        }
        open.clear();
        sendBuffers.close();
    }

    @Override
    public String toString() {
        List<String> ps = new ArrayList<>();
        for (Poller p : pollers) {
            ps.add(p.toString());
        }
        return "IoUringTransport" + ps;
    }
}
