package io.zeroserve.ffi.boringssl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code SSL_CLIENT_HELLO}, the argument of the select-certificate callback (ssl.h, BoringSSL API 17):
 * <pre>
 * struct ssl_early_callback_ctx {
 *   SSL *ssl;
 *   const uint8_t *client_hello;   size_t client_hello_len;
 *   uint16_t version;
 *   const uint8_t *random;         size_t random_len;
 *   const uint8_t *session_id;     size_t session_id_len;
 *   const uint8_t *cipher_suites;  size_t cipher_suites_len;
 *   const uint8_t *compression_methods; size_t compression_methods_len;
 *   const uint8_t *extensions;     size_t extensions_len;
 * };
 * </pre>
 * Valid only during the callback. With ECH accepted, it describes the decrypted inner ClientHello.
 */
public final class SslClientHello {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ADDRESS.withName("ssl"),
            ADDRESS.withName("client_hello"),
            JAVA_LONG.withName("client_hello_len"),
            JAVA_SHORT.withName("version"),
            MemoryLayout.paddingLayout(6),
            ADDRESS.withName("random"),
            JAVA_LONG.withName("random_len"),
            ADDRESS.withName("session_id"),
            JAVA_LONG.withName("session_id_len"),
            ADDRESS.withName("cipher_suites"),
            JAVA_LONG.withName("cipher_suites_len"),
            ADDRESS.withName("compression_methods"),
            JAVA_LONG.withName("compression_methods_len"),
            ADDRESS.withName("extensions"),
            JAVA_LONG.withName("extensions_len"));

    public static final long OFFSET_SSL = offset("ssl");
    public static final long OFFSET_CLIENT_HELLO = offset("client_hello");
    public static final long OFFSET_CLIENT_HELLO_LEN = offset("client_hello_len");
    public static final long OFFSET_EXTENSIONS = offset("extensions");
    public static final long OFFSET_EXTENSIONS_LEN = offset("extensions_len");

    private SslClientHello() {
    }

    private static long offset(String name) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(name));
    }

    /** Views the callback's pointer argument as the struct. */
    public static MemorySegment of(MemorySegment pointer) {
        return pointer.reinterpret(LAYOUT.byteSize());
    }

    public static MemorySegment ssl(MemorySegment hello) {
        return hello.get(ADDRESS, OFFSET_SSL);
    }

    /** The ClientHello message body (after the 4-byte handshake header). */
    public static byte[] clientHelloBytes(MemorySegment hello) {
        MemorySegment p = hello.get(ADDRESS, OFFSET_CLIENT_HELLO);
        long len = hello.get(JAVA_LONG, OFFSET_CLIENT_HELLO_LEN);
        return p.reinterpret(len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** The extensions block (without its 2-byte length). */
    public static byte[] extensionBytes(MemorySegment hello) {
        MemorySegment p = hello.get(ADDRESS, OFFSET_EXTENSIONS);
        long len = hello.get(JAVA_LONG, OFFSET_EXTENSIONS_LEN);
        return p.reinterpret(len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }
}
