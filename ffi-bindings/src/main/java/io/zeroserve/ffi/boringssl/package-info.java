/**
 * FFM bindings for BoringSSL as packaged by Debian ({@code android-libboringssl}, Android 13 snapshot,
 * {@code BORINGSSL_API_VERSION} 17): {@link io.zeroserve.ffi.boringssl.LibSsl} and
 * {@link io.zeroserve.ffi.boringssl.LibCrypto}, one holder class per C library, loaded by absolute path.
 *
 * <p>Conventions, written once here:
 * <ul>
 *   <li>Methods keep their C names and C argument order. Pointers are {@link java.lang.foreign.MemorySegment}s;
 *       {@code NULL} is {@link java.lang.foreign.MemorySegment#NULL}. Returned pointers are zero-length segments:
 *       reinterpret them to read.</li>
 *   <li>No method checks return codes or owns memory: the caller (package {@code io.zeroserve.tls}) does both.
 *       {@link io.zeroserve.ffi.boringssl.BoringSsl#drainErrors()} turns the thread's error queue into text.</li>
 *   <li>Methods suffixed {@code _critical} take heap segments ({@code MemorySegment.ofArray}) and are linked with
 *       {@code Linker.Option.critical(true)}. WARNING: call them only where the C function cannot call back into
 *       Java and cannot block (memory BIOs; {@code SSL_read}/{@code SSL_write} on a server after its handshake).</li>
 *   <li>Callback types are given as {@link java.lang.foreign.FunctionDescriptor} constants beside the setter that
 *       takes them; {@link io.zeroserve.ffi.boringssl.BoringSsl#upcallStub} makes the stub. An upcall must never
 *       throw: an exception escaping into C ends the JVM.</li>
 * </ul>
 */
package io.zeroserve.ffi.boringssl;
