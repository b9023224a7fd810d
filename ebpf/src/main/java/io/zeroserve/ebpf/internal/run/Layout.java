package io.zeroserve.ebpf.internal.run;

/**
 * The guest address space of one arena. Guest addresses are not host addresses: {@code [GUEST_BASE,
 * GUEST_BASE + stack)} is the stack, the read-only data image follows at {@code GUEST_BASE + stack}. Nothing lives
 * below {@code GUEST_BASE}, so a null pointer plus any 16-bit offset faults.
 */
public final class Layout {
    /** Non-zero and below 4 GiB, so 32-bit data relocations ({@code R_BPF_64_ABS32}) can hold guest addresses. */
    public static final long GUEST_BASE = 0x100000L;

    private Layout() {
    }
}
