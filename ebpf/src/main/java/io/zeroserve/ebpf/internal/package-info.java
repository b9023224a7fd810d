/**
 * The runtime's internals, by job: {@code elf} (parse) → {@code link} (lay out code and data, apply relocations,
 * bind helpers by name) → {@code verify} (structural checks, functions, frames, call graph) → {@code translate}
 * (JVM bytecode in a hidden class) or {@code interp} (reference interpreter) → {@code run} (arena, cage checks,
 * helper calls, preemption). {@link io.zeroserve.ebpf.internal.ProgramLoader} drives the pipeline.
 *
 * <p>Conventions used throughout:
 * <ul>
 *   <li><b>pc</b> is a global slot index into the linked code array (all executable sections concatenated);
 *       messages and {@link io.zeroserve.ebpf.ProgramFault#pc()} convert it to the index inside its section.</li>
 *   <li><b>Guest addresses</b> are values in BPF registers. The arena maps {@code [GUEST_BASE, GUEST_BASE + stack)}
 *       to the stack and the data image right after it ({@link io.zeroserve.ebpf.internal.run.Layout}). A load is
 *       valid in either, a store only in the stack; both engines check with one unsigned compare.</li>
 *   <li><b>Semantics live once</b>: operations that are not one JVM instruction are in
 *       {@link io.zeroserve.ebpf.internal.run.Ops}, called by the interpreter and by translated code alike; the
 *       differential fuzz test holds the two engines to the same r0, stack bytes and faults.</li>
 *   <li><b>Faults</b> leave guest code as {@link io.zeroserve.ebpf.internal.run.GuestTrap} (no stack trace) and
 *       become {@link io.zeroserve.ebpf.ProgramFault} at the edge of {@code invoke}; nothing else escapes.</li>
 *   <li><b>Preemption</b> polls {@link io.zeroserve.ebpf.internal.run.Epoch#ticks} at function entries and (gated
 *       by a local countdown) at loop headers; the slow path is {@code RunContext.poll}.</li>
 * </ul>
 */
package io.zeroserve.ebpf.internal;
