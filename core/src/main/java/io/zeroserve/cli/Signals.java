package io.zeroserve.cli;

import sun.misc.Signal;

/** POSIX signals the CLI reacts to. */
final class Signals {
    private Signals() {
    }

    /**
     * On SIGTERM or SIGINT, runs {@code stop} once and exits with status 0 (the JVM's default would be 143/130: a
     * graceful stop is a normal exit).
     */
    static void onTerminate(Runnable stop) {
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        sun.misc.SignalHandler handler = signal -> {
            if (once.compareAndSet(false, true)) {
                Thread.ofPlatform().name("zeroserve-stop").start(() -> {
                    stop.run();
                    System.exit(0);
                });
            }
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
    }

    /** Runs {@code action} on every SIGHUP, on the JVM's signal thread (the action must not take long to start). */
    static void onHangup(Runnable action) {
        Signal.handle(new Signal("HUP"), signal ->
                Thread.ofPlatform().name("zeroserve-reload").start(action));
    }
}
