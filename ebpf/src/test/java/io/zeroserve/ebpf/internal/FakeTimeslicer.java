package io.zeroserve.ebpf.internal;

import io.zeroserve.ebpf.internal.run.Timeslicer;

import java.util.ArrayList;
import java.util.List;

/**
 * A clock that advances a fixed step each time it is read (so "CPU time" is counted in polls, not in real time),
 * and records yields and sleeps with the clock value at which they happened. Sleeps advance the clock.
 */
final class FakeTimeslicer implements Timeslicer {
    final long step;
    long now;
    final List<String> events = new ArrayList<>();
    int yields;
    int sleeps;

    FakeTimeslicer(long step) {
        this.step = step;
    }

    @Override
    public synchronized long nanoTime() {
        now += step;
        return now;
    }

    @Override
    public synchronized void yieldNow() {
        yields++;
        events.add("yield@" + now);
    }

    @Override
    public synchronized void sleep(long nanos) {
        sleeps++;
        events.add("sleep@" + now);
        now += nanos;
    }
}
