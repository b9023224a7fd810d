package io.zeroserve.ffi.boringssl;

import static io.zeroserve.ffi.boringssl.BoringSsl.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into {@code libssl.so.0} ({@code /usr/include/android/openssl/ssl.h}): contexts, connections over
 * BIOs, the server callbacks we install (certificate selection, ALPN, ticket keys, client certificates), ECH on
 * both sides, and the few client calls the tests use. Conventions: see the package documentation.
 */
public final class LibSsl {
    private static final SymbolLookup LIB = BoringSsl.open(BoringSsl.LIBSSL_PATH);

    private LibSsl() {
    }

    // ---- constants (ssl.h)

    public static final short TLS1_2_VERSION = 0x0303;
    public static final short TLS1_3_VERSION = 0x0304;

    public static final int SSL_ERROR_NONE = 0;
    public static final int SSL_ERROR_SSL = 1;
    public static final int SSL_ERROR_WANT_READ = 2;
    public static final int SSL_ERROR_WANT_WRITE = 3;
    public static final int SSL_ERROR_SYSCALL = 5;
    public static final int SSL_ERROR_ZERO_RETURN = 6;

    public static final int SSL_SESS_CACHE_OFF = 0x0000;
    public static final int SSL_SESS_CACHE_CLIENT = 0x0001;
    public static final int SSL_SESS_CACHE_SERVER = 0x0002;

    public static final int SSL_TLSEXT_ERR_OK = 0;
    public static final int SSL_TLSEXT_ERR_ALERT_FATAL = 2;
    public static final int SSL_TLSEXT_ERR_NOACK = 3;

    public static final int SSL_VERIFY_NONE = 0x00;
    public static final int SSL_VERIFY_PEER = 0x01;

    /** {@code enum ssl_verify_result_t} */
    public static final int ssl_verify_ok = 0;
    public static final int ssl_verify_invalid = 1;

    /** {@code enum ssl_select_cert_result_t} */
    public static final int ssl_select_cert_success = 1;
    public static final int ssl_select_cert_error = -1;

    public static final int TLSEXT_NAMETYPE_host_name = 0;
    /** {@code SSL_TICKET_KEY_NAME_LEN} */
    public static final int SSL_TICKET_KEY_NAME_LEN = 16;

    /** {@code SSL_AD_*} alert codes (RFC 8446 section 6). */
    public static final int SSL_AD_HANDSHAKE_FAILURE = 40;
    public static final int SSL_AD_UNRECOGNIZED_NAME = 112;
    public static final int SSL_AD_INTERNAL_ERROR = 80;

    /** Reason codes ({@code SSL_R_*}) the engine and tests recognise. */
    public static final int SSL_R_UNSUPPORTED_PROTOCOL = 240;
    public static final int SSL_R_WRONG_VERSION_NUMBER = 247;
    public static final int SSL_R_ECH_REJECTED = 319;
    public static final int SSL_R_TLSV1_ALERT_PROTOCOL_VERSION = 1070;

    // ---- callback types

