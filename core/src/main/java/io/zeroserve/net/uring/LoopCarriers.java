package io.zeroserve.net.uring;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The JDK internals that let a poller thread be the carrier of its connections' virtual threads, looked up once.
 *
 * <p>JDK 25 builds virtual threads with a custom scheduler only through the package-private constructor
 * {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)} (the scheduler gets each thread's continuation as a
 * {@code Runnable} to run on a platform thread); and a poller tells whether a caller runs on it, directly or as a
 * mounted virtual thread, with the package-private {@code Thread.currentCarrierThread()}. Both need
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} (the launcher, the perf harness and the tests pass it). Without
 * them, or on a JDK without that constructor, {@link #unavailableReason()} says why and the transport keeps its
 * connection threads on the JDK's default scheduler.
 *
 * <p>Test switch: the system property {@value #FAIL_LOOKUP_PROPERTY}{@code =true}, read when a transport is created,
 * makes the lookup count as failed.
 */
final class LoopCarriers {
    /** Makes {@link #unavailableReason()} report the lookup as failed (tests of the fallback). */
    static final String FAIL_LOOKUP_PROPERTY = "zeroserve.io_uring.loopCarriers.failLookup";

    private static final MethodHandle NEW_BUILDER;
    private static final MethodHandle CURRENT_CARRIER;
    private static final String LOOKUP_FAILURE;

    static {
        MethodHandle newBuilder = null;
        MethodHandle currentCarrier = null;
        String failure = null;
        try {
            MethodHandles.Lookup lang = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            Class<?> builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            newBuilder = lang.findConstructor(builder, MethodType.methodType(void.class, Executor.class))
                    .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
            currentCarrier = lang.findStatic(Thread.class, "currentCarrierThread",
                    MethodType.methodType(Thread.class));
        } catch (IllegalAccessException e) {
            failure = "java.lang is not open to zeroserve (run the JVM with --add-opens java.base/java.lang="
                    + "ALL-UNNAMED): " + e.getMessage();
        } catch (ReflectiveOperationException | RuntimeException e) {
            failure = "this JDK (" + Runtime.version() + ") has no ThreadBuilders$VirtualThreadBuilder(Executor) or "
                    + "Thread.currentCarrierThread(): " + e;
        }
        NEW_BUILDER = failure == null ? newBuilder : null;
        CURRENT_CARRIER = failure == null ? currentCarrier : null;
        LOOKUP_FAILURE = failure;
    }

    /**
     * Runs the continuations of virtual threads whose poller has stopped (transport closed or failed) while they
     * were still alive: any platform thread can carry a virtual thread, so they finish here. Daemon threads, created
     * on demand, gone after 10 s idle.
     */
    private static final ExecutorService ORPHANS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10,
            TimeUnit.SECONDS, new SynchronousQueue<>(),
            Thread.ofPlatform().name("zeroserve-orphaned-carrier-", 0).daemon(true).factory());

    private LoopCarriers() {
    }

    /** Null when loop carriers can be used; otherwise why not, in one line. */
    static String unavailableReason() {
        if (Boolean.getBoolean(FAIL_LOOKUP_PROPERTY)) {
            return "the JDK lookup was refused by -D" + FAIL_LOOKUP_PROPERTY;
        }
        return LOOKUP_FAILURE;
    }

    /** A fresh builder of virtual threads whose continuations run on {@code scheduler}; only when available. */
    static Thread.Builder.OfVirtual builder(Executor scheduler) {
        try {
            return (Thread.Builder.OfVirtual) NEW_BUILDER.invokeExact(scheduler);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("ThreadBuilders$VirtualThreadBuilder(Executor) failed", t);
        }
    }

    /** The platform thread the caller runs on: itself, or the carrier of the virtual thread it is; when available. */
    static Thread currentCarrier() {
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("Thread.currentCarrierThread() failed", t);
        }
    }

    /** Runs {@code continuation} on a platform thread outside every poller. */
    static void runOrphan(Runnable continuation) {
        ORPHANS.execute(continuation);
    }
}
