/**
 * The eBPF runtime: loads clang's BPF objects, verifies them, translates them to JVM bytecode, and runs them
 * confined to their own arena. Knows nothing about HTTP.
 *
 * <p>Public API, in the order a host uses it:
 * <ol>
 *   <li>{@link io.zeroserve.ebpf.HelperTable}: the host's helpers, bound to scripts by symbol name;</li>
 *   <li>{@link io.zeroserve.ebpf.Program#load}: ELF bytes plus helpers plus {@link io.zeroserve.ebpf.RuntimeOptions}
 *       give a thread-safe compiled program, or a {@link io.zeroserve.ebpf.LoadException};</li>
 *   <li>{@link io.zeroserve.ebpf.Program#invoke}: runs one entry point on a pooled per-invocation arena and returns
 *       r0, or throws a {@link io.zeroserve.ebpf.ProgramFault}.</li>
 * </ol>
 * Helpers see guest memory only through {@link io.zeroserve.ebpf.GuestMemory}, which checks every range.
 */
package io.zeroserve.ebpf;
