package io.zeroserve.net.uring;

import io.zeroserve.ffi.linux.Errno;
import io.zeroserve.ffi.linux.LibC;
import io.zeroserve.ffi.linux.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One platform thread that owns one {@link Ring} and its {@link BufferRing}. Other threads never touch the ring: they
 * hand the poller a task ({@link #execute}), which writes SQEs on the poller thread. Each loop iteration runs all
 * queued tasks, then makes exactly one {@code io_uring_enter} that submits everything they wrote (this is where sends
 * of many connections are batched) and waits if there is nothing else to do, then dispatches the completions.
 *
 * <p>Routing: every SQE carries {@code user_data = registrationId << 8 | op}. The id is a slot in {@link #slots},
 * held by a {@link Registration} until its last completion has arrived (the registration frees it itself, after its
 * close completed), so a completion can never reach a newer owner of a reused slot. File descriptor numbers are
 * never used for routing: the kernel reuses them at once.
 *
 * <p>Wake-up: a sleeping poller waits in {@code io_uring_enter}; a task submitter writes to an eventfd on which the
 * poller always keeps one {@code IORING_OP_READ} pending. {@link #sleeping} and the task queue form a Dekker pair
 * (both volatile), so either the submitter sees the poller asleep and wakes it, or the poller sees the task.
 *
 * <p>Loop carrier (when {@link #carrier} is on, see {@link LoopCarriers}): the poller thread is also the carrier of
 * the virtual threads built with {@link #threadBuilder()}, the threads of its connections. The JDK hands their
 * continuations to {@link #schedule}: from the poller thread itself (a completion unparking a reader, a mounted
 * thread unparking another, a yield) that is a push onto a local queue; from any other thread it goes through
 * {@link #inbox} and the wake-up above. Each loop turn runs the virtual threads that were ready when it began (one
 * round: a thread that yields or is woken meanwhile runs in the next turn, after the ring was entered again, so a
 * busy thread that yields cannot starve the others' I/O), then the tasks they posted, then enters the ring once,
 * waiting only when nothing is ready. So a request/response loop costs no thread switch while there is work.
 * WARNING: a thread it carries must never block the carrier (a park while pinned by a native frame or a class
 * initializer, a long system call) waiting for something only this poller can deliver: the ring would stop.
 * The io_uring and HTTP paths were checked for that (perf/RESULTS.md, "Transports", loop carriers).
 */
final class Poller implements Runnable {
    private static final System.Logger LOG = System.getLogger(Poller.class.getName());

    static final int OP_WAKEUP = 1;
    static final int OP_ACCEPT = 2;
    static final int OP_RECV = 3;
    static final int OP_SEND = 4;
    static final int OP_CANCEL = 5;
    static final int OP_CLOSE = 6;
    static final int OP_SHUTDOWN = 7;
    static final int OP_READ = 8;
    static final int OP_CONNECT = 9;
    static final int OP_CONNECT_TIMEOUT = 10;

    /** The poller-side half of a listener or connection. Every method runs on the poller thread. */
    interface Registration {
        /** A completion for this registration; must not block. */
        void complete(int op, int res, int flags);

        /** The transport is stopping: cancel everything and close, then {@link #unregister} eventually. */
        void forceClose();
    }

    /**
     * The nice value a poller thread asks for ({@code -Dzeroserve.io_uring.pollerNice}; the default 0 leaves it
     * alone). When a poller shares a CPU with the carrier threads it wakes (always so when the server is pinned to
     * one CPU), at equal weight the first connection thread it unparks preempts it in the middle of a batch of
     * completions: the carrier runs that one thread, runs out of work, spins and parks, and the poller resumes to
     * wake it again for the next. A higher weight lets the poller finish the batch, so the carrier gets every thread
     * of it at once. Too high a weight does the opposite harm: a poller woken by new completions then preempts a
     * carrier busy with TLS work. -3 was the best compromise measured (perf/RESULTS.md, "Transports": -5 halves the
     * plaintext switches but costs HTTPS 20 %, -2 helps HTTPS only; -3 still costs a 100 KB HTTPS response 7-8 %,
     * whose send completions now preempt the carrier's TLS work). Lowering the nice value needs
     * {@code CAP_SYS_NICE} (or an {@code RLIMIT_NICE}); without it the poller keeps the default and says so once.
     * Off by default: in the full perf/run of 08:18 UTC, -3 also made the script scenarios over HTTPS (more CPU per
     * request on the carrier) cost about 17 % more against nginx+Lua than without it, and 100 KB HTTPS 29 % more
     * than NIO. All of that was measured with connection threads on the JDK's scheduler; with loop carriers (the
     * default) the poller is the only thread doing the work, and its nice value only weighs it against other
     * processes.
     */
    static final int POLLER_NICE = Integer.getInteger("zeroserve.io_uring.pollerNice", 0);
    private static final AtomicBoolean NICE_REFUSAL_LOGGED = new AtomicBoolean();

    /**
     * How long a round of virtual threads may run before the sends it posted so far are submitted
     * ({@code -Dzeroserve.io_uring.flushMicros}, default 50 µs). Without it a round of 32 TLS connections each
     * encrypting a 100 KB response held every response back for milliseconds and left the client idle; small
     * responses take a few µs each, so a round of them still costs one ring entry.
     */
    static final long FLUSH_NANOS = Long.getLong("zeroserve.io_uring.flushMicros", 50) * 1000;

    /** The 8-byte value 1 that {@link #wake} writes to the eventfd; read-only, shared by all pollers. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);

    private final int index;
    private final int entries;
    private final int bufferCount;
    private final int bufferSize;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Whether this poller carries the virtual threads of {@link #threadBuilder()}; fixed at construction. */
    private final boolean carrier;
    /** The scheduler of those threads: takes their continuations. */
    private final Executor scheduler = this::schedule;
    /** Continuations handed over by other threads; the loop moves them to {@link #readyThreads}. */
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    // Poller-thread state: work that the poller thread (or a virtual thread it carries) made ready.
    private final ArrayDeque<Runnable> readyThreads = new ArrayDeque<>();
    private final ArrayDeque<Runnable> readyTasks = new ArrayDeque<>();
    private final CompletionQueue.Handler dispatch = this::dispatch;
    /** When the ring was last entered (System.nanoTime). */
    private long lastEnter;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final ArrayDeque<Runnable> afterDrain = new ArrayDeque<>();
    private final Thread thread;
    private volatile boolean sleeping;
    private volatile boolean terminated;
    private boolean stopping;
    private Registration[] slots = new Registration[64];
    private int[] freeSlots = new int[64];
    private int freeCount;
    private int nextSlot = 1; // slot 0 stays unused so that user_data 0 never routes anywhere
    private int live;
    private Ring ring;
    private BufferRing buffers;
    private Arena arena;
    private final Object wakeLock = new Object();
    private int eventFd = -1; // guarded by wakeLock once the thread runs
    private MemorySegment eventBuffer;

    /**
     * @param carrier whether the poller thread carries the threads of {@link #threadBuilder()}; only when
     *     {@link LoopCarriers#unavailableReason()} is null
     */
    Poller(int index, int entries, int bufferCount, int bufferSize, boolean carrier) {
        this.index = index;
        this.carrier = carrier;
        this.entries = entries;
        this.bufferCount = bufferCount;
        this.bufferSize = bufferSize;
        this.thread = Thread.ofPlatform().name("zeroserve-io_uring-" + index).daemon(true).unstarted(this);
    }

    /** Starts the thread and waits until its ring is set up; throws the setup failure. */
    void start() throws NativeException {
        thread.start();
        try {
            started.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof NativeException n) {
                throw n;
            }
            throw e;
        }
    }

    int index() {
        return index;
    }

    /** True on the poller thread itself (running poller code), false on a virtual thread it carries. */
    boolean isPollerThread() {
        return Thread.currentThread() == thread;
    }

    /** True on the poller thread, running poller code or a virtual thread it carries. */
    private boolean onPoller() {
        Thread me = Thread.currentThread();
        return me == thread || (carrier && me.isVirtual() && LoopCarriers.currentCarrier() == thread);
    }

    /** True when the caller is a virtual thread this poller carries (one of its connections' threads). */
    boolean carriesCurrentThread() {
        Thread me = Thread.currentThread();
        return carrier && me.isVirtual() && LoopCarriers.currentCarrier() == thread;
    }

    /** Whether {@link #threadBuilder()} builds threads that this poller carries. */
    boolean isCarrier() {
        return carrier;
    }

    /**
     * A fresh builder for a connection's thread: of virtual threads carried by this poller thread when
     * {@link #isCarrier()}, otherwise of ordinary virtual threads.
     */
    Thread.Builder threadBuilder() {
        return carrier ? LoopCarriers.builder(scheduler) : Thread.ofVirtual();
    }

    boolean isTerminated() {
        return terminated;
    }

    /** Runs {@code task} on the poller thread (as poller code, never inside a virtual thread), in submission order. */
    void execute(Runnable task) {
        if (!terminated && onPoller()) {
            readyTasks.add(task); // terminated is only ever set by this thread: still false when the loop looks
            return;
        }
        tasks.offer(task);
        if (terminated) {
            // The loop is gone (stopped or failed): run what is left here; tasks see isTerminated() and only fail
            // their operations, they never touch the ring.
            runTasks();
        } else if (sleeping && wakeupPending.compareAndSet(false, true)) {
            wake();
        }
    }

    /**
     * The scheduler of the virtual threads this poller carries: queues {@code continuation} to run on the poller
     * thread; after the poller's end, on an orphan carrier ({@link LoopCarriers#runOrphan}).
     */
    private void schedule(Runnable continuation) {
        if (terminated) {
            LoopCarriers.runOrphan(continuation);
        } else if (onPoller()) {
            readyThreads.add(continuation);
        } else {
            inbox.offer(continuation);
            if (terminated) {
                orphanInbox(); // raced with the end of the loop: its last drain may have missed this one
            } else if (sleeping && wakeupPending.compareAndSet(false, true)) {
                wake();
            }
        }
    }

    private void orphanInbox() {
        Runnable r;
        while ((r = inbox.poll()) != null) {
            LoopCarriers.runOrphan(r);
        }
    }

    private void wake() {
        // Locked against tearDown closing the eventfd: a write to a closed and reused fd number would corrupt
        // whatever file got that number.
        synchronized (wakeLock) {
            if (eventFd >= 0) {
                LibC.write(eventFd, ONE, 8); // cannot block: the counter would need 2^64 - 2 unread wake-ups
            }
        }
    }

    /** Asks the poller to close every registration and exit; {@link #awaitStopped} waits for that. */
    void stop() {
        execute(() -> {
            stopping = true;
            for (Registration r : slots.clone()) {
                if (r != null) {
                    r.forceClose();
                }
            }
        });
    }

    void awaitStopped() {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- poller-thread API for registrations ----

    SubmissionQueue sq() {
        return sq(1);
    }

    /** The submission queue with room for {@code entries} consecutive entries (a linked chain). */
    SubmissionQueue sq(int entries) {
        if (!ring.sq.hasRoom(entries)) {
            // Hand what we have to the kernel to free entries; completions are dispatched by the main loop.
            int rc = ring.submit(false);
            if (rc < 0 && rc != -Errno.EINTR && rc != -Errno.EBUSY && rc != -Errno.EAGAIN) {
                throw new IllegalStateException(Errno.message("io_uring_enter", rc));
            }
        }
        return ring.sq;
    }

    BufferRing buffers() {
        return buffers;
    }

    /** Runs {@code task} after the current batch of completions was dispatched and buffers were recycled. */
    void afterDrain(Runnable task) {
        afterDrain.add(task);
    }

    int register(Registration r) {
        int id;
        if (freeCount > 0) {
            id = freeSlots[--freeCount];
        } else {
            id = nextSlot++;
            if (id >= slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
            }
        }
        if (id > 0xffffff) {
            throw new IllegalStateException("more than 16M registrations on one ring");
        }
        slots[id] = r;
        live++;
        return id;
    }

    /** Frees the slot; only after the registration's last completion. */
    void unregister(int id) {
        slots[id] = null;
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeSlots.length * 2);
        }
        freeSlots[freeCount++] = id;
        live--;
    }

    boolean isStopping() {
        return stopping;
    }

    static long userData(int id, int op) {
        return ((long) id << 8) | op;
    }

    // ---- the loop ----

    @Override
    public void run() {
        try {
            setUp();
        } catch (NativeException | RuntimeException e) {
            tearDown();
            terminated = true;
            started.completeExceptionally(e);
            return;
        }
        started.complete(null);
        applyNice();
        try {
            loop();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "io_uring poller " + index + " failed; its connections are lost", t);
            // Close what is left without the ring (isTerminated() makes registrations close their fds directly and
            // fail their waiting threads), so that no fd leaks and no thread waits forever.
            terminated = true;
            for (Registration r : slots.clone()) {
                if (r != null) {
                    try {
                        r.forceClose();
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.ERROR, "io_uring poller " + index + ": close failed", e);
                    }
                }
            }
        } finally {
            terminated = true;
            tearDown();
            // Tasks that arrived after the end are run so that their callers fail instead of waiting forever.
            runReadyTasks();
            runTasks();
            // Virtual threads still alive finish elsewhere: a carrier is any platform thread.
            Runnable r;
            while ((r = readyThreads.poll()) != null) {
                LoopCarriers.runOrphan(r);
            }
            orphanInbox();
        }
    }

    /** Sets this (poller) thread's nice value to {@link #POLLER_NICE}; a refusal only costs speed. */
    private void applyNice() {
        if (POLLER_NICE == 0) {
            return;
        }
        int rc = LibC.setpriority(LibC.PRIO_PROCESS, LibC.gettid(), POLLER_NICE);
        if (rc < 0 && NICE_REFUSAL_LOGGED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.INFO, "io_uring pollers keep the default priority: "
                    + Errno.message("setpriority(nice " + POLLER_NICE + ")", rc)
                    + " (needs CAP_SYS_NICE; -Dzeroserve.io_uring.pollerNice=0 skips the attempt)");
        }
    }

    private void setUp() throws NativeException {
        ring = Ring.create(entries, entries * 4);
        arena = Arena.ofConfined();
        buffers = new BufferRing(ring.fd, (short) 0, bufferCount, bufferSize, arena);
        eventFd = LibC.eventfd(0, LibC.EFD_CLOEXEC);
        if (eventFd < 0) {
            throw new NativeException("eventfd", eventFd);
        }
        eventBuffer = arena.allocate(8, 8);
        armWakeup();
    }

    private void armWakeup() {
        sq().read(eventFd, eventBuffer.address(), 8, 0, userData(0, OP_WAKEUP));
    }

    private void loop() {
        while (true) {
            runTasks();
            runThreads();
            runReadyTasks();
            if (stopping && live == 0) {
                return;
            }
            boolean wait = tasks.isEmpty() && afterDrain.isEmpty() && readyThreads.isEmpty() && inbox.isEmpty();
            if (wait) {
                sleeping = true;
                if (!tasks.isEmpty() || !inbox.isEmpty()) { // raced with the store above; its sender may not wake us
                    wait = false;
                }
            }
            enterAndDispatch(wait);
        }
    }

    /** Submits what was written, waits for a completion if asked, dispatches the completions. */
    private void enterAndDispatch(boolean wait) {
        int rc = ring.submit(wait);
        sleeping = false;
        lastEnter = System.nanoTime();
        if (rc < 0 && rc != -Errno.EINTR && rc != -Errno.EBUSY && rc != -Errno.EAGAIN) {
            throw new IllegalStateException(Errno.message("io_uring_enter", rc));
        }
        ring.cq.drain(dispatch);
        buffers.publish();
        Runnable r;
        while ((r = afterDrain.poll()) != null) {
            r.run();
        }
    }

    /** Runs the tasks other threads posted. */
    private void runTasks() {
        runEach(tasks);
    }

    /**
     * Runs one round of the virtual threads this poller carries: those ready when it starts. The ones made ready
     * meanwhile (woken by these, or yielding) wait for the next turn, after the ring was entered.
     */
    private void runThreads() {
        Runnable r;
        while ((r = inbox.poll()) != null) {
            readyThreads.add(r);
        }
        for (int n = readyThreads.size(); n > 0; n--) {
            r = readyThreads.poll();
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "io_uring poller " + index + ": virtual thread failed", e);
            }
            if (!readyTasks.isEmpty() && n > 1 && System.nanoTime() - lastEnter > FLUSH_NANOS) {
                // A long round (large or encrypted responses): hand the sends written so far to the kernel now,
                // so the peers get their responses while the rest of the round runs.
                runReadyTasks();
                enterAndDispatch(false);
            }
        }
    }

    /** Runs the tasks posted from the poller thread, including the ones they post. */
    private void runReadyTasks() {
        runEach(readyTasks);
    }

    /** Runs and removes the queue's tasks, including those they add to it; a failing task is logged, not fatal. */
    private void runEach(java.util.Queue<Runnable> queue) {
        Runnable r;
        while ((r = queue.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "io_uring poller " + index + ": task failed", e);
            }
        }
    }

    private void dispatch(long userData, int res, int flags) {
        int op = (int) (userData & 0xff);
        int id = (int) (userData >>> 8);
        if (op == OP_WAKEUP) {
            wakeupPending.set(false);
            armWakeup();
            return;
        }
        Registration r = id < slots.length ? slots[id] : null;
        if (r == null) {
            LOG.log(System.Logger.Level.WARNING, "io_uring poller " + index + ": completion for free slot " + id
                    + " op " + op + " res " + res);
            return;
        }
        try {
            r.complete(op, res, flags);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "io_uring poller " + index + ": completion handler failed", e);
        }
    }

    private void tearDown() {
        if (buffers != null && ring != null) {
            buffers.unregister(ring.fd);
        }
        if (ring != null) {
            ring.close();
        }
        synchronized (wakeLock) {
            if (eventFd >= 0) {
                LibC.close(eventFd);
                eventFd = -1;
            }
        }
        if (arena != null) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "Poller[" + index + ", " + ring + ", live=" + live + "]";
    }
}
