package io.zeroserve.script.ratelimit;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * {@code zs_rate_limit}: fixed wall-clock windows per second, minute and hour, per key, shared by the whole process
 * (it outlives reloads: the server keeps one instance). Thread-safe.
 */
public final class RateLimiter {
    public static final int ALLOWED = 0;
    public static final int EXCEEDED_SECOND = 1;
    public static final int EXCEEDED_MINUTE = 2;
    public static final int EXCEEDED_HOUR = 3;
    public static final int EXCEEDED_BUCKET_LIMIT = 4;
    /** Longest key, in bytes. */
    public static final int MAX_KEY_BYTES = 256;
    private static final long SWEEP_INTERVAL_MS = 60_000;

    private final ConcurrentHashMap<ByteBuffer, Bucket> buckets = new ConcurrentHashMap<>();
    private final int maxBuckets;
    private final LongSupplier clockMs;
    private final AtomicLong lastSweep = new AtomicLong();

    /** Counters of one key; guarded by its own monitor. */
    private static final class Bucket {
        long second = -1;
        long minute = -1;
        long hour = -1;
        long inSecond;
        long inMinute;
        long inHour;
    }

    /**
     * @param maxBuckets distinct keys kept at once ({@code --max-rate-limit-buckets})
     * @param clockMs    Unix time in milliseconds
     */
    public RateLimiter(int maxBuckets, LongSupplier clockMs) {
        this.maxBuckets = maxBuckets;
        this.clockMs = clockMs;
    }

    /**
     * Counts one request for {@code key} unless a limit is already reached. A limit of 0 means none for that window.
     *
     * @return {@link #ALLOWED}, an {@code EXCEEDED_*} code, or -1 for an empty or over-long key
     */
    public int check(byte[] key, long perSecond, long perMinute, long perHour) {
        if (key.length == 0 || key.length > MAX_KEY_BYTES) {
            return -1;
        }
        long now = clockMs.getAsLong();
        sweepIfDue(now);
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        Bucket bucket = buckets.get(k);
        if (bucket == null) {
            if (buckets.size() >= maxBuckets) {
                return EXCEEDED_BUCKET_LIMIT;
            }
            bucket = buckets.computeIfAbsent(k, x -> new Bucket());
        }
        long second = Math.floorDiv(now, 1000);
        long minute = Math.floorDiv(now, 60_000);
        long hour = Math.floorDiv(now, 3_600_000);
        synchronized (bucket) {
            if (bucket.second != second) {
                bucket.second = second;
                bucket.inSecond = 0;
            }
            if (bucket.minute != minute) {
                bucket.minute = minute;
                bucket.inMinute = 0;
            }
            if (bucket.hour != hour) {
                bucket.hour = hour;
                bucket.inHour = 0;
            }
            if (perSecond != 0 && bucket.inSecond >= perSecond) {
                return EXCEEDED_SECOND;
            }
            if (perMinute != 0 && bucket.inMinute >= perMinute) {
                return EXCEEDED_MINUTE;
            }
            if (perHour != 0 && bucket.inHour >= perHour) {
                return EXCEEDED_HOUR;
            }
            bucket.inSecond++;
            bucket.inMinute++;
            bucket.inHour++;
            return ALLOWED;
        }
    }

    /** Keys currently tracked. */
    public int size() {
        return buckets.size();
    }

    /** Drops buckets whose hour window has passed, at most once a minute. */
    private void sweepIfDue(long now) {
        long last = lastSweep.get();
        if (now - last < SWEEP_INTERVAL_MS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        long hour = Math.floorDiv(now, 3_600_000);
        buckets.values().removeIf(b -> {
            synchronized (b) {
                return b.hour < hour;
            }
        });
    }
}
