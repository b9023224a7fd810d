package io.zeroserve.ffi.boringssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoringSslBindingsTest {
    @Test
    void everyDeclaredSymbolLinks() {
        // Class initialisation links every handle; a missing symbol fails here with its name.
        assertNotEquals(MemorySegment.NULL, LibSsl.TLS_method());
        assertNotEquals(MemorySegment.NULL, LibCrypto.BIO_s_mem());
        LibCrypto.ERR_clear_error();
        assertEquals("no error detail", BoringSsl.drainErrors());
    }

    @Test
    void tls13OnlyContextAndMemoryBio() {
        MemorySegment ctx = LibSsl.SSL_CTX_new(LibSsl.TLS_method());
        try {
            assertEquals(1, LibSsl.SSL_CTX_set_min_proto_version(ctx, LibSsl.TLS1_3_VERSION));
            MemorySegment bio = LibCrypto.BIO_new(LibCrypto.BIO_s_mem());
            byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
            assertEquals(5, LibCrypto.BIO_write_critical(bio, MemorySegment.ofArray(data), 5));
            assertEquals(5, LibCrypto.BIO_pending(bio));
            byte[] back = new byte[8];
            assertEquals(5, LibCrypto.BIO_read_critical(bio, MemorySegment.ofArray(back), 8));
            assertEquals("hello", new String(back, 0, 5, StandardCharsets.US_ASCII));
            LibCrypto.BIO_free(bio);
        } finally {
            LibSsl.SSL_CTX_free(ctx);
        }
    }

    @Test
    void errorQueueIsReadable() {
        try (Arena arena = Arena.ofConfined()) {
            byte[] junk = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".getBytes();
            MemorySegment buf = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, junk);
            MemorySegment bio = LibCrypto.BIO_new_mem_buf(buf, junk.length);
            MemorySegment key = LibCrypto.PEM_read_bio_PrivateKey(bio, MemorySegment.NULL, MemorySegment.NULL,
                    MemorySegment.NULL);
            LibCrypto.BIO_free(bio);
            assertEquals(MemorySegment.NULL, key);
            String errors = BoringSsl.drainErrors();
            assertTrue(errors.startsWith("error:"), errors);
        }
    }

    /** The hand-written SSL_CLIENT_HELLO layout must match the C compiler's view of the header. */
    @Test
    void clientHelloLayoutMatchesHeader(@TempDir Path dir) throws IOException, InterruptedException {
        String compiler = List.of("/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang", "/usr/bin/clang-19").stream()
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        assumeTrue(compiler != null, "no C compiler to read the header with");
        assumeTrue(Files.exists(Path.of("/usr/include/android/openssl/ssl.h")), "android-libboringssl-dev missing");
        Path src = dir.resolve("layout.c");
        Files.writeString(src, """
                #include <stddef.h>
                #include <stdio.h>
                #include <openssl/ssl.h>
                int main(void) {
                  printf("%zu %zu %zu %zu %zu %zu\\n", sizeof(SSL_CLIENT_HELLO),
                         offsetof(SSL_CLIENT_HELLO, ssl), offsetof(SSL_CLIENT_HELLO, client_hello),
                         offsetof(SSL_CLIENT_HELLO, client_hello_len), offsetof(SSL_CLIENT_HELLO, extensions),
                         offsetof(SSL_CLIENT_HELLO, extensions_len));
                  return 0;
                }
                """);
        Path exe = dir.resolve("layout");
        Process cc = new ProcessBuilder(compiler, "-I/usr/include/android", "-o", exe.toString(), src.toString())
                .redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes());
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, ccOut);
        Process run = new ProcessBuilder(exe.toString()).start();
        String out = new String(run.getInputStream().readAllBytes()).trim();
        run.waitFor(10, TimeUnit.SECONDS);
        String expected = SslClientHello.LAYOUT.byteSize() + " " + SslClientHello.OFFSET_SSL + " "
                + SslClientHello.OFFSET_CLIENT_HELLO + " " + SslClientHello.OFFSET_CLIENT_HELLO_LEN + " "
                + SslClientHello.OFFSET_EXTENSIONS + " " + SslClientHello.OFFSET_EXTENSIONS_LEN;
        assertEquals(out, expected);
    }
}
