package io.zeroserve.perf.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts child processes (optionally pinned with {@code taskset}), remembers every one of them, reads the CPU time of
 * a process tree from {@code /proc}, and stops them all by PID at the end of the run or on Ctrl-C.
 */
final class Processes {
    private static final List<Process> STARTED = new ArrayList<>();
    private static final long CLOCK_TICKS_PER_SECOND = clockTicks();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Processes::stopAll, "perf-stop-all"));
    }

    private Processes() {
    }

    /**
     * Starts {@code command}, pinned to {@code cpus} (a taskset CPU list, or null for no pinning), with stdout and
     * stderr appended to {@code log}. Proxy variables are removed from the environment: every server and client
     * talks to 127.0.0.1 directly.
     */
    static Process start(List<String> command, String cpus, Path log, Map<String, String> env, Path dir)
            throws IOException {
        List<String> full = new ArrayList<>();
        if (cpus != null) {
            full.add("taskset");
            full.add("-c");
            full.add(cpus);
        }
        full.addAll(command);
        ProcessBuilder pb = withoutProxies(new ProcessBuilder(full));
        pb.environment().putAll(env);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return started(pb);
    }

    /** Runs a short command to completion (at most {@code timeoutSeconds}) and returns its exit status. */
    static int run(List<String> command, String cpus, Path log, long timeoutSeconds) throws IOException {
        return awaitExit(start(command, cpus, log, Map.of(), null), command, timeoutSeconds);
    }

    /**
     * Runs a short command to completion (at most {@code timeoutSeconds}) with its stdout written to {@code stdout}
     * and its stderr to {@code log}; returns its exit status.
     */
    static int runToFile(List<String> command, Path stdout, Path log, long timeoutSeconds) throws IOException {
        ProcessBuilder pb = withoutProxies(new ProcessBuilder(command));
        pb.redirectOutput(stdout.toFile());
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return awaitExit(started(pb), command, timeoutSeconds);
    }

    /** Every server and client talks to 127.0.0.1 directly. */
    private static ProcessBuilder withoutProxies(ProcessBuilder pb) {
        for (String v : List.of("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")) {
            pb.environment().remove(v);
        }
        return pb;
    }

    /** Starts {@code pb} and remembers the process, so that it is stopped with the others at the end. */
    private static Process started(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        synchronized (STARTED) {
            STARTED.add(p);
        }
        return p;
    }

    /** Waits for a short command's exit (stopping it after {@code timeoutSeconds}) and forgets it. */
    private static int awaitExit(Process p, List<String> command, long timeoutSeconds) throws IOException {
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                stop(p);
                throw new IOException(command.getFirst() + " did not finish within " + timeoutSeconds + " s");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(p);
            throw new IOException("interrupted while running " + command.getFirst(), e);
        } finally {
            forget(p);
        }
    }

    /**
     * User plus system CPU time, in microseconds, consumed so far by the live process {@code pid} and all its live
     * descendants (nginx master and workers, a JVM and all its threads). Reads {@code /proc/<pid>/stat} fields 14
     * and 15 (utime, stime; see proc(5)).
     */
    static long treeCpuMicros(long pid) {
        long ticks = 0;
        ProcessHandle root = ProcessHandle.of(pid).orElse(null);
        if (root == null) {
            return 0;
        }
        try (Stream<ProcessHandle> tree = Stream.concat(Stream.of(root), root.descendants())) {
            for (ProcessHandle h : (Iterable<ProcessHandle>) tree::iterator) {
                ticks += cpuTicks(h.pid());
            }
        }
        return ticks * 1_000_000L / CLOCK_TICKS_PER_SECOND;
    }

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0; // the process exited between listing and reading: it no longer counts
        }
    }

    /** Stops one process and its descendants: SIGTERM, then SIGKILL after 5 s. */
    static void stop(Process p) {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        for (ProcessHandle c : children) {
            c.destroy();
        }
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        for (ProcessHandle c : children) {
            if (c.isAlive()) {
                c.destroyForcibly();
            }
        }
        forget(p);
    }

    private static void forget(Process p) {
        synchronized (STARTED) {
            STARTED.remove(p);
        }
    }

    /** Stops every process still running, newest first. */
    static void stopAll() {
        List<Process> all;
        synchronized (STARTED) {
            all = new ArrayList<>(STARTED);
        }
        for (Process p : all.reversed()) {
            if (p.isAlive()) {
                stop(p);
            } else {
                forget(p);
            }
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100; // USER_HZ on every Linux architecture we run on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
