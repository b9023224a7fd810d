package io.zeroserve.script;

import io.zeroserve.ebpf.RuntimeOptions;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Limits and host facilities of the script chain. Immutable; {@link #defaults()} then the {@code with*} methods.
 *
 * @param maxFootprintBytes   host memory one script context may allocate through helpers (JSON objects), the
 *                            {@code --max-request-external-memory-footprint-kb} flag; default 256 KiB
 * @param maxBufferedBodyBytes largest request body {@code zs_req_body_json} reads, the
 *                            {@code --max-buffered-body-size-kb} flag; default 256 KiB
 * @param maxRateLimitBuckets distinct {@code zs_rate_limit} keys kept, {@code --max-rate-limit-buckets}; default 10000
 * @param runtime             the eBPF runtime limits (stack, time slice, throttling, CPU budget)
 * @param log                 where {@code [user_log]} and {@code [script_runtime]} lines go (one call per line,
 *                            without the newline); default stderr
 * @param environment         {@code zs_env_get}'s source; default {@link System#getenv(String)}
 * @param wallClockMs         Unix time in ms for {@code zs_now_ms}, SigV4 and rate-limit windows
 */
public record ScriptOptions(long maxFootprintBytes, int maxBufferedBodyBytes, int maxRateLimitBuckets,
                            RuntimeOptions runtime, Consumer<String> log, Function<String, String> environment,
                            LongSupplier wallClockMs) {
    public ScriptOptions {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(wallClockMs, "wallClockMs");
        if (maxFootprintBytes <= 0 || maxBufferedBodyBytes < 0 || maxRateLimitBuckets < 0) {
            throw new IllegalArgumentException("script limits must be positive");
        }
    }

    /** The default log sink: one {@code println} per line on stderr. A server may swap in its own stderr writer. */
    public static final Consumer<String> STDERR = line -> System.err.println(line);

    public static ScriptOptions defaults() {
        return new ScriptOptions(256 * 1024, 256 * 1024, 10_000, RuntimeOptions.defaults(), STDERR, System::getenv,
                System::currentTimeMillis);
    }

    public ScriptOptions withMaxFootprintBytes(long bytes) {
        return new ScriptOptions(bytes, maxBufferedBodyBytes, maxRateLimitBuckets, runtime, log, environment,
                wallClockMs);
    }

    public ScriptOptions withMaxBufferedBodyBytes(int bytes) {
        return new ScriptOptions(maxFootprintBytes, bytes, maxRateLimitBuckets, runtime, log, environment,
                wallClockMs);
    }

    public ScriptOptions withMaxRateLimitBuckets(int buckets) {
        return new ScriptOptions(maxFootprintBytes, maxBufferedBodyBytes, buckets, runtime, log, environment,
                wallClockMs);
    }

    public ScriptOptions withRuntime(RuntimeOptions options) {
        return new ScriptOptions(maxFootprintBytes, maxBufferedBodyBytes, maxRateLimitBuckets, options, log,
                environment, wallClockMs);
    }

    /** Preemption tick, throttling threshold (zero = off) and hard CPU budget per request (zero = none). */
    public ScriptOptions withTiming(Duration timeSlice, Duration throttleAfter, Duration cpuBudget) {
        return withRuntime(new RuntimeOptions(runtime.stackBytes(), runtime.maxFrameBytes(), timeSlice,
                throttleAfter, cpuBudget));
    }

    public ScriptOptions withLog(Consumer<String> sink) {
        return new ScriptOptions(maxFootprintBytes, maxBufferedBodyBytes, maxRateLimitBuckets, runtime, sink,
                environment, wallClockMs);
    }

    public ScriptOptions withEnvironment(Function<String, String> env) {
        return new ScriptOptions(maxFootprintBytes, maxBufferedBodyBytes, maxRateLimitBuckets, runtime, log, env,
                wallClockMs);
    }

    public ScriptOptions withWallClock(LongSupplier clock) {
        return new ScriptOptions(maxFootprintBytes, maxBufferedBodyBytes, maxRateLimitBuckets, runtime, log,
                environment, clock);
    }
}
