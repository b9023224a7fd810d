package io.zeroserve.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Log lines to stderr, written by one background thread so that a slow terminal or pipe never stalls a request.
 * Lines are written in batches; at most {@link #CAPACITY} lines wait, and lines beyond that are counted and
 * reported as dropped rather than buffered without bound.
 */
public final class RequestLog implements AutoCloseable {
    private static final int CAPACITY = 65_536;
    private static final RequestLog STDERR = new RequestLog(System.err);

    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>(CAPACITY);
    private final OutputStream out;
    private final Thread writer;
    private volatile long dropped;
    /** Lines accepted into the queue, and lines written out; flush waits for the second to catch up. */
    private final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
    private volatile long written;

    /** A log writing to {@code target} (embedding applications and tests); most users want {@link #stderr()}. */
    public RequestLog(PrintStream target) {
        this.out = target;
        this.writer = Thread.ofPlatform().daemon().name("zeroserve-log").start(this::drain);
    }

    /** The process-wide log on stderr. */
    public static RequestLog stderr() {
        return STDERR;
    }

    /** Queues one line (without its newline). Never blocks. */
    public void line(String line) {
        if (lines.offer(line)) {
            accepted.incrementAndGet();
        } else {
            dropped++; // racy increments only lose a count in a report about lost lines
        }
    }

    /** Waits (at most 2 s) until every line queued before this call is written; used at shutdown and by tests. */
    public void flush() {
        long target = accepted.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (written < target && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private void drain() {
        List<String> batch = new ArrayList<>(256);
        StringBuilder text = new StringBuilder(16 * 1024);
        while (true) {
            try {
                batch.add(lines.take());
            } catch (InterruptedException e) {
                return;
            }
            lines.drainTo(batch, 1023);
            for (String line : batch) {
                text.append(line).append('\n');
            }
            long lost = dropped;
            if (lost > 0) {
                dropped = 0;
                text.append("[log] ").append(lost).append(" log lines dropped: stderr is not keeping up\n");
            }
            try {
                out.write(text.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // stderr is gone; nothing else to report to
            }
            written += batch.size(); // only this thread writes the counter
            batch.clear();
            text.setLength(0);
        }
    }

    @Override
    public void close() {
        flush();
        writer.interrupt();
    }
}
