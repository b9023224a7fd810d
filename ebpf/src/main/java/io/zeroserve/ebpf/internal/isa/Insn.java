package io.zeroserve.ebpf.internal.isa;

/**
 * One 64-bit instruction slot, kept as a little-endian {@code long} exactly as it appears in the ELF file
 * (RFC 9669 §3): {@code opcode:8 | dst:4 | src:4 | offset:16 | imm:32}, lowest bits first.
 */
public final class Insn {
    private Insn() {
    }

    public static int opcode(long w) {
        return (int) (w & 0xff);
    }

    public static int dst(long w) {
        return (int) ((w >>> 8) & 0xf);
    }

    public static int src(long w) {
        return (int) ((w >>> 12) & 0xf);
    }

    public static int off(long w) {
        return (short) (w >>> 16);
    }

    public static int imm(long w) {
        return (int) (w >>> 32);
    }

    public static long make(int opcode, int dst, int src, int off, int imm) {
        return (opcode & 0xffL) | (dst & 0xfL) << 8 | (src & 0xfL) << 12 | (off & 0xffffL) << 16
                | (imm & 0xffffffffL) << 32;
    }

    public static long withImm(long w, int imm) {
        return (w & 0xffffffffL) | (imm & 0xffffffffL) << 32;
    }

    public static long withSrc(long w, int src) {
        return (w & ~0xf000L) | (src & 0xfL) << 12;
    }

    /** The 64-bit immediate of an {@code lddw} pair. */
    public static long imm64(long first, long second) {
        return (imm(first) & 0xffffffffL) | ((long) imm(second)) << 32;
    }
}
