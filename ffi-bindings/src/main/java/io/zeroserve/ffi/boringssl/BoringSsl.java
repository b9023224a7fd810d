package io.zeroserve.ffi.boringssl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where BoringSSL lives, how its symbols are linked, and its error queue.
 *
 * <p>Debian installs the Android build outside the linker's search path, so both libraries are opened by absolute
 * path. libssl's RUNPATH points at the same folder, so opening libssl also resolves its libcrypto; the dynamic
 * linker returns the same handle when we open libcrypto by path afterwards.
 */
public final class BoringSsl {
    /** Debian 12 package {@code android-libboringssl}. */
    public static final Path LIBSSL_PATH = Path.of("/usr/lib/x86_64-linux-gnu/android/libssl.so.0");
    public static final Path LIBCRYPTO_PATH = Path.of("/usr/lib/x86_64-linux-gnu/android/libcrypto.so.0");

    static final Linker LINKER = Linker.nativeLinker();

    private BoringSsl() {
    }

    /**
     * Fails with a message that says what to install when the libraries are missing. Call once at startup so the
     * user sees this instead of a class initialisation error.
     *
     * @throws IllegalStateException naming the missing file
     */
    public static void requireAvailable() {
        for (Path path : new Path[] {LIBCRYPTO_PATH, LIBSSL_PATH}) {
            if (!Files.isReadable(path)) {
                throw new IllegalStateException("BoringSSL not found: " + path
                        + " is missing; install the Debian package android-libboringssl");
            }
        }
    }

    /** True when both library files exist (tests use this to explain a skip). */
    public static boolean isAvailable() {
        return Files.isReadable(LIBSSL_PATH) && Files.isReadable(LIBCRYPTO_PATH);
    }

    static SymbolLookup open(Path path) {
        try {
            return SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot load " + path + " (install android-libboringssl): "
                    + e.getMessage(), e);
        }
    }

    static MethodHandle downcall(SymbolLookup lookup, String name, FunctionDescriptor descriptor,
                                 Linker.Option... options) {
        MemorySegment symbol = lookup.find(name)
                .orElseThrow(() -> new IllegalStateException("BoringSSL symbol missing: " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /**
     * Makes a C function pointer that calls {@code target}, a static method of {@code owner} whose Java signature
     * matches {@code descriptor}. The stub lives as long as {@code arena}.
     */
    public static MemorySegment upcallStub(MethodHandles.Lookup lookup, Class<?> owner, String method,
                                           FunctionDescriptor descriptor, Arena arena) {
        try {
            MethodType type = descriptor.toMethodType();
            MethodHandle target = lookup.findStatic(owner, method, type);
            return LINKER.upcallStub(target, descriptor, arena);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalArgumentException("upcall target " + owner.getName() + "." + method + ": " + e, e);
        }
    }

    /**
     * Empties this thread's BoringSSL error queue and returns its entries joined by "; " (most recent last), or
     * "no error detail" when the queue was empty. Example: {@code error:1000042e:SSL
     * routines:OPENSSL_internal:TLSV1_ALERT_PROTOCOL_VERSION}.
     */
    public static String drainErrors() {
        StringBuilder out = new StringBuilder();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            int code;
            while ((code = LibCrypto.ERR_get_error()) != 0) {
                LibCrypto.ERR_error_string_n(code, buf, 256);
                if (!out.isEmpty()) {
                    out.append("; ");
                }
                out.append(buf.getString(0));
            }
        }
        return out.isEmpty() ? "no error detail" : out.toString();
    }

    /** Reason code of a packed error ({@code ERR_GET_REASON} in err.h). */
    public static int errorReason(int packedError) {
        return packedError & 0xfff;
    }

    /** Library code of a packed error ({@code ERR_GET_LIB} in err.h). */
    public static int errorLibrary(int packedError) {
        return (packedError >>> 24) & 0xff;
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("BoringSSL call failed", t);
    }
}
