package io.zeroserve.cli;

import sun.misc.Signal;

/** POSIX signals the CLI reacts to. SIGTERM and SIGINT run the JVM's shutdown hooks (graceful stop). */
final class Signals {
    private Signals() {
    }

    /** Runs {@code action} on every SIGHUP, on the JVM's signal thread (the action must not take long to start). */
    static void onHangup(Runnable action) {
        Signal.handle(new Signal("HUP"), signal ->
                Thread.ofPlatform().name("zeroserve-reload").start(action));
    }
}
