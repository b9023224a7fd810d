package io.zeroserve.script;

import io.zeroserve.ebpf.GuestMemory;
import io.zeroserve.ebpf.Helper;
import io.zeroserve.ebpf.HelperCall;
import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.HelperTable;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A guest for helper tests: a writable "stack" and a read-only "rodata" over byte arrays, with the runtime's
 * checks (bounds, read-only data, the per-call overlap rule). {@link #call} invokes a helper by name the way the
 * runtime does, with fresh overlap bookkeeping per call.
 */
final class FakeGuest implements GuestMemory, HelperCall {
    static final long STACK = 0x1000_0000L;
    static final long RODATA = 0x2000_0000L;

    private final HelperTable helpers;
    private final Object host;
    final byte[] stack = new byte[32 * 1024];
    final byte[] rodata = new byte[4096];
    private int rodataUsed;
    private int stackUsed;
    private final List<long[]> claims = new ArrayList<>();

    FakeGuest(HelperTable helpers, Object host) {
        this.helpers = helpers;
        this.host = host;
    }

    /** Calls a helper by name with r1..r5 (missing ones are 0). */
    long call(String name, long... args) throws HelperException {
        Helper h = helpers.helper(name).orElseThrow(() -> new AssertionError("no helper " + name));
        long[] r = new long[5];
        System.arraycopy(args, 0, r, 0, args.length);
        claims.clear();
        return h.call(this, r[0], r[1], r[2], r[3], r[4]);
    }

    /** Puts bytes in read-only data and returns their address. */
    long ro(byte[] data) {
        long addr = RODATA + rodataUsed;
        System.arraycopy(data, 0, rodata, rodataUsed, data.length);
        rodataUsed += data.length + 1;
        return addr;
    }

    long ro(String s) {
        return ro(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Reserves stack bytes (8-aligned), optionally initialised, and returns their address. */
    long alloc(int size) {
        long addr = STACK + stackUsed;
        stackUsed += (size + 7) & ~7;
        return addr;
    }

    long put(byte[] data) {
        long addr = alloc(data.length);
        System.arraycopy(data, 0, stack, (int) (addr - STACK), data.length);
        return addr;
    }

    long put(String s) {
        return put(s.getBytes(StandardCharsets.UTF_8));
    }

    byte[] get(long addr, int len) {
        byte[] out = new byte[len];
        System.arraycopy(stack, (int) (addr - STACK), out, 0, len);
        return out;
    }

    /** The NUL-terminated string at addr. */
    String cstring(long addr) {
        int i = (int) (addr - STACK);
        int start = i;
        while (stack[i] != 0) {
            i++;
        }
        return new String(stack, start, i - start, StandardCharsets.UTF_8);
    }

    long i64(long addr) {
        return ByteBuffer.wrap(stack, (int) (addr - STACK), 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    // ---- HelperCall

    @Override
    public GuestMemory memory() {
        return this;
    }

    @Override
    public Object host() {
        return host;
    }

    @Override
    public String section() {
        return "zeroserve.request";
    }

    @Override
    public void charge(long bytes) {
    }

    // ---- GuestMemory

    private void claim(long addr, long len, boolean writable) throws HelperException {
        if (len < 0 || addr + len < addr) {
            throw new HelperException("out of bounds access at 0x" + Long.toHexString(addr));
        }
        boolean inStack = addr >= STACK && addr + len <= STACK + stack.length;
        boolean inRo = addr >= RODATA && addr + len <= RODATA + rodata.length;
        if (!inStack && !(inRo && !writable)) {
            throw new HelperException((writable ? "out of bounds write" : "out of bounds read") + " at 0x"
                    + Long.toHexString(addr) + " (" + len + " bytes)");
        }
        for (long[] c : claims) {
            boolean overlaps = addr < c[1] && c[0] < addr + len;
            boolean inside = addr >= c[0] && addr + len <= c[1];
            if (inside && c[2] == 1) {
                return;
            }
            if (overlaps && (writable || c[2] == 1)) {
                throw new HelperException("overlapping memory regions at 0x" + Long.toHexString(addr));
            }
        }
        claims.add(new long[] {addr, addr + len, writable ? 1 : 0});
    }

    private byte[] arrayOf(long addr) {
        return addr >= RODATA ? rodata : stack;
    }

    private int offsetOf(long addr) {
        return (int) (addr - (addr >= RODATA ? RODATA : STACK));
    }

    @Override
    public byte[] read(long address, long length) throws HelperException {
        claim(address, length, false);
        byte[] out = new byte[(int) length];
        System.arraycopy(arrayOf(address), offsetOf(address), out, 0, (int) length);
        return out;
    }

    @Override
    public String readUtf8(long address, long length) throws HelperException {
        byte[] b = read(address, length);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new HelperException("invalid utf-8 at 0x" + Long.toHexString(address));
        }
    }

    @Override
    public void write(long address, byte[] data, int offset, int length) throws HelperException {
        claim(address, length, true);
        System.arraycopy(data, offset, stack, offsetOf(address), length);
    }

    @Override
    public void checkWritable(long address, long length) throws HelperException {
        claim(address, length, true);
    }

    @Override
    public long readLong(long address) throws HelperException {
        return ByteBuffer.wrap(read(address, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Override
    public void writeLong(long address, long value) throws HelperException {
        byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
        write(address, b);
    }

    @Override
    public void fill(long address, long length, byte value) throws HelperException {
        claim(address, length, true);
        java.util.Arrays.fill(stack, offsetOf(address), offsetOf(address) + (int) length, value);
    }
}
