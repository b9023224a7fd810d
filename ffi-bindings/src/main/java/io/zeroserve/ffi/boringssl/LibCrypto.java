package io.zeroserve.ffi.boringssl;

import static io.zeroserve.ffi.boringssl.BoringSsl.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into {@code libcrypto.so.0}: error queue, memory BIOs, keys, certificate buffers, HPKE keys, and the
 * primitives a session-ticket key callback needs. Headers: {@code /usr/include/android/openssl/}.
 * Conventions: see the package documentation.
 */
public final class LibCrypto {
    private static final SymbolLookup LIB = BoringSsl.open(BoringSsl.LIBCRYPTO_PATH);

    private LibCrypto() {
    }

    private static MethodHandle fn(String name, FunctionDescriptor d) {
        return BoringSsl.downcall(LIB, name, d);
    }

    private static MethodHandle critical(String name, FunctionDescriptor d) {
        return BoringSsl.downcall(LIB, name, d, Linker.Option.critical(true));
    }

    // ---- err.h

    private static final MethodHandle ERR_get_error = fn("ERR_get_error", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle ERR_peek_last_error =
            fn("ERR_peek_last_error", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle ERR_error_string_n =
            fn("ERR_error_string_n", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle ERR_clear_error = fn("ERR_clear_error", FunctionDescriptor.ofVoid());

    /** {@code uint32_t ERR_get_error(void)} */
    public static int ERR_get_error() {
        try {
            return (int) ERR_get_error.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code uint32_t ERR_peek_last_error(void)} */
    public static int ERR_peek_last_error() {
        try {
            return (int) ERR_peek_last_error.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code char *ERR_error_string_n(uint32_t packed_error, char *buf, size_t len)} */
    public static MemorySegment ERR_error_string_n(int packedError, MemorySegment buf, long len) {
        try {
            return (MemorySegment) ERR_error_string_n.invokeExact(packedError, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void ERR_clear_error(void)} */
    public static void ERR_clear_error() {
        try {
            ERR_clear_error.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- mem.h

    private static final MethodHandle OPENSSL_free = fn("OPENSSL_free", FunctionDescriptor.ofVoid(ADDRESS));

    /** {@code void OPENSSL_free(void *ptr)} */
    public static void OPENSSL_free(MemorySegment ptr) {
        try {
            OPENSSL_free.invokeExact(ptr);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- bio.h

    private static final MethodHandle BIO_s_mem = fn("BIO_s_mem", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle BIO_new = fn("BIO_new", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle BIO_new_mem_buf =
            fn("BIO_new_mem_buf", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle BIO_free = fn("BIO_free", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle BIO_read_critical =
            critical("BIO_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle BIO_write_critical =
            critical("BIO_write", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle BIO_pending = fn("BIO_pending", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    private static final MethodHandle BIO_set_mem_eof_return =
            fn("BIO_set_mem_eof_return", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    /** {@code const BIO_METHOD *BIO_s_mem(void)} */
    public static MemorySegment BIO_s_mem() {
        try {
            return (MemorySegment) BIO_s_mem.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code BIO *BIO_new(const BIO_METHOD *method)} */
    public static MemorySegment BIO_new(MemorySegment method) {
        try {
            return (MemorySegment) BIO_new.invokeExact(method);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code BIO *BIO_new_mem_buf(const void *buf, int len)}: read-only, does not copy {@code buf}. */
    public static MemorySegment BIO_new_mem_buf(MemorySegment buf, int len) {
        try {
            return (MemorySegment) BIO_new_mem_buf.invokeExact(buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int BIO_free(BIO *bio)} */
    public static int BIO_free(MemorySegment bio) {
        try {
            return (int) BIO_free.invokeExact(bio);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int BIO_read(BIO *bio, void *data, int len)}, heap segment allowed (memory BIOs only). */
    public static int BIO_read_critical(MemorySegment bio, MemorySegment data, int len) {
        try {
            return (int) BIO_read_critical.invokeExact(bio, data, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int BIO_write(BIO *bio, const void *data, int len)}, heap segment allowed (memory BIOs only). */
    public static int BIO_write_critical(MemorySegment bio, MemorySegment data, int len) {
        try {
            return (int) BIO_write_critical.invokeExact(bio, data, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code size_t BIO_pending(const BIO *bio)} */
    public static long BIO_pending(MemorySegment bio) {
        try {
            return (long) BIO_pending.invokeExact(bio);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int BIO_set_mem_eof_return(BIO *bio, int eof_value)} */
    public static int BIO_set_mem_eof_return(MemorySegment bio, int eofValue) {
        try {
            return (int) BIO_set_mem_eof_return.invokeExact(bio, eofValue);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- pem.h / evp.h

    private static final MethodHandle PEM_read_bio_PrivateKey = fn("PEM_read_bio_PrivateKey",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle EVP_PKEY_free = fn("EVP_PKEY_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle i2d_PUBKEY = fn("i2d_PUBKEY", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    /**
     * {@code EVP_PKEY *PEM_read_bio_PrivateKey(BIO *bp, EVP_PKEY **x, pem_password_cb *cb, void *u)}: reads
     * PKCS#8, SEC1 ({@code EC PRIVATE KEY}) and PKCS#1 ({@code RSA PRIVATE KEY}) blocks.
     */
    public static MemorySegment PEM_read_bio_PrivateKey(MemorySegment bio, MemorySegment x, MemorySegment cb,
                                                        MemorySegment u) {
        try {
            return (MemorySegment) PEM_read_bio_PrivateKey.invokeExact(bio, x, cb, u);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void EVP_PKEY_free(EVP_PKEY *pkey)} */
    public static void EVP_PKEY_free(MemorySegment pkey) {
        try {
            EVP_PKEY_free.invokeExact(pkey);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code int i2d_PUBKEY(const EVP_PKEY *pkey, uint8_t **outp)}: DER SubjectPublicKeyInfo. With {@code outp}
     * NULL returns the length only; otherwise writes at {@code *outp} and advances it.
     */
    public static int i2d_PUBKEY(MemorySegment pkey, MemorySegment outp) {
        try {
            return (int) i2d_PUBKEY.invokeExact(pkey, outp);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- pool.h / stack.h

    private static final MethodHandle CRYPTO_BUFFER_new =
            fn("CRYPTO_BUFFER_new", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle CRYPTO_BUFFER_free =
            fn("CRYPTO_BUFFER_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle CRYPTO_BUFFER_data =
            fn("CRYPTO_BUFFER_data", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle CRYPTO_BUFFER_len =
            fn("CRYPTO_BUFFER_len", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    private static final MethodHandle sk_num = fn("sk_num", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    private static final MethodHandle sk_value = fn("sk_value", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));

    /** {@code CRYPTO_BUFFER *CRYPTO_BUFFER_new(const uint8_t *data, size_t len, CRYPTO_BUFFER_POOL *pool)}: copies. */
    public static MemorySegment CRYPTO_BUFFER_new(MemorySegment data, long len, MemorySegment pool) {
        try {
            return (MemorySegment) CRYPTO_BUFFER_new.invokeExact(data, len, pool);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void CRYPTO_BUFFER_free(CRYPTO_BUFFER *buf)}: drops one reference. */
    public static void CRYPTO_BUFFER_free(MemorySegment buf) {
        try {
            CRYPTO_BUFFER_free.invokeExact(buf);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code const uint8_t *CRYPTO_BUFFER_data(const CRYPTO_BUFFER *buf)} */
    public static MemorySegment CRYPTO_BUFFER_data(MemorySegment buf) {
        try {
            return (MemorySegment) CRYPTO_BUFFER_data.invokeExact(buf);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code size_t CRYPTO_BUFFER_len(const CRYPTO_BUFFER *buf)} */
    public static long CRYPTO_BUFFER_len(MemorySegment buf) {
        try {
            return (long) CRYPTO_BUFFER_len.invokeExact(buf);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code size_t sk_num(const _STACK *sk)}: what every {@code sk_TYPE_num} macro expands to. */
    public static long sk_num(MemorySegment stack) {
        try {
            return (long) sk_num.invokeExact(stack);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void *sk_value(const _STACK *sk, size_t i)} */
    public static MemorySegment sk_value(MemorySegment stack, long i) {
        try {
            return (MemorySegment) sk_value.invokeExact(stack, i);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- rand.h

    private static final MethodHandle RAND_bytes = fn("RAND_bytes", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

    /** {@code int RAND_bytes(uint8_t *buf, size_t len)}: always returns one. */
    public static int RAND_bytes(MemorySegment buf, long len) {
        try {
            return (int) RAND_bytes.invokeExact(buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- hpke.h

    private static final MethodHandle EVP_hpke_x25519_hkdf_sha256 =
            fn("EVP_hpke_x25519_hkdf_sha256", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle EVP_HPKE_KEY_new = fn("EVP_HPKE_KEY_new", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle EVP_HPKE_KEY_free = fn("EVP_HPKE_KEY_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle EVP_HPKE_KEY_generate =
            fn("EVP_HPKE_KEY_generate", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle EVP_HPKE_KEY_init =
            fn("EVP_HPKE_KEY_init", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle EVP_HPKE_KEY_private_key = fn("EVP_HPKE_KEY_private_key",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle EVP_HPKE_KEY_public_key = fn("EVP_HPKE_KEY_public_key",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));

    /** {@code const EVP_HPKE_KEM *EVP_hpke_x25519_hkdf_sha256(void)}: KEM id 0x0020. */
    public static MemorySegment EVP_hpke_x25519_hkdf_sha256() {
        try {
            return (MemorySegment) EVP_hpke_x25519_hkdf_sha256.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code EVP_HPKE_KEY *EVP_HPKE_KEY_new(void)} */
    public static MemorySegment EVP_HPKE_KEY_new() {
        try {
            return (MemorySegment) EVP_HPKE_KEY_new.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void EVP_HPKE_KEY_free(EVP_HPKE_KEY *key)} */
    public static void EVP_HPKE_KEY_free(MemorySegment key) {
        try {
            EVP_HPKE_KEY_free.invokeExact(key);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int EVP_HPKE_KEY_generate(EVP_HPKE_KEY *key, const EVP_HPKE_KEM *kem)} */
    public static int EVP_HPKE_KEY_generate(MemorySegment key, MemorySegment kem) {
        try {
            return (int) EVP_HPKE_KEY_generate.invokeExact(key, kem);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int EVP_HPKE_KEY_init(EVP_HPKE_KEY *key, const EVP_HPKE_KEM *kem, const uint8_t *priv, size_t len)} */
    public static int EVP_HPKE_KEY_init(MemorySegment key, MemorySegment kem, MemorySegment priv, long len) {
        try {
            return (int) EVP_HPKE_KEY_init.invokeExact(key, kem, priv, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int EVP_HPKE_KEY_private_key(const EVP_HPKE_KEY *key, uint8_t *out, size_t *out_len, size_t max)} */
    public static int EVP_HPKE_KEY_private_key(MemorySegment key, MemorySegment out, MemorySegment outLen, long max) {
        try {
            return (int) EVP_HPKE_KEY_private_key.invokeExact(key, out, outLen, max);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int EVP_HPKE_KEY_public_key(const EVP_HPKE_KEY *key, uint8_t *out, size_t *out_len, size_t max)} */
    public static int EVP_HPKE_KEY_public_key(MemorySegment key, MemorySegment out, MemorySegment outLen, long max) {
        try {
            return (int) EVP_HPKE_KEY_public_key.invokeExact(key, out, outLen, max);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- cipher.h / digest.h / hmac.h (for SSL_CTX_set_tlsext_ticket_key_cb)

    private static final MethodHandle EVP_aes_128_cbc = fn("EVP_aes_128_cbc", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle EVP_sha256 = fn("EVP_sha256", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle EVP_EncryptInit_ex = fn("EVP_EncryptInit_ex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle EVP_DecryptInit_ex = fn("EVP_DecryptInit_ex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle HMAC_Init_ex =
            fn("HMAC_Init_ex", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));

    /** {@code const EVP_CIPHER *EVP_aes_128_cbc(void)} */
    public static MemorySegment EVP_aes_128_cbc() {
        try {
            return (MemorySegment) EVP_aes_128_cbc.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code const EVP_MD *EVP_sha256(void)} */
    public static MemorySegment EVP_sha256() {
        try {
            return (MemorySegment) EVP_sha256.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int EVP_EncryptInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, ENGINE *impl, key, iv)} */
    public static int EVP_EncryptInit_ex(MemorySegment ctx, MemorySegment cipher, MemorySegment engine,
                                         MemorySegment key, MemorySegment iv) {
        try {
            return (int) EVP_EncryptInit_ex.invokeExact(ctx, cipher, engine, key, iv);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int EVP_DecryptInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, ENGINE *impl, key, iv)} */
    public static int EVP_DecryptInit_ex(MemorySegment ctx, MemorySegment cipher, MemorySegment engine,
                                         MemorySegment key, MemorySegment iv) {
        try {
            return (int) EVP_DecryptInit_ex.invokeExact(ctx, cipher, engine, key, iv);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int HMAC_Init_ex(HMAC_CTX *ctx, const void *key, size_t key_len, const EVP_MD *md, ENGINE *impl)} */
    public static int HMAC_Init_ex(MemorySegment ctx, MemorySegment key, long keyLen, MemorySegment md,
                                   MemorySegment engine) {
        try {
            return (int) HMAC_Init_ex.invokeExact(ctx, key, keyLen, md, engine);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
