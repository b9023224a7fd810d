package io.zeroserve.ebpf.internal.run;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Operations whose semantics are not a single JVM instruction, shared by the interpreter and the translated code so
 * the two cannot drift apart (RFC 9669 §4.1 edge cases: division by zero, signed MIN / -1, byte swaps).
 */
public final class Ops {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Ops() {
    }

    // Division: divisor 0 gives quotient 0 and leaves the dividend as remainder; Java's / and % already give
    // MIN / -1 = MIN and MIN % -1 = 0 without trapping.
    public static long udiv64(long a, long b) {
        return b == 0 ? 0 : Long.divideUnsigned(a, b);
    }

    public static long umod64(long a, long b) {
        return b == 0 ? a : Long.remainderUnsigned(a, b);
    }

    public static long sdiv64(long a, long b) {
        return b == 0 ? 0 : a / b;
    }

    public static long smod64(long a, long b) {
        return b == 0 ? a : a % b;
    }

    public static int udiv32(int a, int b) {
        return b == 0 ? 0 : Integer.divideUnsigned(a, b);
    }

    public static int umod32(int a, int b) {
        return b == 0 ? a : Integer.remainderUnsigned(a, b);
    }

    public static int sdiv32(int a, int b) {
        return b == 0 ? 0 : a / b;
    }

    public static int smod32(int a, int b) {
        return b == 0 ? a : a % b;
    }

    /** {@code be16/32/64} and {@code bswap16/32/64}: swap the low {@code width} bits, zero-extend. */
    public static long bswap(long v, int width) {
        return switch (width) {
            case 16 -> Short.reverseBytes((short) v) & 0xffffL;
            case 32 -> Integer.reverseBytes((int) v) & 0xffffffffL;
            default -> Long.reverseBytes(v);
        };
    }

    /** {@code le16/32/64} on a little-endian guest: truncate to {@code width} bits. */
    public static long le(long v, int width) {
        return switch (width) {
            case 16 -> v & 0xffffL;
            case 32 -> v & 0xffffffffL;
            default -> v;
        };
    }

    // Raw little-endian accessors on an arena; indices are already checked by the caller.
    public static long ld8(byte[] m, int i) {
        return m[i] & 0xffL;
    }

    public static long ld16(byte[] m, int i) {
        return (short) I16.get(m, i) & 0xffffL;
    }

    private static final java.lang.foreign.ValueLayout.OfByte S8 = java.lang.foreign.ValueLayout.JAVA_BYTE;
    private static final java.lang.foreign.ValueLayout.OfShort S16 = java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED
            .withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.foreign.ValueLayout.OfInt S32 = java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED
            .withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.foreign.ValueLayout.OfLong S64 = java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED
            .withOrder(ByteOrder.LITTLE_ENDIAN);

    public static long sld8(java.lang.foreign.MemorySegment m, long i) {
        return m.get(S8, i) & 0xffL;
    }

    public static long sld16(java.lang.foreign.MemorySegment m, long i) {
        return m.get(S16, i) & 0xffffL;
    }

    public static long sld32(java.lang.foreign.MemorySegment m, long i) {
        return m.get(S32, i) & 0xffffffffL;
    }

    public static long sld64(java.lang.foreign.MemorySegment m, long i) {
        return m.get(S64, i);
    }

    public static long sldsx8(java.lang.foreign.MemorySegment m, long i) {
        return m.get(S8, i);
    }

    public static long sldsx16(java.lang.foreign.MemorySegment m, long i) {
        return m.get(S16, i);
    }

    public static long sldsx32(java.lang.foreign.MemorySegment m, long i) {
        return m.get(S32, i);
    }

    public static long ld32(byte[] m, int i) {
        return (int) I32.get(m, i) & 0xffffffffL;
    }

    public static long ld64(byte[] m, int i) {
        return (long) I64.get(m, i);
    }

    public static long ldsx8(byte[] m, int i) {
        return m[i];
    }

    public static long ldsx16(byte[] m, int i) {
        return (short) I16.get(m, i);
    }

    public static long ldsx32(byte[] m, int i) {
        return (int) I32.get(m, i);
    }

    public static void st8(byte[] m, int i, long v) {
        m[i] = (byte) v;
    }

    public static void st16(byte[] m, int i, long v) {
        I16.set(m, i, (short) v);
    }

    public static void st32(byte[] m, int i, long v) {
        I32.set(m, i, (int) v);
    }

    public static void st64(byte[] m, int i, long v) {
        I64.set(m, i, v);
    }

    /**
     * An atomic read-modify-write (RFC 9669 §5.3) on a checked index. The arena belongs to one run on one thread, so
     * plain read-modify-write is exact. Returns the value for the register the operation writes: {@code src} for
     * fetch forms and xchg, r0 for cmpxchg (the caller knows which), or the unchanged src otherwise.
     */
    public static long atomic64(byte[] m, int i, int op, long src, long r0) {
        long old = (long) I64.get(m, i);
        switch (op) {
            case 0x00, 0x01 -> I64.set(m, i, old + src);
            case 0x40, 0x41 -> I64.set(m, i, old | src);
            case 0x50, 0x51 -> I64.set(m, i, old & src);
            case 0xa0, 0xa1 -> I64.set(m, i, old ^ src);
            case 0xe1 -> I64.set(m, i, src);
            case 0xf1 -> {
                if (old == r0) {
                    I64.set(m, i, src);
                }
            }
            default -> throw new IllegalStateException("atomic op " + op);
        }
        return old;
    }

    public static long atomic32(byte[] m, int i, int op, long src, long r0) {
        int old = (int) I32.get(m, i);
        int s = (int) src;
        switch (op) {
            case 0x00, 0x01 -> I32.set(m, i, old + s);
            case 0x40, 0x41 -> I32.set(m, i, old | s);
            case 0x50, 0x51 -> I32.set(m, i, old & s);
            case 0xa0, 0xa1 -> I32.set(m, i, old ^ s);
            case 0xe1 -> I32.set(m, i, s);
            case 0xf1 -> {
                if (old == (int) r0) {
                    I32.set(m, i, s);
                }
            }
            default -> throw new IllegalStateException("atomic op " + op);
        }
        return old & 0xffffffffL;
    }
}
