package io.zeroserve.tls;

import io.zeroserve.ffi.boringssl.BoringSsl;
import io.zeroserve.ffi.boringssl.LibCrypto;
import io.zeroserve.ffi.boringssl.LibSsl;
import io.zeroserve.ffi.boringssl.SslClientHello;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The C callbacks our {@code SSL_CTX}s install, as FFM upcall stubs made once per JVM.
 *
 * <p>BoringSSL calls them synchronously from inside {@code SSL_do_handshake} on the thread driving that
 * {@code SSL}, so each finds its connection in {@link #ACTIVE} by the {@code SSL*} address. WARNING: an exception
 * escaping an upcall ends the JVM; every callback catches everything and turns it into BoringSSL's error return,
 * after recording the cause on the socket for the handshake's error message.
 */
final class Callbacks {
    /** Connections between {@code SSL_new} and the end of their handshake, by {@code SSL*} address. */
    static final ConcurrentHashMap<Long, TlsSocket> ACTIVE = new ConcurrentHashMap<>();

    static final MemorySegment SELECT_CERTIFICATE;
    static final MemorySegment ALPN_SELECT;
    static final MemorySegment TICKET_KEY;
    static final MemorySegment ACCEPT_ANY_CLIENT_CERTIFICATE;

    static {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        Arena arena = Arena.global();
        SELECT_CERTIFICATE = BoringSsl.upcallStub(lookup, Callbacks.class, "selectCertificate",
                LibSsl.SELECT_CERTIFICATE_CB, arena);
        ALPN_SELECT = BoringSsl.upcallStub(lookup, Callbacks.class, "alpnSelect", LibSsl.ALPN_SELECT_CB, arena);
        TICKET_KEY = BoringSsl.upcallStub(lookup, Callbacks.class, "ticketKey", LibSsl.TICKET_KEY_CB, arena);
        ACCEPT_ANY_CLIENT_CERTIFICATE = BoringSsl.upcallStub(lookup, Callbacks.class, "acceptClientCertificate",
                LibSsl.CUSTOM_VERIFY_CB, arena);
    }

    private Callbacks() {
    }

    /** {@code select_certificate_cb}: reads the (inner, when ECH was accepted) SNI and sets the chain and key. */
    static int selectCertificate(MemorySegment helloPointer) {
        TlsSocket socket = null;
        try {
            MemorySegment hello = SslClientHello.of(helloPointer);
            MemorySegment ssl = SslClientHello.ssl(hello);
            socket = ACTIVE.get(ssl.address());
            if (socket == null) {
                return LibSsl.ssl_select_cert_error;
            }
            String serverName = serverName(hello);
            CertificateStore.Entry entry = socket.chooseCertificate(serverName);
            if (LibSsl.SSL_set_chain_and_key(ssl, entry.nativeChain(), entry.chain().size(), entry.privateKey(),
                    MemorySegment.NULL) != 1) {
                socket.callbackFailed(new IllegalStateException("SSL_set_chain_and_key: " + BoringSsl.drainErrors()));
                return LibSsl.ssl_select_cert_error;
            }
            return LibSsl.ssl_select_cert_success;
        } catch (Throwable t) {
            if (socket != null) {
                socket.callbackFailed(t);
            }
            return LibSsl.ssl_select_cert_error;
        }
    }

    private static String serverName(MemorySegment hello) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment data = tmp.allocate(ValueLayout.ADDRESS);
            MemorySegment len = tmp.allocate(ValueLayout.JAVA_LONG);
            if (LibSsl.SSL_early_callback_ctx_extension_get(hello, (short) ClientHello.EXT_SERVER_NAME, data,
                    len) != 1) {
                return null;
            }
            byte[] ext = data.get(ValueLayout.ADDRESS, 0).reinterpret(len.get(ValueLayout.JAVA_LONG, 0))
                    .toArray(ValueLayout.JAVA_BYTE);
            // server_name extension body: list length (2), then name_type (1), length (2), host_name.
            int pos = 2;
            while (pos + 3 <= ext.length) {
                int type = ext[pos] & 0xff;
                int n = ((ext[pos + 1] & 0xff) << 8) | (ext[pos + 2] & 0xff);
                if (pos + 3 + n > ext.length) {
                    return null;
                }
                if (type == 0) {
                    return new String(ext, pos + 3, n, java.nio.charset.StandardCharsets.US_ASCII);
                }
                pos += 3 + n;
            }
            return null;
        }
    }

    /** ALPN select callback: the first of the server's protocols that the client offered. */
    static int alpnSelect(MemorySegment ssl, MemorySegment out, MemorySegment outLen, MemorySegment in, int inLen,
                          MemorySegment arg) {
        try {
            TlsSocket socket = ACTIVE.get(ssl.address());
            if (socket == null) {
                return LibSsl.SSL_TLSEXT_ERR_NOACK;
            }
            MemorySegment offered = in.reinterpret(inLen);
            byte[] list = offered.toArray(ValueLayout.JAVA_BYTE);
            for (byte[] wanted : socket.context().alpnWire()) {
                int pos = 0;
                while (pos < list.length) {
                    int n = list[pos] & 0xff;
                    if (pos + 1 + n > list.length) {
                        break;
                    }
                    if (n == wanted.length && java.util.Arrays.equals(list, pos + 1, pos + 1 + n, wanted, 0, n)) {
                        out.reinterpret(ValueLayout.ADDRESS.byteSize()).set(ValueLayout.ADDRESS, 0,
                                offered.asSlice(pos + 1));
                        outLen.reinterpret(1).set(ValueLayout.JAVA_BYTE, 0, (byte) n);
                        return LibSsl.SSL_TLSEXT_ERR_OK;
                    }
                    pos += 1 + n;
                }
            }
            // Nothing in common: carry on without ALPN (the connection then speaks HTTP/1.1).
            return LibSsl.SSL_TLSEXT_ERR_NOACK;
        } catch (Throwable t) {
            return LibSsl.SSL_TLSEXT_ERR_NOACK;
        }
    }

    /**
     * Ticket key callback (AES-128-CBC + HMAC-SHA256, see ssl.h): encrypt mode returns 1 or -1; decrypt mode 1
     * (current key), 2 (previous key: renew the ticket), 0 (unknown key: full handshake) or -1.
     */
    static int ticketKey(MemorySegment ssl, MemorySegment keyName, MemorySegment iv, MemorySegment cipherCtx,
                         MemorySegment hmacCtx, int encrypt) {
        try {
            TlsSocket socket = ACTIVE.get(ssl.address());
            if (socket == null) {
                return encrypt == 1 ? -1 : 0;
            }
            TicketKeys keys = socket.context().ticketKeys();
            MemorySegment name = keyName.reinterpret(LibSsl.SSL_TICKET_KEY_NAME_LEN);
            MemorySegment ivSeg = iv.reinterpret(16);
            TicketKeys.Key key;
            if (encrypt == 1) {
                key = keys.current();
                MemorySegment.copy(key.name(), 0, name, ValueLayout.JAVA_BYTE, 0, 16);
                LibCrypto.RAND_bytes(ivSeg, 16);
            } else {
                key = keys.find(name.toArray(ValueLayout.JAVA_BYTE));
                if (key == null) {
                    return 0;
                }
            }
            try (Arena tmp = Arena.ofConfined()) {
                MemorySegment aes = tmp.allocateFrom(ValueLayout.JAVA_BYTE, key.aesKey());
                MemorySegment hmac = tmp.allocateFrom(ValueLayout.JAVA_BYTE, key.hmacKey());
                int ok = encrypt == 1
                        ? LibCrypto.EVP_EncryptInit_ex(cipherCtx, LibCrypto.EVP_aes_128_cbc(), MemorySegment.NULL,
                        aes, ivSeg)
                        : LibCrypto.EVP_DecryptInit_ex(cipherCtx, LibCrypto.EVP_aes_128_cbc(), MemorySegment.NULL,
                        aes, ivSeg);
                if (ok != 1 || LibCrypto.HMAC_Init_ex(hmacCtx, hmac, 16, LibCrypto.EVP_sha256(),
                        MemorySegment.NULL) != 1) {
                    return -1;
                }
                aes.fill((byte) 0);
                hmac.fill((byte) 0);
            }
            if (encrypt == 1) {
                return 1;
            }
            return keys.isCurrent(key) ? 1 : 2;
        } catch (Throwable t) {
            return -1;
        }
    }

    /**
     * Custom verify callback used when client certificates are requested: accept whatever chain the client sent;
     * it is exposed to scripts as facts, and judging it is their job.
     */
    static int acceptClientCertificate(MemorySegment ssl, MemorySegment outAlert) {
        return LibSsl.ssl_verify_ok;
    }
}
