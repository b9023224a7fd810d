package io.zeroserve.ebpf.internal.run;

import java.nio.ByteOrder;

/**
 * The JDK's unchecked memory access ({@code jdk.internal.misc.Unsafe}), for translated code whose own unsigned
 * compare has already confined each access to the arena. Through it an access costs that one compare; through the
 * JDK's byte-array views or segments it costs two (ours, then the JDK's own), and their accessors can be left as
 * calls at rarely-run sites, which C2 never does for these intrinsics.
 *
 * <p>Available only when {@code java.base} exports {@code jdk.internal.misc} to this code
 * ({@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}: the launcher, the container and the build pass
 * it) on a little-endian machine; otherwise the translator uses the checked views and says why once.
 * {@code -Dzeroserve.ebpf.rawMemory=false} switches it off.
 */
public final class RawMemory {
    /** The {@code jdk.internal.misc.Unsafe} instance, typed Object so this class compiles without the export. */
    public static final Object UNSAFE;
    /** Offset of a byte array's first element, for Unsafe's (object, offset) addressing. */
    public static final long BYTE_ARRAY_BASE;
    /** Why raw access is off, or null when it is on. */
    public static final String UNAVAILABLE;

    static {
        Object unsafe = null;
        long base = 0;
        String why = null;
        if (!Boolean.parseBoolean(System.getProperty("zeroserve.ebpf.rawMemory", "true"))) {
            why = "switched off by -Dzeroserve.ebpf.rawMemory=false";
        } else if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            why = "the machine is big-endian";
        } else if (!Object.class.getModule().isExported("jdk.internal.misc", RawMemory.class.getModule())) {
            why = "java.base does not export jdk.internal.misc to it (run the JVM with --add-exports "
                    + "java.base/jdk.internal.misc=ALL-UNNAMED)";
        } else {
            try {
                Class<?> c = Class.forName("jdk.internal.misc.Unsafe");
                unsafe = c.getMethod("getUnsafe").invoke(null);
                base = ((Number) c.getMethod("arrayBaseOffset", Class.class).invoke(unsafe, byte[].class))
                        .longValue();
            } catch (ReflectiveOperationException | RuntimeException e) {
                unsafe = null;
                why = "jdk.internal.misc.Unsafe is not usable (" + e + ")";
            }
        }
        UNSAFE = unsafe;
        BYTE_ARRAY_BASE = base;
        UNAVAILABLE = why;
    }

    private RawMemory() {
    }

    public static boolean available() {
        return UNAVAILABLE == null;
    }
}
