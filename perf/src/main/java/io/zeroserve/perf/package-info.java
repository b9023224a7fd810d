/**
 * Benchmarks: {@code harness} is {@code perf/run} (zeroserve side by side with nginx, nginx+Lua, Caddy and Helidon SE),
 * {@code helidon} the stock Helidon SE app it measures, {@code ebpf} the eBPF runtime benchmarks and {@code script}
 * the in-process script chain benchmark.
 */
package io.zeroserve.perf;
