/**
 * {@code perf/run}: the side-by-side load harness (zeroserve against nginx, nginx+Lua, Caddy and stock Helidon SE).
 *
 * <p>Conventions for this package, written once:
 * <ul>
 *   <li>This package uses the JDK only (it must never import zeroserve or Helidon), so that {@code perf/run} can
 *       compile it with plain {@code javac} in a second, with no Maven involved.</li>
 *   <li>Every process the harness starts is registered in {@link io.zeroserve.perf.harness.Processes} and stopped
 *       by PID when the run ends, fails or is interrupted.</li>
 *   <li>Times are in seconds for durations given by the user, microseconds for latencies and CPU per request.</li>
 *   <li>A capability zeroserve does not have yet makes its cell {@code n/a}; it never fails the run.</li>
 * </ul>
 */
package io.zeroserve.perf.harness;
