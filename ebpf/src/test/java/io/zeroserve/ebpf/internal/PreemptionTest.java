package io.zeroserve.ebpf.internal;

import static io.zeroserve.ebpf.internal.isa.Op.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.ProgramFault;
import io.zeroserve.ebpf.RuntimeOptions;
import io.zeroserve.ebpf.internal.run.LoadedProgram;
import io.zeroserve.ebpf.internal.run.Timeslicer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Epoch preemption: yields after each slice, throttling after continuous CPU, the hard budget. Driven by a fake
 * clock (CPU time advances per poll, not with the wall clock), so outcomes do not depend on timing.
 */
class PreemptionTest {
    static final Invocation INV = new Invocation("s", new byte[0], null, 0);

    static RuntimeOptions options(long sliceMs, long throttleMs, long budgetMs) {
        return new RuntimeOptions(32 * 1024, 8192, Duration.ofMillis(sliceMs), Duration.ofMillis(throttleMs),
                Duration.ofMillis(budgetMs));
    }

    /**
     * Interrupting the run's thread cancels the run at its next poll, with the interrupt still set. The thread is
     * interrupted before or during the run; either way the first poll after it sees the flag.
     */
    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void interruptingTheThreadCancelsTheRun(ProgramLoader.Mode mode) throws Exception {
        LoadedProgram p = new Asm().section("s").label("l").ja("l").exit()
                .load(mode, RuntimeOptions.defaults(), Timeslicer.SYSTEM);
        AtomicReference<ProgramFault> fault = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread t = new Thread(() -> {
            try {
                p.invoke(INV);
            } catch (ProgramFault f) {
                fault.set(f);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        t.interrupt();
        t.join();
        assertEquals(ProgramFault.Kind.CANCELLED, fault.get().kind());
        assertTrue(fault.get().getMessage().startsWith("run cancelled (thread interrupted"), fault.get().getMessage());
        assertTrue(stillInterrupted.get(), "the interrupt must stay set for the caller");
    }

    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void infiniteLoopHitsTheCpuBudget(ProgramLoader.Mode mode) throws Exception {
        FakeTimeslicer clock = new FakeTimeslicer(1_000_000L); // 1 ms of "CPU" per poll
        LoadedProgram p = new Asm().section("s").label("l").ja("l").exit()
                .load(mode, options(2, 20, 100), clock);
        ProgramFault f = assertThrows(ProgramFault.class, () -> p.invoke(INV));
        assertEquals(ProgramFault.Kind.CPU_BUDGET, f.kind());
        assertEquals("cpu budget of 100000 us exceeded in s pc 0", f.getMessage());
        assertTrue(clock.yields > 0, "never yielded");
        assertTrue(clock.sleeps > 0, "never throttled");
    }

    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void yieldsEachSliceAndThrottlesOnlyAfterTheThreshold(ProgramLoader.Mode mode) throws Exception {
        FakeTimeslicer clock = new FakeTimeslicer(1_000_000L);
        // A loop inside a callee, reached through a call: back-edges and function entries both poll.
        LoadedProgram p = new Asm().section("s").call("f").exit()
                .label("f").movi(0, 0).label("l").alu64i(ADD, 0, 1).ja("l").exit()
                .load(mode, options(2, 20, 60), clock);
        assertThrows(ProgramFault.class, () -> p.invoke(INV));
        boolean sawSleep = false;
        for (String e : clock.events) {
            long at = Long.parseLong(e.substring(e.indexOf('@') + 1));
            if (e.startsWith("sleep")) {
                sawSleep = true;
            } else {
                assertFalse(sawSleep, "yielded after throttling started: " + clock.events);
            }
        }
        assertTrue(sawSleep);
        // The first sleep comes only after 20 ms of CPU (the threshold); before it, only yields.
        String first = clock.events.stream().filter(e -> e.startsWith("sleep")).findFirst().orElseThrow();
        long at = Long.parseLong(first.substring(6));
        assertTrue(at >= 20_000_000L, "throttled early: " + clock.events);
        assertTrue(clock.yields >= 5, "expected a yield per 2 ms slice before throttling: " + clock.events);
    }

    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void helperCallsCountAsPollPoints(ProgramLoader.Mode mode) throws Exception {
        FakeTimeslicer clock = new FakeTimeslicer(1_000_000L);
        Asm a = new Asm().helper("noop", (c, r1, r2, r3, r4, r5) -> 0);
        a.section("s").label("l").callHelper("noop").ja("l").exit();
        LoadedProgram p = a.load(mode, options(2, 0, 30), clock);
        ProgramFault f = assertThrows(ProgramFault.class, () -> p.invoke(INV));
        assertEquals(ProgramFault.Kind.CPU_BUDGET, f.kind());
        assertEquals(0, clock.sleeps, "throttling is off with throttleAfter = 0");
    }

    /**
     * A helper that blocks (I/O) must count against neither the CPU budget nor the throttle: here three helper
     * calls each block for at least 30 ms and several epoch ticks, against a 40 ms budget.
     */
    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void blockingHelpersDoNotCountAsCpu(ProgramLoader.Mode mode) throws Exception {
        Asm a = new Asm().helper("block", (c, r1, r2, r3, r4, r5) -> {
            long start = io.zeroserve.ebpf.internal.run.Epoch.ticks;
            try {
                Thread.sleep(30);
                while (io.zeroserve.ebpf.internal.run.Epoch.ticks - start < 5) {
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                throw new io.zeroserve.ebpf.HelperException("interrupted");
            }
            return r1 + 1;
        });
        a.section("s").movi(1, 0).callHelper("block").mov(1, 0).callHelper("block").mov(1, 0).callHelper("block")
                .exit();
        LoadedProgram p = a.load(mode, options(2, 20, 40), Timeslicer.SYSTEM);
        assertEquals(3, p.invoke(INV));
    }

    /**
     * A CPU-bound script on a single carrier (this module's tests run with jdk.virtualThreadScheduler.parallelism=1)
     * must let a concurrent short run finish while it keeps running. Without yields the short run could only start
     * after the long one ended, which here happens only when the short one has finished: a deadlock, caught by the
     * generous timeout.
     */
    @ParameterizedTest
    @EnumSource(ProgramLoader.Mode.class)
    void busyScriptDoesNotStarveOthersOnOneCarrier(ProgramLoader.Mode mode) throws Exception {
        assertEquals("1", System.getProperty("jdk.virtualThreadScheduler.parallelism"));
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Asm a = new Asm()
                .helper("started", (c, r1, r2, r3, r4, r5) -> {
                    started.countDown();
                    return 0;
                })
                .helper("stop", (c, r1, r2, r3, r4, r5) -> stop.get() ? 1 : 0);
        // started(); do { for (r6 = 0; r6 != 1<<24; r6++); } while (!stop());
        a.section("long").callHelper("started")
                .label("outer").movi(6, 0)
                .label("inner").alu64i(ADD, 6, 1).jmpi(JMP | JNE | K, 6, 1 << 24, "inner")
                .callHelper("stop").jmpi(JMP | JEQ | K, 0, 0, "outer").exit();
        a.section("short").movi(0, 42).exit();
        LoadedProgram p = a.load(mode, options(2, 20, 0), Timeslicer.SYSTEM);
        AtomicReference<Object> longResult = new AtomicReference<>();
        Thread longRun = Thread.ofVirtual().start(() -> {
            try {
                longResult.set(p.invoke(new Invocation("long", new byte[0], null, 0)));
            } catch (ProgramFault e) {
                longResult.set(e);
            }
        });
        assertTrue(started.await(60, TimeUnit.SECONDS));
        AtomicReference<Object> shortResult = new AtomicReference<>();
        Thread shortRun = Thread.ofVirtual().start(() -> {
            try {
                shortResult.set(p.invoke(new Invocation("short", new byte[0], null, 0)));
            } catch (ProgramFault e) {
                shortResult.set(e);
            }
        });
        boolean finished = shortRun.join(Duration.ofSeconds(60));
        boolean longStillRunning = longRun.isAlive();
        stop.set(true);
        assertTrue(longRun.join(Duration.ofSeconds(60)));
        assertTrue(finished, "the short run never got the carrier");
        assertTrue(longStillRunning, "the long run ended before the short one finished");
        assertEquals(42L, shortResult.get());
        assertEquals(1L, longResult.get());
    }
}
