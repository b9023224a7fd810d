package io.zeroserve.ebpf.internal.run;

import io.zeroserve.ebpf.GuestMemory;
import io.zeroserve.ebpf.Helper;
import io.zeroserve.ebpf.HelperCall;
import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.ProgramFault;
import io.zeroserve.ebpf.internal.link.LinkedObject;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One arena and the state of the run using it. Pooled per program: a run takes one, resets it, and returns it with
 * the touched part of the stack zeroed. Owned by exactly one thread between {@link #begin} and {@link #end}.
 *
 * <p>The arena {@link #mem} holds the stack at index 0 (guest {@link Layout#GUEST_BASE}) and a private copy of the
 * data image after it. Guest stores can only reach the stack (every store is checked against it), so the copy stays
 * pristine across runs. Also serves as the {@link HelperCall} and {@link GuestMemory} handed to helpers.
 */
public final class RunContext implements HelperCall, GuestMemory {
    public final ProgramImage image;
    /** The arena; read by generated code at function entry. */
    public final byte[] mem;
    /** {@code mem} as a heap segment: long-indexed loads with the JDK's one bounds check. */
    public final java.lang.foreign.MemorySegment seg;
    /** Epoch value this run saw at its last poll; compared with {@link Epoch#ticks} by generated code. */
    public long epochSeen;
    /** Lowest arena index written through a computed pointer or by a helper; the stack is zeroed from here. */
    public int lowWater;

    private final int stackLen;
    private final Engine interpreter;
    private Invocation invocation;
    private String entry;
    private long budgetUsed;
    // Preemption state (nanoseconds from the timeslicer's clock).
    private long runStart;
    private long sliceStart;
    private long waited;
    private final long slice;
    private final long throttleAfter;
    private final long cpuBudget;
    private boolean throttling;
    private long lastPollNanos;
    /** The thread inside a helper call of this run, or null: guest memory is usable only from there. */
    private Thread helperThread;
    // Ranges claimed during the current helper call: [start, end) guest addresses.
    private long[] reads = new long[16];
    private int readCount;
    private long[] writes = new long[8];
    private int writeCount;

    public RunContext(ProgramImage image, Engine interpreter) {
        this.image = image;
        this.stackLen = image.stackBytes();
        this.mem = new byte[image.arenaBytes()];
        this.seg = java.lang.foreign.MemorySegment.ofArray(mem);
        System.arraycopy(image.data(), 0, mem, stackLen, image.data().length);
        this.interpreter = interpreter;
        this.lowWater = stackLen;
        this.slice = Math.max(1, image.options().timeSlice().toNanos());
        this.throttleAfter = image.options().throttleAfter().toNanos();
        this.cpuBudget = image.options().cpuBudget().toNanos();
    }

    /** Copies calldata to the stack top and returns its guest address (also the entry's r10). */
    public long begin(Invocation inv, int entryStackNeed) {
        this.invocation = inv;
        this.entry = inv.section();
        this.budgetUsed = 0;
        byte[] cd = inv.calldata();
        int at = (stackLen - cd.length) & ~15;
        System.arraycopy(cd, 0, mem, at, cd.length);
        lowWater = Math.max(0, Math.min(at, at - entryStackNeed));
        Epoch.markUsed();
        epochSeen = Epoch.ticks;
        // The clock starts at the first poll (one tick into the run), which keeps a clock read off every short
        // run; the budget may therefore undercount by one tick period.
        runStart = Long.MIN_VALUE;
        waited = 0;
        throttling = false;
        return Layout.GUEST_BASE + at;
    }

    /** Zeroes what the run may have touched, so the next run starts from a clean stack. */
    public void end() {
        int from = Math.max(0, lowWater);
        Arrays.fill(mem, from, stackLen, (byte) 0);
        lowWater = stackLen;
        invocation = null;
    }

    // ---- faults, called from guest code on the cold path ----

    public GuestTrap loadFault(int pc, long addr, int width) {
        return trap(ProgramFault.Kind.LOAD_OUT_OF_BOUNDS, pc, "out of bounds load at 0x" + Long.toHexString(addr)
                + " (" + width + " bytes)", addr, width);
    }

    public GuestTrap storeFault(int pc, long addr, int width) {
        long idx = addr - Layout.GUEST_BASE;
        String what = idx >= stackLen && idx < mem.length ? "store to read-only data" : "out of bounds store";
        return trap(ProgramFault.Kind.STORE_OUT_OF_BOUNDS, pc, what + " at 0x" + Long.toHexString(addr) + " ("
                + width + " bytes)", addr, width);
    }

    public GuestTrap stackOverflow(int pc) {
        return trap(ProgramFault.Kind.CALL_DEPTH, pc, "stack overflow: the call chain needs more than "
                + stackLen + " bytes of stack");
    }

    public GuestTrap trap(ProgramFault.Kind kind, int pc, String message) {
        return trap(kind, pc, message, 0, 0);
    }

    private GuestTrap trap(ProgramFault.Kind kind, int pc, String message, long address, int width) {
        LinkedObject obj = image.program().object();
        // The fault belongs to the entry that ran; the code location may be in another section it called.
        String code = pc < 0 ? entry : obj.sectionAt(pc).name();
        int local = pc < 0 ? -1 : pc - obj.sectionAt(pc).start();
        String where = pc < 0 ? " in " + entry : " in " + code + " pc " + local
                + (code.equals(entry) ? "" : " (called from " + entry + ")");
        return new GuestTrap(kind, entry, code, local, message + where, address, width);
    }

    // ---- preemption ----

    /** The slow path of the epoch check: decides whether to yield, throttle or abort. */
    public void poll(int pc) {
        if (Thread.currentThread().isInterrupted()) {
            // Cancellation: the caller interrupted the run's thread (the interrupt stays set for it to see).
            throw trap(ProgramFault.Kind.CANCELLED, pc, "run cancelled (thread interrupted)");
        }
        epochSeen = Epoch.ticks;
        Epoch.markUsed();
        Timeslicer ts = image.timeslicer();
        long now = ts.nanoTime();
        if (runStart == Long.MIN_VALUE) {
            runStart = now;
            sliceStart = now;
        }
        if (cpuBudget > 0 && now - runStart - waited > cpuBudget) {
            throw trap(ProgramFault.Kind.CPU_BUDGET, pc, "cpu budget of " + cpuBudget / 1000 + " us exceeded");
        }
        lastPollNanos = now;
        if (now - sliceStart < slice) {
            return;
        }
        if (!throttling && throttleAfter > 0 && now - runStart - waited >= throttleAfter) {
            throttling = true;
            if (invocation != null && invocation.host() instanceof io.zeroserve.ebpf.RunObserver observer) {
                observer.throttled(entry);
            }
        }
        if (throttling) {
            // A run that kept the CPU past the throttle threshold sleeps 4 slices after each slice (20 % duty).
            try {
                ts.sleep(4 * slice);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw trap(ProgramFault.Kind.CANCELLED, pc, "run cancelled (thread interrupted while throttled)");
            }
        } else {
            ts.yieldNow();
        }
        long after = ts.nanoTime();
        waited += after - now;
        sliceStart = after;
        lastPollNanos = after;
        epochSeen = Epoch.ticks;
    }

    // ---- calls ----

    /** A helper call: r0 = helpers[index](r1..r5). Helper failures become a fault naming the helper. */
    public long callHelper(int index, int pc, long r1, long r2, long r3, long r4, long r5) {
        Helper h = image.helpers()[index];
        readCount = 0;
        writeCount = 0;
        long ticksBefore = Epoch.ticks;
        long r0;
        helperThread = Thread.currentThread();
        try {
            r0 = h.call(this, r1, r2, r3, r4, r5);
        } catch (HelperException e) {
            throw trap(ProgramFault.Kind.HELPER_ERROR, pc, "helper " + image.helperNames()[index] + " failed: "
                    + e.getMessage());
        } catch (GuestTrap t) {
            throw t; // a nested run's trap is the nested run's business; this one only sees its own
        } catch (RuntimeException | StackOverflowError e) {
            throw trap(ProgramFault.Kind.HELPER_ERROR, pc, "helper " + image.helperNames()[index] + " failed: "
                    + e);
        } finally {
            helperThread = null;
        }
        long ticks = Epoch.ticks;
        if (ticks - ticksBefore >= 2 && runStart != Long.MIN_VALUE) {
            // The helper spanned at least one whole tick period: it blocked (I/O, a lock) rather than computed.
            // Guest code polls at every tick, so at most about one period since the last poll was guest CPU;
            // credit the rest as waiting, so I/O counts against neither the throttle nor the CPU budget.
            long now = image.timeslicer().nanoTime();
            long credit = now - lastPollNanos - Epoch.periodNanos();
            if (credit > 0) {
                waited += credit;
                sliceStart += credit;
            }
        }
        if (ticks != epochSeen) {
            poll(pc);
        }
        return r0;
    }

    /** Runs function {@code fn} in the reference interpreter (fallback for functions the translator refused). */
    public long interpret(int fn, long r1, long r2, long r3, long r4, long r5, long fp) {
        return interpreter.call(this, fn, r1, r2, r3, r4, r5, fp);
    }

    // ---- HelperCall ----

    @Override
    public GuestMemory memory() {
        return this;
    }

    @Override
    public Object host() {
        return invocation == null ? null : invocation.host();
    }

    @Override
    public String section() {
        return entry;
    }

    @Override
    public void charge(long bytes) throws HelperException {
        checkInCall();
        if (bytes < 0) {
            throw new HelperException("negative charge " + bytes);
        }
        long budget = invocation == null ? 0 : invocation.budgetBytes();
        budgetUsed += bytes;
        if (budget > 0 && budgetUsed > budget) {
            throw new HelperException("allocation budget of " + budget + " bytes exceeded (" + budgetUsed
                    + " bytes requested)");
        }
    }

    // ---- GuestMemory ----

    /** A HelperCall kept past its call (or used from another thread) must not reach a later run's arena. */
    private void checkInCall() throws HelperException {
        if (helperThread != Thread.currentThread()) {
            throw new HelperException("guest memory used outside the helper call it was given to");
        }
    }

    private int readable(long address, long length, String what) throws HelperException {
        checkInCall();
        long idx = address - Layout.GUEST_BASE;
        if (length < 0 || idx < 0 || idx > mem.length || length > mem.length - idx) {
            throw new HelperException("out of bounds " + what + " at 0x" + Long.toHexString(address) + " ("
                    + length + " bytes)");
        }
        return (int) idx;
    }

    private int claimRead(long address, long length) throws HelperException {
        int idx = readable(address, length, "read");
        if (length == 0 || insideWrite(address, length)) {
            return idx;
        }
        for (int i = 0; i < writeCount; i += 2) {
            if (address < writes[i + 1] && writes[i] < address + length) {
                throw new HelperException("read at 0x" + Long.toHexString(address) + " (" + length
                        + " bytes) overlaps a range this helper call writes");
            }
        }
        if (readCount + 2 > reads.length) {
            reads = Arrays.copyOf(reads, reads.length * 2);
        }
        reads[readCount++] = address;
        reads[readCount++] = address + length;
        return idx;
    }

    private int claimWrite(long address, long length) throws HelperException {
        checkInCall();
        long idx = address - Layout.GUEST_BASE;
        if (length < 0 || idx < 0 || idx > stackLen || length > stackLen - idx) {
            boolean ro = idx >= 0 && idx < mem.length;
            throw new HelperException((ro && idx >= stackLen ? "write to read-only data" : "out of bounds write")
                    + " at 0x" + Long.toHexString(address) + " (" + length + " bytes)");
        }
        if (length == 0 || insideWrite(address, length)) {
            return (int) idx;
        }
        for (int i = 0; i < writeCount; i += 2) {
            if (address < writes[i + 1] && writes[i] < address + length) {
                throw overlap(address, length);
            }
        }
        for (int i = 0; i < readCount; i += 2) {
            if (address < reads[i + 1] && reads[i] < address + length) {
                throw overlap(address, length);
            }
        }
        if (writeCount + 2 > writes.length) {
            writes = Arrays.copyOf(writes, writes.length * 2);
        }
        writes[writeCount++] = address;
        writes[writeCount++] = address + length;
        if (idx < lowWater) {
            lowWater = (int) idx;
        }
        return (int) idx;
    }

    /**
     * True when the range lies inside one range this call already claimed writable: the same buffer used again,
     * as an in-place helper does ({@code checkWritable(buf)}, then read and write {@code buf}). Still refused:
     * a write over a range that was only read, and partial overlaps (memcpy of overlapping buffers).
     */
    private boolean insideWrite(long address, long length) {
        for (int i = 0; i < writeCount; i += 2) {
            if (address >= writes[i] && address + length <= writes[i + 1]) {
                return true;
            }
        }
        return false;
    }

    private static HelperException overlap(long address, long length) {
        return new HelperException("overlapping write at 0x" + Long.toHexString(address) + " (" + length
                + " bytes): the range overlaps another range of this helper call");
    }

    @Override
    public byte[] read(long address, long length) throws HelperException {
        int idx = claimRead(address, length);
        return Arrays.copyOfRange(mem, idx, idx + (int) length);
    }

    @Override
    public String readUtf8(long address, long length) throws HelperException {
        int idx = claimRead(address, length);
        int end = idx + (int) length;
        int i = idx;
        while (i < end && mem[i] >= 0) {
            i++;
        }
        if (i == end) {
            // All ASCII (the common case): valid UTF-8 as it is, no decoder needed.
            return new String(mem, idx, (int) length, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(mem, idx, (int) length)).toString();
        } catch (CharacterCodingException e) {
            throw new HelperException("invalid UTF-8 at 0x" + Long.toHexString(address) + " (" + length
                    + " bytes)");
        }
    }

    @Override
    public void write(long address, byte[] data, int offset, int length) throws HelperException {
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new HelperException("write of " + length + " bytes from offset " + offset + " of a "
                    + data.length + "-byte array");
        }
        int idx = claimWrite(address, length);
        System.arraycopy(data, offset, mem, idx, length);
    }

    @Override
    public void checkWritable(long address, long length) throws HelperException {
        claimWrite(address, length);
    }

    @Override
    public long readLong(long address) throws HelperException {
        return Ops.ld64(mem, claimRead(address, 8));
    }

    @Override
    public void writeLong(long address, long value) throws HelperException {
        Ops.st64(mem, claimWrite(address, 8), value);
    }

    @Override
    public void fill(long address, long length, byte value) throws HelperException {
        int idx = claimWrite(address, length);
        Arrays.fill(mem, idx, idx + (int) length, value);
    }
}