    /** {@code enum ssl_select_cert_result_t (*cb)(const SSL_CLIENT_HELLO *)} */
    public static final FunctionDescriptor SELECT_CERTIFICATE_CB = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    /**
     * {@code int (*cb)(SSL *ssl, const uint8_t **out, uint8_t *out_len, const uint8_t *in, unsigned in_len,
     * void *arg)}
     */
    public static final FunctionDescriptor ALPN_SELECT_CB =
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
    /**
     * {@code int (*callback)(SSL *ssl, uint8_t *key_name, uint8_t *iv, EVP_CIPHER_CTX *ctx, HMAC_CTX *hmac_ctx,
     * int encrypt)}
     */
    public static final FunctionDescriptor TICKET_KEY_CB =
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT);
    /** {@code enum ssl_verify_result_t (*callback)(SSL *ssl, uint8_t *out_alert)} */
    public static final FunctionDescriptor CUSTOM_VERIFY_CB = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    /** {@code int (*new_session_cb)(SSL *ssl, SSL_SESSION *session)}: return 1 to keep the reference. */
    public static final FunctionDescriptor NEW_SESSION_CB = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);

    private static MethodHandle fn(String name, FunctionDescriptor d) {
        return BoringSsl.downcall(LIB, name, d);
    }

    private static MethodHandle critical(String name, FunctionDescriptor d) {
        return BoringSsl.downcall(LIB, name, d, Linker.Option.critical(true));
    }

    // ---- SSL_CTX

    private static final MethodHandle TLS_method = fn("TLS_method", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle SSL_CTX_new = fn("SSL_CTX_new", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle SSL_CTX_free = fn("SSL_CTX_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle SSL_CTX_set_min_proto_version =
            fn("SSL_CTX_set_min_proto_version", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    private static final MethodHandle SSL_CTX_set_max_proto_version =
            fn("SSL_CTX_set_max_proto_version", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    private static final MethodHandle SSL_CTX_set_alpn_select_cb =
            fn("SSL_CTX_set_alpn_select_cb", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle SSL_CTX_set_select_certificate_cb =
            fn("SSL_CTX_set_select_certificate_cb", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    private static final MethodHandle SSL_CTX_set_tlsext_ticket_key_cb =
            fn("SSL_CTX_set_tlsext_ticket_key_cb", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SSL_CTX_set_session_cache_mode =
            fn("SSL_CTX_set_session_cache_mode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SSL_CTX_set_num_tickets =
            fn("SSL_CTX_set_num_tickets", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle SSL_CTX_set_custom_verify =
            fn("SSL_CTX_set_custom_verify", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle SSL_CTX_set1_ech_keys =
            fn("SSL_CTX_set1_ech_keys", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SSL_CTX_sess_set_new_cb =
            fn("SSL_CTX_sess_set_new_cb", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    private static final MethodHandle SSL_CTX_set_early_data_enabled =
            fn("SSL_CTX_set_early_data_enabled", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));

    /** {@code const SSL_METHOD *TLS_method(void)} */
    public static MemorySegment TLS_method() {
        try {
            return (MemorySegment) TLS_method.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code SSL_CTX *SSL_CTX_new(const SSL_METHOD *method)} */
    public static MemorySegment SSL_CTX_new(MemorySegment method) {
        try {
            return (MemorySegment) SSL_CTX_new.invokeExact(method);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void SSL_CTX_free(SSL_CTX *ctx)}: drops one reference (each {@code SSL} holds one). */
    public static void SSL_CTX_free(MemorySegment ctx) {
        try {
            SSL_CTX_free.invokeExact(ctx);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_CTX_set_min_proto_version(SSL_CTX *ctx, uint16_t version)} */
    public static int SSL_CTX_set_min_proto_version(MemorySegment ctx, short version) {
        try {
            return (int) SSL_CTX_set_min_proto_version.invokeExact(ctx, version);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_CTX_set_max_proto_version(SSL_CTX *ctx, uint16_t version)} */
    public static int SSL_CTX_set_max_proto_version(MemorySegment ctx, short version) {
        try {
            return (int) SSL_CTX_set_max_proto_version.invokeExact(ctx, version);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void SSL_CTX_set_alpn_select_cb(SSL_CTX *ctx, cb, void *arg)}; {@code cb}: {@link #ALPN_SELECT_CB}. */
    public static void SSL_CTX_set_alpn_select_cb(MemorySegment ctx, MemorySegment cb, MemorySegment arg) {
        try {
            SSL_CTX_set_alpn_select_cb.invokeExact(ctx, cb, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void SSL_CTX_set_select_certificate_cb(SSL_CTX *ctx, cb)}; {@code cb}: {@link #SELECT_CERTIFICATE_CB}. */
    public static void SSL_CTX_set_select_certificate_cb(MemorySegment ctx, MemorySegment cb) {
        try {
            SSL_CTX_set_select_certificate_cb.invokeExact(ctx, cb);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_CTX_set_tlsext_ticket_key_cb(SSL_CTX *ctx, callback)}; {@code callback}: {@link #TICKET_KEY_CB}. */
    public static int SSL_CTX_set_tlsext_ticket_key_cb(MemorySegment ctx, MemorySegment cb) {
        try {
            return (int) SSL_CTX_set_tlsext_ticket_key_cb.invokeExact(ctx, cb);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, int mode)}: returns the previous mode. */
    public static int SSL_CTX_set_session_cache_mode(MemorySegment ctx, int mode) {
        try {
            return (int) SSL_CTX_set_session_cache_mode.invokeExact(ctx, mode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_CTX_set_num_tickets(SSL_CTX *ctx, size_t num_tickets)} */
    public static int SSL_CTX_set_num_tickets(MemorySegment ctx, long numTickets) {
        try {
            return (int) SSL_CTX_set_num_tickets.invokeExact(ctx, numTickets);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void SSL_CTX_set_custom_verify(SSL_CTX *ctx, int mode, callback)}; {@link #CUSTOM_VERIFY_CB}. */
    public static void SSL_CTX_set_custom_verify(MemorySegment ctx, int mode, MemorySegment cb) {
        try {
            SSL_CTX_set_custom_verify.invokeExact(ctx, mode, cb);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_CTX_set1_ech_keys(SSL_CTX *ctx, SSL_ECH_KEYS *keys)}: takes its own reference. */
    public static int SSL_CTX_set1_ech_keys(MemorySegment ctx, MemorySegment keys) {
        try {
            return (int) SSL_CTX_set1_ech_keys.invokeExact(ctx, keys);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void SSL_CTX_sess_set_new_cb(SSL_CTX *ctx, new_session_cb)}; {@link #NEW_SESSION_CB}. */
    public static void SSL_CTX_sess_set_new_cb(MemorySegment ctx, MemorySegment cb) {
        try {
            SSL_CTX_sess_set_new_cb.invokeExact(ctx, cb);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void SSL_CTX_set_early_data_enabled(SSL_CTX *ctx, int enabled)} */
    public static void SSL_CTX_set_early_data_enabled(MemorySegment ctx, int enabled) {
        try {
            SSL_CTX_set_early_data_enabled.invokeExact(ctx, enabled);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- SSL

    private static final MethodHandle SSL_new = fn("SSL_new", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle SSL_free = fn("SSL_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle SSL_set_bio = fn("SSL_set_bio", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle SSL_set_accept_state =
            fn("SSL_set_accept_state", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle SSL_set_connect_state =
            fn("SSL_set_connect_state", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle SSL_do_handshake = fn("SSL_do_handshake", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SSL_read =
            fn("SSL_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SSL_write =
            fn("SSL_write", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SSL_read_critical =
            critical("SSL_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SSL_write_critical =
            critical("SSL_write", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SSL_get_error =
            fn("SSL_get_error", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SSL_shutdown = fn("SSL_shutdown", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SSL_get0_alpn_selected =
            fn("SSL_get0_alpn_selected", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle SSL_get_servername =
            fn("SSL_get_servername", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SSL_ech_accepted = fn("SSL_ech_accepted", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SSL_session_reused =
            fn("SSL_session_reused", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SSL_version = fn("SSL_version", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SSL_get0_peer_certificates =
            fn("SSL_get0_peer_certificates", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle SSL_set_chain_and_key = fn("SSL_set_chain_and_key",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle SSL_get_current_cipher =
            fn("SSL_get_current_cipher", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle SSL_CIPHER_standard_name =
            fn("SSL_CIPHER_standard_name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle SSL_early_callback_ctx_extension_get = fn("SSL_early_callback_ctx_extension_get",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT, ADDRESS, ADDRESS));

    /** {@code SSL *SSL_new(SSL_CTX *ctx)}: takes a reference on {@code ctx}. */
    public static MemorySegment SSL_new(MemorySegment ctx) {
        try {
            return (MemorySegment) SSL_new.invokeExact(ctx);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void SSL_free(SSL *ssl)}: also frees the BIOs handed over by {@link #SSL_set_bio}. */
    public static void SSL_free(MemorySegment ssl) {
        try {
            SSL_free.invokeExact(ssl);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void SSL_set_bio(SSL *ssl, BIO *rbio, BIO *wbio)}: takes ownership of both BIOs. */
    public static void SSL_set_bio(MemorySegment ssl, MemorySegment rbio, MemorySegment wbio) {
        try {
            SSL_set_bio.invokeExact(ssl, rbio, wbio);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void SSL_set_accept_state(SSL *ssl)} */
    public static void SSL_set_accept_state(MemorySegment ssl) {
        try {
            SSL_set_accept_state.invokeExact(ssl);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void SSL_set_connect_state(SSL *ssl)} */
    public static void SSL_set_connect_state(MemorySegment ssl) {
        try {
            SSL_set_connect_state.invokeExact(ssl);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_do_handshake(SSL *ssl)}: 1 when done; otherwise see {@link #SSL_get_error}. */
    public static int SSL_do_handshake(MemorySegment ssl) {
        try {
            return (int) SSL_do_handshake.invokeExact(ssl);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_read(SSL *ssl, void *buf, int num)} (native buffer). */
    public static int SSL_read(MemorySegment ssl, MemorySegment buf, int num) {
        try {
            return (int) SSL_read.invokeExact(ssl, buf, num);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_write(SSL *ssl, const void *buf, int num)} (native buffer). */
    public static int SSL_write(MemorySegment ssl, MemorySegment buf, int num) {
        try {
            return (int) SSL_write.invokeExact(ssl, buf, num);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@link #SSL_read} on a heap segment. Server side after the handshake only (no callbacks can run). */
    public static int SSL_read_critical(MemorySegment ssl, MemorySegment buf, int num) {
        try {
            return (int) SSL_read_critical.invokeExact(ssl, buf, num);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@link #SSL_write} on a heap segment. Server side after the handshake only (no callbacks can run). */
    public static int SSL_write_critical(MemorySegment ssl, MemorySegment buf, int num) {
        try {
            return (int) SSL_write_critical.invokeExact(ssl, buf, num);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_get_error(const SSL *ssl, int ret_code)} */
    public static int SSL_get_error(MemorySegment ssl, int ret) {
        try {
            return (int) SSL_get_error.invokeExact(ssl, ret);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_shutdown(SSL *ssl)}: queues close_notify in the write BIO. */
    public static int SSL_shutdown(MemorySegment ssl) {
        try {
            return (int) SSL_shutdown.invokeExact(ssl);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void SSL_get0_alpn_selected(const SSL *ssl, const uint8_t **out_data, unsigned *out_len)} */
    public static void SSL_get0_alpn_selected(MemorySegment ssl, MemorySegment outData, MemorySegment outLen) {
        try {
            SSL_get0_alpn_selected.invokeExact(ssl, outData, outLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code const char *SSL_get_servername(const SSL *ssl, const int type)} */
    public static MemorySegment SSL_get_servername(MemorySegment ssl, int type) {
        try {
            return (MemorySegment) SSL_get_servername.invokeExact(ssl, type);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_ech_accepted(const SSL *ssl)} */
    public static int SSL_ech_accepted(MemorySegment ssl) {
        try {
            return (int) SSL_ech_accepted.invokeExact(ssl);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_session_reused(const SSL *ssl)} */
    public static int SSL_session_reused(MemorySegment ssl) {
        try {
            return (int) SSL_session_reused.invokeExact(ssl);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_version(const SSL *ssl)} */
    public static int SSL_version(MemorySegment ssl) {
        try {
            return (int) SSL_version.invokeExact(ssl);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code const STACK_OF(CRYPTO_BUFFER) *SSL_get0_peer_certificates(const SSL *ssl)}: NULL if none. */
    public static MemorySegment SSL_get0_peer_certificates(MemorySegment ssl) {
        try {
            return (MemorySegment) SSL_get0_peer_certificates.invokeExact(ssl);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code int SSL_set_chain_and_key(SSL *ssl, CRYPTO_BUFFER *const *certs, size_t num_certs, EVP_PKEY *privkey,
     * const SSL_PRIVATE_KEY_METHOD *privkey_method)}: takes its own references.
     */
    public static int SSL_set_chain_and_key(MemorySegment ssl, MemorySegment certs, long numCerts, MemorySegment key,
                                            MemorySegment method) {
        try {
            return (int) SSL_set_chain_and_key.invokeExact(ssl, certs, numCerts, key, method);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code const SSL_CIPHER *SSL_get_current_cipher(const SSL *ssl)} */
    public static MemorySegment SSL_get_current_cipher(MemorySegment ssl) {
        try {
            return (MemorySegment) SSL_get_current_cipher.invokeExact(ssl);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code const char *SSL_CIPHER_standard_name(const SSL_CIPHER *cipher)} */
    public static MemorySegment SSL_CIPHER_standard_name(MemorySegment cipher) {
        try {
            return (MemorySegment) SSL_CIPHER_standard_name.invokeExact(cipher);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code int SSL_early_callback_ctx_extension_get(const SSL_CLIENT_HELLO *client_hello, uint16_t
     * extension_type, const uint8_t **out_data, size_t *out_len)}
     */
    public static int SSL_early_callback_ctx_extension_get(MemorySegment hello, short type, MemorySegment outData,
                                                           MemorySegment outLen) {
        try {
            return (int) SSL_early_callback_ctx_extension_get.invokeExact(hello, type, outData, outLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- ECH

    private static final MethodHandle SSL_ECH_KEYS_new = fn("SSL_ECH_KEYS_new", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle SSL_ECH_KEYS_free = fn("SSL_ECH_KEYS_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle SSL_ECH_KEYS_add = fn("SSL_ECH_KEYS_add",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle SSL_ECH_KEYS_has_duplicate_config_id =
            fn("SSL_ECH_KEYS_has_duplicate_config_id", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SSL_ECH_KEYS_marshal_retry_configs = fn("SSL_ECH_KEYS_marshal_retry_configs",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle SSL_marshal_ech_config = fn("SSL_marshal_ech_config",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_BYTE, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle SSL_set1_ech_config_list =
            fn("SSL_set1_ech_config_list", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle SSL_get0_ech_retry_configs =
            fn("SSL_get0_ech_retry_configs", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));

    /** {@code SSL_ECH_KEYS *SSL_ECH_KEYS_new(void)} */
    public static MemorySegment SSL_ECH_KEYS_new() {
        try {
            return (MemorySegment) SSL_ECH_KEYS_new.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void SSL_ECH_KEYS_free(SSL_ECH_KEYS *keys)} */
    public static void SSL_ECH_KEYS_free(MemorySegment keys) {
        try {
            SSL_ECH_KEYS_free.invokeExact(keys);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code int SSL_ECH_KEYS_add(SSL_ECH_KEYS *keys, int is_retry_config, const uint8_t *ech_config, size_t
     * ech_config_len, const EVP_HPKE_KEY *key)}: {@code ech_config} is one serialized ECHConfig; copies the key.
     */
    public static int SSL_ECH_KEYS_add(MemorySegment keys, int isRetryConfig, MemorySegment config, long configLen,
                                       MemorySegment hpkeKey) {
        try {
            return (int) SSL_ECH_KEYS_add.invokeExact(keys, isRetryConfig, config, configLen, hpkeKey);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_ECH_KEYS_has_duplicate_config_id(const SSL_ECH_KEYS *keys)} */
    public static int SSL_ECH_KEYS_has_duplicate_config_id(MemorySegment keys) {
        try {
            return (int) SSL_ECH_KEYS_has_duplicate_config_id.invokeExact(keys);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_ECH_KEYS_marshal_retry_configs(const SSL_ECH_KEYS *keys, uint8_t **out, size_t *out_len)} */
    public static int SSL_ECH_KEYS_marshal_retry_configs(MemorySegment keys, MemorySegment out, MemorySegment outLen) {
        try {
            return (int) SSL_ECH_KEYS_marshal_retry_configs.invokeExact(keys, out, outLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code int SSL_marshal_ech_config(uint8_t **out, size_t *out_len, uint8_t config_id, const EVP_HPKE_KEY *key,
     * const char *public_name, size_t max_name_len)}: the caller frees {@code *out} with {@code OPENSSL_free}.
     */
    public static int SSL_marshal_ech_config(MemorySegment out, MemorySegment outLen, byte configId,
                                             MemorySegment hpkeKey, MemorySegment publicName, long maxNameLen) {
        try {
            return (int) SSL_marshal_ech_config.invokeExact(out, outLen, configId, hpkeKey, publicName, maxNameLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_set1_ech_config_list(SSL *ssl, const uint8_t *ech_config_list, size_t len)} (client) */
    public static int SSL_set1_ech_config_list(MemorySegment ssl, MemorySegment list, long len) {
        try {
            return (int) SSL_set1_ech_config_list.invokeExact(ssl, list, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void SSL_get0_ech_retry_configs(const SSL *ssl, const uint8_t **out, size_t *out_len)} (client) */
    public static void SSL_get0_ech_retry_configs(MemorySegment ssl, MemorySegment out, MemorySegment outLen) {
        try {
            SSL_get0_ech_retry_configs.invokeExact(ssl, out, outLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- client side (used by tests and tools)

    private static final MethodHandle SSL_set_tlsext_host_name =
            fn("SSL_set_tlsext_host_name", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SSL_set_alpn_protos =
            fn("SSL_set_alpn_protos", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SSL_set_session =
            fn("SSL_set_session", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SSL_SESSION_free = fn("SSL_SESSION_free", FunctionDescriptor.ofVoid(ADDRESS));

    /** {@code int SSL_set_tlsext_host_name(SSL *ssl, const char *name)} */
    public static int SSL_set_tlsext_host_name(MemorySegment ssl, MemorySegment name) {
        try {
            return (int) SSL_set_tlsext_host_name.invokeExact(ssl, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_set_alpn_protos(SSL *ssl, const uint8_t *protos, unsigned len)}: returns ZERO on success. */
    public static int SSL_set_alpn_protos(MemorySegment ssl, MemorySegment protos, int len) {
        try {
            return (int) SSL_set_alpn_protos.invokeExact(ssl, protos, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int SSL_set_session(SSL *ssl, SSL_SESSION *session)}: takes its own reference. */
    public static int SSL_set_session(MemorySegment ssl, MemorySegment session) {
        try {
            return (int) SSL_set_session.invokeExact(ssl, session);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void SSL_SESSION_free(SSL_SESSION *session)} */
    public static void SSL_SESSION_free(MemorySegment session) {
        try {
            SSL_SESSION_free.invokeExact(session);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
